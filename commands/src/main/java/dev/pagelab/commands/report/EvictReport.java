package dev.pagelab.commands.report;

import java.util.List;

/**
 * What {@code evict} did to a file's page cache: fsync (when pages could be dirty), then
 * posix_fadvise(POSIX_FADV_DONTNEED) over the whole file, with the file's residency measured (mincore) before and
 * after, and for the pages that stayed, who in this process maps them.
 *
 * @param before           residency before anything was done
 * @param after            residency after the fadvise
 * @param dirtyBefore      dirty pages before (cachestat), -1 when unknown
 * @param writebackBefore  pages under writeback before (cachestat), -1 when unknown
 * @param synced           whether fsync was called
 * @param dirtyAfterSync   dirty pages after fsync (cachestat), -1 when unknown or not synced
 * @param syncNanos        time fsync took (0 when not called)
 * @param fadviseNanos     time posix_fadvise took
 * @param mappedHere       who in this process maps pages of the file after the fadvise
 * @param mappedPages      distinct file pages mapped in this process (they cannot be dropped)
 * @param dirtyAfter       dirty pages after (cachestat), -1 when unknown
 * @param notes            why pages stayed, and what to do
 */
public record EvictReport(
        CacheReport.FileResidency before,
        CacheReport.FileResidency after,
        long dirtyBefore,
        long writebackBefore,
        boolean synced,
        long dirtyAfterSync,
        long syncNanos,
        long fadviseNanos,
        List<Holder> mappedHere,
        long mappedPages,
        long dirtyAfter,
        List<String> notes)
        implements Report {
    /**
     * Pages of the file one holder in this process maps.
     *
     * @param label   the session mapping's name, or "this JVM (PATH)" for a mapping the JVM made itself
     * @param mapping the session mapping's name, or null
     */
    public record Holder(String label, String mapping, long pages) {}

    public long dropped() {
        return Math.max(0, before.resident() - after.resident());
    }

    /** Resident pages after that no mapping in this process explains. */
    public long unexplained() {
        return Math.max(0, after.resident() - mappedPages);
    }
}
