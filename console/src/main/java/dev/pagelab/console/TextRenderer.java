package dev.pagelab.console;

import dev.pagelab.commands.BenchReport;
import dev.pagelab.commands.CacheReport;
import dev.pagelab.commands.ClearRefsReport;
import dev.pagelab.commands.CommandError;
import dev.pagelab.commands.EvictReport;
import dev.pagelab.commands.LatencyModes;
import dev.pagelab.commands.KernelReport;
import dev.pagelab.commands.ListReport;
import dev.pagelab.commands.MapsReport;
import dev.pagelab.commands.PagemapReport;
import dev.pagelab.commands.Report;
import dev.pagelab.commands.ResidencyReport;
import dev.pagelab.commands.Sizes;
import dev.pagelab.commands.StepReport;
import dev.pagelab.commands.SystemActivity;
import dev.pagelab.commands.TextReport;
import dev.pagelab.linux.FaultSample;
import dev.pagelab.linux.LatencyHistogram;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;

/** Reports as terminal text, styled; the caller decides whether the styles become colour. */
final class TextRenderer {
    static final AttributedStyle BOLD = AttributedStyle.BOLD;
    static final AttributedStyle NUM = AttributedStyle.BOLD.foreground(AttributedStyle.CYAN);
    static final AttributedStyle FAULT = AttributedStyle.BOLD.foreground(AttributedStyle.YELLOW);
    static final AttributedStyle DIM = AttributedStyle.DEFAULT.faint();
    static final AttributedStyle ERROR = AttributedStyle.BOLD.foreground(AttributedStyle.RED);
    static final AttributedStyle NOTE = AttributedStyle.DEFAULT.foreground(AttributedStyle.MAGENTA);
    static final AttributedStyle LABEL = AttributedStyle.DEFAULT.foreground(AttributedStyle.GREEN);

    private TextRenderer() {}

    static List<AttributedString> render(Report report, Feedback feedback, int width) {
        return switch (report) {
            case StepReport s -> step(s, feedback, width);
            case PagemapReport p -> pagemap(p, width);
            case MapsReport m -> maps(m);
            case ListReport l -> list(l, width);
            case CacheReport c -> cache(c, feedback, width);
            case EvictReport e -> evict(e, feedback, width);
            case TextReport t -> t.lines().stream().map(AttributedString::new).toList();
            case dev.pagelab.commands.ManualReport m -> manual(m);
            case ResidencyReport v -> ResidencyRenderer.render(v, width, ResidencyRenderer.VIEW_ROWS, false);
            case ClearRefsReport c -> clearRefs(c);
            case BenchReport b -> bench(b);
            case dev.pagelab.commands.SweepReport w -> SweepRenderer.render(w, width);
            case KernelReport k -> kernel(k, width);
        };
    }

    /** A manual's emphasis as man shows it on a terminal: literals and headings bold, placeholders underlined. */
    static List<AttributedString> manual(dev.pagelab.commands.ManualReport m) {
        List<AttributedString> out = new java.util.ArrayList<>();
        for (dev.pagelab.commands.ManualReport.Line l : m.lines()) {
            AttributedStringBuilder b = new AttributedStringBuilder();
            for (dev.pagelab.commands.ManualReport.Span s : l.spans()) {
                b.styled(switch (s.emphasis()) {
                    case STRONG -> AttributedStyle.BOLD;
                    case PLACEHOLDER -> AttributedStyle.DEFAULT.underline();
                    case PLAIN -> AttributedStyle.DEFAULT;
                }, s.text());
            }
            out.add(b.toAttributedString());
        }
        return out;
    }

    // ---- step reports -------------------------------------------------------------------------------------

    static List<AttributedString> step(StepReport r, Feedback feedback, int width) {
        List<AttributedString> out = new ArrayList<>();
        if (feedback == Feedback.SILENT) return out;
        FaultSample s = r.sample();
        if (feedback == Feedback.CONCISE) {
            AttributedStringBuilder b = new AttributedStringBuilder();
            b.styled(BOLD, r.verb()).append(r.target() == null ? "" : " " + r.target()).append(": minor ")
                    .styled(FAULT, Long.toString(s.minorFaults())).append(", major ").styled(FAULT, Long.toString(s.majorFaults()));
            if (r.presentBefore() >= 0) {
                String about = r.presentEstimated() ? "\u2248" : "";
                b.append(", present " + about + r.presentBefore() + "\u2192" + about + r.presentAfter());
            }
            b.append(", process rss " + signed(r.rssDelta()) + ", " + duration(s.elapsedNanos()));
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
        f.append("  faults   minor ").styled(FAULT, Long.toString(s.minorFaults()))
                .append("  major ").styled(FAULT, Long.toString(s.majorFaults()));
        if (r.accesses() > 0) {
            long touchedPages = Math.max(1, Math.min(r.accesses(), r.pages()));
            f.styled(DIM, "  (" + perPage(s.minorFaults() + s.majorFaults(), touchedPages) + ")");
        }
        f.append("   in ").styled(NUM, duration(s.elapsedNanos()));
        if (r.accesses() > 0) f.styled(DIM, " (" + duration(s.elapsedNanos() / r.accesses()) + "/access)");
        out.add(f.toAttributedString());

        AttributedStringBuilder p = new AttributedStringBuilder();
        if (r.presentBefore() >= 0) {
            String about = r.presentEstimated() ? "\u2248" : "";
            p.append("  present  ").styled(NUM, about + r.presentBefore()).append(" \u2192 ")
                    .styled(NUM, about + r.presentAfter()).append(" pages");
            p.append("   ");
        } else {
            p.append("  ");
        }
        p.append("process rss ").styled(NUM, signed(r.rssDelta()));
        out.add(p.toAttributedString());

        if (feedback == Feedback.VERBOSE) {
            out.add(new AttributedStringBuilder().append("  process  minor ").append(Long.toString(s.processMinorFaults()))
                    .append("  major ").append(Long.toString(s.processMajorFaults()))
                    .styled(DIM, "  (all JVM threads; for contrast)").toAttributedString());
            out.add(new AttributedStringBuilder().append("  rss      ").append(Sizes.human(r.rssBefore())).append(" \u2192 ")
                    .append(Sizes.human(r.rssAfter())).styled(DIM, "  (/proc/self/statm, process-wide)").toAttributedString());
            for (Map.Entry<String, Object> e : r.details().entrySet()) {
                out.add(new AttributedStringBuilder().styled(DIM, "  " + pad(e.getKey().replace('_', ' '), 12) + " ")
                        .append(String.valueOf(e.getValue())).toAttributedString());
            }
            if (r.system() != null) out.addAll(system(r.system(), width));
        }
        if (r.timing() != null) out.addAll(histogram(r.timing(), width));
        for (String n : r.notes()) out.add(new AttributedStringBuilder().styled(NOTE, "  note: " + n).toAttributedString());
        return out;
    }

    // ---- system-wide context (verbose) ----------------------------------------------------------------------

    /** The vmstat and meminfo changes over the step and the settings it ran under, wrapped at {@code width}. */
    static List<AttributedString> system(SystemActivity sys, int width) {
        List<AttributedString> out = new ArrayList<>();
        out.add(new AttributedStringBuilder().styled(DIM, "  system-wide, all processes (/proc/vmstat, /proc/meminfo "
                + "around the step):").toAttributedString());
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

    /** {@code label} then the items two spaces apart, continued under the first item when a line is full. */
    static List<AttributedString> wrapped(String label, List<String> items, int width) {
        List<AttributedString> out = new ArrayList<>();
        String indent = "  " + pad("", 9);
        StringBuilder line = new StringBuilder("  " + pad(label, 8) + " ");
        boolean first = true;
        for (String item : items) {
            if (!first && line.length() + 2 + item.length() > width) {
                out.add(new AttributedString(line.toString()));
                line = new StringBuilder(indent);
                first = true;
            }
            if (!first) line.append("  ");
            line.append(item);
            first = false;
        }
        out.add(new AttributedString(line.toString()));
        return out;
    }

    /** Dim text wrapped at spaces to {@code width}, each line indented by two. */
    static List<AttributedString> dimWrapped(String text, int width) {
        return wrap("  ", "  ", text, width, DIM);
    }

    /**
     * {@code text} wrapped at spaces to {@code width}: the first line starts with {@code first}, the others with
     * {@code rest}. A word longer than a line is not broken.
     */
    static List<AttributedString> wrap(String first, String rest, String text, int width, AttributedStyle style) {
        List<AttributedString> out = new ArrayList<>();
        String prefix = first;
        StringBuilder line = new StringBuilder();
        for (String word : unitsKept(text.split(" "))) {
            if (line.length() > 0 && prefix.length() + line.length() + 1 + word.length() > width) {
                out.add(new AttributedStringBuilder().styled(style, prefix + line).toAttributedString());
                prefix = rest;
                line.setLength(0);
            }
            if (line.length() > 0) line.append(' ');
            line.append(word);
        }
        if (line.length() > 0) out.add(new AttributedStringBuilder().styled(style, prefix + line).toAttributedString());
        return out;
    }

    private static final java.util.regex.Pattern UNIT =
            java.util.regex.Pattern.compile("(ns|\u00b5s|ms|s|B|KiB|MiB|GiB|TiB)(\\W.*)?");

    /** The words, with a unit ("µs", "MiB,") joined to the number before it so that a wrap never parts them. */
    static List<String> unitsKept(String[] words) {
        List<String> out = new ArrayList<>();
        for (String w : words) {
            if (!out.isEmpty() && UNIT.matcher(w).matches()
                    && !out.get(out.size() - 1).isEmpty() && Character.isDigit(out.get(out.size() - 1).charAt(out.get(out.size() - 1).length() - 1))) {
                out.set(out.size() - 1, out.get(out.size() - 1) + " " + w);
            } else {
                out.add(w);
            }
        }
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
        out.add(new AttributedStringBuilder().append("  latency  min ").styled(NUM, duration(h.min()))
                .append("  p50 \u2248").styled(NUM, duration(h.quantile(0.50)))
                .append("  p90 \u2248").styled(NUM, duration(h.quantile(0.90)))
                .append("  p99 \u2248").styled(NUM, duration(h.quantile(0.99)))
                .append("  max ").styled(NUM, duration(h.max())).toAttributedString());

        int lo = -1, hi = -1;
        for (int b = 0; b < LatencyHistogram.buckets(); b++) {
            if (h.countAt(b) == 0) continue;
            if (lo < 0) lo = b;
            hi = b;
        }
        int per = 4;                                        // buckets per row: 4 = half a power of two
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
            String label = pad((fromBucket == 0 ? "\u22650 ns" : "\u2265" + duration(LatencyHistogram.lowerBound(fromBucket))), 9);
            if (rows[r] == 0 && r + 1 < rows.length && rows[r + 1] == 0) {
                // an empty stretch (the gap between resident and faulting accesses) is one line
                int j = r;
                while (j < rows.length && rows[j] == 0) j++;
                out.add(new AttributedStringBuilder().styled(DIM, "  " + label + " \u2026 none below "
                        + duration(LatencyHistogram.lowerBound((firstRow + j) * per))).toAttributedString());
                r = j - 1;
                continue;
            }
            int len = rows[r] == 0 ? 0 : log
                    ? (int) Math.round(barWidth * Math.log1p(rows[r]) / Math.log1p(peak))
                    : (int) Math.round((double) rows[r] * barWidth / peak);
            if (rows[r] > 0 && len == 0) len = 1;
            StringBuilder tags = new StringBuilder();
            for (int k = 0; k < modes.size(); k++) {
                int typical = bucketOf(modes.get(k).band().typicalNanos());
                if (typical / per == firstRow + r) tags.append(tags.isEmpty() ? "" : ",").append(letter(k));
            }
            if (rows[r] == 0) {
                out.add(new AttributedStringBuilder().styled(DIM, "  " + label.stripTrailing()).toAttributedString());
                continue;
            }
            AttributedStringBuilder row = new AttributedStringBuilder().styled(DIM, "  " + label + " ")
                    .styled(LABEL, "\u2588".repeat(len)).append(" ".repeat(barWidth - len))
                    .append(" " + pad(compact(rows[r]), 7, true) + " " + pad(percent(rows[r], h.count()), 6, true));
            if (!tags.isEmpty()) row.append("  ").styled(BOLD, tags.toString());
            out.add(row.toAttributedString());
        }
        out.addAll(modeLines(t, width));
        String legend = "(\u2248: within 12.5%; times include System.nanoTime's own " + duration(t.clock().pairMedianNanos())
                + ", in " + duration(t.clock().quantumNanos()) + " steps; bars: " + (log ? "log scale" : "linear") + ")";
        out.addAll(dimWrapped(legend, width));
        return out;
    }

    /** Lines of the modes: letter, range (5th to 95th percentile), count, share, and what the accesses were. */
    static List<AttributedString> modeLines(StepReport.Timing t, int width) {
        List<AttributedString> out = new ArrayList<>();
        LatencyModes lm = t.modes();
        long faults = lm.faults();
        String head = faults == 0 ? "no fault in this step: every access was to a resident page"
                : lm.attributed() == lm.accesses() && faults >= lm.accesses()
                ? faults + (faults == 1 ? " fault" : " faults") + (faults > lm.accesses() ? " (more than the accesses)" : "")
                  + ": every access faulted"
                : faults + (faults == 1 ? " fault, attributed by rank to the slowest access"
                  : " faults, attributed by rank to the slowest " + faults + " accesses");
        out.addAll(wrap("  modes    ", "           ", head, width, AttributedStyle.DEFAULT));
        List<LatencyModes.Mode> modes = lm.modes();
        for (int k = 0; k < modes.size(); k++) {
            LatencyModes.Mode m = modes.get(k);
            LatencyModes.Band b = m.band();
            String range = b.fromNanos() == b.toNanos() ? duration(b.fromNanos())
                    : duration(b.fromNanos()) + "\u2013" + duration(b.toNanos());
            out.add(new AttributedStringBuilder().append("  ").styled(BOLD, letter(k)).append("  " + pad(range, 17))
                    .styled(NUM, pad(compact(b.count()), 7, true)).append(" " + pad(percent(b.count(), lm.accesses()), 6, true))
                    .append("  ").styled(m.kind().faulting() ? FAULT : LABEL, modeName(m, lm)).toAttributedString());
        }
        if (modes.isEmpty()) out.add(new AttributedString("     no distinct mode: too few accesses in any one band"));
        LatencyModes.Band e = lm.elsewhere();
        if (e != null) {
            out.addAll(wrap("     ", "     ", compact(e.count()) + " (" + percent(e.count(), lm.accesses())
                    + ") outside the modes, between " + duration(e.fromNanos()) + " and " + duration(e.toNanos())
                    + (e.faults() == 0 ? ", no faults" : e.faults() == e.count() ? ", all faults"
                    : ", " + e.faults() + " of them faults"), width, DIM));
        }
        boolean noFaultSlow = modes.stream().anyMatch(m -> m.kind() == LatencyModes.Kind.NO_FAULT_BUT_SLOW);
        boolean slowFaults = modes.stream().anyMatch(m -> m.kind() == LatencyModes.Kind.SLOWER_FAULTS && m.slowerBy() >= 4);
        String vm = t.virtualization().map(v -> v.equals("a hypervisor") ? "a virtual machine" : "a " + v + " guest")
                .orElse(null);
        if (noFaultSlow) {
            out.addAll(dimWrapped("no fault but slow: these accesses faulted in no page table of this kernel, yet took as "
                    + "long as a fault" + (vm == null ? "" : "; this is " + vm + ", where that is typically the "
                    + "hypervisor backing the page (an EPT violation)"), width));
        }
        if (slowFaults && vm != null) {
            out.addAll(dimWrapped("this is " + vm + ": faults several times slower than the rest are typically on "
                    + "memory the hypervisor backs for the first time", width));
        }
        return out;
    }

    static String modeName(LatencyModes.Mode m, LatencyModes lm) {
        String ref = m.reference() < 0 ? "" : String.format(Locale.ROOT, "%.1f\u00d7 %s", m.slowerBy(), letter(m.reference()));
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

    // ---- errors ---------------------------------------------------------------------------------------------

    /** The error line, and above it the input with a caret under the offending word when known. */
    static List<AttributedString> error(String verb, String input, CommandError e, List<int[]> wordSpans) {
        List<AttributedString> out = new ArrayList<>();
        int w = e.wordIndex();
        if (w >= 0 && w < wordSpans.size() && input != null) {
            int[] span = wordSpans.get(w);
            out.add(new AttributedString("  " + input));
            out.add(new AttributedStringBuilder().append("  " + " ".repeat(span[0]))
                    .styled(ERROR, "^".repeat(Math.max(1, span[1]))).toAttributedString());
        }
        AttributedStringBuilder b = new AttributedStringBuilder();
        b.styled(ERROR, (verb == null || verb.isEmpty() ? "error" : verb) + ": ");
        if (e.subject() != null) b.append(e.subject()).append(": ");
        if (e.errnoName() != null) {
            b.styled(ERROR, e.errnoName()).append(" (" + e.meaning() + ") from " + e.getMessage());
        } else {
            b.append(e.getMessage());
        }
        if (e.hint() != null && !e.hint().isEmpty()) b.styled(DIM, " \u2014 " + e.hint());
        out.add(b.toAttributedString());
        return out;
    }

    // ---- pagemap ----------------------------------------------------------------------------------------------

    static List<AttributedString> pagemap(PagemapReport p, int width) {
        List<AttributedString> out = new ArrayList<>();
        out.add(new AttributedStringBuilder().styled(BOLD, "inspect-pagemap " + p.target()).append(": " + count(p.pages(), "page")
                + " at 0x" + Long.toHexString(p.start())).styled(DIM, "  (" + p.method() + ")").toAttributedString());
        if (p.writtenOnly()) {
            out.add(new AttributedStringBuilder().append("  pages written since 'clear-refs soft-dirty'")
                    .styled(DIM, " (" + p.tracking() + ")").toAttributedString());
            if (p.runs().isEmpty()) out.add(new AttributedString("  none"));
        }
        for (PagemapReport.Run r : p.runs()) {
            AttributedStringBuilder b = new AttributedStringBuilder();
            String range = p.perPage() ? pad(Sizes.format(r.offset()), 8)
                    : pad(Sizes.format(r.offset()) + "+" + r.pages() + "p", 16);
            b.append("  ").styled(DIM, range).append(" ");
            List<String> state = r.state();
            boolean zero = r.flags().contains("zero_page");
            boolean hugeZero = zero && (r.hugeHeads() > 0 || r.flags().contains("thp"));
            AttributedStyle st = state.contains("present") ? (zero ? NOTE : LABEL) : DIM;
            b.styled(st, String.join(" ", state));
            if (hugeZero) {
                // one PMD-sized zero folio mapped by several PMDs; the kernel flags it as file/shared (not anonymous)
                b.styled(NOTE, " HUGE ZERO PAGE").styled(DIM, "  pfn ").append("0x" + Long.toHexString(r.firstPfn()))
                        .append("  mapped " + Math.max(1, r.hugeHeads()) + (r.hugeHeads() == 1 ? " time" : " times"));
                out.add(b.toAttributedString());
                continue;
            }
            if (zero) b.styled(NOTE, " ZERO PAGE");
            if (r.firstPfn() != 0) {
                b.styled(DIM, "  pfn ").append("0x" + Long.toHexString(r.firstPfn()));
                if (r.pages() > 1) {
                    b.styled(DIM, r.samePfn() ? " (every page)" : r.contiguous()
                            ? "\u20260x" + Long.toHexString(r.firstPfn() + r.pages() - 1) + " contiguous" : "\u2026 scattered");
                }
            }
            if (r.mapCount() >= 0) b.styled(DIM, "  mapcount ").append(Long.toString(r.mapCount()));
            if (r.hugeHeads() > 0) b.append("  " + r.hugeHeads() + (r.hugeHeads() == 1 ? " huge page" : " huge pages"));
            if (state.contains("swapped")) b.append("  swap type " + r.swapType() + " offset " + r.swapOffset());
            List<String> flags = r.flags().stream().filter(f -> !f.equals("zero_page")).toList();
            if (!flags.isEmpty()) b.styled(DIM, "  [" + String.join(" ", flags) + "]");
            out.add(b.toAttributedString());
        }
        if (p.truncated()) out.add(new AttributedString("  \u2026 more rows left out: inspect a smaller range"));
        PagemapReport.Totals t = p.totals();
        AttributedStringBuilder tot = new AttributedStringBuilder().append("  total    present ").styled(NUM, Long.toString(t.present()))
                .append("  swapped " + t.swapped() + "  file/shared " + t.file() + "  exclusive " + t.exclusive()
                        + "  soft-dirty " + t.softDirty());
        if (p.tracking() != null) tot.append("  written ").styled(NUM, Long.toString(t.written()));
        out.add(tot.toAttributedString());
        if (p.kpageflagsNote() == null) {
            out.add(new AttributedString("           zero page " + t.zeroPage() + "  thp " + t.thp() + "  hugetlb "
                    + t.hugetlb() + "  locked/unevictable " + t.locked() + (t.guard() > 0 ? "  guard " + t.guard() : "")));
        } else {
            out.add(new AttributedString("           zero page " + t.zeroPage()
                    + " (told by pagemap's exclusive bit)" + (t.guard() > 0 ? "  guard " + t.guard() : "")));
            out.add(new AttributedStringBuilder().styled(DIM, "  PFNs are hidden and page flags unreadable: "
                    + p.kpageflagsNote()).toAttributedString());
        }
        return out;
    }

    // ---- bench ------------------------------------------------------------------------------------------------

    static List<AttributedString> bench(BenchReport b) {
        List<AttributedString> out = new ArrayList<>();
        out.add(new AttributedStringBuilder().styled(BOLD, "bench: " + b.title()).toAttributedString());
        for (String c : b.context()) out.add(new AttributedStringBuilder().styled(DIM, "  " + c).toAttributedString());
        out.add(new AttributedStringBuilder().styled(BOLD, String.format(Locale.ROOT, "  %-20s %-15s %-12s %10s  %s",
                "mapping", "operation", "method", "median", "min\u2013max")).toAttributedString());
        for (BenchReport.Row r : b.rows()) {
            out.add(new AttributedStringBuilder().append(String.format(Locale.ROOT, "  %-20s %-15s %-12s ", r.scenario(),
                    r.operation(), r.method())).styled(NUM, pad(duration(r.medianNs()), 10, true))
                    .styled(DIM, "  " + duration(r.minNs()) + "\u2013" + duration(r.maxNs())).toAttributedString());
        }
        out.add(new AttributedStringBuilder().styled(BOLD, "  ratios, measured in this run").toAttributedString());
        for (BenchReport.Ratio r : b.ratios()) {
            out.add(new AttributedStringBuilder().append("    " + pad(r.label(), 58) + " ")
                    .styled(NUM, String.format(Locale.ROOT, r.value() >= 100 ? "%.0f\u00d7" : "%.2f\u00d7", r.value()))
                    .toAttributedString());
        }
        for (String n : b.notes()) out.add(new AttributedStringBuilder().styled(NOTE, "  note: " + n).toAttributedString());
        return out;
    }

    // ---- clear-refs -------------------------------------------------------------------------------------------

    static List<AttributedString> clearRefs(ClearRefsReport c) {
        List<AttributedString> out = new ArrayList<>();
        AttributedStringBuilder head = new AttributedStringBuilder().styled(BOLD, "clear-refs " + c.mode()).append(": ");
        if (c.mechanism() != null) {
            head.append("tracking written pages with " + c.mechanism());
        } else {
            head.append("wrote " + c.written() + " to /proc/self/clear_refs");
        }
        head.styled(DIM, "  (" + duration(c.elapsedNanos()) + ")");
        out.add(head.toAttributedString());
        if (c.before() >= 0) {
            String what = c.mode().equals("peak-rss") ? "VmHWM" : "Referenced";
            String source = c.mode().equals("peak-rss") ? "/proc/self/status" : "smaps_rollup, whole process";
            out.add(new AttributedStringBuilder().append("  " + pad(what, 11)).styled(NUM, c.before() + " kB").append(" \u2192 ")
                    .styled(NUM, c.after() + " kB").styled(DIM, "  (" + source + ")").toAttributedString());
        }
        for (ClearRefsReport.Row r : c.mappings()) {
            AttributedStringBuilder b = new AttributedStringBuilder().append("  ").styled(LABEL, pad(r.name(), 9));
            if (r.protectedPages() >= 0) b.append(" write-protected ").styled(NUM, Long.toString(r.protectedPages())).append(" pages");
            b.append("   present ").styled(NUM, Long.toString(r.present()));
            if (r.referencedKb() >= 0) b.append("   referenced ").styled(NUM, r.referencedKb() + " kB");
            out.add(b.toAttributedString());
        }
        for (String n : c.notes()) out.add(new AttributedStringBuilder().styled(NOTE, "  note: " + n).toAttributedString());
        return out;
    }

    // ---- kernel -------------------------------------------------------------------------------------------------

    /**
     * One line per fact (label, value), its meaning below it, wrapped; a fact that departs from the textbook is
     * marked and coloured, a missing feature dimmed, so that what this kernel does differently stands out.
     */
    static List<AttributedString> kernel(KernelReport k, int width) {
        List<AttributedString> out = new ArrayList<>();
        out.add(new AttributedStringBuilder().styled(BOLD, "kernel").append(" " + k.release())
                .styled(DIM, String.format(java.util.Locale.ROOT, "  (probed in %.1f ms; \u2260 differs from the "
                        + "textbook, - missing here)", k.probeNanos() / 1e6)).toAttributedString());
        for (KernelReport.Section s : k.sections()) {
            out.add(new AttributedStringBuilder().styled(BOLD, s.title()).toAttributedString());
            for (KernelReport.Fact f : s.facts()) {
                String mark = switch (f.standing()) {
                    case USUAL -> "  ";
                    case DIFFERS -> "\u2260 ";
                    case MISSING -> "- ";
                };
                AttributedStyle valueStyle = switch (f.standing()) {
                    case USUAL -> AttributedStyle.DEFAULT;
                    case DIFFERS -> NOTE;
                    case MISSING -> DIM;
                };
                AttributedStringBuilder b = new AttributedStringBuilder().append(mark)
                        .styled(LABEL, pad(f.label(), 17)).append(" ");
                String indent = "  " + pad("", 18);
                List<AttributedString> value = wrap("", indent, f.shown(), Math.max(20, width - indent.length()), valueStyle);
                b.append(value.get(0));
                out.add(b.toAttributedString());
                out.addAll(value.subList(1, value.size()));
                out.addAll(wrap("    ", "    ", f.meaning(), width, DIM));
            }
        }
        return out;
    }

    // ---- maps and list ----------------------------------------------------------------------------------------

    static List<AttributedString> maps(MapsReport m) {
        List<AttributedString> out = new ArrayList<>();
        if (m.lines().isEmpty()) {
            out.add(new AttributedString(m.scope().equals("pagelab") ? "no mappings yet: 'map 4M' makes one"
                    : "nothing mapped"));
        }
        for (MapsReport.Line l : m.lines()) {
            AttributedStringBuilder b = new AttributedStringBuilder();
            b.styled(LABEL, pad(l.label(), 10)).append(" ").append(l.text());
            out.add(b.toAttributedString());
        }
        for (MapsReport.Area a : m.areas()) {
            out.add(new AttributedStringBuilder().styled(BOLD, a.label()).append("  0x" + Long.toHexString(a.start())
                    + "-0x" + Long.toHexString(a.end()) + " " + a.perms()).toAttributedString());
            for (String key : List.of("Size", "Rss", "Pss", "Private_Clean", "Private_Dirty", "Shared_Clean", "Shared_Dirty",
                    "Anonymous", "LazyFree", "AnonHugePages", "ShmemPmdMapped", "FilePmdMapped", "Shared_Hugetlb",
                    "Private_Hugetlb", "Locked", "Swap")) {
                Long v = a.kb().get(key);
                if (v == null) continue;
                out.add(new AttributedStringBuilder().append("  " + pad(key, 15)).styled(NUM, pad(v + " kB", 12, true))
                        .toAttributedString());
            }
            out.add(new AttributedString("  " + pad("THPeligible", 15) + pad(a.thpEligible(), 12, true)));
            out.add(new AttributedStringBuilder().append("  " + pad("VmFlags", 15)).append(String.join(" ", a.vmFlags()))
                    .styled(DIM, "  = " + String.join(", ", a.vmFlagWords())).toAttributedString());
        }
        return out;
    }

    static List<AttributedString> list(ListReport l, int width) {
        List<AttributedString> out = new ArrayList<>();
        if (l.rows().isEmpty()) {
            out.add(new AttributedString("no mappings yet: 'map 4M' makes one"));
            return out;
        }
        // Narrow terminals (SSH on a phone, a split pane) get the start address only and no options column.
        boolean wide = width >= 110;
        String head = wide ? String.format("%-8s %-29s %7s %-20s %-9s %7s %9s  %s", "name", "range", "size", "kind",
                "prot", "locked", "present", "options")
                : String.format("%-8s %-14s %6s %-12s %-4s %6s %8s", "name", "start", "size", "kind", "prot", "locked",
                "present");
        out.add(new AttributedStringBuilder().styled(BOLD, head).toAttributedString());
        for (ListReport.Row r : l.rows()) {
            String size = Sizes.format(r.size()) + (r.mappedBytes() != r.size() ? "*" : "");
            String rest = wide
                    ? String.format(" %-29s %7s %-20s %-9s %7s %9s  %s",
                            "0x" + Long.toHexString(r.start()) + "-0x" + Long.toHexString(r.end()), size, r.kind(),
                            r.prot(), Sizes.format(r.locked()), r.present() + "p", r.creation())
                    : String.format(" %-14s %6s %-12s %-4s %6s %8s", "0x" + Long.toHexString(r.start()), size,
                            r.kind(), r.prot().replace(",", "/"),
                            Sizes.format(r.locked()), r.present() + "p");
            out.add(new AttributedStringBuilder().styled(LABEL, String.format("%-8s", r.name())).append(rest)
                    .toAttributedString());
        }
        if (l.rows().stream().anyMatch(r -> r.mappedBytes() != r.size())) {
            out.add(new AttributedStringBuilder().styled(DIM, "* partly unmapped: offsets keep their meaning; holes are refused")
                    .toAttributedString());
        }
        return out;
    }

    // ---- page cache ---------------------------------------------------------------------------------------------

    /** cache is a query, like inspect-pagemap: shown in every feedback mode, one line per file when concise. */
    static List<AttributedString> cache(CacheReport c, Feedback feedback, int width) {
        List<AttributedString> out = new ArrayList<>();
        for (CacheReport.FileResidency f : c.files()) {
            if (feedback == Feedback.CONCISE) {
                out.add(new AttributedStringBuilder().styled(BOLD, "cache").append(" " + f.label() + ": ")
                        .styled(NUM, Long.toString(f.resident())).append(" of " + count(f.pages(), "page")
                                + " resident" + (f.pages() > 0 ? " (" + percent(f.resident(), f.pages()) + ")" : ""))
                        .toAttributedString());
                continue;
            }
            out.add(fileHeader("cache", f));
            out.addAll(residency(f, feedback, width, true));
        }
        if (c.files().size() > 1) {
            out.add(new AttributedStringBuilder().append("total    ").styled(NUM, Long.toString(c.totalResident()))
                    .append(" of " + count(c.totalPages(), "page") + " resident"
                            + (c.totalPages() > 0 ? " (" + percent(c.totalResident(), c.totalPages()) + ")" : "")
                            + " in " + c.files().size() + " files").toAttributedString());
        }
        for (String n : c.notes()) out.add(new AttributedStringBuilder().styled(NOTE, "  note: " + n).toAttributedString());
        return out;
    }

    /** {@code cache /tmp/f (ext4, 4.0 MiB)}, or for a mapping {@code cache m1 -> /tmp/f (...)}. */
    private static AttributedString fileHeader(String verb, CacheReport.FileResidency f) {
        AttributedStringBuilder b = new AttributedStringBuilder().styled(BOLD, verb).append(" " + f.label());
        if (f.mapping() != null) b.append(" \u2192 " + f.path());
        String sparse = f.allocated() < f.size() ? ", " + Sizes.human(f.allocated()) + " allocated" : "";
        b.styled(DIM, " (" + f.fsType() + ", " + (f.size() < 1024 ? f.size() + " B" : Sizes.human(f.size())) + sparse + ")");
        return b.toAttributedString();
    }

    /** The resident line, the strip, the runs and, verbose, how it was measured. */
    private static List<AttributedString> residency(CacheReport.FileResidency f, Feedback feedback, int width,
                                                    boolean withCachestat) {
        List<AttributedString> out = new ArrayList<>();
        if (f.pages() == 0) {
            out.add(new AttributedStringBuilder().styled(DIM, "  empty: no pages to cache").toAttributedString());
            return out;
        }
        AttributedStringBuilder r = new AttributedStringBuilder().append("  resident ").styled(NUM, Long.toString(f.resident()))
                .append(" of " + count(f.pages(), "page") + " (" + percent(f.resident(), f.pages()) + ")");
        if (withCachestat && f.cachestat() != null) {
            AttributedStringBuilder c = new AttributedStringBuilder();
            c.styled(DIM, "dirty ").append(Long.toString(f.cachestat().dirty()))
                    .styled(DIM, "  writeback ").append(Long.toString(f.cachestat().writeback()));
            if (f.cachestat().evicted() > 0) c.styled(DIM, "  evicted ").append(Long.toString(f.cachestat().evicted()));
            if (r.length() + 3 + c.length() <= width) {
                r.append("   ").append(c);
            } else {
                out.add(r.toAttributedString());
                r = new AttributedStringBuilder().append("           ").append(c);
            }
        }
        out.add(r.toAttributedString());
        out.add(strip(f, width));
        out.add(runs(f, width));
        if (feedback == Feedback.VERBOSE) {
            String how = "  mincore  " + f.mincorePages() + " of " + count(f.pages(), "page") + " asked"
                    + (f.mincorePages() < f.pages() ? " (cachestat found the other "
                    + Sizes.exact(dev.pagelab.linux.PageCache.CHUNK_PAGES * f.pageSize()) + " chunks empty)" : "")
                    + ", in " + duration(f.elapsedNanos());
            out.add(new AttributedStringBuilder().styled(DIM, how).toAttributedString());
            if (f.cachestat() != null) {
                out.add(new AttributedStringBuilder().styled(DIM, "  cachestat cached " + f.cachestat().cached() + "  dirty "
                        + f.cachestat().dirty() + "  writeback " + f.cachestat().writeback() + "  evicted "
                        + f.cachestat().evicted() + "  recently evicted " + f.cachestat().recentlyEvicted())
                        .toAttributedString());
            }
        }
        if (withCachestat && f.cachestatNote() != null && f.cachestat() == null) {
            out.add(new AttributedStringBuilder().styled(DIM, "  dirty and writeback unknown: " + f.cachestatNote())
                    .toAttributedString());
        }
        return out;
    }

    /**
     * One character per cell: \u2588 all resident, \u2593 at least half, \u2591 some, \u00b7 none. Cells are merged in
     * pairs (or more) when the terminal is too narrow for them all.
     */
    static AttributedString strip(CacheReport.FileResidency f, int width) {
        long[] cells = f.cellResident();
        int room = Math.max(8, width - 16);          // "  |", "|" and " 192K/cell" beside the cells
        int group = (cells.length + room - 1) / room;
        AttributedStringBuilder b = new AttributedStringBuilder().append("  |");
        for (int i = 0; i < cells.length; i += group) {
            long res = 0, total = 0;
            for (int j = i; j < Math.min(cells.length, i + group); j++) {
                res += cells[j];
                total += f.cellTotal(j);
            }
            if (res == total && total > 0) b.styled(LABEL, "\u2588");
            else if (res * 2 >= total && res > 0) b.styled(LABEL, "\u2593");
            else if (res > 0) b.styled(NOTE, "\u2591");
            else b.styled(DIM, "\u00b7");
        }
        b.append("|");
        long cellBytes = f.cellPages() * (long) group * f.pageSize();
        b.styled(DIM, " " + (cells.length == f.pages() && group == 1 ? "1 page" : Sizes.format(cellBytes)) + "/cell");
        return b.toAttributedString();
    }

    /** The resident runs as ranges of the file, [OFFSET:LENGTH], as many as fit the width. */
    static AttributedString runs(CacheReport.FileResidency f, int width) {
        List<CacheReport.Run> resident = f.runs().stream().filter(CacheReport.Run::resident).toList();
        AttributedStringBuilder b = new AttributedStringBuilder().append("  runs     ");
        if (resident.isEmpty()) {
            b.styled(DIM, "none resident");
            return b.toAttributedString();
        }
        int used = 11;
        String more = f.runsTruncated() ? " (first " + f.runs().size() + " runs kept)" : "";
        for (int i = 0; i < resident.size(); i++) {
            CacheReport.Run r = resident.get(i);
            String text = "[" + Sizes.format(r.firstPage() * f.pageSize()) + ":" + Sizes.format(r.pages() * f.pageSize()) + "]";
            String rest = " \u2026 " + (resident.size() - i) + " more" + more;
            boolean last = i == resident.size() - 1;
            if (used + text.length() + 1 + (last ? more.length() : rest.length()) > width) {
                b.styled(DIM, rest.substring(1));
                return b.toAttributedString();
            }
            b.append(text).append(" ");
            used += text.length() + 1;
        }
        if (!more.isEmpty()) b.styled(DIM, more.substring(1));
        return trimEnd(b.toAttributedString());
    }

    private static AttributedString trimEnd(AttributedString s) {
        int end = s.length();
        while (end > 0 && s.charAt(end - 1) == ' ') end--;
        return s.subSequence(0, end);
    }

    static String percent(long part, long whole) {
        if (whole == 0 || part == 0) return "0%";
        if (part == whole) return "100%";
        double p = 100.0 * part / whole;
        if (p < 0.1) return "<0.1%";
        if (p > 99.9) return ">99.9%";
        return String.format(Locale.ROOT, "%.1f%%", p);
    }

    /** evict acts: silent shows nothing, concise one line. */
    static List<AttributedString> evict(EvictReport e, Feedback feedback, int width) {
        List<AttributedString> out = new ArrayList<>();
        if (feedback == Feedback.SILENT) return out;
        CacheReport.FileResidency before = e.before(), after = e.after();
        if (feedback == Feedback.CONCISE) {
            AttributedStringBuilder b = new AttributedStringBuilder().styled(BOLD, "evict").append(" " + before.label()
                    + ": resident " + before.resident() + "\u2192" + after.resident());
            if (e.synced() && e.dirtyBefore() >= 0) b.append(", " + written(e) + " dirty written back");
            if (after.resident() > 0) b.styled(NOTE, " (" + after.resident() + " kept)");
            out.add(b.toAttributedString());
            return out;
        }
        AttributedStringBuilder head = new AttributedStringBuilder().append(fileHeader("evict", before))
                .append(": " + (e.synced() ? "fsync, then " : "") + "posix_fadvise(POSIX_FADV_DONTNEED)");
        out.add(head.toAttributedString());
        AttributedStringBuilder sync = new AttributedStringBuilder().append("  fsync    ");
        if (!e.synced()) {
            sync.styled(DIM, "not needed: cachestat counts no dirty page and none under writeback");
        } else if (e.dirtyBefore() < 0) {
            sync.append("done; how many pages were dirty is unknown").append("   in ").styled(NUM, duration(e.syncNanos()));
        } else {
            sync.styled(NUM, Long.toString(written(e))).append(" dirty " + (written(e) == 1 ? "page" : "pages")
                    + " written back");
            if (e.writebackBefore() > 0) sync.append(", " + e.writebackBefore() + " under writeback waited for");
            sync.styled(DIM, " (cachestat dirty " + e.dirtyBefore() + " \u2192 " + Math.max(0, e.dirtyAfterSync()) + ")")
                    .append("   in ").styled(NUM, duration(e.syncNanos()));
        }
        out.add(sync.toAttributedString());
        out.add(new AttributedStringBuilder().append("  resident ").styled(NUM, Long.toString(before.resident()))
                .append(" \u2192 ").styled(NUM, Long.toString(after.resident())).append(" pages")
                .styled(DIM, " (" + e.dropped() + " dropped, " + Sizes.human(e.dropped() * before.pageSize()) + ")")
                .append("   in ").styled(NUM, duration(e.fadviseNanos())).toAttributedString());
        if (after.resident() > 0) {
            AttributedStringBuilder kept = new AttributedStringBuilder().append("  kept     ");
            if (e.mappedPages() > 0) {
                kept.styled(NUM, Long.toString(Math.min(e.mappedPages(), after.resident()))).append(" mapped here:");
                for (EvictReport.Holder h : e.mappedHere()) kept.append(" " + h.label() + " " + h.pages());
            }
            if (e.unexplained() > 0) {
                kept.append(e.mappedPages() > 0 ? ";  " : "").styled(NUM, Long.toString(e.unexplained()))
                        .append(" not mapped here");
            }
            out.add(kept.toAttributedString());
            out.add(strip(after, width));
        }
        if (feedback == Feedback.VERBOSE && e.dirtyAfter() >= 0) {
            out.add(new AttributedStringBuilder().styled(DIM, "  after    dirty or under writeback " + e.dirtyAfter()
                    + (after.cachestat() != null ? ", evicted " + after.cachestat().evicted() : "")).toAttributedString());
        }
        for (String n : e.notes()) out.add(new AttributedStringBuilder().styled(NOTE, "  note: " + n).toAttributedString());
        return out;
    }

    private static long written(EvictReport e) {
        return Math.max(0, e.dirtyBefore() - Math.max(0, e.dirtyAfterSync()));
    }

    // ---- formatting -------------------------------------------------------------------------------------------

    /** Faults per page: "1.00 per page", or for huge pages "1 per 512 pages". */
    static String perPage(long faults, long pages) {
        double r = (double) faults / pages;
        if (faults == 0 || r >= 0.1) return String.format(Locale.ROOT, "%.2f per page", r);
        return "1 per " + Math.round((double) pages / faults) + " pages";
    }

    static String count(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    static String duration(long ns) {
        if (ns < 1_000) return ns + " ns";
        if (ns < 1_000_000) return String.format(Locale.ROOT, "%.1f \u00b5s", ns / 1e3);
        if (ns < 1_000_000_000) return String.format(Locale.ROOT, "%.1f ms", ns / 1e6);
        return String.format(Locale.ROOT, "%.2f s", ns / 1e9);
    }

    static String signed(long bytes) {
        return (bytes > 0 ? "+" : bytes < 0 ? "\u2212" : "") + Sizes.human(Math.abs(bytes));
    }

    static String pad(String s, int n) {
        return pad(s, n, false);
    }

    static String pad(String s, int n, boolean right) {
        if (s.length() >= n) return s;
        String sp = " ".repeat(n - s.length());
        return right ? sp + s : s + sp;
    }
}
