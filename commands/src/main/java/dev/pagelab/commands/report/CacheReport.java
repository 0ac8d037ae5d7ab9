package dev.pagelab.commands.report;

import dev.pagelab.commands.machine.FileCacheResidency;
import java.util.List;

/**
 * Page-cache residency of one or more files, as {@code fincore} and {@code vmtouch} report it: measured with
 * mincore(2) on a temporary read-only shared mapping of each file (never touched, unmapped before the report).
 *
 * @param files  one entry per file, in the order named (a directory's regular files in name order)
 * @param notes  remarks about the whole command (files skipped in a directory, …)
 */
public record CacheReport(List<FileResidency> files, List<String> notes) implements Report {
    public long totalPages() {
        return files.stream().mapToLong(FileResidency::pages).sum();
    }

    public long totalResident() {
        return files.stream().mapToLong(FileResidency::resident).sum();
    }

    /** A run of pages with the same residency: pages [firstPage, firstPage + pages) of the file. */
    public record Run(long firstPage, long pages, boolean resident) {}

    /**
     * One file.
     *
     * @param label          what was named: the path, or the mapping name
     * @param path           the file (for a memfd, its /proc/self/maps name)
     * @param mapping        the session mapping it was named by, or null
     * @param fsType         its file system, e.g. ext4, tmpfs
     * @param size           its size in bytes (st_size)
     * @param allocated      bytes the file system allocated for it (st_blocks × 512): less than size when sparse
     * @param pages          its size in pages, rounded up
     * @param resident       pages mincore reported resident
     * @param runs           runs of resident and non-resident pages, in file order (at most {@link FileCacheResidency#MAX_RUNS})
     * @param runsTruncated  whether more runs existed than were kept
     * @param cellPages      pages per strip cell (the last cell may hold fewer)
     * @param cellResident   the strip: resident pages in each cell, at most {@link FileCacheResidency#CELLS} cells
     * @param cachestat      cachestat(2) of the whole file, or null when the kernel refused it
     * @param cachestatNote  why cachestat is missing, or null
     * @param mincorePages   pages asked of mincore (chunks cachestat found empty are skipped)
     * @param elapsedNanos   time the measurement took
     * @param pageSize       bytes in a page (4 KiB on x86-64): the unit of every page count here
     */
    public record FileResidency(
            String label,
            String path,
            String mapping,
            String fsType,
            long size,
            long allocated,
            long pages,
            long resident,
            List<Run> runs,
            boolean runsTruncated,
            long cellPages,
            long[] cellResident,
            dev.pagelab.linux.PageCache.CacheStat cachestat,
            String cachestatNote,
            long mincorePages,
            long elapsedNanos,
            long pageSize) {
        /** Resident share in percent, or -1 for an empty file. */
        public double percent() {
            return pages == 0 ? -1 : 100.0 * resident / pages;
        }

        /** Pages covered by strip cell {@code i}. */
        public long cellTotal(int i) {
            return Math.max(0, Math.min(cellPages, pages - i * cellPages));
        }
    }
}
