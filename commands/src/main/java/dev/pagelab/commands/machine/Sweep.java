package dev.pagelab.commands.machine;

import static dev.pagelab.linux.LinuxConstants.MADV_DONTNEED;
import static dev.pagelab.linux.LinuxConstants.MADV_FREE;
import static dev.pagelab.linux.LinuxConstants.MADV_NOHUGEPAGE;
import static dev.pagelab.linux.LinuxConstants.MADV_POPULATE_WRITE;
import static dev.pagelab.linux.LinuxConstants.MAP_ANONYMOUS;
import static dev.pagelab.linux.LinuxConstants.MAP_POPULATE;
import static dev.pagelab.linux.LinuxConstants.MAP_PRIVATE;
import static dev.pagelab.linux.LinuxConstants.PROT_READ;
import static dev.pagelab.linux.LinuxConstants.PROT_WRITE;

import dev.pagelab.commands.report.SweepReport;
import dev.pagelab.linux.PageGeometry;
import dev.pagelab.linux.measure.FaultSample;
import dev.pagelab.linux.measure.PageToucher;
import dev.pagelab.linux.measure.StepMeter;
import dev.pagelab.linux.proc.KernelProfile;
import dev.pagelab.linux.proc.Machine;
import dev.pagelab.linux.proc.ThpSettings;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The classic prefetch-vs-fault sweep, measured with the same windows as every step: for each size, each way of
 * getting anonymous memory ready is timed from mmap to the end of a first write to every page, and its faults on the
 * step thread are counted exactly. THP is off (MADV_NOHUGEPAGE) so that every size is made of base pages.
 */
public final class Sweep {
    /** The ways, as the columns of the report. */
    static final List<String> STRATEGIES =
            List.of("touch", "map_populate", "populate_write", "prefault_loop", "after_dontneed", "after_free");

    /** The ways this kernel offers: MADV_POPULATE_WRITE is Linux 5.14, MADV_FREE 4.5 (probed, see KernelProfile). */
    public static List<String> strategies(KernelProfile p) {
        return STRATEGIES.stream()
                .filter(s -> switch (s) {
                    case "populate_write" -> p.madvise(MADV_POPULATE_WRITE);
                    case "after_free" -> p.madvise(MADV_FREE);
                    default -> true;
                })
                .toList();
    }

    /** Why a way is left out on this kernel, for the report's notes. */
    static List<String> leftOut(KernelProfile p) {
        List<String> out = new ArrayList<>();
        if (!p.madvise(MADV_POPULATE_WRITE))
            out.add("populate_write left out: MADV_POPULATE_WRITE needs Linux 5.14; this is " + p.release());
        if (!p.madvise(MADV_FREE)) out.add("after_free left out: MADV_FREE needs Linux 4.5; this is " + p.release());
        return out;
    }

    private static final int PROT = PROT_READ | PROT_WRITE, FLAGS = MAP_PRIVATE | MAP_ANONYMOUS;

    private final StepMeter meter;
    private final long page;
    private final List<String> strategies;

    /** Measures with {@code meter} in pages of {@code g}, this kernel's, the ways in {@code strategies}. */
    public Sweep(StepMeter meter, PageGeometry g, List<String> strategies) {
        this.meter = meter;
        this.page = g.pageSize();
        this.strategies = strategies;
    }

    /**
     * Runs every (size, strategy) {@code reps} times, the strategies of one size interleaved: repetition r runs each
     * way once, starting one further along each time, so that all of them meet the same load, page-allocator state and
     * hypervisor backing. (All repetitions of one way, then the next, flipped the verdict at 16M/32M between two runs
     * here: whichever way came while the host was busy lost.) Stops early when cancelled, keeping the sizes whose
     * repetitions all ran: a size cut short would compare its ways on unequal terms.
     */
    List<SweepReport.Cell> run(List<Long> sizes, int reps) throws StepMeter.MeasuredFailure {
        List<SweepReport.Cell> cells = new ArrayList<>();
        PageToucher toucher = meter.toucher();
        toucher.resetCancel();
        int n = strategies.size();
        for (long size : sizes) {
            long[][] ns = new long[n][reps];
            long[][] faults = new long[n][reps];
            for (int r = 0; r < reps; r++) {
                for (int k = 0; k < n; k++) {
                    int s = (r + k) % n;
                    FaultSample x = once(strategies.get(s), size);
                    if (toucher.cancelled()) return cells;
                    ns[s][r] = x.elapsedNanos();
                    faults[s][r] = x.minorFaults() + x.majorFaults();
                }
            }
            for (int s = 0; s < n; s++) cells.add(cell(size, strategies.get(s), ns[s], faults[s]));
        }
        return cells;
    }

    /** The median repetition (and its faults), with the fastest and the slowest. */
    private SweepReport.Cell cell(long size, String strategy, long[] ns, long[] faults) {
        int reps = ns.length;
        Integer[] order = new Integer[reps];
        for (int i = 0; i < reps; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> Long.compare(ns[a], ns[b]));
        int median = order[reps / 2];
        return new SweepReport.Cell(
                size, strategy, ns[median], ns[order[0]], ns[order[reps - 1]], faults[median], reps, page);
    }

    /** One repetition: prepare + first use, as measured windows added up; setup that is not part of it is not timed. */
    private FaultSample once(String strategy, long size) throws StepMeter.MeasuredFailure {
        long pages = size / page;
        FaultSample total;
        long addr;
        switch (strategy) {
            case "map_populate" -> {
                total = meter.mmap(0, size, PROT, FLAGS | MAP_POPULATE, -1, 0);
                addr = meter.lastAddress();
            }
            default -> {
                total = meter.mmap(0, size, PROT, FLAGS, -1, 0);
                addr = meter.lastAddress();
            }
        }
        try {
            // not timed: keeps each size made of base pages whatever THP's mode (MAP_POPULATE above ran first,
            // but with THP in madvise mode a fresh anonymous mapping gets no huge page anyway)
            meter.madvise(addr, size, MADV_NOHUGEPAGE, "MADV_NOHUGEPAGE");
            switch (strategy) {
                case "populate_write" ->
                    total = total.plus(meter.madvise(addr, size, MADV_POPULATE_WRITE, "MADV_POPULATE_WRITE"));
                case "prefault_loop" -> total = total.plus(write(addr, size, pages));
                case "after_dontneed", "after_free" -> {
                    write(addr, size, pages); // the earlier use, not timed
                    total = meter.madvise(
                            addr,
                            size,
                            strategy.equals("after_free") ? MADV_FREE : MADV_DONTNEED,
                            strategy.equals("after_free") ? "MADV_FREE" : "MADV_DONTNEED");
                }
                default -> {}
            }
            total = total.plus(write(addr, size, pages)); // the first use
        } finally {
            meter.munmap(addr, size);
        }
        return total;
    }

    private FaultSample write(long addr, long size, long pages) {
        return meter.touch(addr, size, 0, pages, page, PageToucher.Access.WRITE_ZERO, PageToucher.Order.SEQ, 0, null);
    }

    /** Sizes from {@code first} (one page) doubling to {@code max}. */
    public static List<Long> doubling(long first, long max) {
        List<Long> out = new ArrayList<>();
        for (long s = first; s <= max; s *= 2) out.add(s);
        return out;
    }

    /** The machine the figures belong to. */
    static List<String> context() {
        List<String> out = new ArrayList<>();
        out.add("Linux " + Machine.kernelRelease() + ", THP "
                + ThpSettings.thpEnabled().orElse("unavailable") + " (off here: MADV_NOHUGEPAGE), "
                + Runtime.getRuntime().availableProcessors() + " CPUs");
        out.add("machine: " + dev.pagelab.linux.proc.KernelProfile.current().machineKind());
        return out;
    }
}
