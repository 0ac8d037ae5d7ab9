package dev.pagelab.commands;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pagelab.commands.report.SlowWithoutFault;
import dev.pagelab.commands.report.StepReport;
import dev.pagelab.linux.measure.FaultSample;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A touch with no fault that costs far more than a resident one says so in its normal report. */
class SlowWithoutFaultTest {
    static final Optional<String> KVM = Optional.of("KVM"), BARE = Optional.empty();

    /** {@code accesses} accesses taking {@code nsEach} each, with {@code faults} minor faults. */
    static FaultSample sample(long faults, long accesses, long nsEach) {
        return new FaultSample(faults, 0, accesses * nsEach, faults, 0);
    }

    @Test
    void theIssuesTouchAfterPopulateWriteIsExplained() {
        // 4.9 µs a page with no fault, against ~30 ns a resident re-touch
        Optional<String> n = SlowWithoutFault.note(sample(0, 262144, 4_900), 262144, 30, KVM);
        assertThat(n)
                .hasValue("no fault, yet 4.9 \u00b5s an access, 163\u00d7 a resident one (30 ns): likely the KVM "
                        + "host backing the pages on first access; --timing shows each access");
        assertThat(SlowWithoutFault.note(sample(0, 100, 4_900), 100, 30, BARE))
                .get()
                .asString()
                .contains("the cost is below this kernel's page tables")
                .doesNotContain("host");
        assertThat(SlowWithoutFault.note(sample(0, 100, 4_900), 100, 30, Optional.of("a hypervisor")))
                .get()
                .asString()
                .contains("likely the hypervisor backing");
    }

    @Test
    void bothThresholdsMustBeCrossedAndNoFaultTaken() {
        // a fault explains the time itself
        assertThat(SlowWithoutFault.note(sample(1, 100, 4_900), 100, 30, KVM)).isEmpty();
        // 100x a resident touch but under 1 µs: jitter on a fast loop, not worth a line
        assertThat(SlowWithoutFault.note(sample(0, 100, 999), 100, 9, KVM)).isEmpty();
        // over 1 µs but under 10x what resident memory costs here
        assertThat(SlowWithoutFault.note(sample(0, 100, 1_900), 100, 200, KVM)).isEmpty();
        // just over both
        assertThat(SlowWithoutFault.note(sample(0, 100, 2_001), 100, 200, KVM)).isPresent();
        // an unknown resident cost, or no access: nothing to compare with
        assertThat(SlowWithoutFault.note(sample(0, 100, 4_900), 100, -1, KVM)).isEmpty();
        assertThat(SlowWithoutFault.note(sample(0, 0, 0), 0, 30, KVM)).isEmpty();
    }

    @Test
    void theSessionKnowsWhatAResidentTouchCostsAndAResidentTouchGetsNoNote() throws Exception {
        try (SessionFixture f = new SessionFixture()) {
            double resident = f.session.residentTouchNanos();
            assertThat(resident)
                    .as("a write to a resident page, ns")
                    .isGreaterThan(0)
                    .isLessThan(1_000);
            f.run("map r 4M --no-thp");
            f.run("touch r");
            StepReport again = f.step("touch r");
            assertThat(again.sample().minorFaults()).isZero();
            // Whether a resident re-touch is slow is the machine's to say (under QEMU's TCG one took 4.7 µs an access,
            // 408× the warm-up's 11 ns: emulated TLB refills, no fault): the note must appear exactly when the step
            // crossed both thresholds, and name its figures.
            double per = (double) again.sample().elapsedNanos() / 1024;
            boolean slow = per > SlowWithoutFault.FACTOR * resident && per > SlowWithoutFault.FLOOR_NANOS;
            assertThat(again.notes().stream().anyMatch(n -> n.startsWith("no fault, yet")))
                    .as("note for %.1f ns an access against a resident %.1f ns", per, resident)
                    .isEqualTo(slow);
        }
    }
}
