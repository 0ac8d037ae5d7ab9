package dev.pagelab.console.render;

import dev.pagelab.commands.Sizes;
import dev.pagelab.commands.report.PageState;
import dev.pagelab.commands.report.ResidencyReport;
import java.util.ArrayList;
import java.util.List;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;

/**
 * Draws a {@link ResidencyReport} as a grid: one cell per page, or per power-of-two group of pages so that the
 * picture fits the terminal (cells then line up with huge pages and row offsets are round numbers). A cell shows
 * the state most of its pages are in (ties go to the more specific state); upper case when every page of the cell
 * is in use, lower case when some are not present, so the picture reads without colour too.
 */
public final class ResidencyRenderer {
    static final int VIEW_ROWS = 16;
    /** Past this many rows a picture is cut (a 64 GiB mapping at --cell 1p would be a quarter of a million). */
    static final int MAX_ROWS = 200;

    private static final int LABEL = 7;

    private ResidencyRenderer() {}

    /**
     * @param compact  the watch form: a one-line header and a one-line legend
     * @param maxRows  rows to fit in when the report asks for none (--rows)
     */
    public static List<AttributedString> render(ResidencyReport r, int width, int maxRows, boolean compact) {
        List<AttributedString> out = new ArrayList<>();
        long pages = r.pages();
        int cols = 16;
        while (cols * 2 <= width - LABEL - 2 && cols < 128) cols *= 2;
        int rowsWanted = r.rows() > 0 ? r.rows() : maxRows;
        long cellPages = r.cellPages();
        if (cellPages <= 0) {
            long need = (pages + (long) cols * rowsWanted - 1) / ((long) cols * rowsWanted);
            cellPages = Long.highestOneBit(Math.max(1, need));
            if (cellPages < need) cellPages <<= 1;
        }
        long cells = (pages + cellPages - 1) / cellPages;
        if (cells < cols) cols = (int) Math.max(1, cells);
        long rows = (cells + cols - 1) / cols;
        // --rows with --cell: show that many rows of that scale; otherwise a safety cap
        long rowCap = r.rows() > 0 && r.cellPages() > 0 ? r.rows() : MAX_ROWS;
        boolean cut = rows > rowCap;
        long rowsLeft = rows - rowCap;
        if (cut) {
            rows = rowCap;
            cells = rowCap * cols;
        }
        int states = PageState.values().length;
        long[][] perCell = new long[(int) cells][states];
        for (int i = 0; i < r.runs(); i++) {
            long s = r.runStart()[i], left = r.runPages()[i];
            int st = r.runState()[i];
            while (left > 0) {
                long cell = s / cellPages;
                if (cell >= cells) break;
                long take = Math.min(left, (cell + 1) * cellPages - s);
                perCell[(int) cell][st] += take;
                s += take;
                left -= take;
            }
        }

        long page = r.pageSize();
        String scale = cellPages == 1
                ? "1 cell = 1 page (" + Sizes.format(page) + ")"
                : "1 cell = " + cellPages + " pages (" + Sizes.format(cellPages * page) + ")";
        AttributedStringBuilder head = new AttributedStringBuilder();
        head.styled(TextRenderer.BOLD, (compact ? "watch " : "view ") + r.target())
                .append(": " + TextRenderer.count(pages, "page") + " (" + Sizes.format(pages * page) + ")");
        if (!compact) head.append(" at 0x" + Long.toHexString(r.start()));
        head.append(", ").append(scale);
        out.add(head.toAttributedString());

        for (long row = 0; row < rows; row++) {
            AttributedStringBuilder b = new AttributedStringBuilder();
            String label = Sizes.format(row * cols * cellPages * page);
            b.styled(TextRenderer.DIM, TextRenderer.pad(label, LABEL - 1, true) + " ");
            for (int c = 0; c < cols; c++) {
                long cell = row * cols + c;
                if (cell >= cells) break;
                long[] k = perCell[(int) cell];
                PageState best = null;
                for (PageState st : PageState.values()) {
                    if (!st.inUse() && st != PageState.GUARD) continue;
                    if (k[st.ordinal()] > 0 && (best == null || k[st.ordinal()] >= k[best.ordinal()])) best = st;
                }
                if (best == null) {
                    boolean anyMapped = k[PageState.NOT_PRESENT.ordinal()] > 0;
                    b.styled(
                            TextRenderer.DIM,
                            String.valueOf(anyMapped ? PageState.NOT_PRESENT.full() : PageState.UNMAPPED.full()));
                    continue;
                }
                boolean full = k[PageState.NOT_PRESENT.ordinal()] == 0 && k[PageState.UNMAPPED.ordinal()] == 0;
                b.styled(
                        full ? fullStyle(best) : partialStyle(best),
                        String.valueOf(full ? best.full() : best.partial()));
            }
            out.add(b.toAttributedString());
        }
        if (cut) {
            out.add(new AttributedStringBuilder()
                    .styled(
                            TextRenderer.NOTE,
                            "  \u2026 " + rowsLeft + " more " + (rowsLeft == 1 ? "row" : "rows")
                                    + " not shown: view a smaller range, or a larger --cell")
                    .toAttributedString());
        }
        out.addAll(legend(r, width, compact, cellPages));
        for (String n : r.notes()) {
            if (!compact)
                out.add(new AttributedStringBuilder()
                        .styled(TextRenderer.NOTE, "  note: " + n)
                        .toAttributedString());
        }
        return out;
    }

    private static List<AttributedString> legend(ResidencyReport r, int width, boolean compact, long cellPages) {
        List<AttributedString> out = new ArrayList<>();
        List<AttributedString> items = new ArrayList<>();
        for (PageState st : PageState.values()) {
            long n = r.count(st);
            if (n == 0 && st != PageState.NOT_PRESENT) continue;
            if (st == PageState.UNMAPPED) {
                items.add(new AttributedStringBuilder()
                        .styled(TextRenderer.DIM, "' ' unmapped " + n)
                        .toAttributedString());
                continue;
            }
            AttributedStringBuilder b = new AttributedStringBuilder();
            b.styled(st.inUse() || st == PageState.GUARD ? fullStyle(st) : TextRenderer.DIM, String.valueOf(st.full()))
                    .append(" " + (compact ? shortName(st) : st.description()) + " ")
                    .styled(TextRenderer.NUM, Long.toString(n));
            items.add(b.toAttributedString());
        }
        AttributedStringBuilder line = new AttributedStringBuilder().append("  ");
        for (AttributedString item : items) {
            if (line.length() > 2 && line.length() + 3 + item.length() > width) {
                out.add(line.toAttributedString());
                line = new AttributedStringBuilder().append("  ");
            }
            if (line.length() > 2) line.append("   ");
            line.append(item);
        }
        out.add(line.toAttributedString());
        if (!compact) {
            String tracking = r.tracking() == null ? "" : "; written pages tracked by " + r.tracking();
            out.addAll(TextRenderer.dimWrapped(
                    (cellPages > 1
                                    ? "upper case: no page of the cell is missing; lower case: some are not present; "
                                    : "")
                            + "read with " + r.method() + " in " + TextRenderer.duration(r.elapsedNanos()) + tracking,
                    width));
        }
        return out;
    }

    private static String shortName(PageState st) {
        return switch (st) {
            case FILE -> "cache";
            case ZERO -> "zero";
            case WRITTEN -> "written";
            case NOT_PRESENT -> "not present"; // the kernel's word (pagemap bit 63), as view and inspect-pagemap say
            case HUGE -> "huge";
            case GUARD -> "guard";
            default -> st.name().toLowerCase(java.util.Locale.ROOT);
        };
    }

    private static int colour(PageState st) {
        return switch (st) {
            case PRESENT -> AttributedStyle.GREEN;
            case FILE -> AttributedStyle.BLUE;
            case HUGE -> AttributedStyle.MAGENTA;
            case LOCKED -> AttributedStyle.RED;
            case ZERO -> AttributedStyle.CYAN;
            case WRITTEN -> AttributedStyle.YELLOW;
            case SWAPPED, GUARD -> AttributedStyle.WHITE;
            default -> AttributedStyle.WHITE;
        };
    }

    /** Every page in use: the cell is filled (background), so density reads at a glance. */
    static AttributedStyle fullStyle(PageState st) {
        return AttributedStyle.DEFAULT.background(colour(st)).foreground(AttributedStyle.BLACK);
    }

    static AttributedStyle partialStyle(PageState st) {
        return AttributedStyle.BOLD.foreground(colour(st));
    }
}
