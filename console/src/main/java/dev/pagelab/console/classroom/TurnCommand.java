package dev.pagelab.console.classroom;

import dev.pagelab.commands.Args;
import dev.pagelab.commands.BaseCommand;
import dev.pagelab.commands.CommandError;
import dev.pagelab.commands.CommandLine;
import dev.pagelab.commands.Session;
import dev.pagelab.commands.report.Report;
import dev.pagelab.commands.report.TextReport;
import java.util.List;

/**
 * {@code turn [on|off]}, in the teacher's console only ({@code pagelab class teach}): on, every student types in their
 * own console while the teacher's output waits for them; off, they follow again. Without a word: whose turn it is
 * and who is following. Documented in pagelab-class(1), TEACH.
 */
final class TurnCommand extends BaseCommand {
    private final TeachHub hub;

    TurnCommand(TeachHub hub) {
        super("turn", Args.OptionSpec.NONE);
        this.hub = hub;
    }

    @Override
    public boolean runsOnStepThread() {
        return false;
    }

    @Override
    public List<String> complete(Session session, List<String> before, int wordIndex) {
        return wordIndex == 1 ? List.of("on", "off") : List.of();
    }

    @Override
    public Report run(Session session, CommandLine line) throws CommandError {
        Args a = Args.parse(line, Args.OptionSpec.NONE);
        a.atMost(1, "turn [on|off]");
        if (a.positional().size() == 1) {
            Args.Positional p = a.positional().get(0);
            String w = p.text();
            switch (w) {
                case "on" -> hub.turn(true);
                case "off" -> hub.turn(false);
                default ->
                    throw CommandError.usage(
                            p.index(),
                            "turn takes on or off, not '" + w + "'",
                            "'turn on': students run the step in their own consoles; 'turn off': they follow again");
            }
        }
        List<String> ids = hub.following();
        String who = ids.isEmpty()
                ? "no student is following yet"
                : ids.size() + (ids.size() == 1 ? " student follows: " : " students follow: ") + String.join(", ", ids);
        return new TextReport(
                "turn",
                List.of((hub.turn()
                                ? "students' turn: on \u2014 they type in their own consoles ('turn off' ends it)"
                                : "students' turn: off \u2014 they follow your console ('turn on' hands it over)")
                        + "; " + who));
    }
}
