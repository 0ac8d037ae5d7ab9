package dev.pagelab.console;

import dev.pagelab.commands.BenchReport;
import dev.pagelab.commands.ClearRefsReport;
import dev.pagelab.commands.CommandError;
import dev.pagelab.commands.ListReport;
import dev.pagelab.commands.MapsReport;
import dev.pagelab.commands.PagemapReport;
import dev.pagelab.commands.Report;
import dev.pagelab.commands.ResidencyReport;
import dev.pagelab.commands.Sizes;
import dev.pagelab.commands.StepReport;
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
            case TextReport t -> t.lines().stream().map(AttributedString::fromAnsi).toList();
            case ResidencyReport v -> ResidencyRenderer.render(v, width, ResidencyRenderer.VIEW_ROWS, false);
            case ClearRefsReport c -> clearRefs(c);
            case BenchReport b -> bench(b);
        };
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
            if (r.presentBefore() >= 0) b.append(", present " + r.presentBefore() + "\u2192" + r.presentAfter());
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
            p.append("  present  ").styled(NUM, Long.toString(r.presentBefore())).append(" \u2192 ")
                    .styled(NUM, Long.toString(r.presentAfter())).append(" pages");
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
        }
        if (r.histogram() != null) out.addAll(histogram(r.histogram(), width));
        for (String n : r.notes()) out.add(new AttributedStringBuilder().styled(NOTE, "  note: " + n).toAttributedString());
        return out;
    }

    static List<AttributedString> histogram(LatencyHistogram h, int width) {
        List<AttributedString> out = new ArrayList<>();
        if (h.count() == 0) return out;
        out.add(new AttributedStringBuilder().append("  latency  min ").styled(NUM, duration(h.min()))
                .append("  p50 \u2248").styled(NUM, duration(h.quantile(0.50)))
                .append("  p90 \u2248").styled(NUM, duration(h.quantile(0.90)))
                .append("  p99 \u2248").styled(NUM, duration(h.quantile(0.99)))
                .append("  max ").styled(NUM, duration(h.max())).toAttributedString());
        long[] buckets = h.powerOfTwoCounts();
        int lo = 63, hi = 0;
        for (int i = 0; i < 64; i++) if (buckets[i] > 0) { lo = Math.min(lo, i); hi = Math.max(hi, i); }
        long peak = 0;
        for (long c : buckets) peak = Math.max(peak, c);
        int barWidth = Math.max(10, Math.min(50, width - 32));
        for (int i = lo; i <= hi; i++) {
            if (buckets[i] == 0 && i + 1 <= hi && buckets[i + 1] == 0) {
                // a run of empty buckets (the gap between resident and faulting accesses) is one line
                int j = i;
                while (j <= hi && buckets[j] == 0) j++;
                out.add(new AttributedStringBuilder().styled(DIM, "  " + pad("\u2265" + duration(1L << i), 9)
                        + " \u2026 none below " + duration(1L << j)).toAttributedString());
                i = j - 1;
                continue;
            }
            int len = (int) Math.round((double) buckets[i] * barWidth / peak);
            if (buckets[i] > 0 && len == 0) len = 1;
            out.add(new AttributedStringBuilder().styled(DIM, "  " + pad("\u2265" + duration(1L << i), 9) + " ")
                    .styled(LABEL, "\u2588".repeat(len)).append(" " + buckets[i]).toAttributedString());
        }
        out.add(new AttributedStringBuilder().styled(DIM, "  (\u2248: within 12.5%; each access timed with System.nanoTime)")
                .toAttributedString());
        return out;
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
                // one 2 MiB zero folio mapped by several PMDs; the kernel flags it as file/shared (not anonymous)
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
