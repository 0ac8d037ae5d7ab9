package dev.pagelab.linux;

import java.util.Arrays;

/**
 * Per-access latencies in log-linear buckets: 8 sub-buckets per power of two, so a percentile read back is
 * within 12.5% of the true value (min and max are exact). Recording allocates nothing, so it can run
 * inside a measured window.
 */
public final class LatencyHistogram {
    static final int SUB_BITS = 3, SUB = 1 << SUB_BITS;
    private final long[] counts = new long[64 * SUB];
    private long total, min = Long.MAX_VALUE, max, sum;

    public void record(long nanos) {
        if (nanos < 0) nanos = 0;
        counts[bucket(nanos)]++;
        total++;
        sum += nanos;
        if (nanos < min) min = nanos;
        if (nanos > max) max = nanos;
    }

    public void clear() {
        Arrays.fill(counts, 0);
        total = 0;
        sum = 0;
        min = Long.MAX_VALUE;
        max = 0;
    }

    static int bucket(long v) {
        if (v < SUB) return (int) v;
        int exp = 63 - Long.numberOfLeadingZeros(v);            // v in [2^exp, 2^(exp+1))
        int sub = (int) ((v >>> (exp - SUB_BITS)) & (SUB - 1));
        return (exp - SUB_BITS + 1) * SUB + sub;
    }

    /** Smallest value that falls in bucket {@code b}. */
    static long lowerBound(int b) {
        if (b < SUB) return b;
        int exp = b / SUB + SUB_BITS - 1;
        int sub = b % SUB;
        return (1L << exp) + ((long) sub << (exp - SUB_BITS));
    }

    static long upperBound(int b) {
        return b + 1 < 64 * SUB ? lowerBound(b + 1) - 1 : Long.MAX_VALUE;
    }

    public long count() { return total; }

    public long min() { return total == 0 ? 0 : min; }

    public long max() { return max; }

    public double mean() { return total == 0 ? 0 : (double) sum / total; }

    /** The value at quantile {@code q} (0..1): the midpoint of its bucket, clamped to [min, max]. */
    public long quantile(double q) {
        if (total == 0) return 0;
        long rank = Math.max(1, (long) Math.ceil(q * total));
        long seen = 0;
        for (int b = 0; b < counts.length; b++) {
            seen += counts[b];
            if (seen >= rank) {
                long mid = (lowerBound(b) + Math.min(upperBound(b), lowerBound(b) * 2 + 1)) / 2;
                return Math.max(min(), Math.min(max, b < SUB ? b : mid));
            }
        }
        return max;
    }

    /** Counts grouped by power of two: element i counts values in [2^i, 2^(i+1)) (i = 0 also holds 0). */
    public long[] powerOfTwoCounts() {
        long[] out = new long[64];
        for (int b = 0; b < counts.length; b++) {
            if (counts[b] == 0) continue;
            long lo = lowerBound(b);
            int exp = lo == 0 ? 0 : 63 - Long.numberOfLeadingZeros(lo);
            out[exp] += counts[b];
        }
        return out;
    }
}
