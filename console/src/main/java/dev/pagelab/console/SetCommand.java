package dev.pagelab.console;

import dev.pagelab.commands.Args;
import dev.pagelab.commands.BaseCommand;
import dev.pagelab.commands.CommandError;
import dev.pagelab.commands.CommandLine;
import dev.pagelab.commands.Session;
import dev.pagelab.commands.report.Report;
import dev.pagelab.commands.report.TextReport;
import dev.pagelab.console.recipe.Expectation;
import java.util.Arrays;
import java.util.List;

/** {@code set feedback verbose|normal|concise|silent}. */
final class SetCommand extends BaseCommand {
    /** What {@code set} reads and changes: the user's settings and the session's feedback mode. */
    interface Settings {
        Config config();

        Feedback feedback();

        void feedback(Feedback f);
    }

    private final Settings settings;

    SetCommand(Settings settings) {
        super("set", Args.OptionSpec.NONE);
        this.settings = settings;
    }

    @Override
    public boolean runsOnStepThread() {
        return false;
    }

    @Override
    public List<String> complete(Session session, List<String> before, int wordIndex) {
        if (wordIndex == 1) return List.of("feedback");
        return Arrays.stream(Feedback.values()).map(Feedback::word).toList();
    }

    @Override
    public Report run(Session session, CommandLine line) throws CommandError {
        Args a = Args.parse(line, Args.OptionSpec.NONE);
        if (a.positional().isEmpty()) {
            Config c = settings.config();
            return new TextReport(
                    "set",
                    List.of(
                            "feedback " + settings.feedback().word(),
                            "config   "
                                    + (c.source() == null
                                            ? "none (defaults)"
                                            : c.source().toString())
                                    + (c.problems().isEmpty()
                                            ? ""
                                            : ", " + c.problems().size() + " problems reported at start"),
                            "color    " + c.color() + ", theme " + c.theme() + ", history " + c.historySize()
                                    + " lines",
                            "replay   delay " + Expectation.Num.format(c.replayDelay()) + " s, typing "
                                    + Expectation.Num.format(c.typingSpeed()) + " chars/s, recipes from "
                                    + (c.recipePath().isEmpty()
                                            ? "recipes/ only"
                                            : String.join(
                                                            ", ",
                                                            c.recipePath().stream()
                                                                    .map(java.nio.file.Path::toString)
                                                                    .toList())
                                                    + ", then recipes/")));
        }
        Args.Positional key = a.positional().get(0);
        if (!key.text().equals("feedback")) {
            throw CommandError.usage(key.index(), "unknown setting '" + key.text() + "'", "settings: feedback");
        }
        if (a.positional().size() < 2) {
            return new TextReport(
                    "set", List.of("feedback " + settings.feedback().word()));
        }
        a.atMost(2, "set feedback verbose|normal|concise|silent");
        Args.Positional value = a.positional().get(1);
        Feedback f = Feedback.of(value.text())
                .orElseThrow(() -> CommandError.usage(
                        value.index(),
                        "'" + value.text() + "' is not a feedback mode",
                        "use verbose, normal, concise or silent"));
        settings.feedback(f);
        return new TextReport("set", f == Feedback.SILENT ? List.of() : List.of("feedback " + f.word()));
    }
}
