package dev.pagelab.linux.measure;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class LatencyHistogramTest {
    @Test
    void bucketsCoverEveryValueOnceAndNeverStraddleAPowerOfTwo() {
        for (long v = 8; v < 1 << 20; v++) {
            int b = LatencyHistogram.bucket(v);
            assertThat(LatencyHistogram.lowerBound(b)).isLessThanOrEqualTo(v);
            assertThat(LatencyHistogram.upperBound(b)).isGreaterThanOrEqualTo(v);
            assertThat(63 - Long.numberOfLeadingZeros(LatencyHistogram.lowerBound(b)))
                    .isEqualTo(63 - Long.numberOfLeadingZeros(LatencyHistogram.upperBound(b)));
        }
        assertThat(LatencyHistogram.bucket(0)).isEqualTo(LatencyHistogram.bucket(8));
        assertThat(LatencyHistogram.bucket(Long.MAX_VALUE))
                .isLessThan((64 - LatencyHistogram.SUB_BITS) * LatencyHistogram.SUB);
    }

    @Test
    void quantilesAreWithinTheBucketWidthAndMinMaxExact() {
        LatencyHistogram h = new LatencyHistogram();
        Random r = new Random(42);
        long[] values = new long[10_000];
        for (int i = 0; i < values.length; i++) {
            values[i] = i < 9_000 ? 80 + r.nextInt(40) : 10_000 + r.nextInt(20_000); // resident vs faulting
            h.record(values[i]);
        }
        java.util.Arrays.sort(values);
        for (double q : new double[] {0.5, 0.9, 0.99}) {
            long exact = values[(int) Math.ceil(q * values.length) - 1];
            assertThat((double) h.quantile(q))
                    .as("p%s", q * 100)
                    .isCloseTo(exact, org.assertj.core.data.Percentage.withPercentage(12.5));
        }
        assertThat(h.min()).isEqualTo(values[0]);
        assertThat(h.max()).isEqualTo(values[values.length - 1]);
        assertThat(h.count()).isEqualTo(10_000);
        long[] pow2 = h.powerOfTwoCounts();
        assertThat(pow2[6] + pow2[5]).isEqualTo(9_000); // 80..119 ns: [32,64) and [64,128)
        h.record(-5);
        assertThat(h.min()).isZero();
    }
}
