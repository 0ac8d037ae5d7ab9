package dev.pagelab.commands.mapping;

import dev.pagelab.commands.Args;
import dev.pagelab.commands.BaseCommand;
import dev.pagelab.commands.CommandError;
import dev.pagelab.commands.CommandLine;
import dev.pagelab.commands.Completions;
import dev.pagelab.commands.Session;
import dev.pagelab.commands.report.Report;
import java.util.List;
import java.util.Set;

/** {@code unlock RANGE}: munlock(2). */
public final class UnlockCommand extends BaseCommand {
    private static final Args.OptionSpec OPTIONS = Args.OptionSpec.of(Set.of(), Set.of());

    public UnlockCommand() {
        super("unlock", OPTIONS);
    }

    @Override
    public List<String> complete(Session session, List<String> before, int wordIndex) {
        return Completions.ranges(session);
    }

    @Override
    public Report run(Session session, CommandLine line) throws CommandError {
        Args a = Args.parse(line, OPTIONS);
        if (a.positional().isEmpty()) throw CommandError.usage(0, "unlock needs a mapping", "e.g. 'unlock m1'");
        a.atMost(1, "unlock RANGE");
        Target t = session.resolve(a.positional().get(0), true);
        RangeChecks.mapped(t, "unlock");
        return Steps.run(
                session,
                "unlock",
                t.text(),
                "munlock",
                t.mapping(),
                t.basePages(),
                Steps.details("address", Steps.hex(t.address()), "length_bytes", t.length()),
                null,
                KernelHints::memlock,
                meter -> meter.munlock(t.address(), t.length()));
    }

    @Override
    public boolean changesState() {
        return true;
    }
}
