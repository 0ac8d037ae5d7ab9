package dev.pagelab.commands.report;

import java.util.List;

/**
 * The prefetch-vs-fault sweep: for each size and each way of getting memory ready, the time to prepare it and use it
 * once (write every page), over several repetitions, with the faults the step thread took (exact).
 *
 * @param context     kernel, THP mode, VM or bare metal
 * @param strategies  the ways, in column order (see {@link Cell#strategy})
 * @param cells       one per measured (size, strategy), in measuring order
 * @param complete    false when Ctrl-C stopped it: the cells are what was measured
 */
public record SweepReport(List<String> context, List<String> strategies, List<Long> sizes, List<Cell> cells, int reps,
                          boolean complete, String csv, List<String> notes) implements Report {
    /**
     * @param medianNs  median over the repetitions of prepare + first use, in ns
     * @param minNs     fastest repetition
     * @param maxNs     slowest repetition
     * @param faults    minor + major faults of the median repetition, prepare and use together
     * @param pageSize  bytes in a page (4 KiB on x86-64): the unit of the per-page figures
     */
    public record Cell(long size, String strategy, long medianNs, long minNs, long maxNs, long faults, int reps,
                       long pageSize) {
        public long pages() { return Math.max(1, size / pageSize); }

        public double nsPerPage() { return (double) medianNs / pages(); }

        public double faultsPerPage() { return (double) faults / pages(); }
    }
}
