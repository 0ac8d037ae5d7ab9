package dev.pagelab.commands.machine;

import dev.pagelab.commands.CommandError;
import dev.pagelab.commands.Sizes;
import dev.pagelab.commands.report.CacheReport;
import dev.pagelab.linux.LinuxException;
import dev.pagelab.linux.PageCache;
import dev.pagelab.linux.PageGeometry;
import java.util.ArrayList;
import java.util.List;

/** Measures a file's page-cache residency (mincore on a temporary mapping, see {@link PageCache#scan}). */
public final class FileCacheResidency {
    /** Runs kept per file: a fragmented 1 TiB file could have hundreds of millions. */
    static final int MAX_RUNS = 4096;
    /** Cells of the strip: one per page up to 64 pages, else 64 cells of equal page counts. */
    static final int CELLS = 64;

    private FileCacheResidency() {}

    static CacheReport.FileResidency measure(FileTarget t) throws CommandError {
        if (t.fs().type() == dev.pagelab.linux.FileStat.HUGETLBFS_MAGIC) {
            // mincore_hugetlb reports page-table presence only: an unmapped hugetlbfs page would read as absent
            throw CommandError.refused(
                    t.label(),
                    "is on hugetlbfs: mincore sees its huge pages only where this "
                            + "process maps them, so it would report resident pages as absent",
                    "map it (map NAME SIZE --file PATH --shared) and use inspect-pagemap after a touch");
        }
        long t0 = System.nanoTime();
        // mincore and cachestat answer in this kernel's pages
        PageGeometry g = PageGeometry.current();
        long pages = t.pages(g);
        int cells = (int) Math.min(CELLS, pages);
        long cellPages = cells == 0 ? 0 : (pages + cells - 1) / cells;
        long[] cellResident = new long[cells == 0 ? 0 : (int) ((pages + cellPages - 1) / cellPages)];
        List<CacheReport.Run> runs = new ArrayList<>();
        boolean[] truncated = {false};
        PageCache.Residency r;
        try {
            r = PageCache.scan(t.fd(), t.stat().size(), (first, n, resident) -> {
                if (runs.size() < MAX_RUNS) runs.add(new CacheReport.Run(first, n, resident));
                else truncated[0] = true;
                if (!resident) return;
                for (long p = first; p < first + n; ) {
                    int cell = (int) (p / cellPages);
                    long cellEnd = Math.min((cell + 1) * cellPages, first + n);
                    cellResident[cell] += cellEnd - p;
                    p = cellEnd;
                }
            });
        } catch (LinuxException e) {
            throw CommandError.kernel(
                    t.label(),
                    e,
                    switch (e.errnoName()) {
                        case "ENODEV" -> "this file system cannot map files, so mincore cannot see its cache";
                        case "EACCES" -> "the file cannot be mapped for reading";
                        case "ENOMEM" ->
                            "no address space for a " + Sizes.exact(PageCache.CHUNK_PAGES * g.pageSize()) + " window";
                        default -> "";
                    },
                    null);
        }
        PageCache.CacheStat cs = null;
        String note = r.cachestatNote();
        try {
            cs = PageCache.cachestat(t.fd(), 0, 0);
        } catch (LinuxException e) {
            note = "cachestat: " + e.errnoName() + " (" + e.meaning() + ")"
                    + (e.errno() == dev.pagelab.linux.Errno.EPERM
                            ? ": this kernel allows it only on files the caller owns or could write"
                            : "");
        }
        return new CacheReport.FileResidency(
                t.label(),
                t.path(),
                t.mapping() == null ? null : t.mapping().name(),
                t.fsType(),
                t.stat().size(),
                t.stat().blocks() * 512,
                pages,
                r.resident(),
                List.copyOf(runs),
                truncated[0],
                cellPages,
                cellResident,
                cs,
                note,
                r.mincorePages(),
                System.nanoTime() - t0,
                g.pageSize());
    }
}
