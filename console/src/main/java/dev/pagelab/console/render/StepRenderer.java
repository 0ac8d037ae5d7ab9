package dev.pagelab.console.render;

import static dev.pagelab.console.render.TextRenderer.*;

import dev.pagelab.commands.Sizes;
import dev.pagelab.commands.report.LatencyModes;
import dev.pagelab.commands.report.StepReport;
import dev.pagelab.commands.report.SystemActivity;
import dev.pagelab.console.Feedback;
import dev.pagelab.linux.measure.FaultSample;
import dev.pagelab.linux.measure.LatencyHistogram;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;

/** Step reports: the faults, present pages, RSS and time of one step; verbose, the system-wide context; with --timing, the latency histogram and its modes. */
final class StepRenderer {
    private StepRenderer() {}

    // ---- step reports -------------------------------------------------------------------------------------

    static List<AttributedString> step(StepReport r, Feedback feedback, int width) {
        List<AttributedString> out = new ArrayList<>();
        if (feedback == Feedback.SILENT) return out;
        FaultSample s = r.sample();
        if (feedback == Feedback.CONCISE) {
            AttributedStringBuilder b = new AttributedStringBuilder();
            b.styled(BOLD, r.verb())
                    .append(r.target() == null ? "" : " " + r.target())
                    .append(": minor ")
                    .styled(FAULT, Long.toString(s.minorFaults()))
                    .append(", major ")
                    .styled(FAULT, Long.toString(s.majorFaults()));
            if (r.present().isPresent()) {
                String about = r.presentEstimated() ? "\u2248" : "";
                b.append(", present " + about + r.present().get().before() + "\u2192" + about
                        + r.present().get().after());
            }
            b.append(", process rss " + signed(r.rss().delta()) + ", " + duration(s.elapsedNanos()));
            if (r.cancelled()) b.styled(NOTE, " (interrupted)");
            out.add(b.toAttributedString());
            return out;
        }
        AttributedStringBuilder head = new AttributedStringBuilder();
        head.styled(BOLD, r.verb());
        if (r.target() != null) head.append(" ").append(r.target());
        head.append(": ").append(r.action());
        out.add(head.toAttributedString());

        AttributedStringBuilder f = new AttributedStringBuilder();
        f.append("  faults   minor ")
                .styled(FAULT, Long.toString(s.minorFaults()))
                .append("  major ")
                .styled(FAULT, Long.toString(s.majorFaults()));
        long accesses = r.accessesMade();
        if (accesses > 0) {
            long touchedPages = r.pages().isPresent()
                    ? Math.max(1, Math.min(accesses, r.pages().getAsLong()))
                    : 1;
            f.styled(DIM, "  (" + perPage(s.minorFaults() + s.majorFaults(), touchedPages) + ")");
        }
        f.append("   in ").styled(NUM, duration(s.elapsedNanos()));
        if (accesses > 0) f.styled(DIM, " (" + duration(s.elapsedNanos() / accesses) + "/access)");
        out.add(f.toAttributedString());

        AttributedStringBuilder p = new AttributedStringBuilder();
        if (r.present().isPresent()) {
            String about = r.presentEstimated() ? "\u2248" : "";
            p.append("  present  ")
                    .styled(NUM, about + r.present().get().before())
                    .append(" \u2192 ")
                    .styled(NUM, about + r.present().get().after())
                    .append(" pages");
            p.append("   ");
        } else {
            p.append("  ");
        }
        p.append("process rss ").styled(NUM, signed(r.rss().delta()));
        out.add(p.toAttributedString());

        if (feedback == Feedback.VERBOSE) {
            out.add(new AttributedStringBuilder()
                    .append("  process  minor ")
                    .append(Long.toString(s.processMinorFaults()))
                    .append("  major ")
                    .append(Long.toString(s.processMajorFaults()))
                    .styled(DIM, "  (all JVM threads; for contrast)")
                    .toAttributedString());
            out.add(new AttributedStringBuilder()
                    .append("  rss      ")
                    .append(Sizes.human(r.rss().before()))
                    .append(" \u2192 ")
                    .append(Sizes.human(r.rss().after()))
                    .styled(DIM, "  (/proc/self/statm, process-wide)")
                    .toAttributedString());
            for (Map.Entry<String, Object> e : r.details().entrySet()) {
                out.add(new AttributedStringBuilder()
                        .styled(DIM, "  " + pad(e.getKey().replace('_', ' '), 12) + " ")
                        .append(String.valueOf(e.getValue()))
                        .toAttributedString());
            }
            r.system().ifPresent(sys -> out.addAll(system(sys, width)));
        }
        r.timing().ifPresent(t -> out.addAll(histogram(t, width)));
        for (String n : r.notes())
            out.add(new AttributedStringBuilder().styled(NOTE, "  note: " + n).toAttributedString());
        return out;
    }

    // ---- system-wide context (verbose) ----------------------------------------------------------------------

    /** The vmstat and meminfo changes over the step and the settings it ran under, wrapped at {@code width}. */
    static List<AttributedString> system(SystemActivity sys, int width) {
        List<AttributedString> out = new ArrayList<>();
        out.add(new AttributedStringBuilder()
                .styled(DIM, "  system-wide, all processes (/proc/vmstat, /proc/meminfo " + "around the step):")
                .toAttributedString());
        List<String> vm = new ArrayList<>();
        for (SystemActivity.Delta d : sys.vmstat()) vm.add(d.name() + " " + signedCount(d.delta()));
        out.addAll(wrapped("vmstat", vm.isEmpty() ? List.of("none of the counters shown here moved") : vm, width));
        List<String> mi = new ArrayList<>();
        for (SystemActivity.Delta d : sys.meminfo()) {
            mi.add(d.name() + " " + (d.hugePages() ? signedCount(d.delta()) : signed(d.delta() * 1024)));
        }
        out.addAll(wrapped("meminfo", mi.isEmpty() ? List.of("no headline figure moved by a page") : mi, width));
        List<String> settings = new ArrayList<>();
        for (String part : sys.settingsLine().split("; ")) settings.add(part);
        out.addAll(wrapped("settings", settings, width));
        return out;
    }

    // ---- touch --timing -------------------------------------------------------------------------------------

    /** At most this many rows of bars (empty stretches count as one). */
    static final int MAX_ROWS = 16;

    /**
     * The latency histogram: percentiles, log-scaled rows from the fastest to the slowest occupied bucket (half a
     * power of two per row, or a whole one or more when that would not fit in {@link #MAX_ROWS}), the modes with
     * what their accesses were, and a legend saying how to read them.
     */
    static List<AttributedString> histogram(StepReport.Timing t, int width) {
        List<AttributedString> out = new ArrayList<>();
        LatencyHistogram h = t.histogram();
        if (h.count() == 0) return out;
        LatencyModes lm = t.modes();
        out.add(new AttributedStringBuilder()
                .append("  latency  min ")
                .styled(NUM, duration(h.min()))
                .append("  p50 \u2248")
                .styled(NUM, duration(h.quantile(0.50)))
                .append("  p90 \u2248")
                .styled(NUM, duration(h.quantile(0.90)))
                .append("  p99 \u2248")
                .styled(NUM, duration(h.quantile(0.99)))
                .append("  max ")
                .styled(NUM, duration(h.max()))
                .toAttributedString());

        int lo = -1, hi = -1;
        for (int b = 0; b < LatencyHistogram.buckets(); b++) {
            if (h.countAt(b) == 0) continue;
            if (lo < 0) lo = b;
            hi = b;
        }
        int per = 4; // buckets per row: 4 = half a power of two
        while (per < LatencyHistogram.buckets() && rowLines(h, lo, hi, per) > MAX_ROWS) per *= 2;
        int firstRow = lo / per, lastRow = hi / per;
        long[] rows = new long[lastRow - firstRow + 1];
        for (int b = lo; b <= hi; b++) rows[b / per - firstRow] += h.countAt(b);
        long peak = 0;
        for (long c : rows) peak = Math.max(peak, c);
        boolean log = logScale(lm);
        int barWidth = Math.max(10, Math.min(48, width - 32));
        List<LatencyModes.Mode> modes = lm.modes();
        for (int r = 0; r < rows.length; r++) {
            int fromBucket = (firstRow + r) * per;
            String label = pad(
                    (fromBucket == 0 ? "\u22650 ns" : "\u2265" + duration(LatencyHistogram.lowerBound(fromBucket))), 9);
            if (rows[r] == 0 && r + 1 < rows.length && rows[r + 1] == 0) {
                // an empty stretch (the gap between resident and faulting accesses) is one line
                int j = r;
                while (j < rows.length && rows[j] == 0) j++;
                out.add(new AttributedStringBuilder()
                        .styled(
                                DIM,
                                "  " + label + " \u2026 none below "
                                        + duration(LatencyHistogram.lowerBound((firstRow + j) * per)))
                        .toAttributedString());
                r = j - 1;
                continue;
            }
            int len = rows[r] == 0
                    ? 0
                    : log
                            ? (int) Math.round(barWidth * Math.log1p(rows[r]) / Math.log1p(peak))
                            : (int) Math.round((double) rows[r] * barWidth / peak);
            if (rows[r] > 0 && len == 0) len = 1;
            StringBuilder tags = new StringBuilder();
            for (int k = 0; k < modes.size(); k++) {
                int typical = bucketOf(modes.get(k).band().typicalNanos());
                if (typical / per == firstRow + r)
                    tags.append(tags.isEmpty() ? "" : ",").append(letter(k));
            }
            if (rows[r] == 0) {
                out.add(new AttributedStringBuilder()
                        .styled(DIM, "  " + label.stripTrailing())
                        .toAttributedString());
                continue;
            }
            AttributedStringBuilder row = new AttributedStringBuilder()
                    .styled(DIM, "  " + label + " ")
                    .styled(LABEL, "\u2588".repeat(len))
                    .append(" ".repeat(barWidth - len))
                    .append(" " + pad(compact(rows[r]), 7, true) + " " + pad(percent(rows[r], h.count()), 6, true));
            if (!tags.isEmpty()) row.append("  ").styled(BOLD, tags.toString());
            out.add(row.toAttributedString());
        }
        out.addAll(modeLines(t, width));
        String legend = "(\u2248: within 12.5%; times include System.nanoTime's own "
                + duration(t.clock().pairMedianNanos()) + ", in "
                + duration(t.clock().quantumNanos()) + " steps; bars: " + (log ? "log scale" : "linear") + ")";
        out.addAll(dimWrapped(legend, width));
        return out;
    }

    /** Lines of the modes: letter, range (5th to 95th percentile), count, share, and what the accesses were. */
    static List<AttributedString> modeLines(StepReport.Timing t, int width) {
        List<AttributedString> out = new ArrayList<>();
        LatencyModes lm = t.modes();
        long faults = lm.faults();
        String head = faults == 0
                ? "no fault in this step: every access was to a resident page"
                : lm.attributed() == lm.accesses() && faults >= lm.accesses()
                        ? faults + (faults == 1 ? " fault" : " faults")
                                + (faults > lm.accesses() ? " (more than the accesses)" : "") + ": every access faulted"
                        : faults
                                + (faults == 1
                                        ? " fault, attributed by rank to the slowest access"
                                        : " faults, attributed by rank to the slowest " + faults + " accesses");
        out.addAll(wrap("  modes    ", "           ", head, width, AttributedStyle.DEFAULT));
        List<LatencyModes.Mode> modes = lm.modes();
        for (int k = 0; k < modes.size(); k++) {
            LatencyModes.Mode m = modes.get(k);
            LatencyModes.Band b = m.band();
            String range = b.fromNanos() == b.toNanos()
                    ? duration(b.fromNanos())
                    : duration(b.fromNanos()) + "\u2013" + duration(b.toNanos());
            out.add(new AttributedStringBuilder()
                    .append("  ")
                    .styled(BOLD, letter(k))
                    .append("  " + pad(range, 17))
                    .styled(NUM, pad(compact(b.count()), 7, true))
                    .append(" " + pad(percent(b.count(), lm.accesses()), 6, true))
                    .append("  ")
                    .styled(m.kind().faulting() ? FAULT : LABEL, modeName(m, lm))
                    .toAttributedString());
        }
        if (modes.isEmpty()) out.add(new AttributedString("     no distinct mode: too few accesses in any one band"));
        LatencyModes.Band e = lm.elsewhere();
        if (e != null) {
            out.addAll(wrap(
                    "     ",
                    "     ",
                    compact(e.count()) + " (" + percent(e.count(), lm.accesses())
                            + ") outside the modes, between " + duration(e.fromNanos()) + " and "
                            + duration(e.toNanos())
                            + (e.faults() == 0
                                    ? ", no faults"
                                    : e.faults() == e.count() ? ", all faults" : ", " + e.faults() + " of them faults"),
                    width,
                    DIM));
        }
        boolean noFaultSlow = modes.stream().anyMatch(m -> m.kind() == LatencyModes.Kind.NO_FAULT_BUT_SLOW);
        boolean slowFaults =
                modes.stream().anyMatch(m -> m.kind() == LatencyModes.Kind.SLOWER_FAULTS && m.slowerBy() >= 4);
        String vm = t.virtualization()
                .map(v -> v.equals("a hypervisor") ? "a virtual machine" : "a " + v + " guest")
                .orElse(null);
        if (noFaultSlow) {
            out.addAll(dimWrapped(
                    "no fault but slow: these accesses faulted in no page table of this kernel, yet took as "
                            + "long as a fault"
                            + (vm == null
                                    ? ""
                                    : "; this is " + vm + ", where that is typically the "
                                            + "hypervisor backing the page (an EPT violation)"),
                    width));
        }
        if (slowFaults && vm != null) {
            out.addAll(dimWrapped(
                    "this is " + vm + ": faults several times slower than the rest are typically on "
                            + "memory the hypervisor backs for the first time",
                    width));
        }
        return out;
    }

    static String modeName(LatencyModes.Mode m, LatencyModes lm) {
        String ref = m.reference() < 0
                ? ""
                : String.format(Locale.ROOT, "%.1f\u00d7 %s", m.slowerBy(), letter(m.reference()));
        LatencyModes.Band b = m.band();
        return switch (m.kind()) {
            case RESIDENT -> "resident";
            case RESIDENT_SLOWER -> "resident, " + ref;
            case NO_FAULT_BUT_SLOW -> "no fault but slow" + (ref.isEmpty() ? "" : ", " + ref);
            case FAULTS -> "faults";
            case SLOWER_FAULTS -> "faults, " + ref;
            case MIXED -> "mixed: " + compact(b.faults()) + " faults, " + compact(b.withoutFault()) + " without";
        };
    }

    /** Log-scaled bars when one mode holds more than 20 times the accesses of another. */
    static boolean logScale(LatencyModes lm) {
        long most = 0, least = Long.MAX_VALUE;
        for (LatencyModes.Mode m : lm.modes()) {
            most = Math.max(most, m.band().count());
            least = Math.min(least, m.band().count());
        }
        return !lm.modes().isEmpty() && most > 20 * least;
    }

    /** Lines the rows would take with {@code per} buckets a row, empty stretches of two or more rows as one. */
    static int rowLines(LatencyHistogram h, int lo, int hi, int per) {
        int lines = 0, emptyRun = 0;
        for (int r = lo / per; r <= hi / per; r++) {
            long c = 0;
            for (int b = r * per; b < (r + 1) * per && b < LatencyHistogram.buckets(); b++) c += h.countAt(b);
            if (c == 0) {
                emptyRun++;
                continue;
            }
            lines += (emptyRun >= 2 ? 1 : emptyRun) + 1;
            emptyRun = 0;
        }
        return lines;
    }

    static int bucketOf(long nanos) {
        for (int b = 0; b < LatencyHistogram.buckets(); b++) if (LatencyHistogram.upperBound(b) >= nanos) return b;
        return LatencyHistogram.buckets() - 1;
    }

    static String letter(int k) {
        return k < 26 ? String.valueOf((char) ('A' + k)) : "M" + k;
    }

    /** 1234 as is, 12345 as 12.3k, 1234567 as 1.23M. */
    static String compact(long n) {
        if (n < 10_000) return Long.toString(n);
        if (n < 1_000_000) return String.format(Locale.ROOT, "%.1fk", n / 1e3);
        return String.format(Locale.ROOT, "%.2fM", n / 1e6);
    }

    static String signedCount(long n) {
        return (n > 0 ? "+" : n < 0 ? "\u2212" : "") + Math.abs(n);
    }
}
