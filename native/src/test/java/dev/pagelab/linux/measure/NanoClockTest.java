package dev.pagelab.linux.measure;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class NanoClockTest {
    static long[] deltas(long[] values, int[] counts) {
        long[] out = new long[Arrays.stream(counts).sum()];
        int at = 0;
        for (int i = 0; i < values.length; i++) for (int k = 0; k < counts[i]; k++) out[at++] = values[i];
        return out;
    }

    @Test
    void quantumIgnoresRareRounding() {
        // As measured on this VM: 20, 30 and 40 ns, and now and then one more.
        NanoClock.Calibration c = NanoClock.of(
                deltas(new long[] {20, 21, 30, 31, 40, 41, 110}, new int[] {4100, 130, 4050, 200, 1400, 80, 1}));
        assertThat(c.quantumNanos()).isEqualTo(10);
        assertThat(c.pairMinNanos()).isEqualTo(20);
        assertThat(c.pairMedianNanos()).isEqualTo(30);
    }

    @Test
    void aCoarseClockShowsZeroAndItsStep() {
        NanoClock.Calibration c = NanoClock.of(deltas(new long[] {0, 1000}, new int[] {9000, 1000}));
        assertThat(c.quantumNanos()).isEqualTo(1000);
        assertThat(c.pairMedianNanos()).isZero();
    }

    @Test
    void aFineClockHasAQuantumOfOne() {
        NanoClock.Calibration c = NanoClock.of(deltas(new long[] {15, 16, 17, 18}, new int[] {2500, 2500, 2500, 2500}));
        assertThat(c.quantumNanos()).isEqualTo(1);
        NanoClock.Calibration one = NanoClock.of(deltas(new long[] {25}, new int[] {100}));
        assertThat(one.quantumNanos()).as("a single value: its own size").isEqualTo(25);
    }

    @Test
    void theRealClockIsMeasuredOnce() {
        NanoClock.Calibration c = NanoClock.calibration();
        assertThat(c.quantumNanos()).isPositive();
        assertThat(c.pairMedianNanos()).isGreaterThanOrEqualTo(c.pairMinNanos());
        assertThat(NanoClock.calibration()).isSameAs(c);
    }
}
