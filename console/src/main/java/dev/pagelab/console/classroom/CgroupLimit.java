package dev.pagelab.console.classroom;

import dev.pagelab.commands.Sizes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A cgroup v2 memory limit per student, where the machine can hold one. A student's console runs as their own uid
 * under sshd, and cannot move itself into a cgroup outside its session's subtree; but where systemd is PID 1 on the
 * unified (v2) hierarchy, logind puts every session of uid UID under {@code user-UID.slice}, and a drop-in for that
 * slice, written by root, limits all of the student's consoles together. {@code class add} writes it:
 *
 * <pre>
 *   /etc/systemd/system/user-UID.slice.d/pagelab-class.conf
 *   [Slice]
 *   MemoryMax=BYTES
 *   TasksMax=N
 * </pre>
 *
 * then {@code systemctl daemon-reload}. The class {@link Ledger} shares the class budget among students before each
 * step; this limit stops what the ledger does not see (the console's own Java heap, page tables, page cache), so that
 * one student's console is the one the kernel stops, and not the machine. Elsewhere (no systemd, cgroup v1 or the
 * hybrid layout, no memory controller) {@link #unsupported} says in one line why, and the ledger alone holds the
 * budget.
 *
 * @param fs where the file system is seen from: "/" in use, a directory built by a test
 */
record CgroupLimit(Path fs) {
    /** What one console (a Java VM and its class-mode state) is given above the class budget. */
    static final long CONSOLE_BYTES = 512L << 20;
    /**
     * Threads, for all of a student's consoles: a console's VM runs a few dozen (GC and compiler threads grow with the
     * CPUs); the limit is there so that nothing of a student's can fork the machine down, not to squeeze the VM.
     */
    static final int TASKS_MAX = 512;

    static final String DROP_IN = "pagelab-class.conf";

    static CgroupLimit system() {
        return new CgroupLimit(Path.of("/"));
    }

    /**
     * The default limit of one student: the class budget (the most the ledger lets one student hold) plus what a
     * console needs for itself, in whole MiB.
     */
    static long defaultFor(long budget) {
        long mib = 1L << 20;
        return (budget + CONSOLE_BYTES + mib - 1) / mib * mib;
    }

    /** Null when a per-student limit can be set here; else one line saying why not. */
    String unsupported() {
        String pid1 = read("proc/1/comm");
        if (pid1 == null) return "cannot tell whether systemd is PID 1 (/proc/1/comm cannot be read)";
        if (!pid1.strip().equals("systemd") || !Files.isDirectory(fs.resolve("run/systemd/system")))
            return "systemd is not PID 1 here (PID 1 is " + pid1.strip() + "), so no login has a slice of its own";
        String mounts = read("proc/self/mounts");
        boolean unified = false, v1Memory = false;
        if (mounts != null) {
            for (String l : mounts.split("\n")) {
                String[] f = l.split(" ");
                if (f.length < 4) continue;
                if (f[1].equals("/sys/fs/cgroup") && f[2].equals("cgroup2")) unified = true;
                if (f[2].equals("cgroup") && (",".concat(f[3]).concat(",")).contains(",memory,")) v1Memory = true;
            }
        }
        if (!unified) {
            return v1Memory
                    ? "the memory controller is on cgroup v1 here (boot with systemd.unified_cgroup_hierarchy=1 for v2)"
                    : "/sys/fs/cgroup is not the unified cgroup v2 hierarchy here";
        }
        String controllers = read("sys/fs/cgroup/cgroup.controllers");
        if (controllers == null || !List.of(controllers.strip().split("\\s+")).contains("memory"))
            return "cgroup v2 has no memory controller here (cgroup_disable=memory?)";
        return null;
    }

    private String read(String relative) {
        try {
            return Files.readString(fs.resolve(relative), StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The drop-in's text for {@code account} of class {@code className}. */
    static String dropIn(String className, String account, long memoryMax) {
        return "# pagelab class " + className + ", written by 'pagelab class add': the student " + account + "'s\n"
                + "# consoles together, so that the kernel stops one student's console before the machine suffers.\n"
                + "[Slice]\n"
                + "MemoryMax=" + memoryMax + "\n"
                + "TasksMax=" + TASKS_MAX + "\n";
    }

    /** The directory of the drop-ins of {@code user-UID.slice}, as the shell steps write it ({@code $uid}). */
    Path sliceDirectory(String uid) {
        return fs.resolve("etc/systemd/system").resolve("user-" + uid + ".slice.d");
    }

    /**
     * The shell steps of {@code class add} that write the student's drop-in and reload systemd (the UID is known only
     * once the account exists, so the steps look it up).
     */
    List<String> steps(String className, String account, long memoryMax) {
        List<String> out = new ArrayList<>();
        String dir = sliceDirectory("$uid").toString();
        String file = dir + "/" + DROP_IN;
        out.add("uid=$(id -u " + account + ") && install -d -m 0755 \"" + dir + "\" && cat > \"" + file + "\" <<'EOF'\n"
                + dropIn(className, account, memoryMax) + "EOF");
        out.add("systemctl daemon-reload");
        return out;
    }

    /** The per-student limit as {@code class init} stored it, or the default from the ledger's budget. */
    static long chosen(ClassLayout layout) {
        try {
            String s = Files.readString(layout.studentMemory(), StandardCharsets.UTF_8)
                    .strip();
            if (s.matches("\\d{1,19}")) return Long.parseLong(s);
        } catch (IOException | RuntimeException e) {
            // an older class, or none: the default below
        }
        long budget;
        try (Ledger l = Ledger.open(layout.ledger(), "root")) {
            budget = l.snapshot().budget();
        } catch (IOException e) {
            budget = -1;
        }
        return defaultFor(budget > 0 ? budget : ClassAdmin.defaultBudget());
    }

    static String human(long bytes) {
        return Sizes.human(bytes);
    }
}
