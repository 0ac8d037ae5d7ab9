package dev.pagelab.linux;

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
    public static final int LOCKED = 0, ERROR = 1, REFERENCED = 2, UPTODATE = 3, DIRTY = 4, LRU = 5, ACTIVE = 6,
            SLAB = 7, WRITEBACK = 8, RECLAIM = 9, BUDDY = 10, MMAP = 11, ANON = 12, SWAPCACHE = 13,
            SWAPBACKED = 14, COMPOUND_HEAD = 15, COMPOUND_TAIL = 16, HUGE = 17, UNEVICTABLE = 18, HWPOISON = 19,
            NOPAGE = 20, KSM = 21, THP = 22, OFFLINE = 23, ZERO_PAGE = 24, IDLE = 25, PGTABLE = 26;
    /** The "kernel hacking" flags above 31 (kernel-page-flags.h); MLOCKED is mlock(2), not LOCKED (the page lock). */
    public static final int RESERVED = 32, MLOCKED = 33, MAPPEDTODISK = 34, PRIVATE = 35, PRIVATE_2 = 36,
            OWNER_PRIVATE = 37, ARCH = 38, UNCACHED = 39, SOFTDIRTY = 40, ARCH_2 = 41;

    private static final String[] NAMES = {"locked", "error", "referenced", "uptodate", "dirty", "lru", "active",
            "slab", "writeback", "reclaim", "buddy", "mmap", "anon", "swapcache", "swapbacked", "compound_head",
            "compound_tail", "huge", "unevictable", "hwpoison", "nopage", "ksm", "thp", "offline", "zero_page",
            "idle", "pgtable", null, null, null, null, null, "reserved", "mlocked", "mappedtodisk", "private",
            "private_2", "owner_private", "arch", "uncached", "softdirty", "arch_2"};

    private static volatile int flagsFd = -1, countFd = -1;
    private static volatile String unavailable;
    private static volatile boolean probed;

    private KPageFlags() {}

    /** Empty when readable; otherwise the reason, e.g. "/proc/kpageflags: EPERM (needs CAP_SYS_ADMIN)". */
    public static synchronized java.util.Optional<String> availability() {
        if (!probed) {
            probed = true;
            try {
                flagsFd = FileIo.open("/proc/kpageflags", FileIo.O_RDONLY, 0);
                countFd = FileIo.open("/proc/kpagecount", FileIo.O_RDONLY, 0);
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
        return readPerPfn(flagsFd, pfns);
    }

    /** How many times each PFN is mapped. */
    public static long[] counts(long[] pfns) throws LinuxException {
        return readPerPfn(countFd, pfns);
    }

    private static long[] readPerPfn(int fd, long[] pfns) throws LinuxException {
        if (availability().isPresent()) throw new IllegalStateException(unavailable);
        long[] out = new long[pfns.length];
        try (Arena arena = Arena.ofConfined()) {
            // Physically contiguous runs (common: THP, fresh allocations) are read with one pread each.
            int i = 0;
            while (i < pfns.length) {
                if (pfns[i] == 0) { i++; continue; }
                int j = i + 1;
                while (j < pfns.length && pfns[j] == pfns[j - 1] + 1 && j - i < 4096) j++;
                MemorySegment buf = arena.allocate(8L * (j - i), 8);
                long got = FileIo.pread(fd, buf, pfns[i] * 8);
                for (int k = 0; k < (int) (got / 8); k++) out[i + k] = buf.getAtIndex(ValueLayout.JAVA_LONG, k);
                i = j;
            }
        }
        return out;
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
