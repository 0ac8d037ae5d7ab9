package dev.pagelab.commands;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pagelab.commands.report.LatencyModes;
import dev.pagelab.commands.report.LatencyModes.Mode;
import dev.pagelab.commands.report.StepReport;
import org.junit.jupiter.api.Test;

/** touch --timing on the real kernel: the modes account for exactly the faults the step counted. */
class TimingModesTest extends RealKernelTest {
    static long faultsInModes(LatencyModes m) {
        return m.modes().stream().mapToLong(x -> x.band().faults()).sum()
                + (m.elsewhere() == null ? 0 : m.elsewhere().faults());
    }

    @Test
    void firstTouchThenRetouchOf1024FreshPages() throws Exception {
        f.run("map tm 1024p --no-thp");
        StepReport first = f.step("touch tm --timing");
        long faults = first.sample().minorFaults() + first.sample().majorFaults();
        assertThat(faults).as("exact, with timing on").isEqualTo(1024);
        LatencyModes m = first.timing().orElseThrow().modes();
        assertThat(m.accesses()).isEqualTo(1024);
        assertThat(m.faults()).isEqualTo(faults);
        assertThat(faultsInModes(m)).as("faults attributed across the modes").isEqualTo(faults);
        assertThat(m.modes()).isNotEmpty().allMatch(x -> x.kind().faulting(), "every access faulted");

        StepReport again = f.step("touch tm --timing");
        assertThat(again.sample().minorFaults()).isZero();
        LatencyModes r = again.timing().orElseThrow().modes();
        assertThat(faultsInModes(r)).isZero();
        assertThat(r.modes()).isNotEmpty().noneMatch(x -> x.kind().faulting());
        assertThat(again.timing().orElseThrow().clock().quantumNanos()).isPositive();
        // Whether a resident access is fast is a fact about the machine: under QEMU's software emulation (the kernel
        // matrix's guests, PAGELAB_GUEST=1) a re-touch takes microseconds and is rightly called "no fault but slow".
        org.junit.jupiter.api.Assumptions.assumeFalse(
                "1".equals(System.getenv("PAGELAB_GUEST")),
                "stable timings: this is a kernel-matrix guest under software emulation");
        assertThat(r.modes().get(0).kind()).isEqualTo(LatencyModes.Kind.RESIDENT);
    }

    @Test
    void aStrideBelowThePageSizeSplitsFaultsFromResidentAccessesByRank() throws Exception {
        f.run("map st 1024p --no-thp");
        StepReport r = f.step("touch st --stride 1K --timing");
        assertThat(r.accessesMade()).isEqualTo(4096);
        assertThat(r.sample().minorFaults()).isEqualTo(1024);
        LatencyModes m = r.timing().orElseThrow().modes();
        assertThat(faultsInModes(m)).isEqualTo(1024);
        long counted = m.modes().stream().mapToLong(x -> x.band().count()).sum()
                + (m.elsewhere() == null ? 0 : m.elsewhere().count());
        assertThat(counted).isEqualTo(4096);
        Mode fastest = m.modes().get(0);
        assertThat(fastest.band().faults())
                .as("the fastest band holds no fault")
                .isZero();
    }
}
