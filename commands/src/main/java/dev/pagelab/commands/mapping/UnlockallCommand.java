package dev.pagelab.commands.mapping;

import dev.pagelab.commands.Args;
import dev.pagelab.commands.BaseCommand;
import dev.pagelab.commands.CommandError;
import dev.pagelab.commands.CommandLine;
import dev.pagelab.commands.Session;
import dev.pagelab.commands.report.Report;
import dev.pagelab.commands.report.StepReport;
import java.util.List;

/** {@code unlockall}: munlockall(2). */
public final class UnlockallCommand extends BaseCommand {

    public UnlockallCommand() {
        super("unlockall", Args.OptionSpec.NONE);
    }

    @Override
    public List<String> complete(Session session, List<String> before, int wordIndex) {
        return List.of();
    }

    @Override
    public Report run(Session session, CommandLine line) throws CommandError {
        Args a = Args.parse(line, Args.OptionSpec.NONE);
        a.atMost(0, "unlockall");
        StepReport r = Steps.run(
                session,
                "unlockall",
                null,
                "munlockall",
                null,
                -1,
                null,
                null,
                KernelHints::memlock,
                meter -> meter.munlockall());
        session.futureMappingsPopulated(false);
        return r;
    }

    @Override
    public boolean changesState() {
        return true;
    }
}
