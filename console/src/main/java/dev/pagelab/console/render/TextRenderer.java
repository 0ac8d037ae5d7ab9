package dev.pagelab.console.render;

import dev.pagelab.commands.CommandError;
import dev.pagelab.commands.Sizes;
import dev.pagelab.commands.report.BenchReport;
import dev.pagelab.commands.report.CacheReport;
import dev.pagelab.commands.report.ClearRefsReport;
import dev.pagelab.commands.report.EvictReport;
import dev.pagelab.commands.report.KernelReport;
import dev.pagelab.commands.report.ListReport;
import dev.pagelab.commands.report.MapsReport;
import dev.pagelab.commands.report.PagemapReport;
import dev.pagelab.commands.report.Report;
import dev.pagelab.commands.report.ResidencyReport;
import dev.pagelab.commands.report.StepReport;
import dev.pagelab.commands.report.TextReport;
import dev.pagelab.console.Feedback;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;

/**
 * Reports as terminal text, styled; the caller decides whether the styles become colour. This class picks the
 * renderer of each report family (StepRenderer, PagemapRenderer, MapsRenderer, PageCacheRenderer, KernelRenderer,
 * BenchRenderer, SweepRenderer, ResidencyRenderer) and holds what they share: the styles, wrapping, error lines and
 * number formatting.
 */
public final class TextRenderer {
    public static final AttributedStyle BOLD = AttributedStyle.BOLD;
    public static final AttributedStyle NUM = AttributedStyle.BOLD.foreground(AttributedStyle.CYAN);
    static final AttributedStyle FAULT = AttributedStyle.BOLD.foreground(AttributedStyle.YELLOW);
    public static final AttributedStyle DIM = AttributedStyle.DEFAULT.faint();
    static final AttributedStyle ERROR = AttributedStyle.BOLD.foreground(AttributedStyle.RED);
    public static final AttributedStyle NOTE = AttributedStyle.DEFAULT.foreground(AttributedStyle.MAGENTA);
    static final AttributedStyle LABEL = AttributedStyle.DEFAULT.foreground(AttributedStyle.GREEN);

    private TextRenderer() {}

    public static List<AttributedString> render(Report report, Feedback feedback, int width) {
        return switch (report) {
            case StepReport s -> StepRenderer.step(s, feedback, width);
            case PagemapReport p -> PagemapRenderer.pagemap(p, width);
            case MapsReport m -> MapsRenderer.maps(m);
            case ListReport l -> MapsRenderer.list(l, width);
            case CacheReport c -> PageCacheRenderer.cache(c, feedback, width);
            case EvictReport e -> PageCacheRenderer.evict(e, feedback, width);
            case TextReport t -> t.lines().stream().map(AttributedString::new).toList();
            case dev.pagelab.commands.report.ManualReport m -> manual(m);
            case ResidencyReport v -> ResidencyRenderer.render(v, width, ResidencyRenderer.VIEW_ROWS, false);
            case ClearRefsReport c -> PagemapRenderer.clearRefs(c);
            case BenchReport b -> BenchRenderer.bench(b);
            case dev.pagelab.commands.report.SweepReport w -> SweepRenderer.render(w, width);
            case KernelReport k -> KernelRenderer.kernel(k, width);
        };
    }

    /** A manual's emphasis as man shows it on a terminal: literals and headings bold, placeholders underlined. */
    static List<AttributedString> manual(dev.pagelab.commands.report.ManualReport m) {
        List<AttributedString> out = new java.util.ArrayList<>();
        for (dev.pagelab.commands.report.ManualReport.Line l : m.lines()) {
            AttributedStringBuilder b = new AttributedStringBuilder();
            for (dev.pagelab.commands.report.ManualReport.Span s : l.spans()) {
                b.styled(
                        switch (s.emphasis()) {
                            case STRONG -> AttributedStyle.BOLD;
                            case PLACEHOLDER -> AttributedStyle.DEFAULT.underline();
                            case PLAIN -> AttributedStyle.DEFAULT;
                        },
                        s.text());
            }
            out.add(b.toAttributedString());
        }
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
                out.add(new AttributedStringBuilder()
                        .styled(style, prefix + line)
                        .toAttributedString());
                prefix = rest;
                line.setLength(0);
            }
            if (line.length() > 0) line.append(' ');
            line.append(word);
        }
        if (line.length() > 0)
            out.add(new AttributedStringBuilder().styled(style, prefix + line).toAttributedString());
        return out;
    }

    /**
     * Every line {@link #fit fitted} to {@code width}, except an echoed input and the caret line under it (see
     * {@link #error}): cut at a blank, the caret would point into the wrong piece.
     */
    public static List<AttributedString> fit(List<AttributedString> lines, int width) {
        List<AttributedString> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            boolean caretPair = i + 1 < lines.size()
                            && CARET.matcher(lines.get(i + 1).toString()).matches()
                    || CARET.matcher(lines.get(i).toString()).matches();
            if (caretPair) out.add(lines.get(i));
            else out.addAll(fit(lines.get(i), width));
        }
        return out;
    }

    private static final java.util.regex.Pattern CARET = java.util.regex.Pattern.compile(" *\\^+");

    /**
     * {@code line} cut at blanks into pieces no wider than {@code width}, so that the terminal never breaks a word:
     * every report goes through here on its way to the screen. A continuation is indented two columns past the
     * line's own indent (at most a third of the width), a number keeps its unit ("4.9 µs"), and a word longer than a
     * line is left whole rather than split.
     */
    public static List<AttributedString> fit(AttributedString line, int width) {
        String text = line.toString();
        if (width <= 0 || text.length() <= width) return List.of(line);
        int lead = 0;
        while (lead < text.length() && text.charAt(lead) == ' ') lead++;
        int hang = Math.min(lead + 2, Math.max(0, width / 3));
        List<AttributedString> out = new ArrayList<>();
        AttributedString rest = line;
        int restLead = lead;
        while (true) {
            String t = rest.toString();
            if (t.length() <= width) break;
            int cut = -1;
            for (int i = Math.min(width, t.length() - 1); i > restLead; i--) {
                if (breakable(t, i)) {
                    cut = i;
                    break;
                }
            }
            if (cut < 0) {
                for (int i = width + 1; i < t.length(); i++) {
                    if (breakable(t, i)) {
                        cut = i;
                        break;
                    }
                }
            }
            if (cut < 0) break;
            int next = cut;
            while (next < t.length() && t.charAt(next) == ' ') next++;
            out.add(rest.subSequence(0, cut));
            if (next >= t.length()) return out;
            rest = new AttributedStringBuilder()
                    .append(" ".repeat(hang))
                    .append(rest.subSequence(next, t.length()))
                    .toAttributedString();
            restLead = hang;
        }
        out.add(rest);
        return out;
    }

    /** Whether a line may end before {@code t[i]}: a blank after a non-blank, not between a number and its unit. */
    private static boolean breakable(String t, int i) {
        if (t.charAt(i) != ' ' || t.charAt(i - 1) == ' ') return false;
        int w = i;
        while (w < t.length() && t.charAt(w) == ' ') w++;
        int e = w;
        while (e < t.length() && t.charAt(e) != ' ') e++;
        return !(w == i + 1
                && Character.isDigit(t.charAt(i - 1))
                && UNIT.matcher(t.substring(w, e)).matches());
    }

    /** {@code text} filled at blanks into lines of at most {@code width} characters (a longer word stays whole). */
    public static List<String> fill(String text, int width) {
        List<String> out = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : unitsKept(text.split(" "))) {
            if (word.isEmpty()) continue;
            if (line.length() > 0 && line.length() + 1 + word.length() > width) {
                out.add(line.toString());
                line.setLength(0);
            }
            if (line.length() > 0) line.append(' ');
            line.append(word);
        }
        if (line.length() > 0 || out.isEmpty()) out.add(line.toString());
        return out;
    }

    private static final java.util.regex.Pattern UNIT =
            java.util.regex.Pattern.compile("(ns|\u00b5s|ms|s|B|KiB|MiB|GiB|TiB)(\\W.*)?");

    /** The words, with a unit ("µs", "MiB,") joined to the number before it so that a wrap never parts them. */
    static List<String> unitsKept(String[] words) {
        List<String> out = new ArrayList<>();
        for (String w : words) {
            if (!out.isEmpty()
                    && UNIT.matcher(w).matches()
                    && !out.get(out.size() - 1).isEmpty()
                    && Character.isDigit(out.get(out.size() - 1)
                            .charAt(out.get(out.size() - 1).length() - 1))) {
                out.set(out.size() - 1, out.get(out.size() - 1) + " " + w);
            } else {
                out.add(w);
            }
        }
        return out;
    }
    // ---- errors ---------------------------------------------------------------------------------------------

    /** The error line, and above it the input with a caret under the offending word when known. */
    public static List<AttributedString> error(String verb, String input, CommandError e, List<int[]> wordSpans) {
        return error(verb, input, e, wordSpans, Integer.MAX_VALUE);
    }

    /**
     * An error as one line, under the statement with its offending word underlined when the error names one. A
     * statement wider than {@code width} is shown as a window around that word, and a word of more than
     * {@value #LONGEST_ECHO} characters (a pasted blob as a size) is cut, in the echo and in the message alike.
     */
    public static List<AttributedString> error(
            String verb, String input, CommandError e, List<int[]> wordSpans, int width) {
        List<AttributedString> out = new ArrayList<>();
        int w = e.wordIndex();
        if (w >= 0 && w < wordSpans.size() && input != null) {
            int[] span = wordSpans.get(w);
            int col = Math.min(span[0], input.length()), len = Math.min(span[1], input.length() - col);
            String before = input.substring(0, col),
                    word = input.substring(col, col + len),
                    after = input.substring(col + len);
            if (word.length() > LONGEST_ECHO) word = word.substring(0, LONGEST_ECHO - 1) + "\u2026";
            int room = Math.max(LONGEST_ECHO + 10, width == Integer.MAX_VALUE ? Integer.MAX_VALUE : width - 3);
            if (before.length() + word.length() + after.length() > room) {
                int left = Math.max(0, (room - word.length()) / 3);
                if (before.length() > left)
                    before = "\u2026" + before.substring(before.length() - Math.max(0, left - 1));
                int right = Math.max(0, room - before.length() - word.length());
                if (after.length() > right) after = after.substring(0, Math.max(0, right - 1)) + "\u2026";
            }
            out.add(new AttributedString("  " + before + word + after));
            out.add(new AttributedStringBuilder()
                    .append("  " + " ".repeat(before.length()))
                    .styled(ERROR, "^".repeat(Math.max(1, word.length())))
                    .toAttributedString());
        }
        AttributedStringBuilder b = new AttributedStringBuilder();
        b.styled(ERROR, (verb == null || verb.isEmpty() ? "error" : verb) + ": ");
        if (e.subject() != null) b.append(cutQuoted(e.subject())).append(": ");
        if (e.errnoName() != null) {
            b.styled(ERROR, e.errnoName()).append(" (" + e.meaning() + ") from " + cutQuoted(e.getMessage()));
        } else {
            b.append(cutQuoted(e.getMessage()));
        }
        if (e.hint() != null && !e.hint().isEmpty()) b.styled(DIM, " \u2014 " + cutQuoted(e.hint()));
        out.add(b.toAttributedString());
        return out;
    }

    /** Longest word of the user's input echoed back whole in an error. */
    static final int LONGEST_ECHO = 40;

    private static final java.util.regex.Pattern LONG_QUOTED =
            java.util.regex.Pattern.compile("'([^']{" + (LONGEST_ECHO + 1) + ",})'");

    /** A quoted word of the user's that is too long to repeat ('xxxx…' is not a size) keeps its start only. */
    static String cutQuoted(String s) {
        if (s == null || s.length() <= LONGEST_ECHO) return s;
        return LONG_QUOTED
                .matcher(s)
                .replaceAll(m -> java.util.regex.Matcher.quoteReplacement(
                        "'" + m.group(1).substring(0, LONGEST_ECHO - 1) + "\u2026' ("
                                + m.group(1).length() + " characters)"));
    }

    static String percent(long part, long whole) {
        if (whole == 0 || part == 0) return "0%";
        if (part == whole) return "100%";
        double p = 100.0 * part / whole;
        if (p < 0.1) return "<0.1%";
        if (p > 99.9) return ">99.9%";
        return String.format(Locale.ROOT, "%.1f%%", p);
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
