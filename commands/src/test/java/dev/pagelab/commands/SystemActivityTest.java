package dev.pagelab.commands;

import static dev.pagelab.linux.LinuxConstants.CAP_SYS_ADMIN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.pagelab.commands.report.StepReport;
import dev.pagelab.commands.report.SystemActivity;
import dev.pagelab.linux.proc.Capabilities;
import dev.pagelab.linux.proc.HugetlbPool;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The system-wide context of a step against the real kernel. /proc/vmstat counts every process (and other test
 * suites may run on this machine at the same time), so its figures are checked as lower bounds, never as equal;
 * the step's own counts stay exact.
 */
class SystemActivityTest extends RealKernelTest {
    static final String THP = "/sys/kernel/mm/transparent_hugepage/";

    /** The bracketed choice of a sysfs file, read here independently of ThpSettings. */
    static String sysChoice(String path) throws Exception {
        String s = Files.readString(Path.of(path));
        return s.substring(s.indexOf('[') + 1, s.indexOf(']'));
    }

    @Test
    void aTouchOf4096FreshPagesMovesPgfaultByAtLeastThatAndStillCountsItsOwnExactly() throws Exception {
        f.run("map s 4096p --no-thp");
        StepReport r = f.step("touch s");
        assertThat(r.sample().minorFaults()).as("the step's own faults").isEqualTo(4096);
        assertThat(r.sample().majorFaults()).isZero();
        SystemActivity sys = r.system().orElseThrow();
        assertThat(sys.vmstatDelta("pgfault")).as("system-wide pgfault").isGreaterThanOrEqualTo(4096);
        long allocated = sys.vmstat().stream()
                .filter(d -> d.name().startsWith("pgalloc_"))
                .mapToLong(SystemActivity.Delta::delta)
                .sum();
        assertThat(allocated).as("pgalloc_* (every page the kernel handed out)").isGreaterThanOrEqualTo(4096);
        assertThat(sys.vmstat()).as("only counters that moved").allMatch(d -> d.delta() != 0);
        assertThat(sys.meminfo())
                .as("only figures that moved by a page")
                .allMatch(d -> Math.abs(d.delta()) >= (d.hugePages() ? 1 : 4));
        assertThat(sys.vmstat().get(0).name()).as("faults come first").isEqualTo("pgfault");
        assertThat(sys.sampleNanos()).isPositive();
    }

    @Test
    void transparentHugePagesShowInThpFaultAllocOrTheFallbackSaysWhyNot() throws Exception {
        String enabled = sysChoice(THP + "enabled");
        assumeTrue(!enabled.equals("never"), "THP is disabled here (" + THP + "enabled = never)");
        f.run("map t 8M --thp --align 2M");
        StepReport r = f.step("touch t");
        SystemActivity sys = r.system().orElseThrow();
        if (r.sample().minorFaults() == 4) {
            assertThat(sys.vmstatDelta("thp_fault_alloc"))
                    .as("four faults, each a 2 MiB page")
                    .isGreaterThanOrEqualTo(4);
        } else {
            // No huge page could be had (fragmented memory under this defrag setting, a memcg limit): the kernel
            // counts each such fault in thp_fault_fallback (or _charge).
            assertThat(sys.vmstatDelta("thp_fault_fallback") + sys.vmstatDelta("thp_fault_fallback_charge"))
                    .as(
                            "%d faults instead of 4: thp_fault_fallback should count why",
                            r.sample().minorFaults())
                    .isPositive();
        }
        assertThat(sys.settingsLine()).contains("enabled=" + enabled).contains("defrag=" + sysChoice(THP + "defrag"));
    }

    @Test
    void settingsFollowTheMappingsKind() throws Exception {
        f.run("map p 16p --no-thp");
        StepReport priv = f.step("touch p");
        assertThat(priv.system().orElseThrow().settings())
                .containsEntry("transparent_hugepage/enabled", sysChoice(THP + "enabled"))
                .doesNotContainKey("transparent_hugepage/shmem_enabled");
        f.run("map sh 16p --shared");
        StepReport shared = f.step("touch sh");
        assertThat(shared.system().orElseThrow().settingsLine())
                .contains("shmem_enabled=" + sysChoice(THP + "shmem_enabled"));
        StepReport memfd = f.step("map mf 16p --memfd");
        assertThat(memfd.system().orElseThrow().settings())
                .as("map reports the settings of the kind it creates")
                .containsEntry("transparent_hugepage/shmem_enabled", sysChoice(THP + "shmem_enabled"));
        // multi-size THP: a size other than 2 MiB that is not off is named, and only then
        for (String d : new java.io.File(THP).list()) {
            if (!d.matches("hugepages-[0-9]+kB")
                    || d.equals("hugepages-2048kB")
                    || !Files.exists(Path.of(THP, d, "enabled"))) continue;
            String v = sysChoice(THP + d + "/enabled");
            String key = "transparent_hugepage/" + d + "/enabled";
            if (v.equals("never"))
                assertThat(priv.system().orElseThrow().settings()).doesNotContainKey(key);
            else assertThat(priv.system().orElseThrow().settings()).containsEntry(key, v);
        }
    }

    @Test
    void aStepWithoutAMappingStillNamesTheThpSettings() throws Exception {
        StepReport r = f.step("unlockall");
        assertThat(r.system().orElseThrow().settingsLine()).startsWith("THP enabled=" + sysChoice(THP + "enabled"));
        assertThat(r.system().orElseThrow().pool()).isNull();
    }

    @Test
    void theSettingsLineShowsAHugetlbPoolMovingAndNothingElseOfIt() {
        var before = new HugetlbPool(2L << 20, 4, 4, 2, 0, 0);
        var after = new HugetlbPool(2L << 20, 4, 2, 0, 0, 0);
        SystemActivity sys = new SystemActivity(
                java.util.List.of(),
                java.util.List.of(),
                java.util.Map.of("transparent_hugepage/enabled", "madvise", "transparent_hugepage/defrag", "madvise"),
                new SystemActivity.PoolChange(before, after),
                1);
        assertThat(sys.settingsLine())
                .isEqualTo(
                        "THP enabled=madvise defrag=madvise; hugetlb 2M pool 4, free 4\u21922, resv 2\u21920, surplus 0, overcommit 0");
    }

    @Test
    void aHugetlbStepReportsItsPool() throws Exception {
        assumeTrue(Capabilities.has(CAP_SYS_ADMIN), "raising nr_hugepages needs root (CAP_SYS_ADMIN)");
        Path knob = Path.of("/proc/sys/vm/nr_hugepages");
        String was = Files.readString(knob).trim();
        try {
            Files.writeString(knob, Long.toString(Long.parseLong(was) + 1));
            assumeTrue(HugetlbPool.of(2L << 20).map(p -> p.free() >= 1).orElse(false), "no free 2 MiB huge page");
            StepReport map = f.step("map hp 2M --hugetlb");
            assertThat(map.system().orElseThrow().pool()).isNotNull();
            assertThat(map.system().orElseThrow().pool().before().sizeBytes()).isEqualTo(2L << 20);
            assertThat(map.system().orElseThrow().settings())
                    .containsKeys(
                            "hugepages/hugepages-2048kB/free_hugepages",
                            "hugepages/hugepages-2048kB/nr_overcommit_hugepages");
            StepReport touch = f.step("touch hp");
            assertThat(touch.sample().minorFaults()).isEqualTo(1);
            assertThat(touch.system().orElseThrow().settingsLine()).contains("hugetlb 2M pool ");
            f.run("unmap hp");
        } finally {
            Files.writeString(knob, was);
        }
    }
}
