package dev.pagelab.linux.proc;

import java.util.List;

/**
 * The calling thread's effective capabilities as /proc/thread-self/status shows them (CapEff, a hexadecimal mask
 * of linux/capability.h's bits: {@link dev.pagelab.linux.LinuxConstants#CAP_IPC_LOCK LinuxConstants.CAP_IPC_LOCK}, {@link dev.pagelab.linux.LinuxConstants#CAP_SYS_ADMIN LinuxConstants.CAP_SYS_ADMIN}).
 * {@link dev.pagelab.linux.Limits#capabilities() Limits.capabilities()} asks capget(2) for the same sets.
 */
public final class Capabilities {
    private Capabilities() {}

    /** Whether the effective capability set of the calling thread holds {@code cap}. */
    public static boolean has(int cap) {
        // Capabilities are per thread ('limit ipc_lock off' drops one on the step thread only): ask for this one.
        return (effective(ProcText.lines("/proc/thread-self/status")) & (1L << cap)) != 0;
    }

    /** The CapEff mask of status text; 0 when there is none. */
    public static long effective(List<String> statusLines) {
        String eff = "0";
        for (String line : statusLines) {
            if (line.startsWith("CapEff:")) eff = line.substring(7).trim();
        }
        return Long.parseUnsignedLong(eff, 16);
    }
}
