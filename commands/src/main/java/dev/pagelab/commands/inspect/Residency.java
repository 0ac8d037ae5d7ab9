package dev.pagelab.commands.inspect;

import dev.pagelab.commands.CommandError;
import dev.pagelab.commands.Mapping;
import dev.pagelab.commands.Session;
import dev.pagelab.commands.Sizes;
import dev.pagelab.commands.WriteTracking;
import dev.pagelab.commands.mapping.Target;
import dev.pagelab.commands.report.PageState;
import dev.pagelab.commands.report.ResidencyReport;
import dev.pagelab.linux.LinuxException;
import dev.pagelab.linux.PageGeometry;
import dev.pagelab.linux.proc.KPageFlags;
import dev.pagelab.linux.proc.Pagemap;
import dev.pagelab.linux.proc.PagemapEntry;
import dev.pagelab.linux.proc.ProcMaps;
import dev.pagelab.linux.proc.ProcMeminfo;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads the state of every page of a range into runs of {@link PageState}. Two ways, which must agree: PAGEMAP_SCAN
 * (the kernel walks the page tables and returns runs with their categories, so an untouched 64 GiB costs nothing),
 * or pread of one 8-byte /proc/self/pagemap entry per page (every kernel; zero and huge pages need /proc/kpageflags,
 * so root).
 */
final class Residency {
    enum Method {
        SCAN("PAGEMAP_SCAN"),
        PREAD("pread");

        final String label;

        Method(String label) {
            this.label = label;
        }
    }

    private static final int CHUNK = 65536;
    private static volatile long scanMask = Pagemap.ALL_CATEGORIES;

    private final Mapping mapping;
    private final PageGeometry geometry;
    private final long firstOff;
    private final WriteTracking.Mechanism tracking;
    /** [start, end) offsets of the mapping's VM_LOCKED areas, in order. */
    private final List<long[]> locked = new ArrayList<>();

    private final boolean markersPossible;
    private final boolean flagsReadable;
    private long[] runStart = new long[64], runPages = new long[64];
    private byte[] runState = new byte[64];
    private int n;
    private final long[] counts = new long[PageState.values().length];

    private Residency(Mapping m, long firstOff) {
        this.mapping = m;
        this.geometry = m.geometry();
        this.firstOff = firstOff;
        this.tracking = m.writeTracking();
        // uffd-wp markers on pages never faulted in look like swap entries; with no swap they can be nothing else
        this.markersPossible = m.uffdRegistered() || m.guardsInstalled();
        this.flagsReadable = KPageFlags.availability().isEmpty();
    }

    /** The default method: PAGEMAP_SCAN where the kernel has it. */
    static Method defaultMethod() {
        return Pagemap.scanSupported() ? Method.SCAN : Method.PREAD;
    }

    static ResidencyReport read(Session session, Target t, Method method, int rows, long cellPages)
            throws CommandError {
        Mapping m = t.mapping();
        PageGeometry g = m.geometry();
        long firstOff = g.alignDown(t.offset());
        long endOff = Math.min(m.length(), g.alignUp(t.end()));
        Residency r = new Residency(m, firstOff);
        List<String> notes = new ArrayList<>();
        long t0 = System.nanoTime();
        try {
            if (session.lockingUsed()) {
                for (ProcMaps.SmapsArea a : ProcMaps.smaps(m.base() + firstOff, m.base() + endOff)) {
                    if (a.vmFlags().contains("lo"))
                        r.locked.add(new long[] {
                            a.area().start() - m.base(), a.area().end() - m.base()
                        });
                }
            }
            long at = firstOff;
            for (long[] part : m.liveWithin(firstOff, endOff - firstOff)) {
                if (part[0] > at) r.add(at, g.pages(part[0] - at), PageState.UNMAPPED);
                if (method == Method.SCAN) r.scanPart(part[0], part[1]);
                else r.preadPart(part[0], part[1]);
                at = part[1];
            }
            if (at < endOff) r.add(at, g.pages(endOff - at), PageState.UNMAPPED);
        } catch (LinuxException e) {
            throw CommandError.kernel(t.text(), e, "could not read /proc/self/pagemap", null);
        }
        long elapsed = System.nanoTime() - t0;
        if (method == Method.PREAD && !r.flagsReadable) {
            notes.add("pread without CAP_SYS_ADMIN: huge pages cannot be told from other present pages, and zero pages "
                    + "are told by pagemap's exclusive bit");
        }
        if (method == Method.PREAD && !Pagemap.scanSupported()) {
            notes.add("this kernel has no PAGEMAP_SCAN (Linux 6.7): every pagemap entry was read");
        }
        if (m.hugetlb()) {
            notes.add("a hugetlb mapping: each of its " + Sizes.format(m.pageSize()) + " pages is "
                    + g.pages(m.pageSize()) + " cells' worth of " + Sizes.exact(g.pageSize()) + " pages");
        }
        return new ResidencyReport(
                t.text(),
                m.base() + firstOff,
                g.pages(endOff - firstOff),
                g.pageSize(),
                m.pageSize(),
                Arrays.copyOf(r.runStart, r.n),
                Arrays.copyOf(r.runPages, r.n),
                Arrays.copyOf(r.runState, r.n),
                r.counts,
                method.label,
                r.tracking == null ? null : r.tracking.description(),
                elapsed,
                rows,
                cellPages,
                notes);
    }

    private void scanPart(long from, long to) throws LinuxException {
        long base = mapping.base();
        List<Pagemap.Region> regions = new ArrayList<>();
        long mask = scanMask;
        try {
            Pagemap.scan(
                    base + from,
                    base + to,
                    0,
                    Pagemap.PAGE_IS_PRESENT | Pagemap.PAGE_IS_SWAPPED | (mask & Pagemap.PAGE_IS_GUARD),
                    mask,
                    regions::add);
        } catch (LinuxException e) {
            if (e.errno() != 22 /* EINVAL: PAGE_IS_GUARD is 6.15+ */ || (mask & Pagemap.PAGE_IS_GUARD) == 0) throw e;
            scanMask = mask & ~Pagemap.PAGE_IS_GUARD;
            scanPart(from, to);
            return;
        }
        long swapTotal = markersPossible ? ProcMeminfo.swapTotalBytes() : 0;
        long at = from;
        for (Pagemap.Region region : regions) {
            long s = region.start() - base, e = region.end() - base;
            if (s > at) add(at, geometry.pages(s - at), PageState.NOT_PRESENT);
            long c = region.categories();
            boolean present = (c & Pagemap.PAGE_IS_PRESENT) != 0;
            boolean noGuardCategory = (scanMask & Pagemap.PAGE_IS_GUARD) == 0;
            if (!present && markersPossible && (swapTotal > 0 || noGuardCategory && mapping.guardsInstalled())) {
                preadPart(s, e); // marker, guard or real swap: the entries tell
            } else if (!present && markersPossible && (c & Pagemap.PAGE_IS_GUARD) == 0) {
                add(s, geometry.pages(e - s), PageState.NOT_PRESENT); // no swap here: a uffd-wp marker
            } else {
                addSplitByLock(s, e, c);
            }
            at = e;
        }
        if (at < to) add(at, geometry.pages(to - at), PageState.NOT_PRESENT);
    }

    private void addSplitByLock(long s, long e, long categories) {
        long at = s;
        for (long[] l : locked) {
            if (l[1] <= at || l[0] >= e) continue;
            if (l[0] > at) {
                add(at, geometry.pages(l[0] - at), classify(categories, false));
                at = l[0];
            }
            long end = Math.min(e, l[1]);
            add(at, geometry.pages(end - at), classify(categories, true));
            at = end;
        }
        if (at < e) add(at, geometry.pages(e - at), classify(categories, false));
    }

    private PageState classify(long c, boolean inLockedArea) {
        if ((c & Pagemap.PAGE_IS_GUARD) != 0) return PageState.GUARD;
        if ((c & Pagemap.PAGE_IS_PRESENT) == 0) {
            return (c & Pagemap.PAGE_IS_SWAPPED) != 0 ? PageState.SWAPPED : PageState.NOT_PRESENT;
        }
        if (tracking != null) {
            long w = WriteTracking.writtenCategories(tracking);
            if ((c & w) == w) return PageState.WRITTEN;
        }
        if ((c & Pagemap.PAGE_IS_PFNZERO) != 0) return PageState.ZERO;
        if (inLockedArea) return PageState.LOCKED;
        if ((c & Pagemap.PAGE_IS_HUGE) != 0) return PageState.HUGE;
        if ((c & Pagemap.PAGE_IS_FILE) != 0) return PageState.FILE;
        return PageState.PRESENT;
    }

    private void preadPart(long from, long to) throws LinuxException {
        long page = geometry.pageSize();
        for (long off = from; off < to; off += (long) CHUNK * page) {
            int count = (int) Math.min(CHUNK, (to - off) / page);
            long[] raw = Pagemap.read(mapping.base() + off, count);
            long[] flags = null;
            if (flagsReadable) {
                long[] pfns = new long[count];
                for (int i = 0; i < count; i++) pfns[i] = new PagemapEntry(raw[i]).pfn();
                flags = KPageFlags.flags(pfns);
            }
            for (int i = 0; i < count; i++) {
                long pageOff = off + (long) i * page;
                add(pageOff, 1, classify(new PagemapEntry(raw[i]), flags == null ? -1 : flags[i], lockedAt(pageOff)));
            }
        }
    }

    private PageState classify(PagemapEntry e, long kflags, boolean inLockedArea) {
        if (e.guard()) return PageState.GUARD;
        if (!e.present()) return e.swapped() ? PageState.SWAPPED : PageState.NOT_PRESENT;
        if (WriteTracking.written(e, tracking)) return PageState.WRITTEN;
        if (kflags >= 0 && KPageFlags.has(kflags, KPageFlags.ZERO_PAGE)) return PageState.ZERO;
        // Without page flags: the zero page is the one present page never mapped exclusively (pagemap bit 56) that is
        // not a file or shmem page; every page allocated for this process is exclusive.
        if (kflags < 0 && !e.fileOrSharedAnon() && !e.exclusive() && !mapping.hugetlb()) return PageState.ZERO;
        if (inLockedArea) return PageState.LOCKED;
        if (kflags >= 0
                && (KPageFlags.has(kflags, KPageFlags.THP)
                        || mapping.hugetlb() && KPageFlags.has(kflags, KPageFlags.HUGE))) {
            return PageState.HUGE;
        }
        if (mapping.hugetlb()) return PageState.HUGE;
        if (e.fileOrSharedAnon()) return PageState.FILE;
        return PageState.PRESENT;
    }

    private boolean lockedAt(long off) {
        for (long[] l : locked) if (off >= l[0] && off < l[1]) return true;
        return false;
    }

    /** Appends pages [off, off + pages * pageSize) (offsets from the mapping's base), merging with the last run. */
    private void add(long off, long pages, PageState s) {
        if (pages <= 0) return;
        counts[s.ordinal()] += pages;
        long startPage = geometry.pages(off - firstOff);
        if (n > 0 && runState[n - 1] == s.ordinal() && runStart[n - 1] + runPages[n - 1] == startPage) {
            runPages[n - 1] += pages;
            return;
        }
        if (n == runStart.length) {
            runStart = Arrays.copyOf(runStart, n * 2);
            runPages = Arrays.copyOf(runPages, n * 2);
            runState = Arrays.copyOf(runState, n * 2);
        }
        runStart[n] = startPage;
        runPages[n] = pages;
        runState[n] = (byte) s.ordinal();
        n++;
    }
}
