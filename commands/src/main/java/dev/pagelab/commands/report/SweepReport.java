package dev.pagelab.commands.report;

import java.util.List;

/**
 * The prefetch-vs-fault sweep: for each size and each way of getting memory ready, the time to prepare it and use it
 * once (write every page), over several repetitions, with the faults the step thread took (exact).
 *
 * @param context     kernel, THP mode, VM or bare metal
 * @param strategies  the ways, in column order (see {@link Cell#strategy})
 * @param cells       one per measured (size, strategy), size by size; the ways of one size were measured interleaved
 * @param complete    false when Ctrl-C stopped it: the cells are what was measured
 */
public record SweepReport(
        List<String> context,
        List<String> strategies,
        List<Long> sizes,
        List<Cell> cells,
        int reps,
        boolean complete,
        String csv,
        List<String> notes)
        implements Report {
    /**
     * @param medianNs  median over the repetitions of prepare + first use, in ns
     * @param minNs     fastest repetition
     * @param maxNs     slowest repetition
     * @param faults    minor + major faults of the median repetition, prepare and use together
     * @param pageSize  bytes in a page (4 KiB on x86-64): the unit of the per-page figures
     */
    public record Cell(
            long size, String strategy, long medianNs, long minNs, long maxNs, long faults, int reps, long pageSize) {
        public long pages() {
            return Math.max(1, size / pageSize);
        }

        public double nsPerPage() {
            return (double) medianNs / pages();
        }

        public double faultsPerPage() {
            return (double) faults / pages();
        }

        /** Whether the two cells' min–max ranges overlap: then this run cannot tell which way is faster. */
        public boolean overlaps(Cell o) {
            return minNs <= o.maxNs && o.minNs <= maxNs;
        }
    }

    /** The cells measured at {@code size}, in column order. */
    public List<Cell> at(long size) {
        List<Cell> out = new java.util.ArrayList<>();
        for (String s : strategies) for (Cell c : cells) if (c.size == size && c.strategy.equals(s)) out.add(c);
        return out;
    }

    /**
     * The ways at {@code size} that this run cannot rank: groups of two or more whose min–max ranges overlap (joined
     * through a common member), fastest median first. A way in none of them is distinguishable from every other.
     */
    public List<List<String>> notDistinguishable(long size) {
        List<Cell> here = new java.util.ArrayList<>(at(size));
        here.sort(java.util.Comparator.comparingLong(Cell::medianNs));
        List<List<String>> out = new java.util.ArrayList<>();
        boolean[] taken = new boolean[here.size()];
        for (int i = 0; i < here.size(); i++) {
            if (taken[i]) continue;
            List<Cell> group = new java.util.ArrayList<>(List.of(here.get(i)));
            taken[i] = true;
            for (boolean grew = true; grew; ) {
                grew = false;
                for (int j = 0; j < here.size(); j++) {
                    if (taken[j]) continue;
                    Cell c = here.get(j);
                    if (group.stream().anyMatch(g -> g.overlaps(c))) {
                        group.add(c);
                        taken[j] = true;
                        grew = true;
                    }
                }
            }
            if (group.size() > 1) {
                group.sort(java.util.Comparator.comparingLong(Cell::medianNs));
                out.add(group.stream().map(Cell::strategy).toList());
            }
        }
        return out;
    }
}
