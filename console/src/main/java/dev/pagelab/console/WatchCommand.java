package dev.pagelab.console;

import dev.pagelab.commands.Args;
import dev.pagelab.commands.BaseCommand;
import dev.pagelab.commands.CommandError;
import dev.pagelab.commands.CommandLine;
import dev.pagelab.commands.Completions;
import dev.pagelab.commands.Session;
import dev.pagelab.commands.report.Report;
import dev.pagelab.commands.report.TextReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code watch [RANGE...] [--rows N]}: redraws the residency picture of each watched range under every step report,
 * so pages can be seen lighting up as {@code touch} or {@code advise} run. Without arguments, lists what is watched.
 */
final class WatchCommand extends BaseCommand {
    static final Args.OptionSpec OPTIONS = Args.OptionSpec.of(Set.of(), Set.of("rows"));
    /** Four pictures are already more than an 80×24 screen holds under a step report. */
    static final int MAX_WATCHES = 4;

    private final Watches watches;

    WatchCommand(Watches watches) {
        super("watch", OPTIONS);
        this.watches = watches;
    }

    @Override
    public boolean runsOnStepThread() {
        return false;
    }

    @Override
    public List<String> complete(Session session, List<String> before, int wordIndex) {
        String prev = before.isEmpty() ? "" : before.get(before.size() - 1);
        if (prev.equals("--rows")) return List.of("4", "6", "8");
        return Completions.rangesAndOptions(session, OPTIONS);
    }

    @Override
    public Report run(Session session, CommandLine line) throws CommandError {
        Args a = Args.parse(line, OPTIONS);
        int rows = a.integer("rows", 1, 64, 0, "a number of rows");
        if (a.positional().isEmpty()) {
            if (a.has("rows")) throw CommandError.usage(0, "watch --rows needs a mapping", "e.g. 'watch m1 --rows 6'");
            List<String> lines = new ArrayList<>();
            if (watches.isEmpty()) {
                lines.add("nothing is watched: 'watch m1' redraws m1's picture after every step");
            } else {
                for (Watches.Watch w : watches.all()) {
                    lines.add("watching " + w.target() + (w.rows() > 0 ? " (" + w.rows() + " rows)" : ""));
                }
            }
            return new TextReport("watch", lines);
        }
        List<String> added = new ArrayList<>();
        for (Args.Positional p : a.positional()) {
            // resolve now, so a typo is refused here rather than at the next step
            watches.view(p.text());
            if (watches.all().stream().noneMatch(w -> w.target().equals(p.text()))) {
                if (watches.all().size() >= MAX_WATCHES) {
                    throw CommandError.usage(
                            p.index(),
                            "already watching " + MAX_WATCHES + " ranges",
                            "'unwatch' one first; more pictures than this do not fit under a step report");
                }
                added.add(p.text());
            }
            watches.watch(p.text(), rows);
        }
        List<String> lines = new ArrayList<>();
        lines.add((added.isEmpty() ? "still watching " : "watching ")
                + String.join(
                        ", ", a.positional().stream().map(Args.Positional::text).toList())
                + ": redrawn after every step; 'unwatch' stops");
        return new TextReport("watch", lines);
    }
}
