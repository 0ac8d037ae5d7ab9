package dev.pagelab.commands.machine;

import dev.pagelab.commands.Args;
import dev.pagelab.commands.BaseCommand;
import dev.pagelab.commands.Command;
import dev.pagelab.commands.CommandError;
import dev.pagelab.commands.CommandLine;
import dev.pagelab.commands.CommandRegistry;
import dev.pagelab.commands.Completions;
import dev.pagelab.commands.Session;
import dev.pagelab.commands.Sizes;
import dev.pagelab.commands.report.BenchReport;
import dev.pagelab.commands.report.PageState;
import dev.pagelab.commands.report.PagemapReport;
import dev.pagelab.commands.report.Report;
import dev.pagelab.commands.report.ResidencyReport;
import dev.pagelab.commands.report.SweepReport;
import dev.pagelab.linux.PageGeometry;
import dev.pagelab.linux.measure.StepMeter;
import dev.pagelab.linux.proc.KPageFlags;
import dev.pagelab.linux.proc.KernelProfile;
import dev.pagelab.linux.proc.Machine;
import dev.pagelab.linux.proc.Pagemap;
import dev.pagelab.linux.proc.ProcMeminfo;
import dev.pagelab.linux.proc.ThpSettings;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code bench pagemap [--reps N] [--dense SIZE]}: how much PAGEMAP_SCAN saves over reading /proc/self/pagemap entry
 * by entry, on a fully touched mapping (where both must read every entry) and on a 64 GiB --noreserve mapping with 100
 * touched pages (where the scan skips the empty page tables). Runs the real inspect-pagemap and view code on scratch
 * mappings that it unmaps afterwards; reports medians and pread/scan ratios from this one run.
 */
public final class BenchCommand extends BaseCommand {
    private static final Args.OptionSpec OPTIONS =
            Args.OptionSpec.of(Set.of(), Set.of("reps", "dense", "sizes", "max", "csv"));
    public static final long SPARSE_SIZE = 64L << 30;
    static final int SPARSE_PAGES = 100;

    public BenchCommand() {
        super("bench", OPTIONS);
    }

    @Override
    public List<String> complete(Session session, List<String> before, int wordIndex) {
        if (before.isEmpty()) return List.of("sweep", "pagemap");
        String prev = before.get(before.size() - 1);
        if (prev.equals("--reps")) return List.of("3", "5", "11");
        if (prev.equals("--dense") || prev.equals("--max")) return List.of("64M", "256M", "1G");
        if (prev.equals("--sizes")) return List.of(sizesExample(PageGeometry.current(), 16L << 20), "2M,4M,8M");
        if (prev.equals("--csv")) return List.of("sweep.csv");
        return Completions.options(OPTIONS);
    }

    @Override
    public Report run(Session session, CommandLine line) throws CommandError {
        Args a = Args.parse(line, OPTIONS);
        Args.Positional what = a.positional().isEmpty()
                ? new Args.Positional("sweep", 0)
                : a.positional().get(0);
        a.atMost(
                1,
                "bench [sweep] [--sizes LIST | --max SIZE] [--reps N] [--csv FILE], or bench pagemap [--reps N] [--dense SIZE]");
        if (what.text().equals("sweep")) return sweep(session, a);
        if (!what.text().equals("pagemap")) {
            throw CommandError.usage(
                    what.index(), "'" + what.text() + "' is not a benchmark", "available: sweep, pagemap");
        }
        for (String o : List.of("sizes", "max", "csv")) {
            if (a.has(o))
                throw CommandError.usage(
                        a.option(o).index(),
                        "--" + o + " goes with bench sweep",
                        "bench pagemap [--reps N] [--dense SIZE]");
        }
        int reps = a.integer("reps", 1, 1000, 5, "a count");
        long dense = 1L << 30;
        PageGeometry g = PageGeometry.current();
        if (a.has("dense")) {
            Args.Option o = a.option("dense");
            dense = Sizes.parse(o.value(), g.pageSize(), o.index(), "dense size");
            if (dense < g.pageSize() || !g.aligned(dense)) {
                throw CommandError.usage(
                        o.index(), "the dense mapping is a whole number of pages", "e.g. --dense 256M");
            }
        }
        if (!Pagemap.scanSupported()) {
            throw CommandError.refused(
                    "pagemap",
                    "this kernel has no PAGEMAP_SCAN ioctl (Linux 6.7): there is nothing to " + "compare pread with",
                    "inspect-pagemap and view read every entry here");
        }
        // Like 'map --populate': refuse what the OOM killer would end, before anything is mapped.
        session.checkMemory("bench", dense, false, "the dense mapping (--dense " + Sizes.format(dense) + ")");
        return measure(session, reps, dense, g);
    }

    /** The prefetch-vs-fault sweep (see {@link Sweep}). */
    private static SweepReport sweep(Session session, Args a) throws CommandError {
        if (a.has("dense"))
            throw CommandError.usage(
                    a.option("dense").index(), "--dense goes with bench pagemap", "bench sweep --max SIZE");
        int reps = a.integer("reps", 1, 100, 5, "a count");
        PageGeometry g = PageGeometry.current();
        // One mapping exists at a time; the cap keeps the largest, and the OOM killer, far apart.
        long cap = Math.max(0, ProcMeminfo.memAvailableBytes() - Session.MEMORY_MARGIN - (256L << 20));
        List<Long> sizes = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        if (a.has("sizes")) {
            Args.Option o = a.option("sizes");
            for (String w : o.value().split(",")) {
                long v = sweepSize(w.trim(), o.index(), g);
                if (v > cap) {
                    throw CommandError.usage(
                            o.index(),
                            Sizes.format(v) + " is more than MemAvailable allows (" + Sizes.human(cap) + ")",
                            "leave it out, or free memory first");
                }
                if (!sizes.contains(v)) sizes.add(v);
            }
            sizes.sort(null);
        } else {
            long max = 1L << 30;
            if (a.has("max")) {
                Args.Option o = a.option("max");
                max = Sizes.parse(o.value(), g.pageSize(), o.index(), "largest size");
            }
            if (max > cap) {
                notes.add("sizes stop at " + Sizes.human(cap) + ": MemAvailable less a margin");
                max = cap;
            }
            sizes = Sweep.doubling(g.pageSize(), max);
        }
        if (sizes.isEmpty()) throw CommandError.refused("sweep", "no size fits in MemAvailable", "free memory first");
        KernelProfile profile = KernelProfile.current();
        List<String> strategies = Sweep.strategies(profile);
        notes.addAll(Sweep.leftOut(profile));
        List<SweepReport.Cell> cells;
        try {
            cells = new Sweep(session.meter(), g, strategies).run(sizes, reps);
        } catch (StepMeter.MeasuredFailure f) {
            throw CommandError.kernel("sweep", f.linuxException(), "", f.sample());
        }
        boolean complete = cells.size() == sizes.size() * strategies.size();
        if (!complete) {
            int measured = cells.size() / strategies.size();
            notes.add("interrupted: " + measured + " of " + sizes.size() + " sizes measured"
                    + (measured == 0 ? "" : " (up to " + Sizes.format(sizes.get(measured - 1)) + ")")
                    + "; the sizes after them were left out");
        }
        String csv = null;
        if (a.has("csv")) {
            Args.Option o = a.option("csv");
            StringBuilder b = new StringBuilder(
                    "size_bytes,strategy,median_ns,min_ns,max_ns,ns_per_page,faults,faults_per_page,reps\n");
            for (SweepReport.Cell c : cells) {
                b.append(c.size())
                        .append(',')
                        .append(c.strategy())
                        .append(',')
                        .append(c.medianNs())
                        .append(',')
                        .append(c.minNs())
                        .append(',')
                        .append(c.maxNs())
                        .append(',')
                        .append(String.format(java.util.Locale.ROOT, "%.1f", c.nsPerPage()))
                        .append(',')
                        .append(c.faults())
                        .append(',')
                        .append(String.format(java.util.Locale.ROOT, "%.3f", c.faultsPerPage()))
                        .append(',')
                        .append(c.reps())
                        .append('\n');
            }
            try {
                java.nio.file.Files.writeString(java.nio.file.Path.of(o.value()), b.toString());
                csv = o.value();
            } catch (java.io.IOException | RuntimeException e) {
                throw CommandError.usage(
                        o.index(), "cannot write " + o.value() + ": " + e.getMessage(), "give a writable path");
            }
        }
        return new SweepReport(Sweep.context(), strategies, sizes, cells, reps, complete, csv, notes);
    }

    /** One size of {@code --sizes}: a whole number of pages of {@code g}. */
    public static long sweepSize(String word, int index, PageGeometry g) throws CommandError {
        long v = Sizes.parse(word, g.pageSize(), index, "sweep size");
        if (v < g.pageSize() || !g.aligned(v)) {
            throw CommandError.usage(
                    index,
                    Sizes.format(v) + " is not a whole number of " + Sizes.exact(g.pageSize()) + " pages",
                    "e.g. --sizes " + sizesExample(g, 1L << 20));
        }
        return v;
    }

    /** {@code 4K,64K,1M} up to {@code last}: one page, 16 pages, then 1M on, each once. */
    private static String sizesExample(PageGeometry g, long last) {
        java.util.Set<String> out = new java.util.LinkedHashSet<>();
        for (long s : new long[] {g.pageSize(), 16 * g.pageSize(), 1L << 20, last})
            if (s <= last) out.add(Sizes.format(s));
        return String.join(",", out);
    }

    private static BenchReport measure(Session session, int reps, long dense, PageGeometry g) throws CommandError {
        List<BenchReport.Row> rows = new ArrayList<>();
        List<BenchReport.Ratio> ratios = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        String denseName = freeName(session, "bench-dense"), sparseName = freeName(session, "bench-sparse");
        try {
            run(session, "map " + denseName + " " + dense + " --no-thp --populate");
            run(session, "map " + sparseName + " " + SPARSE_SIZE + " --noreserve --no-thp");
            long stride = g.alignDown(SPARSE_SIZE / SPARSE_PAGES);
            run(session, "touch " + sparseName + "[0:" + stride * SPARSE_PAGES + "] --stride " + stride);
            String denseLabel = Sizes.format(dense) + ", all touched",
                    sparseLabel = "64G, " + SPARSE_PAGES + " touched";
            for (String[] sc : new String[][] {{denseLabel, denseName}, {sparseLabel, sparseName}}) {
                for (String op : List.of("inspect-pagemap", "view")) {
                    BenchReport.Row[] both = time(
                            session,
                            sc[0],
                            op,
                            op + " " + sc[1] + " --method scan",
                            op + " " + sc[1] + " --method pread",
                            reps);
                    BenchReport.Row scan = both[0], pread = both[1];
                    rows.add(scan);
                    rows.add(pread);
                    if (!scan.result().equals(pread.result())) {
                        notes.add("the two methods disagree on " + sc[0] + " (" + op + "): " + scan.result() + " vs "
                                + pread.result() + " — please report it");
                    }
                    ratios.add(new BenchReport.Ratio(
                            op + ", " + sc[0] + ": pread / PAGEMAP_SCAN",
                            (double) pread.medianNs() / Math.max(1, scan.medianNs())));
                }
            }
            BenchReport.Row denseRead = rows.get(1);
            notes.add(String.format(
                    Locale.ROOT,
                    "inspect-pagemap decodes %.1f M entries/s with pread on the dense mapping",
                    g.pages(dense) / (denseRead.medianNs() / 1e9) / 1e6));
        } finally {
            for (String n : List.of(denseName, sparseName)) {
                if (session.mapping(n) != null) {
                    try {
                        run(session, "unmap " + n);
                    } catch (CommandError ignored) {
                        // reported by the unmap itself would be noise here; the mapping stays listed for the user
                    }
                }
            }
        }
        List<String> context = List.of(
                "kernel " + Machine.kernelRelease() + ", THP "
                        + ThpSettings.thpEnabled().orElse("?") + ", "
                        + Runtime.getRuntime().availableProcessors() + " CPUs",
                "machine: " + dev.pagelab.linux.proc.KernelProfile.current().machineKind(),
                KPageFlags.availability().isEmpty()
                        ? "root: inspect-pagemap also reads /proc/kpageflags and /proc/kpagecount"
                        : "not root: PFNs hidden, /proc/kpageflags not read",
                reps + " repetitions of each case; median (min\u2013max)");
        return new BenchReport("PAGEMAP_SCAN vs pread of /proc/self/pagemap", context, rows, ratios, notes);
    }

    /**
     * Times the scan and the pread form of one command, {@code reps} times each, alternately, so that both meet the
     * same JIT state and the same load from the rest of the machine (timing all of one, then all of the other, gave
     * the first a slower median here: the JIT, C2 only, was still compiling the decoder during its first runs).
     * Untimed first: each form min(reps, 3) times, alternately (class loading, compilation).
     */
    private static BenchReport.Row[] time(
            Session session, String scenario, String op, String scan, String pread, int reps) throws CommandError {
        String[] commands = {scan, pread}, methods = {"PAGEMAP_SCAN", "pread"};
        long[][] t = new long[2][reps];
        String[] result = {"", ""};
        for (int i = 0; i < Math.min(reps, 3); i++) {
            for (String c : commands) run(session, c);
        }
        for (int i = 0; i < reps; i++) {
            for (int m = 0; m < 2; m++) {
                long t0 = System.nanoTime();
                Report r = run(session, commands[m]);
                t[m][i] = System.nanoTime() - t0;
                result[m] = switch (r) {
                    case PagemapReport p -> p.totals().present() + " present";
                    case ResidencyReport v ->
                        (v.pages() - v.count(PageState.NOT_PRESENT) - v.count(PageState.UNMAPPED)) + " in use";
                    default -> "";
                };
            }
        }
        BenchReport.Row[] rows = new BenchReport.Row[2];
        for (int m = 0; m < 2; m++) {
            long[] sorted = t[m].clone();
            Arrays.sort(sorted);
            rows[m] = new BenchReport.Row(
                    scenario, op, methods[m], sorted[reps / 2], sorted[0], sorted[reps - 1], reps, result[m]);
        }
        return rows;
    }

    private static Report run(Session session, String line) throws CommandError {
        CommandLine cl = CommandLine.parse(line);
        Command c = CommandRegistry.withSessionCommands().lookup(cl.name());
        return c.run(session, cl);
    }

    private static String freeName(Session session, String base) {
        String name = base;
        for (int i = 2; session.mapping(name) != null; i++) name = base + i;
        return name;
    }
}
