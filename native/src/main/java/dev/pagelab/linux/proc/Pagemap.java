package dev.pagelab.linux.proc;

import static dev.pagelab.linux.LinuxConstants.*;
import static dev.pagelab.linux.ffm.Libc.INT;
import static dev.pagelab.linux.ffm.Libc.LONG;

import dev.pagelab.linux.Errno;
import dev.pagelab.linux.FileIo;
import dev.pagelab.linux.LinuxException;
import dev.pagelab.linux.PageGeometry;
import dev.pagelab.linux.ffm.Libc;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * This process's /proc/self/pagemap, opened once for the life of the process. Entries are read with pread
 * (8 bytes per page); ranges are counted with the PAGEMAP_SCAN ioctl (Linux 6.7), which walks the page
 * tables in the kernel and returns runs, so a sparse 64 GiB mapping costs no more than its touched pages.
 * On older kernels {@link #scan} computes the same runs from the entries, so no caller fails for want of it.
 */
public final class Pagemap {
    /** This kernel's page sizes: one pagemap entry per base page. */
    private static final PageGeometry GEOMETRY = PageGeometry.current();
    /**
     * This kernel's base page size ({@link PageGeometry#current()}), for calls on this process's own memory. Arithmetic
     * a test runs at other page sizes takes a {@link PageGeometry} instead.
     */
    public static final long PAGE_SIZE = GEOMETRY.pageSize();

    // PAGEMAP_SCAN categories (include/uapi/linux/fs.h)
    public static final long PAGE_IS_WPALLOWED = 1,
            PAGE_IS_WRITTEN = 1 << 1,
            PAGE_IS_FILE = 1 << 2,
            PAGE_IS_PRESENT = 1 << 3,
            PAGE_IS_SWAPPED = 1 << 4,
            PAGE_IS_PFNZERO = 1 << 5,
            PAGE_IS_HUGE = 1 << 6,
            PAGE_IS_SOFT_DIRTY = 1 << 7,
            PAGE_IS_GUARD = 1 << 8;
    /** Every category this kernel's PAGEMAP_SCAN knows (GUARD is 6.15+; older kernels refuse it with EINVAL). */
    public static final long ALL_CATEGORIES = (1 << 9) - 1;
    // PAGEMAP_SCAN flags: write-protect what matches (needs a uffd-wp-async registered range), and fail with
    // EPERM rather than skip silently when part of the range is not registered so.
    private static final long PM_SCAN_WP_MATCHING = 1, PM_SCAN_CHECK_WPASYNC = 2;

    // _IOWR('f', 16, struct pm_scan_arg): dir 3 << 30 | size 96 << 16 | 'f' << 8 | 16. Debian's 6.1 headers
    // predate it, hence the literal.
    private static final long PAGEMAP_SCAN = (3L << 30) | (96L << 16) | ('f' << 8) | 16;
    private static final long ARG_SIZE = 96, REGION_SIZE = 24;
    private static final int REGIONS_PER_CALL = 512;

    /** {@code int ioctl(int fd, unsigned long request, ...);} ioctl(2), here PAGEMAP_SCAN on /proc/self/pagemap. */
    private static final MethodHandle IOCTL = Libc.LINKER.downcallHandle(
            Libc.LOOKUP.find("ioctl").orElseThrow(),
            FunctionDescriptor.of(INT, INT, LONG, LONG),
            Linker.Option.firstVariadicArg(2),
            Linker.Option.captureCallState("errno"));

    private static volatile int fd = -1;
    private static volatile Boolean scanSupported;

    private Pagemap() {}

    private static int fd() throws LinuxException {
        int f = fd;
        if (f < 0) {
            synchronized (Pagemap.class) {
                if (fd < 0) fd = FileIo.open("/proc/self/pagemap", O_RDONLY, 0);
                f = fd;
            }
        }
        return f;
    }

    /** Entries for {@code pages} pages starting at the page-aligned {@code address}. */
    public static long[] read(long address, int pages) throws LinuxException {
        long[] out = new long[pages];
        read(address, pages, out);
        return out;
    }

    /**
     * Entries for {@code pages} pages starting at the page-aligned {@code address}, into {@code out[0, pages)}. A large
     * read is split in two halves read at once ({@link TwoThreads}).
     */
    public static void read(long address, int pages, long[] out) throws LinuxException {
        if (!TwoThreads.split(pages)) {
            read(address, pages, out, 0);
            return;
        }
        int half = pages / 2;
        TwoThreads.run(
                () -> read(address, half, out, 0),
                () -> read(address + half * GEOMETRY.pageSize(), pages - half, out, half));
    }

    private static void read(long address, int pages, long[] out, int at) throws LinuxException {
        if (pages == 0) return;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(8L * pages, 8);
            int got = (int) (FileIo.pread(fd(), buf, GEOMETRY.entryOffset(address)) / 8);
            MemorySegment.copy(buf, ValueLayout.JAVA_LONG, 0, out, at, got);
            java.util.Arrays.fill(out, at + got, at + pages, 0);
        }
    }

    public static PagemapEntry entry(long address) throws LinuxException {
        return new PagemapEntry(read(GEOMETRY.alignDown(address), 1)[0]);
    }

    /** One run returned by PAGEMAP_SCAN: [start, end) with the categories that apply to all of it. */
    public record Region(long start, long end, long categories) {
        public long pages() {
            return GEOMETRY.pages(end - start);
        }
    }

    @FunctionalInterface
    public interface RegionSink {
        void accept(Region region);
    }

    /** Whether this kernel has PAGEMAP_SCAN (probed once with an empty scan). */
    public static boolean scanSupported() {
        Boolean s = scanSupported;
        if (s == null) {
            try {
                try (Arena arena = Arena.ofConfined()) {
                    long page = GEOMETRY.pageSize();
                    MemorySegment probe = arena.allocate(page, page);
                    scanByIoctl(
                            probe.address(), probe.address() + page, 0, PAGE_IS_PRESENT, 0, PAGE_IS_PRESENT, r -> {});
                }
                s = true;
            } catch (LinuxException e) {
                s = false;
            }
            scanSupported = s;
        }
        return s;
    }

    /**
     * PAGEMAP_SCAN over [start, end): pages that have all of {@code required} and at least one of
     * {@code anyOf} (if non-zero), reported with the categories in {@code returned}, as merged runs.
     */
    public static void scan(long start, long end, long required, long anyOf, long returned, RegionSink sink)
            throws LinuxException {
        scan(start, end, 0, required, anyOf, returned, sink);
    }

    /**
     * Write-protects every page of [start, end) (which must be registered with a {@link dev.pagelab.linux.Userfaultfd Userfaultfd} for async
     * write-protect) that is not protected yet, so that PAGE_IS_WRITTEN later means "written since now". Pages not
     * yet faulted in are protected by PTE markers. Returns the pages that were written before (now protected).
     */
    public static long writeProtect(long start, long end) throws LinuxException {
        long[] total = {0};
        scan(
                start,
                end,
                PM_SCAN_WP_MATCHING | PM_SCAN_CHECK_WPASYNC,
                PAGE_IS_WRITTEN,
                0,
                PAGE_IS_WRITTEN,
                r -> total[0] += r.pages());
        return total[0];
    }

    private static void scan(
            long start, long end, long flags, long required, long anyOf, long returned, RegionSink sink)
            throws LinuxException {
        if (!scanSupported()) {
            if (flags != 0) {
                // write-protecting what matches has no pread equivalent; it needs userfaultfd's WP_ASYNC (6.7 too)
                throw new LinuxException(
                        "ioctl(/proc/self/pagemap, PAGEMAP_SCAN|WP_MATCHING, " + Libc.hex(start) + ".." + Libc.hex(end)
                                + ")",
                        Errno.ENOTTY);
            }
            scanByEntries(start, end, required, anyOf, returned, sink);
            return;
        }
        scanByIoctl(start, end, flags, required, anyOf, returned, sink);
    }

    private static void scanByIoctl(
            long start, long end, long flags, long required, long anyOf, long returned, RegionSink sink)
            throws LinuxException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment arg = arena.allocate(ARG_SIZE, 8);
            MemorySegment vec = arena.allocate(REGION_SIZE * REGIONS_PER_CALL, 8);
            MemorySegment cs = arena.allocate(Linker.Option.captureStateLayout());
            long from = start;
            while (from < end) {
                arg.fill((byte) 0);
                arg.set(ValueLayout.JAVA_LONG, 0, ARG_SIZE);
                arg.set(ValueLayout.JAVA_LONG, 8, flags);
                arg.set(ValueLayout.JAVA_LONG, 16, from);
                arg.set(ValueLayout.JAVA_LONG, 24, end);
                arg.set(ValueLayout.JAVA_LONG, 40, vec.address());
                arg.set(ValueLayout.JAVA_LONG, 48, REGIONS_PER_CALL);
                arg.set(ValueLayout.JAVA_LONG, 56, 0); // max_pages: no limit
                arg.set(ValueLayout.JAVA_LONG, 64, 0); // category_inverted
                arg.set(ValueLayout.JAVA_LONG, 72, required);
                arg.set(ValueLayout.JAVA_LONG, 80, anyOf);
                arg.set(ValueLayout.JAVA_LONG, 88, returned);
                int n;
                try {
                    n = (int) IOCTL.invokeExact(cs, fd(), PAGEMAP_SCAN, arg.address());
                } catch (LinuxException e) {
                    throw e;
                } catch (Throwable t) {
                    throw new AssertionError(t);
                }
                if (n < 0) {
                    throw new LinuxException(
                            "ioctl(/proc/self/pagemap, PAGEMAP_SCAN" + (flags != 0 ? "|WP_MATCHING" : "") + ", "
                                    + Libc.hex(from) + ".." + Libc.hex(end) + ")",
                            Libc.errno(cs));
                }
                for (int i = 0; i < n; i++) {
                    long s = vec.get(ValueLayout.JAVA_LONG, i * REGION_SIZE);
                    long e = vec.get(ValueLayout.JAVA_LONG, i * REGION_SIZE + 8);
                    long c = vec.get(ValueLayout.JAVA_LONG, i * REGION_SIZE + 16);
                    sink.accept(new Region(s, e, c));
                }
                long walkEnd = arg.get(ValueLayout.JAVA_LONG, 32);
                if (walkEnd <= from) break; // no progress: defensive, should not happen
                from = walkEnd;
            }
        }
    }

    /** Entries read per pread when PAGEMAP_SCAN is emulated: 512 KiB of entries, 65536 pages (256 MiB of 4 KiB pages). */
    private static final int EMULATION_BATCH = 1 << 16;

    /**
     * PAGEMAP_SCAN's answer computed from pagemap entries, for kernels before 6.7: every page's entry is read and
     * given the categories the ioctl would give it, and runs of equal categories are merged as the ioctl merges
     * them. PRESENT, SWAPPED, FILE, SOFT_DIRTY, GUARD and WRITTEN (not write-protected by userfaultfd) come straight
     * from the entry's bits. With /proc/kpageflags (root) PFNZERO and HUGE come from the page's flags (ZERO_PAGE;
     * THP or HUGE), exactly. Without it, PFNZERO is inferred: a present page that is neither a file/shmem page nor
     * mapped exclusively — the zero page has no owner, so pagemap never marks it exclusive, while a page allocated
     * for this process is (the exception, KSM-merged pages, exists only where ksmd runs on ranges advised
     * mergeable); and no page is HUGE. (The huge zero page carries the file bit on some kernels, measured on 6.18:
     * unprivileged it then counts as a file page.)
     */
    public static void scanByEntries(long start, long end, long required, long anyOf, long returned, RegionSink sink)
            throws LinuxException {
        boolean wantFlags = ((required | anyOf | returned) & (PAGE_IS_PFNZERO | PAGE_IS_HUGE | PAGE_IS_FILE)) != 0;
        scanByEntries(
                start,
                end,
                required,
                anyOf,
                returned,
                sink,
                wantFlags && KPageFlags.availability().isEmpty());
    }

    public static void scanByEntries(
            long start, long end, long required, long anyOf, long returned, RegionSink sink, boolean useKpageflags)
            throws LinuxException {
        long runStart = -1, runCategories = 0;
        long[] raw = new long[(int) Math.min(EMULATION_BATCH, Math.max(1, GEOMETRY.pages(end - start)))];
        long[] pfns = useKpageflags ? new long[raw.length] : null;
        for (long at = start; at < end; ) {
            int n = (int) Math.min(raw.length, GEOMETRY.pages(end - at));
            read(at, n, raw);
            long[] kflags = null;
            if (useKpageflags) {
                for (int i = 0; i < n; i++) pfns[i] = raw[i] < 0 ? raw[i] & PagemapEntry.PFN_MASK : 0;
                kflags = KPageFlags.flags(n == pfns.length ? pfns : java.util.Arrays.copyOf(pfns, n));
            }
            for (int i = 0; i < n; i++) {
                long c = categoriesOf(new PagemapEntry(raw[i]), kflags == null ? -1 : kflags[i]);
                long address = at + i * GEOMETRY.pageSize();
                boolean match = (c & required) == required && (anyOf == 0 || (c & anyOf) != 0);
                long shown = c & returned;
                if (match && runStart >= 0 && shown == runCategories) continue;
                if (runStart >= 0) sink.accept(new Region(runStart, address, runCategories));
                runStart = match ? address : -1;
                runCategories = shown;
            }
            at += n * GEOMETRY.pageSize();
        }
        if (runStart >= 0) sink.accept(new Region(runStart, end, runCategories));
    }

    /** The PAGEMAP_SCAN categories of one page, from its pagemap entry and its kpageflags (or -1: unknown). */
    public static long categoriesOf(PagemapEntry e, long kflags) {
        long c = 0;
        if (e.present()) {
            c |= PAGE_IS_PRESENT;
            if (kflags >= 0) {
                boolean zero = KPageFlags.has(kflags, KPageFlags.ZERO_PAGE);
                if (zero) c |= PAGE_IS_PFNZERO;
                else if (e.fileOrSharedAnon()) c |= PAGE_IS_FILE;
                if (KPageFlags.has(kflags, KPageFlags.THP) || KPageFlags.has(kflags, KPageFlags.HUGE))
                    c |= PAGE_IS_HUGE;
            } else if (e.fileOrSharedAnon()) {
                c |= PAGE_IS_FILE;
            } else if (!e.exclusive()) {
                c |= PAGE_IS_PFNZERO;
            }
        }
        if (e.swapped()) c |= PAGE_IS_SWAPPED;
        if (e.softDirty()) c |= PAGE_IS_SOFT_DIRTY;
        if (e.guard()) c |= PAGE_IS_GUARD;
        if ((e.present() || e.swapped()) && !e.uffdWriteProtected()) c |= PAGE_IS_WRITTEN;
        return c;
    }

    /**
     * The most pages a range may have for {@link #countPresent} to read it entry by entry where PAGEMAP_SCAN is missing:
     * 2^24 entries, 128 MiB of pagemap, 64 GiB of 4 KiB pages. Reading them costs 76 ms on a 6.18 guest (measured, a
     * sparse range: the kernel writes an entry for every page of a hole too); a 32 TiB --noreserve mapping would take
     * 40 s a count, and every step counts twice.
     */
    public static final long ENTRY_READ_LIMIT = 1L << 24;

    /** Whether {@link #countPresent} counts [start, end) exactly: with PAGEMAP_SCAN, or a range within the limit. */
    public static boolean countsExactly(long start, long end) {
        return scanSupported() || GEOMETRY.pages(end - start) <= ENTRY_READ_LIMIT;
    }

    /**
     * Present base pages in [start, end). Uses PAGEMAP_SCAN when the kernel has it, else pread of every entry; where
     * neither is possible in reasonable time ({@link #countsExactly} is false) an estimate from /proc/self/smaps: the
     * Rss (and hugetlb pages) of the VMAs in the range, a VMA that only overlaps it in proportion. The estimate leaves
     * out the shared zero page, which smaps does not count as resident.
     */
    public static long countPresent(long start, long end) throws LinuxException {
        if (end <= start) return 0;
        if (!countsExactly(start, end)) return estimatePresent(start, end);
        if (scanSupported()) {
            long[] total = {0};
            scan(start, end, PAGE_IS_PRESENT, 0, PAGE_IS_PRESENT, r -> total[0] += r.pages());
            return total[0];
        }
        long count = 0;
        for (long a = start; a < end; ) {
            int n = (int) Math.min(GEOMETRY.pages(end - a), 1 << 16);
            for (long raw : read(a, n)) if (raw < 0) count++; // bit 63: present
            a += n * GEOMETRY.pageSize();
        }
        return count;
    }

    public static long estimatePresent(long start, long end) {
        double pages = 0;
        for (ProcMaps.SmapsArea a : ProcMaps.smaps(start, end)) {
            long kb = a.kb().getOrDefault("Rss", 0L)
                    + a.kb().getOrDefault("Private_Hugetlb", 0L)
                    + a.kb().getOrDefault("Shared_Hugetlb", 0L);
            long vmaStart = a.area().start(), vmaEnd = a.area().end();
            long overlap = Math.min(end, vmaEnd) - Math.max(start, vmaStart);
            pages += (double) (kb << 10) / GEOMETRY.pageSize() * overlap / (vmaEnd - vmaStart);
        }
        return Math.round(pages);
    }
}
