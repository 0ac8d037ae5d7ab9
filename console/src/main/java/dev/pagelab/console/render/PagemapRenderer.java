package dev.pagelab.console.render;

import static dev.pagelab.console.render.TextRenderer.*;

import dev.pagelab.commands.Sizes;
import dev.pagelab.commands.report.ClearRefsReport;
import dev.pagelab.commands.report.PagemapReport;
import java.util.ArrayList;
import java.util.List;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;

/** inspect-pagemap's runs and totals, and clear-refs. */
public final class PagemapRenderer {
    private PagemapRenderer() {}

    // ---- pagemap ----------------------------------------------------------------------------------------------

    public static List<AttributedString> pagemap(PagemapReport p, int width) {
        List<AttributedString> out = new ArrayList<>();
        out.add(new AttributedStringBuilder()
                .styled(BOLD, "inspect-pagemap " + p.target())
                .append(": " + count(p.pages(), "page") + " at 0x" + Long.toHexString(p.start()))
                .styled(DIM, "  (" + p.method() + ")")
                .toAttributedString());
        if (p.writtenOnly()) {
            out.add(new AttributedStringBuilder()
                    .append("  pages written since 'clear-refs soft-dirty'")
                    .styled(DIM, " (" + p.tracking() + ")")
                    .toAttributedString());
            if (p.runs().isEmpty()) out.add(new AttributedString("  none"));
        }
        List<Row> rows = p.perPage()
                ? p.runs().stream().map(r -> new Row(r, List.of(), 1)).toList()
                : fold(p.runs(), p.pageSize());
        for (Row row : rows) {
            PagemapReport.Run r = row.run();
            AttributedStringBuilder b = new AttributedStringBuilder();
            String range = p.perPage()
                    ? pad(Sizes.format(r.offset()), 8)
                    : pad(Sizes.format(r.offset()) + "+" + r.pages() + "p", 16);
            b.append("  ").styled(DIM, range).append(" ");
            List<String> state = r.state();
            boolean zero = r.flags().contains("zero_page");
            boolean hugeZero = zero && (r.hugeHeads() > 0 || r.flags().contains("thp"));
            AttributedStyle st = state.contains("present") ? (zero ? NOTE : LABEL) : DIM;
            b.styled(st, String.join(" ", state));
            if (hugeZero) {
                // one PMD-sized zero folio mapped by several PMDs; the kernel flags it as file/shared (not anonymous)
                b.styled(NOTE, " HUGE ZERO PAGE")
                        .styled(DIM, "  pfn ")
                        .append("0x" + Long.toHexString(r.firstPfn()))
                        .append("  mapped " + Math.max(1, r.hugeHeads()) + (r.hugeHeads() == 1 ? " time" : " times"));
                out.add(b.toAttributedString());
                continue;
            }
            if (zero) b.styled(NOTE, " ZERO PAGE");
            if (r.firstPfn() != 0) {
                b.styled(DIM, "  pfn ").append("0x" + Long.toHexString(r.firstPfn()));
                if (r.pages() > 1) {
                    b.styled(
                            DIM,
                            r.samePfn()
                                    ? " (every page)"
                                    : r.contiguous()
                                            ? "\u20260x" + Long.toHexString(r.firstPfn() + r.pages() - 1)
                                                    + " contiguous"
                                            : "\u2026 scattered");
                }
            }
            if (r.mapCount() >= 0) b.styled(DIM, "  mapcount ").append(Long.toString(r.mapCount()));
            if (r.hugeHeads() > 0) b.append("  " + r.hugeHeads() + (r.hugeHeads() == 1 ? " huge page" : " huge pages"));
            if (state.contains("swapped")) b.append("  swap type " + r.swapType() + " offset " + r.swapOffset());
            List<String> flags = new ArrayList<>(
                    r.flags().stream().filter(f -> !f.equals("zero_page")).toList());
            for (String v : row.varying()) flags.add(v + "~");
            if (!flags.isEmpty()) b.styled(DIM, "  [" + String.join(" ", flags) + "]");
            if (row.runs() > 1) b.styled(DIM, "  " + row.runs() + " runs");
            out.add(b.toAttributedString());
        }
        if (p.truncated()) out.add(new AttributedString("  \u2026 more rows left out: inspect a smaller range"));
        if (rows.size() < p.runs().size()) {
            int folded = p.runs().size() - rows.size();
            out.add(new AttributedStringBuilder()
                    .styled(
                            DIM,
                            "  " + count(p.runs().size(), "run") + " in "
                                    + count(rows.size(), "row") + ": " + folded + " folded that differ only in "
                                    + String.join("/", TRANSIENT)
                                    + ", which the kernel flips as it ages pages (~: on some pages of the row); --pages lists each "
                                    + "page, --json every run")
                    .toAttributedString());
        }
        PagemapReport.Totals t = p.totals();
        AttributedStringBuilder tot = new AttributedStringBuilder()
                .append("  total    present ")
                .styled(NUM, Long.toString(t.present()))
                .append("  swapped " + t.swapped() + "  file/shared " + t.file() + "  exclusive " + t.exclusive()
                        + "  soft-dirty " + t.softDirty());
        if (p.tracking() != null) tot.append("  written ").styled(NUM, Long.toString(t.written()));
        out.add(tot.toAttributedString());
        if (p.kpageflagsNote() == null) {
            out.add(new AttributedString(
                    "           zero page " + t.zeroPage() + "  thp " + t.thp() + "  hugetlb " + t.hugetlb()
                            + "  locked/unevictable " + t.locked() + (t.guard() > 0 ? "  guard " + t.guard() : "")));
        } else {
            out.add(new AttributedString("           zero page " + t.zeroPage() + " (told by pagemap's exclusive bit)"
                    + (t.guard() > 0 ? "  guard " + t.guard() : "")));
            out.add(new AttributedStringBuilder()
                    .styled(DIM, "  PFNs are hidden and page flags unreadable: " + p.kpageflagsNote())
                    .toAttributedString());
        }
        return out;
    }

    /**
     * kpageflags that the kernel flips on its own as it ages pages (LRU lists, the referenced bit, page_idle): next
     * to each other, otherwise equal pages split into one-page runs by them (640 of 1388 rows for 1 GiB here).
     */
    static final List<String> TRANSIENT = List.of("lru", "active", "referenced", "idle");

    /**
     * A row of the text report: one run, or neighbouring runs that differ only in {@link #TRANSIENT} flags folded
     * into one ({@code varying}: those flags, set on some of its pages but not all; {@code runs}: how many).
     */
    record Row(PagemapReport.Run run, List<String> varying, int runs) {}

    /**
     * Folds neighbouring runs that differ only in transient flags. Only the rendering folds: the report (and JSON)
     * keep every run, the totals are counted page by page, and a row's PFN description holds for the whole row.
     */
    static List<Row> fold(List<PagemapReport.Run> runs, long pageSize) {
        List<Row> out = new ArrayList<>();
        int i = 0;
        while (i < runs.size()) {
            PagemapReport.Run first = runs.get(i);
            List<String> stable = stable(first.flags());
            int j = i + 1;
            long end = first.offset() + first.pages() * pageSize;
            while (j < runs.size()) {
                PagemapReport.Run n = runs.get(j);
                // page flags are read as root only: without them there is nothing transient to fold
                if (first.flags().isEmpty()
                        || n.flags().isEmpty()
                        || n.offset() != end
                        || !n.state().equals(first.state())
                        || n.mapCount() != first.mapCount()
                        || n.swapType() != first.swapType()
                        || !stable(n.flags()).equals(stable)) break;
                end += n.pages() * pageSize;
                j++;
            }
            if (j == i + 1) {
                out.add(new Row(first, List.of(), 1));
                i = j;
                continue;
            }
            List<PagemapReport.Run> part = runs.subList(i, j);
            long pages = 0, heads = 0;
            boolean same = true, contiguous = true;
            List<String> always = new ArrayList<>(), varying = new ArrayList<>();
            for (String f : TRANSIENT) {
                long with = part.stream().filter(r -> r.flags().contains(f)).count();
                if (with == part.size()) always.add(f);
                else if (with > 0) varying.add(f);
            }
            long expectPfn = first.firstPfn();
            for (PagemapReport.Run r : part) {
                pages += r.pages();
                heads += r.hugeHeads();
                same &= r.firstPfn() == first.firstPfn() && (r.pages() == 1 || r.samePfn());
                contiguous &= r.firstPfn() == expectPfn && (r.pages() == 1 || r.contiguous());
                expectPfn = r.firstPfn() + r.pages();
            }
            List<String> flags = new ArrayList<>();
            for (String f : first.flags()) if (!TRANSIENT.contains(f) || always.contains(f)) flags.add(f);
            out.add(new Row(
                    new PagemapReport.Run(
                            first.offset(),
                            pages,
                            first.state(),
                            List.copyOf(flags),
                            first.firstPfn(),
                            contiguous && first.firstPfn() != 0,
                            same && first.firstPfn() != 0,
                            first.mapCount(),
                            heads,
                            first.swapType(),
                            first.swapOffset()),
                    List.copyOf(varying),
                    part.size()));
            i = j;
        }
        return out;
    }

    private static List<String> stable(List<String> flags) {
        return flags.stream().filter(f -> !TRANSIENT.contains(f)).toList();
    }

    // ---- clear-refs -------------------------------------------------------------------------------------------

    static List<AttributedString> clearRefs(ClearRefsReport c) {
        List<AttributedString> out = new ArrayList<>();
        AttributedStringBuilder head = new AttributedStringBuilder()
                .styled(BOLD, "clear-refs " + c.mode())
                .append(": ");
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
            out.add(new AttributedStringBuilder()
                    .append("  " + pad(what, 11))
                    .styled(NUM, c.before() + " kB")
                    .append(" \u2192 ")
                    .styled(NUM, c.after() + " kB")
                    .styled(DIM, "  (" + source + ")")
                    .toAttributedString());
        }
        for (ClearRefsReport.Row r : c.mappings()) {
            AttributedStringBuilder b =
                    new AttributedStringBuilder().append("  ").styled(LABEL, pad(r.name(), 9));
            if (r.protectedPages() >= 0)
                b.append(" write-protected ")
                        .styled(NUM, Long.toString(r.protectedPages()))
                        .append(" pages");
            b.append("   present ").styled(NUM, Long.toString(r.present()));
            if (r.referencedKb() >= 0) b.append("   referenced ").styled(NUM, r.referencedKb() + " kB");
            out.add(b.toAttributedString());
        }
        for (String n : c.notes())
            out.add(new AttributedStringBuilder().styled(NOTE, "  note: " + n).toAttributedString());
        return out;
    }
}
