package dev.pagelab.commands.report;

import java.util.List;

/**
 * /proc/self/pagemap decoded for a range: runs of pages in the same state (or one row per page with --pages),
 * plus totals. PFNs and page flags are present only when readable (root).
 *
 * @param pfnsVisible      whether PFNs were readable (CAP_SYS_ADMIN)
 * @param kpageflagsNote   why /proc/kpageflags was not used, or null
 * @param method           how entries were found: "PAGEMAP_SCAN + pread" or "pread"
 * @param tracking         how written pages are told in this mapping (see clear-refs), or null when not tracked
 * @param writtenOnly      --written: only pages written since tracking was armed are listed
 * @param pageSize         bytes in a page: runs count base pages of this size
 * @param elapsedNanos     how long the reads took (PAGEMAP_SCAN, pagemap, kpageflags, kpagecount) and decoding them
 */
public record PagemapReport(
        String target,
        long start,
        long pages,
        List<Run> runs,
        Totals totals,
        boolean pfnsVisible,
        String kpageflagsNote,
        String method,
        boolean perPage,
        boolean truncated,
        String tracking,
        boolean writtenOnly,
        long pageSize,
        long elapsedNanos)
        implements Report {
    /**
     * Consecutive pages with one state. {@code offset} is from the mapping's base.
     *
     * @param firstPfn   PFN of the first page, 0 when hidden or not present
     * @param contiguous whether PFNs run consecutively through the run
     * @param samePfn    whether every page of the run maps the same PFN (the shared zero page does)
     * @param state      pagemap words: present, swapped, file/shared, exclusive, soft-dirty, written, uffd-wp, guard
     * @param flags      kpageflags words (root), including "zero_page" for the shared zero page
     * @param mapCount   /proc/kpagecount of the pages (the first page's; -1 when unknown)
     * @param hugeHeads  compound heads of huge pages (THP or hugetlb) that start inside the run
     */
    public record Run(
            long offset,
            long pages,
            List<String> state,
            List<String> flags,
            long firstPfn,
            boolean contiguous,
            boolean samePfn,
            long mapCount,
            long hugeHeads,
            int swapType,
            long swapOffset) {}

    public record Totals(
            long present,
            long swapped,
            long file,
            long exclusive,
            long softDirty,
            long zeroPage,
            long thp,
            long hugetlb,
            long locked,
            long guard,
            long written) {}
}
