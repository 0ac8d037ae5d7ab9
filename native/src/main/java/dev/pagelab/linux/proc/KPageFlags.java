package dev.pagelab.linux.proc;

import static dev.pagelab.linux.LinuxConstants.*;

import dev.pagelab.linux.FileIo;
import dev.pagelab.linux.LinuxException;
import dev.pagelab.linux.ffm.Libc;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * /proc/kpageflags and /proc/kpagecount: per physical page (PFN) flags and map counts
 * (Documentation/admin-guide/mm/pagemap.rst, include/uapi/linux/kernel-page-flags.h). Both need
 * CAP_SYS_ADMIN; without it {@link #availability()} says why.
 */
public final class KPageFlags {
    public static final int LOCKED = 0,
            ERROR = 1,
            REFERENCED = 2,
            UPTODATE = 3,
            DIRTY = 4,
            LRU = 5,
            ACTIVE = 6,
            SLAB = 7,
            WRITEBACK = 8,
            RECLAIM = 9,
            BUDDY = 10,
            MMAP = 11,
            ANON = 12,
            SWAPCACHE = 13,
            SWAPBACKED = 14,
            COMPOUND_HEAD = 15,
            COMPOUND_TAIL = 16,
            HUGE = 17,
            UNEVICTABLE = 18,
            HWPOISON = 19,
            NOPAGE = 20,
            KSM = 21,
            THP = 22,
            OFFLINE = 23,
            ZERO_PAGE = 24,
            IDLE = 25,
            PGTABLE = 26;
    /** The "kernel hacking" flags above 31 (kernel-page-flags.h); MLOCKED is mlock(2), not LOCKED (the page lock). */
    public static final int RESERVED = 32,
            MLOCKED = 33,
            MAPPEDTODISK = 34,
            PRIVATE = 35,
            PRIVATE_2 = 36,
            OWNER_PRIVATE = 37,
            ARCH = 38,
            UNCACHED = 39,
            SOFTDIRTY = 40,
            ARCH_2 = 41;

    private static final String[] NAMES = {
        "locked",
        "error",
        "referenced",
        "uptodate",
        "dirty",
        "lru",
        "active",
        "slab",
        "writeback",
        "reclaim",
        "buddy",
        "mmap",
        "anon",
        "swapcache",
        "swapbacked",
        "compound_head",
        "compound_tail",
        "huge",
        "unevictable",
        "hwpoison",
        "nopage",
        "ksm",
        "thp",
        "offline",
        "zero_page",
        "idle",
        "pgtable",
        null,
        null,
        null,
        null,
        null,
        "reserved",
        "mlocked",
        "mappedtodisk",
        "private",
        "private_2",
        "owner_private",
        "arch",
        "uncached",
        "softdirty",
        "arch_2"
    };

    private static volatile int flagsFd = -1, countFd = -1;
    private static volatile String unavailable;
    private static volatile boolean probed;

    private KPageFlags() {}

    /** Empty when readable; otherwise the reason, e.g. "/proc/kpageflags: EPERM (needs CAP_SYS_ADMIN)". */
    public static synchronized java.util.Optional<String> availability() {
        if (!probed) {
            probed = true;
            try {
                flagsFd = FileIo.open("/proc/kpageflags", O_RDONLY, 0);
                countFd = FileIo.open("/proc/kpagecount", O_RDONLY, 0);
                // Opening can succeed where reading is refused; read PFN 0 to be sure.
                try (Arena a = Arena.ofConfined()) {
                    FileIo.pread(flagsFd, a.allocate(8, 8), 0);
                }
            } catch (LinuxException e) {
                unavailable = "/proc/kpageflags: " + e.errnoName() + " (" + e.meaning()
                        + "; it needs CAP_SYS_ADMIN, i.e. run pagelab as root)";
            }
        }
        return java.util.Optional.ofNullable(unavailable);
    }

    /** Flags of each PFN in {@code pfns} (0 where a PFN is 0, i.e. not known). */
    public static long[] flags(long[] pfns) throws LinuxException {
        checkAvailable();
        return readPerPfn(flagsFd, pfns);
    }

    /** How many times each PFN is mapped (0 where a PFN is 0). */
    public static long[] counts(long[] pfns) throws LinuxException {
        checkAvailable();
        return readPerPfn(countFd, pfns);
    }

    private static long[] readPerPfn(int fd, long[] pfns) throws LinuxException {
        long[] out = new long[pfns.length];
        ByPfn order = ByPfn.of(pfns, pfns.length, false, null, out);
        if (order == null) return out;
        java.util.Arrays.fill(out, 0); // it was the sort's scratch space
        order.read(fd, out);
        return out;
    }

    /**
     * The kpageflags ({@code flags}) and map counts ({@code counts}) of the pages behind the first {@code n} pagemap
     * {@code entries}; 0 for entries that are not present or carry no PFN.
     *
     * <p>/proc/kpagecount is read only where the entry does not already say. The kernel sets PM_MMAP_EXCLUSIVE (bit 56)
     * on a present page when that page's mapcount is 1, and kpagecount is the same mapcount, so an exclusive page that
     * is a folio of its own (no compound bit in its kpageflags) is mapped exactly once. That does not hold for huge
     * pages: a PMD-mapped THP takes the bit of its head page for all 512 entries (measured on 6.18: after a fork in which
     * the child dropped the head page, the parent's 511 tails carried the bit with a kpagecount of 2). So compound pages,
     * pages not marked exclusive, and pages the kernel has no struct page for (NOPAGE) are read.
     *
     * <p>{@code flags} and {@code counts} (at least {@code n} long) hold the sort's keys and scratch space on the way,
     * so that a 1 GiB read allocates nothing on the heap but, for pages not known to be mapped once, their keys.
     */
    public static void read(long[] entries, int n, long[] flags, long[] counts) throws LinuxException {
        checkAvailable();
        ByPfn order = ByPfn.of(entries, n, true, counts, flags);
        java.util.Arrays.fill(flags, 0, n, 0);
        if (order == null) {
            java.util.Arrays.fill(counts, 0, n, 0);
            return;
        }
        order.read(flagsFd, flags);
        ByPfn unknown = order.keep(i -> !mappedOnce(entries[i], flags[i]));
        java.util.Arrays.fill(counts, 0, n, 0); // the keys are not needed any more
        if (unknown != null) unknown.read(countFd, counts);
        for (int i = 0; i < n; i++) {
            if ((entries[i] & PagemapEntry.PFN_MASK) != 0 && mappedOnce(entries[i], flags[i])) counts[i] = 1;
        }
    }

    /** Whether a pagemap entry and its page's flags alone show the page is mapped exactly once (see {@link #read}). */
    public static boolean mappedOnce(long entry, long flags) {
        return entry < 0 // bit 63: present
                && (entry & PagemapEntry.EXCLUSIVE) != 0
                && (flags & (1L << COMPOUND_HEAD | 1L << COMPOUND_TAIL | 1L << NOPAGE)) == 0;
    }

    private static void checkAvailable() {
        if (availability().isPresent()) throw new IllegalStateException(unavailable);
    }

    /**
     * Pages in PFN order, for reading per-PFN files (/proc/kpageflags, /proc/kpagecount: 8 bytes per PFN) with as few
     * preads as the PFNs allow. A mapping's pages lie scattered in physical memory, often in descending order, so
     * reading in mapping order costs a pread every few pages, each about a quarter of a microsecond on top of the
     * kernel's ~100 ns per entry. Sorted, consecutive PFNs (and repeats: every page of the zero page) share one read:
     * for a fully touched 1 GiB mapping here, ~19 000 kpageflags reads (strace) instead of 57 000-140 000 (it varies
     * with how the pages were handed out). Each key is a PFN with its page's index in the low bits; a radix sort
     * orders them.
     */
    public static final class ByPfn {
        /** Entries read by one pread at most (a buffer of 64 KiB at most). */
        static final int MAX_SPAN = 8192;
        /**
         * PFNs not asked for that one read may cover to join two runs: an entry costs ~100 ns, a pread ~300 ns more.
         * Measured on a 1 GiB mapping, 1 to 6 in the same process: 3 and 4 were best, 2-4 ms (5%) under 0.
         */
        static final int MAX_GAP = 3;

        final long[] keys;
        final int size, indexBits;

        private ByPfn(long[] keys, int size, int indexBits) {
            this.keys = keys;
            this.size = size;
            this.indexBits = indexBits;
        }

        /**
         * The pages among the first {@code n} of {@code values} that have a PFN, sorted by it; null when none has.
         * {@code values} are PFNs (0: none) or, with {@code entries}, pagemap entries (a PFN when present). The keys go
         * into {@code keys} (null: a new array); {@code scratch} (null: a new array) is overwritten by the sort.
         */
        public static ByPfn of(long[] values, int n, boolean entries, long[] keys, long[] scratch) {
            int m = 0;
            long max = 0;
            for (int i = 0; i < n; i++) {
                long p = pfn(values[i], entries);
                if (p == 0) continue;
                m++;
                max = Math.max(max, p);
            }
            if (m == 0) return null;
            int indexBits = Math.max(1, 32 - Integer.numberOfLeadingZeros(n - 1));
            int pfnBits = 64 - Long.numberOfLeadingZeros(max);
            if (indexBits + pfnBits > 63) throw new IllegalArgumentException("PFN " + Libc.hex(max) + " out of range");
            if (keys == null) keys = new long[m];
            boolean sorted = true;
            for (int i = 0, k = 0; i < n; i++) {
                long p = pfn(values[i], entries);
                if (p == 0) continue;
                keys[k] = p << indexBits | i;
                if (k > 0 && keys[k] < keys[k - 1]) sorted = false;
                k++;
            }
            if (!sorted) sortByHighBits(keys, m, indexBits, pfnBits, scratch);
            return new ByPfn(keys, m, indexBits);
        }

        private static long pfn(long value, boolean entry) {
            return !entry ? value : value < 0 ? value & PagemapEntry.PFN_MASK : 0; // bit 63: present
        }

        /** The pages whose index passes {@code test}, still in PFN order; null when none does. */
        public ByPfn keep(java.util.function.IntPredicate test) {
            long mask = (1L << indexBits) - 1;
            long[] kept = null;
            int m = 0;
            for (int k = 0; k < size; k++) {
                if (!test.test((int) (keys[k] & mask))) continue;
                if (kept == null) kept = new long[size - k];
                kept[m++] = keys[k];
            }
            return m == 0 ? null : new ByPfn(kept, m, indexBits);
        }

        /**
         * {@code out[index]} = the 8-byte entry of the page's PFN in {@code fd}, for every page (0 past the file's end).
         * Many pages are read in two halves at once ({@link TwoThreads}), split where one read ends.
         */
        void read(int fd, long[] out) throws LinuxException {
            if (!TwoThreads.split(size)) {
                read(fd, out, 0, size);
                return;
            }
            int mid = size / 2;
            while (mid < size && (keys[mid] >>> indexBits) <= (keys[mid - 1] >>> indexBits) + 1 + MAX_GAP) mid++;
            int half = mid;
            TwoThreads.run(() -> read(fd, out, 0, half), () -> read(fd, out, half, size));
        }

        /** The same for the pages of keys [from, to). */
        private void read(int fd, long[] out, int from, int to) throws LinuxException {
            if (from == to) return;
            long mask = (1L << indexBits) - 1;
            try (Arena arena = Arena.ofConfined()) {
                // a read covers at most to - from PFNs and the gaps between them
                MemorySegment buf = arena.allocate(8L * Math.min(MAX_SPAN, (long) (to - from) * (MAX_GAP + 1)), 8);
                int k = from;
                while (k < to) {
                    long start = keys[k] >>> indexBits, last = start;
                    int e = k + 1;
                    while (e < to) {
                        long p = keys[e] >>> indexBits;
                        if (p > last + 1 + MAX_GAP || p - start >= MAX_SPAN) break;
                        last = p;
                        e++;
                    }
                    long got = FileIo.pread(fd, buf, 8 * (last - start + 1), start * 8) / 8;
                    for (int j = k; j < e; j++) {
                        long off = (keys[j] >>> indexBits) - start;
                        out[(int) (keys[j] & mask)] = off < got ? buf.getAtIndex(ValueLayout.JAVA_LONG, off) : 0;
                    }
                    k = e;
                }
            }
        }
    }

    /**
     * Sorts {@code keys[0, n)} (all non-negative) by bits [{@code low}, {@code low + bits}), stably: an LSD radix sort
     * in as few passes of at most 12 bits as cover them, through {@code scratch} (at least n long; null: a new array).
     */
    public static void sortByHighBits(long[] keys, int n, int low, int bits, long[] scratch) {
        int passes = Math.max(1, (bits + 11) / 12);
        int digit = (bits + passes - 1) / passes;
        int radix = 1 << digit, mask = radix - 1;
        long[] src = keys, dst = scratch != null ? scratch : new long[n];
        int[] count = new int[radix + 1];
        for (int pass = 0; pass < passes; pass++) {
            int shift = low + pass * digit;
            java.util.Arrays.fill(count, 0);
            for (int i = 0; i < n; i++) count[(int) (src[i] >>> shift & mask) + 1]++;
            for (int d = 0; d < radix; d++) count[d + 1] += count[d];
            for (int i = 0; i < n; i++) dst[count[(int) (src[i] >>> shift & mask)]++] = src[i];
            long[] t = src;
            src = dst;
            dst = t;
        }
        if (src != keys) System.arraycopy(src, 0, keys, 0, n);
    }

    public static boolean has(long flags, int bit) {
        return (flags & (1L << bit)) != 0;
    }

    /** Names of the set flags, lower case, in bit order. */
    public static List<String> names(long flags) {
        List<String> out = new ArrayList<>();
        for (int b = 0; b < NAMES.length; b++) {
            if (NAMES[b] == null || !has(flags, b)) continue;
            // On anonymous pages the kernel reuses PG_mappedtodisk as PG_anon_exclusive (mm/page-flags.h).
            out.add(b == MAPPEDTODISK && has(flags, ANON) ? "anon_exclusive" : NAMES[b]);
        }
        return out;
    }
}
