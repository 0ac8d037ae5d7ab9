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

/** {@code history}: the lines entered, numbered (the interactive console also keeps them across sessions). */
final class HistoryCommand extends BaseCommand {
    private final java.util.function.Supplier<List<String>> history;

    HistoryCommand(java.util.function.Supplier<List<String>> history) {
        super("history", Args.OptionSpec.NONE);
        this.history = history;
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
        Args.parse(line, Args.OptionSpec.NONE).atMost(0, "history");
        List<String> lines = new ArrayList<>();
        List<String> h = history.get();
        for (int i = 0; i < h.size(); i++) lines.add(String.format("%5d  %s", i + 1, h.get(i)));
        return new TextReport("history", lines);
    }
}
