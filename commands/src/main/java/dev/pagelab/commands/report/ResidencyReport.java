package dev.pagelab.commands.report;

import java.util.List;

/**
 * Which state each page of a range is in, as runs: the data of a residency picture ({@code view}, {@code watch}).
 * The console decides how many pages one cell of the picture stands for.
 *
 * @param target      the range as written
 * @param start       address of its first page
 * @param pages       base pages in the range
 * @param pageSize    bytes in a base page (4 KiB on x86-64): one run page, and one cell at the finest scale
 * @param mappingPage the mapping's page size (a huge page size for hugetlb)
 * @param runStart    run i starts at page runStart[i] of the range…
 * @param runPages    …and has runPages[i] pages…
 * @param runState    …all in state runState[i] (a {@link PageState} ordinal)
 * @param counts      pages per state, indexed by ordinal
 * @param method      "PAGEMAP_SCAN" or "pread" (of /proc/self/pagemap)
 * @param tracking    how written pages are told, or null when the mapping is not tracked
 * @param rows        rows asked for with --rows (0: the console chooses)
 * @param cellPages   pages per cell asked for with --cell (0: the console chooses)
 */
public record ResidencyReport(
        String target,
        long start,
        long pages,
        long pageSize,
        long mappingPage,
        long[] runStart,
        long[] runPages,
        byte[] runState,
        long[] counts,
        String method,
        String tracking,
        long elapsedNanos,
        int rows,
        long cellPages,
        List<String> notes)
        implements Report {
    public long count(PageState s) {
        return counts[s.ordinal()];
    }

    public int runs() {
        return runStart.length;
    }

    public PageState state(int run) {
        return PageState.values()[runState[run]];
    }

    /** One run: {@code pages} pages from page {@code page} of the range, all in {@code state}. */
    public record Run(long page, long pages, PageState state) {}

    /** The runs as values (for JSON; renderers walk the arrays). */
    public List<Run> runList() {
        List<Run> out = new java.util.ArrayList<>(runs());
        for (int i = 0; i < runs(); i++) out.add(new Run(runStart[i], runPages[i], state(i)));
        return out;
    }
}
