package dev.pagelab.console;

import dev.pagelab.commands.Args;
import dev.pagelab.commands.BaseCommand;
import dev.pagelab.commands.CommandError;
import dev.pagelab.commands.CommandLine;
import dev.pagelab.commands.Session;
import dev.pagelab.commands.report.Report;
import dev.pagelab.commands.report.TextReport;
import java.util.List;

/** {@code exit}: unmaps everything and leaves (Ctrl-D does the same). */
final class ExitCommand extends BaseCommand {
    private final Runnable requestExit;

    ExitCommand(Runnable requestExit) {
        super("exit", Args.OptionSpec.NONE);
        this.requestExit = requestExit;
    }

    @Override
    public boolean runsOnStepThread() {
        return false;
    }

    @Override
    public List<String> complete(Session session, List<String> before, int wordIndex) {
        return List.of();
    }

    @Override
    public Report run(Session session, CommandLine line) throws CommandError {
        Args.parse(line, Args.OptionSpec.NONE).atMost(0, "exit");
        requestExit.run();
        return new TextReport("exit", List.of());
    }
}
