package dev.pagelab.linux.measure;

import java.util.Arrays;

/**
 * Per-access latencies in log-linear buckets: 8 sub-buckets per power of two, so a percentile read back is
 * within 12.5% of the true value (min and max are exact). Recording allocates nothing, so it can run
 * inside a measured window.
 */
public final class LatencyHistogram {
    public static final int SUB_BITS = 3, SUB = 1 << SUB_BITS;
    private final long[] counts = new long[(64 - SUB_BITS) * SUB];
    private long total, min = Long.MAX_VALUE, max, sum;

    /** Branch-free (it runs inside measured windows; see {@link PageToucher#touch}). */
    public void record(long nanos) {
        long v = Math.max(0, nanos);
        counts[bucket(v)]++;
        total++;
        sum += v;
        min = Math.min(min, v);
        max = Math.max(max, v);
    }

    public void clear() {
        Arrays.fill(counts, 0);
        total = 0;
        sum = 0;
        min = Long.MAX_VALUE;
        max = 0;
    }

    /**
     * Bucket of a value: values below {@code SUB} ns (below System.nanoTime's resolution anyway) count as
     * {@code SUB}, so every value has at least {@code SUB_BITS + 1} significant bits and one formula serves all,
     * with no branch. Buckets never straddle a power of two.
     */
    public static int bucket(long v) {
        long w = Math.max(v, SUB);
        int exp = 63 - Long.numberOfLeadingZeros(w); // w in [2^exp, 2^(exp+1)), exp >= SUB_BITS
        int sub = (int) ((w >>> (exp - SUB_BITS)) & (SUB - 1));
        return (exp - SUB_BITS) * SUB + sub;
    }

    /** Smallest value that falls in bucket {@code b} (bucket 0 also holds everything below it). */
    public static long lowerBound(int b) {
        int exp = b / SUB + SUB_BITS;
        int sub = b % SUB;
        return (1L << exp) + ((long) sub << (exp - SUB_BITS));
    }

    /** Largest value that falls in bucket {@code b}. */
    public static long upperBound(int b) {
        return b + 1 < (64 - SUB_BITS) * SUB ? lowerBound(b + 1) - 1 : Long.MAX_VALUE;
    }

    /** How many buckets there are; bucket indexes run from 0 to this less one, in increasing latency. */
    public static int buckets() {
        return (64 - SUB_BITS) * SUB;
    }

    /** Values recorded in bucket {@code b}. */
    public long countAt(int b) {
        return counts[b];
    }

    /** A copy of every bucket's count, indexed as {@link #lowerBound}. */
    public long[] bucketCounts() {
        return counts.clone();
    }

    public long count() {
        return total;
    }

    public long min() {
        return total == 0 ? 0 : min;
    }

    public long max() {
        return max;
    }

    public double mean() {
        return total == 0 ? 0 : (double) sum / total;
    }

    /** The value at quantile {@code q} (0..1): the midpoint of its bucket, clamped to [min, max]. */
    public long quantile(double q) {
        if (total == 0) return 0;
        long rank = Math.max(1, (long) Math.ceil(q * total));
        long seen = 0;
        for (int b = 0; b < counts.length; b++) {
            seen += counts[b];
            if (seen >= rank) {
                long mid = lowerBound(b) + (upperBound(b) - lowerBound(b)) / 2;
                return Math.max(min(), Math.min(max, mid));
            }
        }
        return max;
    }

    /** Counts grouped by power of two: element i counts values in [2^i, 2^(i+1)); element 3 also holds 0–7. */
    public long[] powerOfTwoCounts() {
        long[] out = new long[64];
        for (int b = 0; b < counts.length; b++) {
            if (counts[b] == 0) continue;
            out[63 - Long.numberOfLeadingZeros(lowerBound(b))] += counts[b];
        }
        return out;
    }
}
