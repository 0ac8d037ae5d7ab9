package dev.pagelab.commands.report;

import dev.pagelab.linux.measure.LatencyHistogram;
import java.util.ArrayList;
import java.util.List;

/**
 * The modes of a {@code touch --timing} histogram: the distinct bands of access latency (local maxima separated
 * by a valley), each with its range, count, and a name that rests on evidence. The evidence is the step's exact
 * fault count F: F accesses faulted, and since a fault costs far more than a resident access, the slowest F
 * accesses are attributed to faults and the rest to accesses that did not fault. That is an attribution by rank,
 * not a per-access observation (nothing records which access faulted). A band of non-faulting accesses as slow as
 * a fault (1 µs or more) is "no fault but slow": on a virtual machine, typically the hypervisor backing the page.
 *
 * <p>A pure function of the histogram's buckets, F, and the timer's quantum: the console renders the result.
 *
 * @param modes       the modes in increasing latency
 * @param elsewhere   accesses outside the modes: in bands too small to be one (outliers, small bumps on a mode's
 *                    tail), or {@code null} when none; its range is its lowest to its highest bucket
 * @param accesses    accesses in the histogram
 * @param faults      the step's fault count F (minor + major), as measured
 * @param attributed  faults attributed by rank: F, or the number of accesses when F exceeds it
 * @param quantumNanos the timer's step used to group the finest buckets
 */
public record LatencyModes(
        List<Mode> modes, Band elsewhere, long accesses, long faults, long attributed, long quantumNanos) {

    /** What a mode's accesses were, by the attribution of faults by rank. */
    public enum Kind {
        /** the fastest band of accesses that did not fault */
        RESIDENT("resident"),
        /** a slower band without faults, under 1 µs */
        RESIDENT_SLOWER("resident, slower"),
        /** a band without faults at 1 µs or more: as slow as a fault, yet no fault */
        NO_FAULT_BUT_SLOW("no fault but slow"),
        /** the fastest band of faulting accesses */
        FAULTS("faults"),
        /** a slower band of faulting accesses */
        SLOWER_FAULTS("slower faults"),
        /** a band that holds both (the faults cannot be told from the rest by time) */
        MIXED("faults and resident");

        private final String words;

        Kind(String words) {
            this.words = words;
        }

        public String words() {
            return words;
        }

        public boolean faulting() {
            return this == FAULTS || this == SLOWER_FAULTS;
        }
    }

    /**
     * Accesses of one band.
     *
     * @param firstBucket  first non-empty histogram bucket of the band
     * @param lastBucket   last non-empty bucket
     * @param fromNanos    the band's 5th percentile (lower bound of its bucket)
     * @param toNanos      its 95th percentile (upper bound of its bucket)
     * @param typicalNanos its median (the midpoint of the median's bucket)
     * @param count        accesses in the band
     * @param faults       of those, how many are attributed to faults (by rank)
     */
    public record Band(
            int firstBucket, int lastBucket, long fromNanos, long toNanos, long typicalNanos, long count, long faults) {
        public long withoutFault() {
            return count - faults;
        }
    }

    /**
     * @param band      the accesses
     * @param kind      what they were
     * @param reference for a slower kind, the index (in {@link #modes}) of the faster mode it is compared with, else -1
     * @param slowerBy  typical latency over the reference's (1 when there is none)
     */
    public record Mode(Band band, Kind kind, int reference, double slowerBy) {}

    /** Latency from which a band of accesses without a fault counts as "no fault but slow": a minor fault's cost. */
    public static final long SLOW_WITHOUT_FAULT_NANOS = 1_000;
    /** Two peaks are one mode when the valley between them is above this share of the lower peak. */
    static final double VALLEY = 0.5;

    public boolean empty() {
        return accesses == 0;
    }

    /** The modes of histogram {@code h} for a step that counted {@code faults} faults. */
    public static LatencyModes of(LatencyHistogram h, long faults, long quantumNanos) {
        return of(h.bucketCounts(), faults, quantumNanos);
    }

    /**
     * @param counts       counts per bucket, indexed as {@link LatencyHistogram#lowerBound}
     * @param faults       the step's fault count
     * @param quantumNanos the timer's step: the finest buckets are grouped until a group is at least this wide, so
     *                     that values the timer cannot tell apart fall into one group (here 20, 30 and 40 ns are
     *                     the only values below 50 ns)
     */
    public static LatencyModes of(long[] counts, long faults, long quantumNanos) {
        long n = 0;
        int lo = -1, hi = -1;
        for (int b = 0; b < counts.length; b++) {
            if (counts[b] == 0) continue;
            n += counts[b];
            if (lo < 0) lo = b;
            hi = b;
        }
        long f = Math.max(0, Math.min(faults, n));
        if (n == 0) return new LatencyModes(List.of(), null, 0, faults, 0, quantumNanos);

        // Fault attribution by rank: the slowest f accesses, taken from the top bucket down.
        long[] faultsIn = new long[counts.length];
        long left = f;
        for (int b = hi; b >= lo && left > 0; b--) {
            faultsIn[b] = Math.min(counts[b], left);
            left -= faultsIn[b];
        }

        // Analysis bins: buckets grouped from bucket 0 up until a group spans at least the timer's quantum.
        List<int[]> bins = new ArrayList<>(); // {first bucket, last bucket}
        int start = 0;
        for (int b = 0; b <= hi; b++) {
            long width = LatencyHistogram.upperBound(b) - LatencyHistogram.lowerBound(start) + 1;
            if (width >= quantumNanos || b == hi) {
                bins.add(new int[] {start, b});
                start = b + 1;
            }
        }
        int m = bins.size();
        long[] c = new long[m];
        for (int i = 0; i < m; i++) for (int b = bins.get(i)[0]; b <= bins.get(i)[1]; b++) c[i] += counts[b];

        // Smoothed density (weights 1 2 3 2 1), then its peaks.
        long[] s = new long[m];
        int[] w = {1, 2, 3, 2, 1};
        for (int i = 0; i < m; i++) {
            for (int k = -2; k <= 2; k++) if (i + k >= 0 && i + k < m) s[i] += w[k + 2] * c[i + k];
        }
        List<Integer> peaks = new ArrayList<>();
        for (int i = 0; i < m; ) {
            int j = i;
            while (j + 1 < m && s[j + 1] == s[i]) j++; // a plateau [i, j]
            boolean rises = i == 0 || s[i - 1] < s[i];
            boolean falls = j == m - 1 || s[j + 1] < s[j];
            if (s[i] > 0 && rises && falls) peaks.add((i + j) / 2);
            i = j + 1;
        }

        // Merge neighbouring peaks while the valley between them is high (persistence): highest valley first.
        while (peaks.size() > 1) {
            int best = -1;
            double bestRatio = VALLEY;
            for (int p = 0; p + 1 < peaks.size(); p++) {
                int a = peaks.get(p), b = peaks.get(p + 1);
                double ratio = (double) s[valley(s, a, b)] / Math.min(s[a], s[b]);
                if (ratio > bestRatio) {
                    bestRatio = ratio;
                    best = p;
                }
            }
            if (best < 0) break;
            int a = peaks.get(best), b = peaks.get(best + 1);
            peaks.set(best, s[a] >= s[b] ? a : b);
            peaks.remove(best + 1);
        }

        // Segments: cut at the valleys; each is a run of bins [from, to].
        List<int[]> segs = new ArrayList<>();
        int from = 0;
        for (int p = 0; p + 1 < peaks.size(); p++) {
            int v = valley(s, peaks.get(p), peaks.get(p + 1));
            segs.add(new int[] {from, v - 1 < from ? from : v - 1});
            from = Math.max(v, from + 1);
        }
        segs.add(new int[] {from, m - 1});

        // A segment is a mode when it holds at least 1% (and at least 3) of the faulting or of the other accesses;
        // the rest are "elsewhere".
        long nf = n - f;
        long thrF = Math.min(f, Math.max(3, (f + 99) / 100)), thrN = Math.min(nf, Math.max(3, (nf + 99) / 100));
        List<long[]> parts = new ArrayList<>(); // {first bin, last bin, count, faults, significant}
        for (int[] sg : segs) {
            long cnt = 0, flt = 0;
            for (int i = sg[0]; i <= sg[1]; i++) {
                cnt += c[i];
                for (int b = bins.get(i)[0]; b <= bins.get(i)[1]; b++) flt += faultsIn[b];
            }
            if (cnt == 0) continue;
            boolean significant = (f > 0 && flt >= thrF) || (nf > 0 && cnt - flt >= thrN);
            parts.add(new long[] {
                firstOccupied(c, sg[0], sg[1]), lastOccupied(c, sg[0], sg[1]), cnt, flt, significant ? 1 : 0
            });
        }
        List<Band> bands = new ArrayList<>();
        long otherCount = 0, otherFaults = 0;
        int otherFirst = -1, otherLast = -1;
        for (long[] x : parts) {
            int fb = bins.get((int) x[0])[0], lb = bins.get((int) x[1])[1];
            if (x[4] == 1) {
                bands.add(band(counts, fb, lb, x[2], x[3]));
            } else {
                otherCount += x[2];
                otherFaults += x[3];
                if (otherFirst < 0) otherFirst = fb;
                otherLast = lb;
            }
        }
        Band elsewhere = null;
        if (otherCount > 0) {
            int fb = firstOccupied(counts, otherFirst, otherLast), lb = lastOccupied(counts, otherFirst, otherLast);
            elsewhere = new Band(fb, lb, lower(fb), LatencyHistogram.upperBound(lb), 0, otherCount, otherFaults);
        }
        return new LatencyModes(name(bands), elsewhere, n, faults, f, quantumNanos);
    }

    /** Names each band from its faults and its latency relative to the fastest band of its kind. */
    private static List<Mode> name(List<Band> bands) {
        List<Mode> out = new ArrayList<>();
        int fastestResident = -1, fastestFault = -1;
        for (int i = 0; i < bands.size(); i++) {
            Band b = bands.get(i);
            Kind kind;
            int ref = -1;
            if (b.faults() == 0) {
                if (fastestResident < 0 && b.typicalNanos() < SLOW_WITHOUT_FAULT_NANOS) {
                    fastestResident = i;
                    kind = Kind.RESIDENT;
                } else {
                    kind = b.typicalNanos() >= SLOW_WITHOUT_FAULT_NANOS ? Kind.NO_FAULT_BUT_SLOW : Kind.RESIDENT_SLOWER;
                    ref = fastestResident;
                }
            } else if (b.faults() == b.count()) {
                if (fastestFault < 0) {
                    fastestFault = i;
                    kind = Kind.FAULTS;
                } else {
                    kind = Kind.SLOWER_FAULTS;
                    ref = fastestFault;
                }
            } else {
                kind = Kind.MIXED;
            }
            double by = ref < 0
                    ? 1
                    : (double) b.typicalNanos() / Math.max(1, bands.get(ref).typicalNanos());
            out.add(new Mode(b, kind, ref, by));
        }
        return out;
    }

    private static Band band(long[] counts, int first, int last, long count, long faults) {
        first = firstOccupied(counts, first, last);
        last = lastOccupied(counts, first, last);
        int p5 = quantileBucket(counts, first, last, count, 0.05),
                p50 = quantileBucket(counts, first, last, count, 0.5);
        int p95 = quantileBucket(counts, first, last, count, 0.95);
        long lo50 = lower(p50), hi50 = LatencyHistogram.upperBound(p50);
        return new Band(
                first, last, lower(p5), LatencyHistogram.upperBound(p95), lo50 + (hi50 - lo50) / 2, count, faults);
    }

    /** The smallest value bucket {@code b} holds: bucket 0 holds everything below its bound too. */
    public static long lower(int b) {
        return b == 0 ? 0 : LatencyHistogram.lowerBound(b);
    }

    private static int quantileBucket(long[] counts, int first, int last, long count, double q) {
        long rank = Math.max(1, (long) Math.ceil(q * count)), seen = 0;
        for (int b = first; b <= last; b++) {
            seen += counts[b];
            if (seen >= rank) return b;
        }
        return last;
    }

    /** The lowest point of {@code s} strictly between peaks {@code a < b} (the first of equal lows). */
    private static int valley(long[] s, int a, int b) {
        int v = a + 1;
        for (int i = a + 1; i < b; i++) if (s[i] < s[v]) v = i;
        return Math.min(v, b);
    }

    private static int firstOccupied(long[] c, int from, int to) {
        for (int i = from; i <= to; i++) if (c[i] != 0) return i;
        return from;
    }

    private static int lastOccupied(long[] c, int from, int to) {
        for (int i = to; i >= from; i--) if (c[i] != 0) return i;
        return to;
    }
}
