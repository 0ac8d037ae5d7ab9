package dev.pagelab.console;

import dev.pagelab.commands.Args;
import dev.pagelab.commands.BaseCommand;
import dev.pagelab.commands.CommandError;
import dev.pagelab.commands.CommandLine;
import dev.pagelab.commands.Session;
import dev.pagelab.commands.report.Report;
import dev.pagelab.commands.report.TextReport;
import java.util.ArrayList;
import java.util.List;

/** {@code unwatch [RANGE...]}: stops redrawing the named pictures, or all of them. */
final class UnwatchCommand extends BaseCommand {
    private final Watches watches;

    UnwatchCommand(Watches watches) {
        super("unwatch", Args.OptionSpec.NONE);
        this.watches = watches;
    }

    @Override
    public boolean runsOnStepThread() {
        return false;
    }

    @Override
    public List<String> complete(Session session, List<String> before, int wordIndex) {
        return watches.targets();
    }

    @Override
    public Report run(Session session, CommandLine line) throws CommandError {
        Args a = Args.parse(line, Args.OptionSpec.NONE);
        List<String> lines = new ArrayList<>();
        if (a.positional().isEmpty()) {
            if (watches.isEmpty()) {
                lines.add("nothing was watched");
            } else {
                lines.add("stopped watching " + String.join(", ", watches.targets()));
                watches.clear();
            }
            return new TextReport("unwatch", lines);
        }
        for (Args.Positional p : a.positional()) {
            if (!watches.unwatch(p.text())) {
                throw CommandError.usage(
                        p.index(),
                        "'" + p.text() + "' is not watched",
                        watches.isEmpty() ? "nothing is watched" : "watched: " + String.join(", ", watches.targets()));
            }
            lines.add("stopped watching " + p.text());
        }
        return new TextReport("unwatch", lines);
    }
}
