package dev.pagelab.console.classroom;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whether a machine can hold a cgroup v2 memory limit per student, decided from what /proc and /sys show (built here
 * in a temporary directory for each layout), and the systemd drop-in {@code class add} writes where it can. Nothing
 * under the real /etc/systemd is touched.
 */
class CgroupLimitTest {
    @TempDir
    Path fs;

    static final String UNIFIED = """
            sysfs /sys sysfs rw,nosuid,nodev,noexec,relatime 0 0
            cgroup2 /sys/fs/cgroup cgroup2 rw,nosuid,nodev,noexec,relatime,nsdelegate,memory_recursiveprot 0 0
            """;
    static final String HYBRID = """
            tmpfs /sys/fs/cgroup tmpfs ro,nosuid,nodev,noexec,mode=755 0 0
            cgroup2 /sys/fs/cgroup/unified cgroup2 rw,nosuid,nodev,noexec,relatime,nsdelegate 0 0
            cgroup /sys/fs/cgroup/systemd cgroup rw,nosuid,nodev,noexec,relatime,xattr,name=systemd 0 0
            cgroup /sys/fs/cgroup/memory cgroup rw,nosuid,nodev,noexec,relatime,memory 0 0
            """;

    CgroupLimit machine(String pid1, boolean runSystemd, String mounts, String controllers) throws IOException {
        Files.createDirectories(fs.resolve("proc/1"));
        Files.createDirectories(fs.resolve("proc/self"));
        if (pid1 != null) Files.writeString(fs.resolve("proc/1/comm"), pid1 + "\n");
        if (runSystemd) Files.createDirectories(fs.resolve("run/systemd/system"));
        Files.writeString(fs.resolve("proc/self/mounts"), mounts);
        if (controllers != null) {
            Files.createDirectories(fs.resolve("sys/fs/cgroup"));
            Files.writeString(fs.resolve("sys/fs/cgroup/cgroup.controllers"), controllers + "\n");
        }
        return new CgroupLimit(fs);
    }

    @Test
    void systemdOnTheUnifiedHierarchyWithTheMemoryControllerCanHoldALimit() throws IOException {
        assertThat(machine("systemd", true, UNIFIED, "cpuset cpu io memory hugetlb pids rdma misc")
                        .unsupported())
                .isNull();
    }

    @Test
    void everyOtherMachineSaysWhyNotInOneLine() throws IOException {
        assertThat(machine("tini", false, UNIFIED, "cpu io memory pids").unsupported())
                .isEqualTo("systemd is not PID 1 here (PID 1 is tini), so no login has a slice of its own");
        assertThat(machine("systemd", false, UNIFIED, "memory").unsupported())
                .as("systemd installed but not booted (a container's /sbin/init named systemd without /run/systemd)")
                .startsWith("systemd is not PID 1 here");
        assertThat(machine("systemd", true, HYBRID, null).unsupported())
                .isEqualTo(
                        "the memory controller is on cgroup v1 here (boot with systemd.unified_cgroup_hierarchy=1 for v2)");
        assertThat(machine("systemd", true, "proc /proc proc rw 0 0\n", null).unsupported())
                .isEqualTo("/sys/fs/cgroup is not the unified cgroup v2 hierarchy here");
        assertThat(machine("systemd", true, UNIFIED, "cpu io pids").unsupported())
                .isEqualTo("cgroup v2 has no memory controller here (cgroup_disable=memory?)");
    }

    @Test
    void anUnreadablePid1IsSaidToo() throws IOException {
        assertThat(machine(null, true, UNIFIED, "memory").unsupported())
                .isEqualTo("cannot tell whether systemd is PID 1 (/proc/1/comm cannot be read)");
    }

    @Test
    void thisMachineIsDecidedFromItsOwnProcAndSys() throws IOException {
        String pid1 = Files.readString(Path.of("/proc/1/comm")).strip();
        String why = CgroupLimit.system().unsupported();
        if (!pid1.equals("systemd")) {
            assertThat(why)
                    .isEqualTo("systemd is not PID 1 here (PID 1 is " + pid1 + "), so no login has a slice of"
                            + " its own");
        }
        if (why != null) assertThat(why).doesNotContain("\n");
    }

    @Test
    void theDropInLimitsTheStudentsSliceAndIsWrittenByTheAddSteps() {
        String dropIn = CgroupLimit.dropIn("os101", "os101-alice", 1L << 30);
        assertThat(dropIn)
                .startsWith("# pagelab class os101, written by 'pagelab class add': the student os101-alice's\n")
                .endsWith("[Slice]\nMemoryMax=1073741824\nTasksMax=512\n");
        List<String> steps = new CgroupLimit(fs).steps("os101", "os101-alice", 1L << 30);
        assertThat(steps).hasSize(2);
        String dir = fs.resolve("etc/systemd/system") + "/user-$uid.slice.d";
        assertThat(steps.get(0))
                .isEqualTo("uid=$(id -u os101-alice) && install -d -m 0755 \"" + dir + "\" && cat > \"" + dir
                        + "/pagelab-class.conf\" <<'EOF'\n" + dropIn + "EOF");
        assertThat(steps.get(1)).isEqualTo("systemctl daemon-reload");
        assertThat(CgroupLimit.system().sliceDirectory("1001"))
                .isEqualTo(Path.of("/etc/systemd/system/user-1001.slice.d"));
    }

    /** The steps as sh runs them: the drop-in lands where systemd reads it, with the account's real UID. */
    @Test
    void theStepsWriteTheDropInWithTheAccountsUid() throws Exception {
        String account = System.getProperty("user.name");
        String uid = new String(
                        new ProcessBuilder("id", "-u").start().getInputStream().readAllBytes())
                .strip();
        String step = new CgroupLimit(fs).steps("os101", account, 768L << 20).get(0);
        Process p = new ProcessBuilder("/bin/sh", "-c", step)
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(out).isZero();
        Path written = fs.resolve("etc/systemd/system/user-" + uid + ".slice.d/pagelab-class.conf");
        assertThat(Files.readString(written)).isEqualTo(CgroupLimit.dropIn("os101", account, 768L << 20));
    }

    @Test
    void theDefaultIsTheBudgetAndAConsoleInWholeMebibytes() {
        assertThat(CgroupLimit.defaultFor(4L << 30)).isEqualTo((4L << 30) + (512L << 20));
        assertThat(CgroupLimit.defaultFor((64L << 20) + 1)).isEqualTo((64L << 20) + (512L << 20) + (1L << 20));
    }

    @Test
    void addUsesWhatInitChoseOrTheDefaultFromTheBudget(@TempDir Path root) throws IOException {
        ClassLayout layout = new ClassLayout(root, "os101");
        Files.createDirectories(layout.dir());
        Ledger.create(layout.ledger(), 1L << 30);
        assertThat(CgroupLimit.chosen(layout)).isEqualTo((1L << 30) + (512L << 20));
        Files.writeString(layout.studentMemory(), "805306368\n");
        assertThat(CgroupLimit.chosen(layout)).isEqualTo(768L << 20);
    }
}
