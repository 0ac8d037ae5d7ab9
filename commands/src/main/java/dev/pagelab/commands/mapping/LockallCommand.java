package dev.pagelab.commands.mapping;

import static dev.pagelab.linux.LinuxConstants.MCL_CURRENT;
import static dev.pagelab.linux.LinuxConstants.MCL_FUTURE;
import static dev.pagelab.linux.LinuxConstants.MCL_ONFAULT;

import dev.pagelab.commands.Args;
import dev.pagelab.commands.BaseCommand;
import dev.pagelab.commands.CommandError;
import dev.pagelab.commands.CommandLine;
import dev.pagelab.commands.Session;
import dev.pagelab.commands.report.Report;
import dev.pagelab.commands.report.StepReport;
import dev.pagelab.linux.Mman;
import dev.pagelab.linux.proc.ProcMaps;
import dev.pagelab.linux.proc.ProcMeminfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** {@code lockall [current] [future] [onfault] [--force]}: mlockall(2) over the whole process, JVM included. */
public final class LockallCommand extends BaseCommand {
    private static final Args.OptionSpec OPTIONS = Args.OptionSpec.of(Set.of("force"), Set.of());

    public LockallCommand() {
        super("lockall", OPTIONS);
    }

    @Override
    public List<String> complete(Session session, List<String> before, int wordIndex) {
        List<String> out = new ArrayList<>(List.of("current", "future", "onfault", "--force"));
        out.removeAll(before);
        return out;
    }

    @Override
    public Report run(Session session, CommandLine line) throws CommandError {
        Args a = Args.parse(line, OPTIONS);
        int flags = 0;
        for (Args.Positional p : a.positional()) {
            flags |= switch (p.text().toLowerCase(Locale.ROOT)) {
                case "current" -> MCL_CURRENT;
                case "future" -> MCL_FUTURE;
                case "onfault" -> MCL_ONFAULT;
                default ->
                    throw CommandError.usage(
                            p.index(),
                            "'" + p.text() + "' is not a lockall flag",
                            "use current, future and/or onfault");
            };
        }
        if ((flags & (MCL_CURRENT | MCL_FUTURE)) == 0) {
            throw CommandError.usage(
                    a.positional().isEmpty() ? 0 : a.positional().get(0).index(),
                    "lockall needs current and/or future",
                    "e.g. 'lockall current' or 'lockall current future onfault'");
        }
        List<String> notes = new ArrayList<>();
        if ((flags & MCL_CURRENT) != 0 && (flags & MCL_ONFAULT) == 0) {
            long accessible = 0;
            for (ProcMaps.VmArea v : ProcMaps.maps()) {
                if (v.readable() || v.writable() || v.executable()) accessible += v.size();
            }
            long need = accessible - ProcMeminfo.rssBytes();
            session.checkMemory(
                    "lockall",
                    need,
                    a.has("force"),
                    "MCL_CURRENT (faulting in every accessible mapping, " + "the JVM's included)");
        }
        if ((flags & MCL_FUTURE) != 0) {
            notes.add("every later mapping is locked too, the JVM's own (thread stacks, GC, code cache) included; "
                    + "'unlockall' ends it");
        }
        final int mcl = flags;
        session.lockingUsed(true);
        StepReport r = Steps.run(
                session,
                "lockall",
                null,
                "mlockall(" + Mman.mclName(flags) + ")",
                null,
                -1,
                Steps.details("flags", Mman.mclName(flags)),
                notes,
                KernelHints::memlock,
                meter -> meter.mlockall(mcl));
        // mlockall replaces the previous flags: MCL_FUTURE stays on only if given again.
        session.futureMappingsPopulated((flags & MCL_FUTURE) != 0 && (flags & MCL_ONFAULT) == 0);
        return r;
    }

    @Override
    public boolean changesState() {
        return true;
    }
}
