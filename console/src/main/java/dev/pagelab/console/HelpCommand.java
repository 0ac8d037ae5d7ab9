package dev.pagelab.console;

import dev.pagelab.commands.Args;
import dev.pagelab.commands.BaseCommand;
import dev.pagelab.commands.CommandError;
import dev.pagelab.commands.CommandLine;
import dev.pagelab.commands.CommandRegistry;
import dev.pagelab.commands.Session;
import dev.pagelab.commands.report.ManualReport;
import dev.pagelab.commands.report.Report;
import java.util.ArrayList;
import java.util.List;

/** {@code help [COMMAND]}: the manual pages of man/, rendered to the terminal's width. */
final class HelpCommand extends BaseCommand {
    private final CommandRegistry registry;
    private final java.util.function.IntSupplier width;

    HelpCommand(CommandRegistry registry, java.util.function.IntSupplier width) {
        super("help", Args.OptionSpec.NONE);
        this.registry = registry;
        this.width = width;
    }

    @Override
    public boolean runsOnStepThread() {
        return false;
    }

    @Override
    public List<String> complete(Session session, List<String> before, int wordIndex) {
        List<String> out = new ArrayList<>(registry.names());
        out.add("pagelab");
        return out;
    }

    @Override
    public Report run(Session session, CommandLine line) throws CommandError {
        Args a = Args.parse(line, Args.OptionSpec.NONE);
        a.atMost(1, "help [COMMAND]");
        if (a.positional().isEmpty()) return overview();
        Args.Positional w = a.positional().get(0);
        String name = w.text().equals("pagelab")
                ? "pagelab"
                : registry.describe(w.text()).name();
        ManPage page = ManPage.load(name)
                .orElseThrow(() -> CommandError.usage(
                        w.index(), "no manual page for '" + name + "'", "'help' lists the commands"));
        List<ManualReport.Line> lines = new ArrayList<>();
        for (ManPage.Line l : page.render(width.getAsInt() - 1)) {
            List<ManualReport.Span> spans = new ArrayList<>();
            for (ManPage.Span s : l.spans()) {
                ManualReport.Emphasis e = switch (s.style()) {
                    case BOLD, HEADING -> ManualReport.Emphasis.STRONG;
                    case ITALIC -> ManualReport.Emphasis.PLACEHOLDER;
                    case PLAIN -> ManualReport.Emphasis.PLAIN;
                };
                spans.add(new ManualReport.Span(s.text(), e));
            }
            lines.add(new ManualReport.Line(spans));
        }
        return new ManualReport("help", lines);
    }

    private Report overview() {
        List<ManualReport.Line> lines = new ArrayList<>();
        for (String l : dev.pagelab.console.render.TextRenderer.fill(
                "pagelab commands (help COMMAND for its page; help pagelab for the overview):", width.getAsInt() - 1)) {
            lines.add(plain(l));
        }
        int w = 0;
        for (String n : registry.names()) w = Math.max(w, n.length());
        int width = this.width.getAsInt() - 1;
        // Summaries continue under their own column; where that leaves too little room, under the names instead.
        int column = width - (w + 4) >= 24 ? w + 4 : 6;
        for (String n : registry.names()) {
            String summary = ManPage.load(n).map(ManPage::summary).orElse("(no manual page)");
            List<String> text = dev.pagelab.console.render.TextRenderer.fill(summary, width - column);
            String name = column == 6 ? "  " + n : String.format("  %-" + w + "s  ", n);
            int first = 0;
            if (column == 6) {
                lines.add(ManualReport.Line.of(new ManualReport.Span(name, ManualReport.Emphasis.STRONG)));
            } else {
                lines.add(ManualReport.Line.of(
                        new ManualReport.Span(name, ManualReport.Emphasis.STRONG),
                        new ManualReport.Span(text.get(0), ManualReport.Emphasis.PLAIN)));
                first = 1;
            }
            for (String more : text.subList(first, text.size())) lines.add(plain(" ".repeat(column) + more));
        }
        lines.add(plain("A RANGE is NAME or NAME[OFFSET:LENGTH], e.g. m1[1M:64p]."));
        lines.add(plain("Sizes: 4096, 0x1000, 4K, 2M, 1G, 1T, or pages: 256p."));
        return new ManualReport("help", lines);
    }

    private static ManualReport.Line plain(String text) {
        return ManualReport.Line.of(new ManualReport.Span(text, ManualReport.Emphasis.PLAIN));
    }
}
