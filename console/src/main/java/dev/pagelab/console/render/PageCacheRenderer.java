package dev.pagelab.console.render;

import static dev.pagelab.console.render.TextRenderer.*;

import dev.pagelab.commands.Sizes;
import dev.pagelab.commands.report.CacheReport;
import dev.pagelab.commands.report.EvictReport;
import dev.pagelab.console.Feedback;
import java.util.ArrayList;
import java.util.List;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStringBuilder;

/** cache and evict: a file's pages in the page cache, their strip and runs, and who maps them. */
public final class PageCacheRenderer {
    private PageCacheRenderer() {}

    // ---- page cache ---------------------------------------------------------------------------------------------

    /** cache is a query, like inspect-pagemap: shown in every feedback mode, one line per file when concise. */
    static List<AttributedString> cache(CacheReport c, Feedback feedback, int width) {
        List<AttributedString> out = new ArrayList<>();
        for (CacheReport.FileResidency f : c.files()) {
            if (feedback == Feedback.CONCISE) {
                out.add(new AttributedStringBuilder()
                        .styled(BOLD, "cache")
                        .append(" " + f.label() + ": ")
                        .styled(NUM, Long.toString(f.resident()))
                        .append(" of " + count(f.pages(), "page") + " resident"
                                + (f.pages() > 0 ? " (" + percent(f.resident(), f.pages()) + ")" : ""))
                        .toAttributedString());
                continue;
            }
            out.add(fileHeader("cache", f));
            out.addAll(residency(f, feedback, width, true));
        }
        if (c.files().size() > 1) {
            out.add(new AttributedStringBuilder()
                    .append("total    ")
                    .styled(NUM, Long.toString(c.totalResident()))
                    .append(" of " + count(c.totalPages(), "page") + " resident"
                            + (c.totalPages() > 0 ? " (" + percent(c.totalResident(), c.totalPages()) + ")" : "")
                            + " in " + c.files().size() + " files")
                    .toAttributedString());
        }
        for (String n : c.notes())
            out.add(new AttributedStringBuilder().styled(NOTE, "  note: " + n).toAttributedString());
        return out;
    }

    /** {@code cache /tmp/f (ext4, 4.0 MiB)}, or for a mapping {@code cache m1 -> /tmp/f (...)}. */
    private static AttributedString fileHeader(String verb, CacheReport.FileResidency f) {
        AttributedStringBuilder b =
                new AttributedStringBuilder().styled(BOLD, verb).append(" " + f.label());
        if (f.mapping() != null) b.append(" \u2192 " + f.path());
        String sparse = f.allocated() < f.size() ? ", " + Sizes.human(f.allocated()) + " allocated" : "";
        b.styled(
                DIM,
                " (" + f.fsType() + ", " + (f.size() < 1024 ? f.size() + " B" : Sizes.human(f.size())) + sparse + ")");
        return b.toAttributedString();
    }

    /** The resident line, the strip, the runs and, verbose, how it was measured. */
    private static List<AttributedString> residency(
            CacheReport.FileResidency f, Feedback feedback, int width, boolean withCachestat) {
        List<AttributedString> out = new ArrayList<>();
        if (f.pages() == 0) {
            out.add(new AttributedStringBuilder()
                    .styled(DIM, "  empty: no pages to cache")
                    .toAttributedString());
            return out;
        }
        AttributedStringBuilder r = new AttributedStringBuilder()
                .append("  resident ")
                .styled(NUM, Long.toString(f.resident()))
                .append(" of " + count(f.pages(), "page") + " (" + percent(f.resident(), f.pages()) + ")");
        if (withCachestat && f.cachestat() != null) {
            AttributedStringBuilder c = new AttributedStringBuilder();
            c.styled(DIM, "dirty ")
                    .append(Long.toString(f.cachestat().dirty()))
                    .styled(DIM, "  writeback ")
                    .append(Long.toString(f.cachestat().writeback()));
            if (f.cachestat().evicted() > 0)
                c.styled(DIM, "  evicted ").append(Long.toString(f.cachestat().evicted()));
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
                    + (f.mincorePages() < f.pages()
                            ? " (cachestat found the other "
                                    + Sizes.exact(dev.pagelab.linux.PageCache.CHUNK_PAGES * f.pageSize())
                                    + " chunks empty)"
                            : "")
                    + ", in " + duration(f.elapsedNanos());
            out.add(new AttributedStringBuilder().styled(DIM, how).toAttributedString());
            if (f.cachestat() != null) {
                out.add(new AttributedStringBuilder()
                        .styled(
                                DIM,
                                "  cachestat cached " + f.cachestat().cached() + "  dirty "
                                        + f.cachestat().dirty() + "  writeback "
                                        + f.cachestat().writeback() + "  evicted "
                                        + f.cachestat().evicted() + "  recently evicted "
                                        + f.cachestat().recentlyEvicted())
                        .toAttributedString());
            }
        }
        if (withCachestat && f.cachestatNote() != null && f.cachestat() == null) {
            out.add(new AttributedStringBuilder()
                    .styled(DIM, "  dirty and writeback unknown: " + f.cachestatNote())
                    .toAttributedString());
        }
        return out;
    }

    /**
     * One character per cell: \u2588 all resident, \u2593 at least half, \u2591 some, \u00b7 none. Cells are merged in
     * pairs (or more) when the terminal is too narrow for them all.
     */
    public static AttributedString strip(CacheReport.FileResidency f, int width) {
        long[] cells = f.cellResident();
        int room = Math.max(8, width - 16); // "  |", "|" and " 192K/cell" beside the cells
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
    public static AttributedString runs(CacheReport.FileResidency f, int width) {
        List<CacheReport.Run> resident =
                f.runs().stream().filter(CacheReport.Run::resident).toList();
        AttributedStringBuilder b = new AttributedStringBuilder().append("  runs     ");
        if (resident.isEmpty()) {
            b.styled(DIM, "none resident");
            return b.toAttributedString();
        }
        int used = 11;
        String more = f.runsTruncated() ? " (first " + f.runs().size() + " runs kept)" : "";
        for (int i = 0; i < resident.size(); i++) {
            CacheReport.Run r = resident.get(i);
            String text = "[" + Sizes.format(r.firstPage() * f.pageSize()) + ":"
                    + Sizes.format(r.pages() * f.pageSize()) + "]";
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

    /** evict acts: silent shows nothing, concise one line. */
    public static List<AttributedString> evict(EvictReport e, Feedback feedback, int width) {
        List<AttributedString> out = new ArrayList<>();
        if (feedback == Feedback.SILENT) return out;
        CacheReport.FileResidency before = e.before(), after = e.after();
        if (feedback == Feedback.CONCISE) {
            AttributedStringBuilder b = new AttributedStringBuilder()
                    .styled(BOLD, "evict")
                    .append(" " + before.label() + ": resident " + before.resident() + "\u2192" + after.resident());
            if (e.synced() && e.dirtyBefore() >= 0) b.append(", " + written(e) + " dirty written back");
            if (after.resident() > 0) b.styled(NOTE, " (" + after.resident() + " kept)");
            out.add(b.toAttributedString());
            return out;
        }
        AttributedStringBuilder head = new AttributedStringBuilder()
                .append(fileHeader("evict", before))
                .append(": " + (e.synced() ? "fsync, then " : "") + "posix_fadvise(POSIX_FADV_DONTNEED)");
        out.add(head.toAttributedString());
        AttributedStringBuilder sync = new AttributedStringBuilder().append("  fsync    ");
        if (!e.synced()) {
            sync.styled(DIM, "not needed: cachestat counts no dirty page and none under writeback");
        } else if (e.dirtyBefore() < 0) {
            sync.append("done; how many pages were dirty is unknown")
                    .append("   in ")
                    .styled(NUM, duration(e.syncNanos()));
        } else {
            sync.styled(NUM, Long.toString(written(e)))
                    .append(" dirty " + (written(e) == 1 ? "page" : "pages") + " written back");
            if (e.writebackBefore() > 0) sync.append(", " + e.writebackBefore() + " under writeback waited for");
            sync.styled(
                            DIM,
                            " (cachestat dirty " + e.dirtyBefore() + " \u2192 " + Math.max(0, e.dirtyAfterSync()) + ")")
                    .append("   in ")
                    .styled(NUM, duration(e.syncNanos()));
        }
        out.add(sync.toAttributedString());
        out.add(new AttributedStringBuilder()
                .append("  resident ")
                .styled(NUM, Long.toString(before.resident()))
                .append(" \u2192 ")
                .styled(NUM, Long.toString(after.resident()))
                .append(" pages")
                .styled(DIM, " (" + e.dropped() + " dropped, " + Sizes.human(e.dropped() * before.pageSize()) + ")")
                .append("   in ")
                .styled(NUM, duration(e.fadviseNanos()))
                .toAttributedString());
        if (after.resident() > 0) {
            AttributedStringBuilder kept = new AttributedStringBuilder().append("  kept     ");
            if (e.mappedPages() > 0) {
                kept.styled(NUM, Long.toString(Math.min(e.mappedPages(), after.resident())))
                        .append(" mapped here:");
                for (EvictReport.Holder h : e.mappedHere()) kept.append(" " + h.label() + " " + h.pages());
            }
            if (e.unexplained() > 0) {
                kept.append(e.mappedPages() > 0 ? ";  " : "")
                        .styled(NUM, Long.toString(e.unexplained()))
                        .append(" not mapped here");
            }
            out.add(kept.toAttributedString());
            out.add(strip(after, width));
        }
        if (feedback == Feedback.VERBOSE && e.dirtyAfter() >= 0) {
            out.add(new AttributedStringBuilder()
                    .styled(
                            DIM,
                            "  after    dirty or under writeback " + e.dirtyAfter()
                                    + (after.cachestat() != null
                                            ? ", evicted " + after.cachestat().evicted()
                                            : ""))
                    .toAttributedString());
        }
        for (String n : e.notes())
            out.add(new AttributedStringBuilder().styled(NOTE, "  note: " + n).toAttributedString());
        return out;
    }

    private static long written(EvictReport e) {
        return Math.max(0, e.dirtyBefore() - Math.max(0, e.dirtyAfterSync()));
    }
}
