package dev.pagelab.commands.mapping;

import dev.pagelab.commands.Args;
import dev.pagelab.commands.BaseCommand;
import dev.pagelab.commands.CommandError;
import dev.pagelab.commands.CommandLine;
import dev.pagelab.commands.Completions;
import dev.pagelab.commands.Session;
import dev.pagelab.commands.report.Report;
import dev.pagelab.linux.Mman;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** {@code protect RANGE r|rw|rx|none}: mprotect(2). */
public final class ProtectCommand extends BaseCommand {
    private static final Args.OptionSpec OPTIONS = Args.OptionSpec.of(Set.of(), Set.of());

    public ProtectCommand() {
        super("protect", OPTIONS);
    }

    @Override
    public List<String> complete(Session session, List<String> before, int wordIndex) {
        return wordIndex == 1 ? Completions.ranges(session) : new ArrayList<>(List.of("r", "rw", "rx", "none"));
    }

    @Override
    public Report run(Session session, CommandLine line) throws CommandError {
        Args a = Args.parse(line, OPTIONS);
        if (a.positional().size() < 2) {
            throw CommandError.usage(
                    a.positional().isEmpty() ? 0 : a.positional().get(0).index(),
                    "protect needs a mapping and a protection",
                    "e.g. 'protect m1 r' (r, rw, rx or none)");
        }
        a.atMost(2, "protect RANGE r|rw|rx|none");
        Target t = session.resolve(a.positional().get(0), true);
        Args.Positional p = a.positional().get(1);
        int prot = MapCommand.protOf(p.text(), p.index());
        RangeChecks.mapped(t, "protect");
        return Steps.run(
                session,
                "protect",
                t.text(),
                "mprotect " + Mman.protName(prot),
                t.mapping(),
                t.basePages(),
                Steps.details(
                        "address", Steps.hex(t.address()), "length_bytes", t.length(), "prot", Mman.protName(prot)),
                null,
                KernelHints::protect,
                meter -> meter.mprotect(t.address(), t.length(), prot));
    }

    @Override
    public boolean changesState() {
        return true;
    }
}
