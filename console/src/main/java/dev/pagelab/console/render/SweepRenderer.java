package dev.pagelab.console.render;

import dev.pagelab.commands.Sizes;
import dev.pagelab.commands.report.SweepReport;
import java.util.ArrayList;
import java.util.List;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;

/**
 * The sweep as a table (time per page, median, per size and strategy; faults per page beside) and a log-log chart
 * of time per page against size, one letter per strategy, so that where the curves cross can be seen.
 */
final class SweepRenderer {
    static final String MARKS = "TPWLDF";
    private static final int[] COLOURS = {
        AttributedStyle.YELLOW,
        AttributedStyle.GREEN,
        AttributedStyle.CYAN,
        AttributedStyle.MAGENTA,
        AttributedStyle.RED,
        AttributedStyle.BLUE
    };

    private SweepRenderer() {}

    static List<AttributedString> render(SweepReport r, int width) {
        List<AttributedString> out = new ArrayList<>();
        out.add(new AttributedStringBuilder()
                .styled(TextRenderer.BOLD, "bench sweep")
                .append(": time to get memory ready" + " and write every page once, per page (" + r.reps()
                        + " repetitions, the ways taken in turn)")
                .toAttributedString());
        for (String c : r.context())
            out.add(new AttributedStringBuilder()
                    .styled(TextRenderer.DIM, "  " + c)
                    .toAttributedString());
        List<String> st = r.strategies();
        StringBuilder legend = new StringBuilder("  ");
        for (int i = 0; i < st.size(); i++)
            legend.append(MARKS.charAt(i)).append(' ').append(st.get(i)).append(i + 1 < st.size() ? "  " : "");
        out.add(new AttributedStringBuilder()
                .styled(TextRenderer.DIM, legend.toString())
                .toAttributedString());

        // table: size, then per strategy the median per page with its marks; under it, when there is room, min–max
        int n = st.size();
        int col = Math.max(8, Math.min(13, (width - 8) / Math.max(1, n)));
        boolean ranges = col >= 12;
        StringBuilder head = new StringBuilder(String.format("  %-6s", "size"));
        for (int i = 0; i < n; i++) head.append(TextRenderer.pad(MARKS.charAt(i) + " /page  ", col, true));
        out.add(new AttributedStringBuilder()
                .styled(TextRenderer.BOLD, head.toString())
                .toAttributedString());
        List<String> undecided = new ArrayList<>();
        for (long size : r.sizes()) {
            List<SweepReport.Cell> here = r.at(size);
            if (here.isEmpty()) continue;
            List<List<String>> groups = r.notDistinguishable(size);
            AttributedStringBuilder b =
                    new AttributedStringBuilder().append(String.format("  %-6s", Sizes.format(size)));
            AttributedStringBuilder spread = new AttributedStringBuilder().append("  " + " ".repeat(6));
            for (String s : st) {
                SweepReport.Cell c = cell(r, size, s);
                if (c == null) {
                    b.append(TextRenderer.pad("", col, true));
                    spread.append(TextRenderer.pad("", col, true));
                    continue;
                }
                boolean tied = groups.stream().anyMatch(g -> g.contains(s));
                String f = c.faultsPerPage() >= 0.995 && c.faultsPerPage() <= 1.005 ? " " : "*";
                b.styled(
                        tied ? AttributedStyle.DEFAULT : TextRenderer.NUM,
                        TextRenderer.pad(perPage(c.nsPerPage()) + (tied ? "\u2248" : " ") + f, col, true));
                spread.styled(
                        TextRenderer.DIM,
                        TextRenderer.pad(
                                range((double) c.minNs() / c.pages(), (double) c.maxNs() / c.pages()) + "  ",
                                col,
                                true));
            }
            out.add(b.toAttributedString());
            if (ranges) out.add(spread.toAttributedString());
            if (!groups.isEmpty()) {
                List<String> g = new ArrayList<>();
                for (List<String> group : groups) {
                    StringBuilder t = new StringBuilder();
                    for (String s : group) t.append(t.isEmpty() ? "" : "\u2248").append(MARKS.charAt(st.indexOf(s)));
                    g.add(t.toString());
                }
                undecided.add(Sizes.format(size) + " " + String.join(" ", g));
            }
        }
        out.addAll(TextRenderer.dimWrapped(
                "per page: the median of " + r.reps()
                        + (ranges
                                ? ", and under it the fastest" + "\u2013slowest repetition"
                                : " (fastest\u2013slowest: --json, --csv or a wider terminal)")
                        + "; \u2248: its "
                        + "range overlaps another way's at that size, so this run cannot rank them",
                width));
        if (!undecided.isEmpty()) {
            out.addAll(TextRenderer.wrap(
                    "  not distinguishable here: ", "    ", String.join(", ", undecided), width, TextRenderer.NOTE));
        }
        StringBuilder faults = new StringBuilder("  faults per page (exact, prepare + use):");
        for (int i = 0; i < st.size(); i++) {
            double min = Double.MAX_VALUE, max = 0;
            for (SweepReport.Cell c : r.cells()) {
                if (!c.strategy().equals(st.get(i))) continue;
                min = Math.min(min, c.faultsPerPage());
                max = Math.max(max, c.faultsPerPage());
            }
            if (min == Double.MAX_VALUE) continue;
            faults.append(' ')
                    .append(MARKS.charAt(i))
                    .append(' ')
                    .append(String.format(java.util.Locale.ROOT, "%.2f", min));
            if (max - min >= 0.005) faults.append('\u2013').append(String.format(java.util.Locale.ROOT, "%.2f", max));
        }
        out.add(new AttributedStringBuilder()
                .styled(TextRenderer.DIM, faults + "; * marks cells not at 1.00")
                .toAttributedString());
        out.addAll(chart(r, width));
        if (r.csv() != null) out.add(new AttributedString("  written to " + r.csv() + " (CSV)"));
        for (String note : r.notes())
            out.add(new AttributedStringBuilder()
                    .styled(TextRenderer.NOTE, "  note: " + note)
                    .toAttributedString());
        return out;
    }

    /** Time per page in at most 6 characters: 742ns, 1.0µs, 10µs, 1.2ms. */
    static String perPage(double ns) {
        if (ns < 999.5) return Math.round(ns) + "ns";
        if (ns < 9_950) return String.format(java.util.Locale.ROOT, "%.1f\u00b5s", ns / 1e3);
        if (ns < 999_500) return Math.round(ns / 1e3) + "\u00b5s";
        return String.format(java.util.Locale.ROOT, "%.1fms", ns / 1e6);
    }

    /** A min–max range per page in the unit of its maximum: 0.74–5.3µs, 420–742ns, 9.8–11µs. */
    static String range(double lo, double hi) {
        String unit;
        double div;
        if (hi < 999.5) {
            unit = "ns";
            div = 1;
        } else if (hi < 999_500) {
            unit = "\u00b5s";
            div = 1e3;
        } else {
            unit = "ms";
            div = 1e6;
        }
        return digits(lo / div) + "\u2013" + digits(hi / div) + unit;
    }

    private static String digits(double v) {
        if (v >= 9.95) return Long.toString(Math.round(v));
        if (v >= 0.995) return String.format(java.util.Locale.ROOT, "%.1f", v);
        return String.format(java.util.Locale.ROOT, "%.2f", v);
    }

    private static SweepReport.Cell cell(SweepReport r, long size, String strategy) {
        for (SweepReport.Cell c : r.cells())
            if (c.size() == size && c.strategy().equals(strategy)) return c;
        return null;
    }

    /** Log-log: x = size (one column group per doubling), y = ns per page; overlapping marks show as '*'. */
    static List<AttributedString> chart(SweepReport r, int width) {
        List<AttributedString> out = new ArrayList<>();
        if (r.cells().isEmpty() || r.sizes().size() < 2) return out;
        double lo = Double.MAX_VALUE, hi = 0;
        for (SweepReport.Cell c : r.cells()) {
            lo = Math.min(lo, Math.max(1, c.nsPerPage()));
            hi = Math.max(hi, Math.max(1, c.nsPerPage()));
        }
        double l0 = Math.floor(Math.log10(lo)), l1 = Math.ceil(Math.log10(hi));
        if (l1 <= l0) l1 = l0 + 1;
        int rows = 12;
        int n = r.sizes().size();
        int step = Math.max(1, Math.min(4, (width - 12) / n));
        char[][] grid = new char[rows][n * step];
        int[][] who = new int[rows][n * step];
        for (char[] g : grid) java.util.Arrays.fill(g, ' ');
        for (SweepReport.Cell c : r.cells()) {
            int x = r.sizes().indexOf(c.size()) * step;
            double v = Math.log10(Math.max(1, c.nsPerPage()));
            int y = (int) Math.round((l1 - v) / (l1 - l0) * (rows - 1));
            y = Math.max(0, Math.min(rows - 1, y));
            int s = r.strategies().indexOf(c.strategy());
            grid[y][x] = grid[y][x] == ' ' ? MARKS.charAt(s) : '*';
            who[y][x] = grid[y][x] == '*' ? -1 : s;
        }
        out.add(new AttributedStringBuilder()
                .styled(TextRenderer.DIM, "  time per page (log) against size (log):")
                .toAttributedString());
        for (int y = 0; y < rows; y++) {
            double v = Math.pow(10, l1 - (double) y / (rows - 1) * (l1 - l0));
            String label = y % 3 == 0 ? TextRenderer.duration(Math.round(v)) : "";
            AttributedStringBuilder b =
                    new AttributedStringBuilder().styled(TextRenderer.DIM, TextRenderer.pad(label, 9, true) + " |");
            for (int x = 0; x < grid[y].length; x++) {
                char ch = grid[y][x];
                if (ch == ' ' || ch == '*') b.append(String.valueOf(ch));
                else b.styled(AttributedStyle.BOLD.foreground(COLOURS[who[y][x] % COLOURS.length]), String.valueOf(ch));
            }
            out.add(b.toAttributedString());
        }
        StringBuilder axis = new StringBuilder("          +");
        axis.append("-".repeat(n * step));
        out.add(new AttributedStringBuilder()
                .styled(TextRenderer.DIM, axis.toString())
                .toAttributedString());
        StringBuilder labels = new StringBuilder(" ".repeat(11));
        for (int i = 0; i < n; i++) {
            String s = Sizes.format(r.sizes().get(i));
            int at = 11 + i * step;
            if (labels.length() < at || at == 11 && labels.length() == 11) {
                labels.append(" ".repeat(at - labels.length())).append(s);
            }
        }
        out.add(new AttributedStringBuilder()
                .styled(TextRenderer.DIM, labels.toString())
                .toAttributedString());
        return out;
    }
}
