package dev.pagelab.commands.inspect;

import static dev.pagelab.linux.LinuxConstants.*;

import dev.pagelab.commands.Args;
import dev.pagelab.commands.BaseCommand;
import dev.pagelab.commands.CommandError;
import dev.pagelab.commands.CommandLine;
import dev.pagelab.commands.Completions;
import dev.pagelab.commands.Mapping;
import dev.pagelab.commands.Session;
import dev.pagelab.commands.WriteTracking;
import dev.pagelab.commands.mapping.Target;
import dev.pagelab.commands.report.PagemapReport;
import dev.pagelab.commands.report.Report;
import dev.pagelab.linux.LinuxException;
import dev.pagelab.linux.Mman;
import dev.pagelab.linux.PageGeometry;
import dev.pagelab.linux.proc.KPageFlags;
import dev.pagelab.linux.proc.Pagemap;
import dev.pagelab.linux.proc.PagemapEntry;
import dev.pagelab.linux.proc.ProcMeminfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * {@code inspect-pagemap RANGE [--pages]}: decodes /proc/self/pagemap (and, with CAP_SYS_ADMIN, /proc/kpageflags
 * and /proc/kpagecount) into runs of pages in the same state. Only present or swapped pages are read entry by
 * entry: PAGEMAP_SCAN finds them first, so a sparse mapping costs what its touched pages cost.
 */
public final class InspectPagemapCommand extends BaseCommand {
    private static final Args.OptionSpec OPTIONS =
            Args.OptionSpec.of(Set.of("pages", "written"), Set.of("method")).withChoices("method", ViewCommand.METHODS);
    static final int MAX_ROWS = 65536;
    /**
     * Pages read and decoded at a time: 1 GiB. PFNs are sorted within a batch before /proc/kpageflags is read, and a
     * whole 1 GiB mapping sorted at once needs 40% fewer reads than four quarters of it (36 000 vs 63 000 here,
     * counted before runs were joined across small gaps).
     */
    private static final int BATCH = 262144;
    /** Flags that differ within one THP and would split its run 1 + 511; THP is still shown as "thp". */
    private static final long SPLIT_NOISE = (1L << KPageFlags.COMPOUND_HEAD) | (1L << KPageFlags.COMPOUND_TAIL);

    private final PageSource source;

    public InspectPagemapCommand() {
        this(InspectPagemapCommand::readPages);
    }

    /** With another source of page data: a test's straightforward reader, to compare the fast one with. */
    public InspectPagemapCommand(PageSource source) {
        super("inspect-pagemap", OPTIONS);
        this.source = source;
    }

    /** The raw data behind a report: pagemap entries and, as root, each page's kpageflags and kpagecount. */
    @FunctionalInterface
    public interface PageSource {
        /**
         * Fills {@code entries} with the pagemap entries of {@code n} pages from the page-aligned {@code address}; with
         * {@code flags} and {@code counts} non-null, also their pages' kpageflags and map counts (0 where not present).
         */
        void read(long address, int n, long[] entries, long[] flags, long[] counts) throws LinuxException;
    }

    private static void readPages(long address, int n, long[] entries, long[] flags, long[] counts)
            throws LinuxException {
        Pagemap.read(address, n, entries);
        if (flags != null) KPageFlags.read(entries, n, flags, counts);
    }

    /** Pages of {@link #warmUp}'s scratch mapping: enough for a read split over two threads (TwoThreads). */
    static final int WARM_UP_PAGES = 16384;

    /**
     * Runs the decoder until the JIT compiles it, so that a console's first inspect-pagemap of 1 GiB does not spend
     * 240-470 ms in the interpreter: both methods (PAGEMAP_SCAN + pread, pread alone) and, as root, /proc/kpageflags and
     * /proc/kpagecount, on a scratch mapping of its own (64 MiB of address space: 2048 written pages, 1024 read ones on
     * the zero page, the rest never touched), unmapped after. For the step thread's warm-up, outside every window.
     * Returns the time it took (ns).
     */
    public static long warmUp() throws LinuxException {
        long t0 = System.nanoTime();
        PageGeometry g = PageGeometry.current();
        long page = g.pageSize(), len = WARM_UP_PAGES * page;
        int flags = MAP_PRIVATE | MAP_ANONYMOUS;
        long base = Mman.mmap(0, len, PROT_NONE, flags | MAP_NORESERVE, -1, 0);
        try {
            // 2048 written pages (MAP_POPULATE of a writable private mapping allocates them), then 1024 read ones (of a
            // read-only one: the zero page), then holes: the kernel populates them, so the touch loop, compiled for
            // the user's steps, is left alone (a call from here with other counts would change its profile)
            Mman.mmap(base, 2048 * page, PROT_READ | PROT_WRITE, flags | MAP_FIXED | MAP_POPULATE, -1, 0);
            Mman.mmap(base + 2048 * page, 1024 * page, PROT_READ, flags | MAP_FIXED | MAP_POPULATE, -1, 0);
            long sink = 0;
            Mapping m = new Mapping(
                    "warm-up", base, len, Mapping.Kind.ANON_PRIVATE, page, g, flags, null, 0, -1, List.of());
            Target t = new Target(m, 0, len, "warm-up");
            InspectPagemapCommand c = new InspectPagemapCommand();
            boolean flagsReadable = KPageFlags.availability().isEmpty();
            boolean scanned = Pagemap.scanSupported();
            for (int round = 0; round < 6; round++) {
                PagemapReport r = c.report(t, round == 5, false, scanned && round % 2 == 0, flagsReadable, null);
                sink += r.runs().size();
            }
            if (sink == Long.MIN_VALUE) throw new AssertionError(); // keeps the reads
        } finally {
            Mman.munmap(base, len);
        }
        return System.nanoTime() - t0;
    }

    @Override
    public List<String> complete(Session session, List<String> before, int wordIndex) {
        return Completions.rangesAndOptions(session, OPTIONS);
    }

    @Override
    public Report run(Session session, CommandLine line) throws CommandError {
        Args a = Args.parse(line, OPTIONS);
        if (a.positional().isEmpty())
            throw CommandError.usage(0, "inspect-pagemap needs a mapping", "e.g. 'inspect-pagemap m1'");
        a.atMost(1, "inspect-pagemap RANGE [--pages] [--written] [--method scan|pread]");
        Target t = session.resolve(a.positional().get(0), false);
        session.checkPagemapReadable(t, "inspect-pagemap");
        Mapping m = t.mapping();
        boolean writtenOnly = a.has("written");
        if (writtenOnly && m.writeTracking() == null) {
            WriteTracking.Availability av = WriteTracking.availability();
            throw CommandError.refused(
                    t.text(),
                    "writes to " + m.name() + " are not tracked",
                    av.mechanism() == null
                            ? av.unavailableReason()
                            : "run 'clear-refs soft-dirty " + m.name() + "' first: pages written after it are shown");
        }
        boolean flagsReadable = KPageFlags.availability().isEmpty();
        boolean scan = ViewCommand.method(a) == Residency.Method.SCAN && !m.guardsInstalled();
        try {
            return report(
                    t,
                    a.has("pages"),
                    writtenOnly,
                    scan,
                    flagsReadable,
                    KPageFlags.availability().orElse(null));
        } catch (LinuxException e) {
            throw CommandError.kernel(t.text(), e, "could not read /proc/self/pagemap", null);
        }
    }

    /**
     * Reads and decodes the pages of {@code t} (in base pages of its mapping's geometry) from this command's source;
     * with {@code scan}, PAGEMAP_SCAN first finds the pages worth reading.
     */
    public PagemapReport report(
            Target t, boolean perPage, boolean writtenOnly, boolean scan, boolean flagsReadable, String kpageflagsNote)
            throws LinuxException {
        long t0 = System.nanoTime();
        Mapping m = t.mapping();
        PageGeometry g = m.geometry();
        long firstOff = g.alignDown(t.offset());
        long endOff = g.alignUp(t.end());
        Builder b = new Builder(g.pageSize(), perPage, flagsReadable, m.writeTracking(), writtenOnly);
        long at = firstOff;
        for (long[] part : m.liveWithin(firstOff, endOff - firstOff)) {
            if (part[0] > at) b.hole(at, g.pages(part[0] - at));
            readPart(m, part[0], part[1], scan, b, source);
            at = part[1];
        }
        if (at < endOff) b.hole(at, g.pages(endOff - at));
        return new PagemapReport(
                t.text(),
                m.base() + firstOff,
                g.pages(endOff - firstOff),
                b.runs,
                b.totals(),
                b.pfnsSeen || flagsReadable,
                kpageflagsNote,
                scan ? "PAGEMAP_SCAN + pread" : "pread",
                perPage,
                b.truncated,
                m.writeTracking() == null ? null : m.writeTracking().description(),
                writtenOnly,
                g.pageSize(),
                System.nanoTime() - t0);
    }

    private static void readPart(Mapping m, long from, long to, boolean scan, Builder b, PageSource source)
            throws LinuxException {
        if (!scan) {
            readEntries(m, from, to, b, source);
            return;
        }
        long base = m.base();
        List<Pagemap.Region> regions = new ArrayList<>();
        // userfaultfd write-protect leaves a marker, which PAGEMAP_SCAN calls swapped, on every page not faulted in:
        // with no swap on the machine, "swapped" can only be those, and reading them would cost one entry per page
        long swapped = m.uffdRegistered() && ProcMeminfo.swapTotalBytes() == 0 ? 0 : Pagemap.PAGE_IS_SWAPPED;
        long required = b.writtenOnly ? WriteTracking.writtenCategories(m.writeTracking()) : 0;
        Pagemap.scan(
                base + from,
                base + to,
                required,
                Pagemap.PAGE_IS_PRESENT | swapped,
                Pagemap.PAGE_IS_PRESENT | swapped,
                regions::add);
        PageGeometry g = m.geometry();
        long at = from;
        for (Pagemap.Region r : regions) {
            long s = r.start() - base, e = r.end() - base;
            if (s > at) b.absent(at, g.pages(s - at));
            readEntries(m, s, e, b, source);
            at = e;
        }
        if (at < to) b.absent(at, g.pages(to - at));
    }

    private static void readEntries(Mapping m, long from, long to, Builder b, PageSource source) throws LinuxException {
        long page = m.geometry().pageSize();
        int most = (int) Math.min(BATCH, (to - from) / page);
        long[][] buffers = buffers(most);
        long[] raw = buffers[0];
        long[] flags = b.flagsReadable ? buffers[1] : null, counts = b.flagsReadable ? buffers[2] : null;
        for (long off = from; off < to; off += (long) BATCH * page) {
            int n = (int) Math.min(BATCH, (to - off) / page);
            source.read(m.base() + off, n, raw, flags, counts);
            for (int i = 0; i < n; i++) {
                b.page(
                        off + (long) i * page,
                        raw[i],
                        flags == null ? -1 : flags[i],
                        counts == null ? -1 : counts[i],
                        m.hugetlb());
            }
        }
    }

    /**
     * The entry, flag and count arrays of the largest read so far, per thread (commands run on the step thread), up to
     * {@link #BATCH} each: 6 MiB of arrays for a 1 GiB range. New ones at every inspect went straight to the old
     * generation of the small heap (-Xms8m), which then grew, pre-touched, or was collected inside the next inspect:
     * measured, 7 collections per inspect of 1 GiB, pauses up to 49 ms, on the step thread too.
     */
    private static final ThreadLocal<long[][]> BUFFERS = new ThreadLocal<>();

    private static long[][] buffers(int most) {
        long[][] b = BUFFERS.get();
        if (b == null || b[0].length < most) {
            b = new long[][] {new long[most], new long[most], new long[most]};
            BUFFERS.set(b);
        }
        return b;
    }

    /** Accumulates pages into runs of equal state. */
    private static final class Builder {
        final long pageSize;
        final boolean perPage, flagsReadable, writtenOnly;
        final WriteTracking.Mechanism tracking;
        final List<PagemapReport.Run> runs = new ArrayList<>();
        boolean truncated, pfnsSeen;
        long present, swapped, file, exclusive, softDirty, zero, thp, hugetlb, locked, guard, written;

        @SuppressWarnings("unchecked")
        final List<String>[] stateLists = new List[256];

        final java.util.Map<Long, List<String>> flagLists = new java.util.HashMap<>();
        long lastFlags;
        List<String> lastFlagList;
        // the open run
        long runOffset = -1, runPages, runFirstPfn, runLastPfn, runCount = -1, runHeads;
        boolean runContiguous, runSame;
        List<String> runState, runFlags;
        int runSwapType;
        long runSwapOffset;

        Builder(
                long pageSize,
                boolean perPage,
                boolean flagsReadable,
                WriteTracking.Mechanism tracking,
                boolean writtenOnly) {
            this.pageSize = pageSize;
            this.perPage = perPage;
            this.flagsReadable = flagsReadable;
            this.tracking = tracking;
            this.writtenOnly = writtenOnly;
        }

        void hole(long offset, long pages) {
            close();
            if (writtenOnly) return;
            emit(new PagemapReport.Run(offset, pages, List.of("unmapped"), List.of(), 0, false, false, -1, 0, 0, 0));
        }

        void absent(long offset, long pages) {
            if (writtenOnly) {
                close();
                return;
            }
            if (perPage) {
                for (long i = 0; i < pages && !truncated; i++) {
                    page(offset + i * pageSize, 0, -1, -1, false);
                }
                return;
            }
            page(offset, 0, -1, -1, false);
            runPages += pages - 1;
        }

        /** The entry of the page before, kept for the next page with the same raw entry. */
        PagemapEntry lastEntry = new PagemapEntry(0);

        /**
         * One page, from its raw pagemap entry. A run of equal entries (pages never touched, the zero page without PFNs)
         * shares one entry object: C2 did not scalar-replace the one made per page (JFR: 1.15 GB of PagemapEntry for
         * three 64 GiB inspects with --method pread, and a young collection every few milliseconds on the step thread).
         */
        void page(long offset, long rawEntry, long kflags, long count, boolean hugetlbMapping) {
            PagemapEntry e = lastEntry.raw() == rawEntry ? lastEntry : (lastEntry = new PagemapEntry(rawEntry));
            boolean isWritten = WriteTracking.written(e, tracking);
            if (writtenOnly && !isWritten) {
                close();
                return;
            }
            if (isWritten) written++;
            // One list per distinct state and per distinct flag set, made once: a 1 GiB range is 262144 pages, and
            // equal lists then compare by identity.
            int key = (e.present() ? 1 : 0)
                    | (e.swapped() ? 2 : 0)
                    | (e.guard() ? 4 : 0)
                    | (e.fileOrSharedAnon() ? 8 : 0)
                    | (e.exclusive() ? 16 : 0)
                    | (e.softDirty() ? 32 : 0)
                    | (isWritten ? 64 : 0)
                    | (e.uffdWriteProtected() ? 128 : 0);
            List<String> state = stateLists[key];
            if (state == null) {
                List<String> st = new ArrayList<>();
                if (e.present()) st.add("present");
                if (e.swapped()) st.add("swapped");
                if (!e.present() && !e.swapped()) st.add(e.guard() ? "guard" : "not present");
                if (e.fileOrSharedAnon()) st.add("file/shared");
                if (e.exclusive()) st.add("exclusive");
                // A page never faulted in reads soft-dirty too while its VMA is new since the last clear
                // (VM_SOFTDIRTY):
                // a statement about the VMA, not the page. PAGEMAP_SCAN's runs skip such pages, so count pages that
                // hold data.
                if (e.softDirty() && (e.present() || e.swapped())) st.add("soft-dirty");
                if (isWritten) st.add("written");
                if (e.uffdWriteProtected()) st.add("uffd-wp");
                state = stateLists[key] = List.copyOf(st);
            }
            if (e.present()) present++;
            if (e.swapped()) swapped++;
            if (e.guard()) guard++;
            if (e.fileOrSharedAnon()) file++;
            if (e.exclusive()) exclusive++;
            if (e.softDirty() && (e.present() || e.swapped())) softDirty++;
            List<String> flags = List.of();
            if (kflags >= 0 && e.present()) {
                long masked = kflags & ~SPLIT_NOISE;
                if (masked != lastFlags || lastFlagList == null) { // neighbours mostly share their flags
                    lastFlagList = flagLists.computeIfAbsent(masked, KPageFlags::names);
                    lastFlags = masked;
                }
                flags = lastFlagList;
                if (KPageFlags.has(kflags, KPageFlags.ZERO_PAGE)) zero++;
                if (KPageFlags.has(kflags, KPageFlags.THP)) thp++;
                if (KPageFlags.has(kflags, KPageFlags.HUGE) && hugetlbMapping) hugetlb++;
                if (KPageFlags.has(kflags, KPageFlags.MLOCKED) || KPageFlags.has(kflags, KPageFlags.UNEVICTABLE))
                    locked++;
            } else if (kflags < 0 && e.present() && !e.fileOrSharedAnon() && !e.exclusive() && !hugetlbMapping) {
                zero++; // without page flags: the zero page is never mapped exclusively, a page of our own always is
            }
            long pfn = e.pfn();
            if (pfn != 0) pfnsSeen = true;
            boolean head = kflags >= 0
                    && e.present()
                    && KPageFlags.has(kflags, KPageFlags.COMPOUND_HEAD)
                    && (KPageFlags.has(kflags, KPageFlags.THP) || KPageFlags.has(kflags, KPageFlags.HUGE));
            long mapCount = e.present() ? count : -1;
            boolean same = !perPage
                    && runOffset >= 0
                    && runOffset + runPages * pageSize == offset
                    && runState.equals(state)
                    && runFlags.equals(flags)
                    && runCount == mapCount
                    && runSwapType == e.swapType();
            if (same) {
                if (runContiguous && pfn != runLastPfn + 1) runContiguous = false;
                if (runSame && pfn != runLastPfn) runSame = false;
                runLastPfn = pfn;
                if (head) runHeads++;
                runPages++;
                return;
            }
            close();
            runOffset = offset;
            runPages = 1;
            runFirstPfn = pfn;
            runLastPfn = pfn;
            runContiguous = pfn != 0;
            runSame = pfn != 0;
            runHeads = head ? 1 : 0;
            runState = state;
            runFlags = flags;
            runCount = mapCount;
            runSwapType = e.swapType();
            runSwapOffset = e.swapOffset();
        }

        void close() {
            if (runOffset < 0) return;
            emit(new PagemapReport.Run(
                    runOffset,
                    runPages,
                    runState,
                    runFlags,
                    runFirstPfn,
                    runContiguous && runFirstPfn != 0 && runPages > 1,
                    runSame && runPages > 1,
                    runCount,
                    runHeads,
                    runSwapType,
                    runSwapOffset));
            runOffset = -1;
        }

        void emit(PagemapReport.Run r) {
            if (runs.size() >= MAX_ROWS) {
                truncated = true;
                return;
            }
            runs.add(Objects.requireNonNull(r));
        }

        PagemapReport.Totals totals() {
            close();
            return new PagemapReport.Totals(
                    present, swapped, file, exclusive, softDirty, zero, thp, hugetlb, locked, guard, written);
        }
    }
}
