package dev.pagelab.console;

import dev.pagelab.commands.Args;
import dev.pagelab.commands.BaseCommand;
import dev.pagelab.commands.Command;
import dev.pagelab.commands.CommandError;
import dev.pagelab.commands.CommandLine;
import dev.pagelab.commands.Report;
import dev.pagelab.commands.Session;
import dev.pagelab.commands.TextReport;
import java.util.ArrayList;
import java.util.List;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;

/** {@code help [COMMAND]}: the manual pages of man/, rendered to the terminal's width. */
final class HelpCommand extends BaseCommand {
    private final Shell shell;

    HelpCommand(Shell shell) {
        super("help", Args.OptionSpec.NONE);
        this.shell = shell;
    }

    @Override
    public boolean runsOnStepThread() { return false; }

    @Override
    public List<String> complete(Session session, List<String> before, int wordIndex) {
        List<String> out = new ArrayList<>(shell.registry().names());
        out.add("pagelab");
        return out;
    }

    @Override
    public Report run(Session session, CommandLine line) throws CommandError {
        Args a = Args.parse(line, Args.OptionSpec.NONE);
        a.atMost(1, "help [COMMAND]");
        if (a.positional().isEmpty()) return overview();
        Args.Positional w = a.positional().get(0);
        String name = w.text().equals("pagelab") ? "pagelab" : shell.registry().lookup(w.text()).name();
        ManPage page = ManPage.load(name).orElseThrow(() -> CommandError.usage(w.index(),
                "no manual page for '" + name + "'", "'help' lists the commands"));
        List<String> lines = new ArrayList<>();
        for (ManPage.Line l : page.render(shell.width() - 1)) {
            AttributedStringBuilder b = new AttributedStringBuilder();
            for (ManPage.Span s : l.spans()) {
                AttributedStyle st = switch (s.style()) {
                    case BOLD, HEADING -> AttributedStyle.BOLD;
                    case ITALIC -> AttributedStyle.DEFAULT.underline();
                    case PLAIN -> AttributedStyle.DEFAULT;
                };
                b.styled(st, s.text());
            }
            lines.add(shell.color() ? b.toAnsi() : b.toString());
        }
        return new TextReport("help", lines);
    }

    private Report overview() {
        List<String> lines = new ArrayList<>();
        lines.add("pagelab commands (help COMMAND for its page; help pagelab for the overview):");
        int w = 0;
        for (String n : shell.registry().names()) w = Math.max(w, n.length());
        for (String n : shell.registry().names()) {
            String summary = ManPage.load(n).map(ManPage::summary).orElse("(no manual page)");
            String head = String.format("  %-" + w + "s  ", n);
            AttributedStringBuilder b = new AttributedStringBuilder().styled(AttributedStyle.BOLD, head).append(summary);
            lines.add(shell.color() ? b.toAnsi() : b.toString());
        }
        lines.add("A RANGE is NAME or NAME[OFFSET:LENGTH], e.g. m1[1M:64p].");
        lines.add("Sizes: 4096, 0x1000, 4K, 2M, 1G, 1T, or pages: 256p.");
        return new TextReport("help", lines);
    }
}
