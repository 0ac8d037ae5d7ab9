package dev.pagelab.commands.mapping;

import dev.pagelab.commands.Args;
import dev.pagelab.commands.BaseCommand;
import dev.pagelab.commands.CommandError;
import dev.pagelab.commands.CommandLine;
import dev.pagelab.commands.Completions;
import dev.pagelab.commands.Mapping;
import dev.pagelab.commands.Session;
import dev.pagelab.commands.Sizes;
import dev.pagelab.commands.report.Report;
import dev.pagelab.linux.LinuxException;
import java.util.List;
import java.util.Set;

/** {@code lock RANGE [--onfault] [--force]}: mlock(2), or mlock2(2) with MLOCK_ONFAULT. */
public final class LockCommand extends BaseCommand {
    private static final Args.OptionSpec OPTIONS = Args.OptionSpec.of(Set.of("onfault", "force"), Set.of());

    public LockCommand() {
        super("lock", OPTIONS);
    }

    @Override
    public List<String> complete(Session session, List<String> before, int wordIndex) {
        return Completions.rangesAndOptions(session, OPTIONS);
    }

    @Override
    public Report run(Session session, CommandLine line) throws CommandError {
        Args a = Args.parse(line, OPTIONS);
        if (a.positional().isEmpty())
            throw CommandError.usage(0, "lock needs a mapping", "e.g. 'lock m1' or 'lock m1[0:1M] --onfault'");
        a.atMost(1, "lock RANGE [--onfault]");
        Target t = session.resolve(a.positional().get(0), true);
        Mapping m = t.mapping();
        RangeChecks.mapped(t, "lock");
        boolean onFault = a.has("onfault");
        if (!onFault) {
            try {
                long present = session.present(t);
                session.checkMemory(
                        t.text(), t.length() - present * m.geometry().pageSize(), a.has("force"), "mlock");
            } catch (LinuxException e) {
                throw CommandError.kernel(t.text(), e, "reading /proc/self/pagemap failed", null);
            }
        }
        session.lockingUsed(true);
        return Steps.run(
                session,
                "lock",
                t.text(),
                onFault ? "mlock2(MLOCK_ONFAULT)" : "mlock",
                m,
                t.basePages(),
                Steps.details("address", Steps.hex(t.address()), "length_bytes", t.length()),
                null,
                errno -> hint(errno, t),
                meter -> meter.mlock(t.address(), t.length(), onFault));
    }

    /** ENOMEM is also what mlock says when it cannot fault in part of the range. */
    private static String hint(int errno, Target t) {
        String leftLocked =
                "; the range may be left marked locked ('maps " + t.mapping().name() + "' shows VmFlags lo)";
        if (errno == dev.pagelab.linux.Errno.ENOMEM && t.mapping().hugetlb()) {
            return "the " + Sizes.format(t.mapping().pageSize()) + " hugetlb pool has "
                    + dev.pagelab.linux.proc.HugetlbPool.freePages(t.mapping().pageSize()) + " free pages" + leftLocked;
        }
        if (errno == dev.pagelab.linux.Errno.ENOMEM && t.mapping().guardsInstalled()) {
            return "the range has guard regions, which mlock cannot fault in" + leftLocked;
        }
        if (errno == dev.pagelab.linux.Errno.ENOMEM) {
            for (dev.pagelab.linux.proc.ProcMaps.VmArea v : dev.pagelab.linux.proc.ProcMaps.maps()) {
                if (v.end() > t.address()
                        && v.start() < t.address() + t.length()
                        && !v.readable()
                        && !v.writable()
                        && !v.executable()) {
                    return "part of the range is PROT_NONE, which mlock cannot fault in; the range may be left marked "
                            + "locked ('maps " + t.mapping().name()
                            + "' shows VmFlags lo): 'unlock' it, 'protect' it first";
                }
            }
        }
        return KernelHints.memlock(errno);
    }

    @Override
    public boolean changesState() {
        return true;
    }
}
