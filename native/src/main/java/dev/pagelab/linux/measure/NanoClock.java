package dev.pagelab.linux.measure;

import java.util.Arrays;

/**
 * What System.nanoTime can resolve on this machine, measured from back-to-back calls: the cost of one timed
 * access includes one pair of calls, and the clock's step (its quantum) limits how finely fast accesses can be
 * told apart. Measured outside any window.
 */
public final class NanoClock {
    private NanoClock() {}

    /**
     * @param quantumNanos the clock's step: the smallest gap between the common values of a back-to-back
     *                     difference (10 ns on this VM: differences are 20, 30 or 40 ns), at least 1
     * @param pairMinNanos the smallest back-to-back difference seen
     * @param pairMedianNanos the median back-to-back difference: what timing adds to every access
     */
    public record Calibration(long quantumNanos, long pairMinNanos, long pairMedianNanos) {}

    private static volatile Calibration cached;

    /**
     * Measures once per process and then returns the same figures. Rounds of 20 000 pairs repeat until the
     * loop runs compiled, as the touch loop does (two rounds in a row with the same median; at most 40 rounds,
     * some 40 ms).
     */
    public static Calibration calibration() {
        Calibration c = cached;
        if (c == null) {
            long[] d = new long[20_000];
            Calibration last = null;
            for (int round = 0; round < 40; round++) {
                pairs(d);
                c = of(d);
                if (round >= 3 && last != null && last.pairMedianNanos() == c.pairMedianNanos()) break;
                last = c;
            }
            cached = c;
        }
        return c;
    }

    private static void pairs(long[] d) {
        for (int i = 0; i < d.length; i++) {
            long t0 = System.nanoTime();
            d[i] = System.nanoTime() - t0;
        }
    }

    /**
     * The figures of a set of back-to-back differences. The quantum is the smallest gap between two distinct
     * difference values that each occur in at least 5% of the samples (so that a rare ±1 ns of rounding does not
     * count); with fewer than two such values it is the smallest positive difference.
     */
    public static Calibration of(long[] deltas) {
        long[] d = deltas.clone();
        Arrays.sort(d);
        long minPositive = 0;
        for (long v : d)
            if (v > 0) {
                minPositive = v;
                break;
            }
        long quantum = Long.MAX_VALUE, lastCommon = Long.MIN_VALUE;
        int i = 0;
        while (i < d.length) {
            int j = i;
            while (j < d.length && d[j] == d[i]) j++;
            if ((j - i) * 20L >= d.length) {
                if (lastCommon != Long.MIN_VALUE) quantum = Math.min(quantum, d[i] - lastCommon);
                lastCommon = d[i];
            }
            i = j;
        }
        if (quantum == Long.MAX_VALUE) quantum = Math.max(1, minPositive);
        return new Calibration(Math.max(1, quantum), d.length == 0 ? 0 : d[0], d.length == 0 ? 0 : d[d.length / 2]);
    }
}
