package dev.pagelab.commands.machine;

import static dev.pagelab.linux.LinuxConstants.CAP_IPC_LOCK;
import static dev.pagelab.linux.LinuxConstants.RLIMIT_MEMLOCK;
import static dev.pagelab.linux.LinuxConstants.RLIM_INFINITY;

import dev.pagelab.commands.Args;
import dev.pagelab.commands.BaseCommand;
import dev.pagelab.commands.CommandError;
import dev.pagelab.commands.CommandLine;
import dev.pagelab.commands.Session;
import dev.pagelab.commands.Sizes;
import dev.pagelab.commands.report.Report;
import dev.pagelab.commands.report.TextReport;
import dev.pagelab.linux.Limits;
import dev.pagelab.linux.LinuxException;
import dev.pagelab.linux.proc.ProcMeminfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code limit [memlock SIZE|unlimited] [ipc_lock on|off]}: RLIMIT_MEMLOCK and CAP_IPC_LOCK, the two things that
 * decide how much mlock may lock. Root has CAP_IPC_LOCK and is not bound by the limit; dropping it from the step
 * thread's effective set (all steps run there) shows what an ordinary user meets. Both are restored when the
 * session ends.
 */
public final class LimitCommand extends BaseCommand {
    public LimitCommand() {
        super("limit", Args.OptionSpec.NONE);
    }

    @Override
    public List<String> complete(Session session, List<String> before, int wordIndex) {
        if (before.isEmpty()) return List.of("memlock", "ipc_lock", "reset");
        if (before.size() % 2 == 0) return List.of("memlock", "ipc_lock");
        String prev = before.get(before.size() - 1);
        if (prev.equals("memlock")) return List.of("64K", "1M", "8M", "unlimited");
        if (prev.equals("ipc_lock")) return List.of("off", "on");
        return List.of();
    }

    @Override
    public Report run(Session session, CommandLine line) throws CommandError {
        Args a = Args.parse(line, Args.OptionSpec.NONE);
        List<Args.Positional> p = a.positional();
        if (p.size() == 1 && p.get(0).text().equals("reset")) {
            boolean any = session.restoreNow("rlimit-memlock") | session.restoreNow("cap-ipc-lock");
            List<String> lines = new ArrayList<>();
            lines.add(
                    any
                            ? "RLIMIT_MEMLOCK and CAP_IPC_LOCK are back as they were when the session started"
                            : "nothing to reset");
            try {
                lines.addAll(status());
            } catch (LinuxException e) {
                throw CommandError.kernel("limit", e, "", null);
            }
            return new TextReport("limit", lines);
        }
        if (p.size() % 2 != 0) {
            throw CommandError.usage(
                    p.get(p.size() - 1).index(),
                    "'" + p.get(p.size() - 1).text() + "' needs a value",
                    "limit memlock SIZE|unlimited, limit ipc_lock on|off");
        }
        List<String> lines = new ArrayList<>();
        try {
            for (int i = 0; i < p.size(); i += 2) {
                Args.Positional what = p.get(i), value = p.get(i + 1);
                switch (what.text().toLowerCase(Locale.ROOT)) {
                    case "memlock" -> lines.add(memlock(session, value));
                    case "ipc_lock", "cap_ipc_lock" -> lines.add(ipcLock(session, value));
                    default ->
                        throw CommandError.usage(
                                what.index(),
                                "'" + what.text() + "' is not a limit pagelab sets",
                                "limit memlock SIZE|unlimited, limit ipc_lock on|off");
                }
            }
            lines.addAll(status());
        } catch (LinuxException e) {
            throw CommandError.kernel(
                    "limit",
                    e,
                    e.errno() == 1 /* EPERM */
                            ? "raising a hard limit needs CAP_SYS_RESOURCE; raising a capability needs it in the permitted set"
                            : "",
                    null);
        }
        return new TextReport("limit", lines);
    }

    private static String memlock(Session session, Args.Positional value) throws CommandError, LinuxException {
        Limits.Rlimit old = Limits.get(RLIMIT_MEMLOCK);
        long soft = value.text().equalsIgnoreCase("unlimited") || value.text().equalsIgnoreCase("infinity")
                ? RLIM_INFINITY
                : Sizes.parse(value.text(), 1, value.index(), "memlock limit");
        long hard = old.hard();
        if (hard != RLIM_INFINITY && (soft == RLIM_INFINITY || soft > hard)) {
            // only a process with CAP_SYS_RESOURCE may raise the hard limit; try, and let the kernel say no
            hard = soft;
        }
        Limits.set(RLIMIT_MEMLOCK, new Limits.Rlimit(soft, hard));
        session.restoreAtClose("rlimit-memlock", () -> {
            try {
                Limits.set(RLIMIT_MEMLOCK, old);
            } catch (LinuxException ignored) {
                // a lowered hard limit cannot be raised again without CAP_SYS_RESOURCE
            }
        });
        return "RLIMIT_MEMLOCK soft limit set to " + text(soft) + " (was " + text(old.soft())
                + "); restored when the session ends";
    }

    private static String ipcLock(Session session, Args.Positional value) throws CommandError, LinuxException {
        boolean on = switch (value.text().toLowerCase(Locale.ROOT)) {
            case "on", "raise", "yes" -> true;
            case "off", "drop", "no" -> false;
            default ->
                throw CommandError.usage(
                        value.index(), "'" + value.text() + "' is not on or off", "limit ipc_lock off");
        };
        Limits.Capabilities caps = Limits.capabilities();
        if (!caps.permitted(CAP_IPC_LOCK)) {
            throw CommandError.refused(
                    "ipc_lock",
                    "this process does not hold CAP_IPC_LOCK at all (not in its permitted set)",
                    on ? "run pagelab as root to have it" : "it is off already: RLIMIT_MEMLOCK applies");
        }
        boolean was = caps.effective(CAP_IPC_LOCK);
        Limits.setEffective(CAP_IPC_LOCK, on);
        session.restoreAtClose("cap-ipc-lock", () -> {
            try {
                Limits.setEffective(CAP_IPC_LOCK, was);
            } catch (LinuxException ignored) {
                // leaving anyway
            }
        });
        return "CAP_IPC_LOCK " + (on ? "raised in" : "dropped from")
                + " the step thread's effective set (it stays permitted; " + "'limit ipc_lock " + (on ? "off" : "on")
                + "' undoes it, and so does the end of the session)";
    }

    private static List<String> status() throws LinuxException {
        Limits.Rlimit r = Limits.get(RLIMIT_MEMLOCK);
        Limits.Capabilities c = Limits.capabilities();
        List<String> out = new ArrayList<>();
        out.add("RLIMIT_MEMLOCK  soft " + text(r.soft()) + "  hard " + text(r.hard()));
        out.add("CAP_IPC_LOCK    "
                + (c.effective(CAP_IPC_LOCK)
                        ? "effective: mlock is not bound by RLIMIT_MEMLOCK"
                        : c.permitted(CAP_IPC_LOCK)
                                ? "permitted but not effective: RLIMIT_MEMLOCK applies"
                                : "not held: RLIMIT_MEMLOCK applies"));
        String vmLck = ProcMeminfo.status().getOrDefault("VmLck", "?");
        out.add("locked now      " + vmLck + " (VmLck, the whole process)");
        return out;
    }

    private static String text(long v) {
        return v == RLIM_INFINITY ? "unlimited" : Sizes.format(v);
    }

    @Override
    public boolean changesState() {
        return true;
    }
}
