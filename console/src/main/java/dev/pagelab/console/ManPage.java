package dev.pagelab.console;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A manual page of man/ (roff with man(7) macros), parsed from the same file {@code man -l} reads and rendered
 * as plain text wrapped to the terminal, with bold, italic and heading spans kept so the console can style them.
 *
 * <p>Understood: {@code .TH .SH .SS .PP .LP .P .TP .IP .RS .RE .nf .fi .EX .EE .br .sp .ft}, the font macros
 * {@code .B .I .BR .RB .IR .RI .BI .IB .SB .SM}, inline {@code \fB \fI \fR \fP}, and the escapes
 * {@code \- \e \& \(xx \[xx] \*(xx \ \~ \c}. Anything else is ignored; odd input never throws.
 */
public final class ManPage {
    public enum Style {
        PLAIN,
        BOLD,
        ITALIC,
        HEADING
    }

    public record Span(String text, Style style) {}

    public record Line(List<Span> spans) {
        public String plain() {
            StringBuilder b = new StringBuilder();
            for (Span s : spans) b.append(s.text());
            return b.toString();
        }
    }

    private static final String RESOURCES = "/dev/pagelab/console/man/";
    private static final Pattern COMMAND = Pattern.compile("[a-z][a-z0-9_-]{0,63}");
    /** man's default left margin of body text, and the prevailing indent of .TP/.IP/.RS. */
    private static final int MARGIN = 7, PREVAILING = 7;
    /** Unpaddable space (\ and \~): joins words; rendered as a plain space. */
    private static final char NBSP = '\u00a0';

    /** A block of the page, in order; {@code gap} asks for a blank line before it. */
    private sealed interface Block permits Heading, Para, Verbatim {}

    private record Heading(String title, boolean sub) implements Block {}

    /** Filled text at {@code indent}; with a tag (from .TP or .IP), the tag hangs at {@code tagIndent}. */
    private record Para(String section, boolean gap, int indent, int tagIndent, List<Span> tag, List<Span> body)
            implements Block {}

    private record Verbatim(String section, boolean gap, int indent, List<List<Span>> lines) implements Block {}

    private final String name;
    private final List<Block> blocks;
    private final String summary;
    private final String synopsis;

    private ManPage(String name, List<Block> blocks) {
        this.name = name;
        this.blocks = List.copyOf(blocks);
        this.summary = summaryOf(sectionLines(blocks, "NAME"));
        this.synopsis = String.join("\n", sectionLines(blocks, "SYNOPSIS"));
    }

    /** The page of {@code command} ("pagelab" for the overview), from the console module's resources. */
    public static Optional<ManPage> load(String command) {
        if (command == null || !COMMAND.matcher(command).matches()) return Optional.empty();
        String file = command.equals("pagelab") ? "pagelab.1" : "pagelab-" + command + ".1";
        return resource(file).map(text -> parse(command, text));
    }

    /** Command names that have a page, from man/pages.list (one per line; # starts a comment). */
    public static List<String> commandsWithPages() {
        return resource("pages.list")
                .map(text -> text.lines()
                        .map(String::strip)
                        .filter(s -> !s.isEmpty() && !s.startsWith("#"))
                        .toList())
                .orElse(List.of());
    }

    private static Optional<String> resource(String file) {
        try (InputStream in = ManPage.class.getResourceAsStream(RESOURCES + file)) {
            if (in == null) return Optional.empty();
            return Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    public String name() {
        return name;
    }

    /** The NAME line's text after "\-", e.g. "access every page of a range and count the faults". */
    public String summary() {
        return summary;
    }

    /** The SYNOPSIS section as plain text: one line per form (paragraph), words separated by single spaces. */
    public String synopsis() {
        return synopsis;
    }

    // ---- parsing ------------------------------------------------------------------------------------------

    public static ManPage parse(String name, String roffSource) {
        Parser p = new Parser();
        String source = roffSource == null ? "" : roffSource;
        for (String raw : source.split("\r?\n|\r", -1)) {
            try {
                p.line(raw);
            } catch (RuntimeException e) {
                // A line this renderer cannot make sense of is dropped; the rest of the page still renders.
            }
        }
        p.finish();
        return new ManPage(name == null ? "" : name, p.blocks);
    }

    /** The state of one pass over the roff source. */
    private static final class Parser {
        final List<Block> blocks = new ArrayList<>();
        final Deque<Integer> insets = new ArrayDeque<>();
        String section = "";
        int base = MARGIN;
        // the open paragraph
        List<Span> para = new ArrayList<>();
        List<Span> tag;
        int indent = MARGIN, tagIndent = MARGIN;
        boolean gap;
        // what the next text line is for
        boolean awaitingTag, awaitingHeading, headingIsSub, joinNext;
        Style nextLineFont;
        Style font = Style.PLAIN;
        // .nf / .EX
        boolean nofill;
        List<List<Span>> verbatim = new ArrayList<>();

        void line(String raw) {
            String line = stripComment(raw);
            boolean control = !line.isEmpty() && (line.charAt(0) == '.' || line.charAt(0) == '\'');
            if (control) {
                if (raw.startsWith(".\\\"") || raw.startsWith("'\\\"")) return;
                macro(line.substring(1).strip());
                return;
            }
            if (line.equals(raw) || !line.isBlank()) text(line);
        }

        void macro(String body) {
            int sp = 0;
            while (sp < body.length() && !Character.isWhitespace(body.charAt(sp))) sp++;
            String macro = body.substring(0, sp);
            String args = body.substring(sp).strip();
            switch (macro) {
                case "",
                        "TH",
                        "PD",
                        "ad",
                        "na",
                        "hy",
                        "nh",
                        "ne",
                        "in",
                        "ti",
                        "ta",
                        "ll",
                        "ds",
                        "nr",
                        "so",
                        "UE",
                        "ME",
                        "YS",
                        "ig",
                        ".." -> {}
                case "SH", "SS" -> {
                    endBlock();
                    endVerbatim();
                    insets.clear();
                    base = MARGIN;
                    indent = base;
                    tagIndent = base;
                    awaitingTag = false;
                    List<String> words = splitArgs(args);
                    if (words.isEmpty()) {
                        awaitingHeading = true;
                        headingIsSub = macro.equals("SS");
                    } else {
                        heading(String.join(" ", words), macro.equals("SS"));
                    }
                }
                case "PP", "LP", "P", "HP" -> paragraph(base, null);
                case "TP" -> {
                    paragraph(base + PREVAILING, null);
                    awaitingTag = true;
                }
                case "IP" -> {
                    List<String> a = splitArgs(args);
                    List<Span> t = a.isEmpty() || a.get(0).isEmpty() ? null : inline(a.get(0), Style.PLAIN);
                    paragraph(base + (a.size() > 1 ? indentOf(a.get(1)) : PREVAILING), t);
                }
                case "RS" -> {
                    endBlock();
                    insets.push(base);
                    base += args.isEmpty()
                            ? PREVAILING
                            : indentOf(splitArgs(args).get(0));
                    indent = base;
                    tagIndent = base;
                }
                case "RE" -> {
                    endBlock();
                    base = insets.isEmpty() ? MARGIN : insets.pop();
                    indent = base;
                    tagIndent = base;
                }
                case "nf", "EX" -> {
                    endBlock();
                    if (!nofill) verbatim = new ArrayList<>();
                    nofill = true;
                }
                case "fi", "EE" -> endVerbatim();
                case "br" -> {
                    // the next line starts a new output line, at the same indent, with no blank line before it
                    if (!nofill) endBlock();
                }
                case "sp" -> {
                    if (nofill) {
                        verbatim.add(List.of());
                        return;
                    }
                    endBlock();
                    gap = true;
                }
                case "ft" -> font = fontOf(args.isEmpty() ? "P" : args);
                case "SY" -> {
                    paragraph(base, null);
                    text("\\fB" + String.join(" ", splitArgs(args)) + "\\fR");
                }
                case "OP" -> {
                    List<String> a = splitArgs(args);
                    if (a.isEmpty()) return;
                    text("[\\fB" + a.get(0) + "\\fR" + (a.size() > 1 ? " \\fI" + a.get(1) + "\\fR" : "") + "]");
                }
                case "UR", "MT" -> text(String.join(" ", splitArgs(args)));
                case "B", "I", "BR", "RB", "IR", "RI", "BI", "IB", "SB", "SM" -> {
                    List<String> a = splitArgs(args);
                    if (a.isEmpty()) {
                        // .B alone sets the next text line in that font
                        nextLineFont = macro.equals("I")
                                ? Style.ITALIC
                                : macro.equals("B") || macro.equals("SB") ? Style.BOLD : Style.PLAIN;
                        return;
                    }
                    spans(fontMacro(macro, a));
                }
                default -> {}
            }
        }

        void text(String line) {
            if (awaitingHeading) {
                awaitingHeading = false;
                heading(line, headingIsSub);
                return;
            }
            if (!nofill && line.isBlank()) {
                endBlock();
                gap = true;
                return;
            }
            if (!nofill && Character.isWhitespace(line.charAt(0))) endBlock(); // a leading space breaks the line
            boolean join = false;
            String t = line;
            if (t.endsWith("\\c") && !t.endsWith("\\\\c")) {
                t = t.substring(0, t.length() - 2);
                join = true;
            }
            Style st = nextLineFont != null ? nextLineFont : font;
            nextLineFont = null;
            spans(inline(nofill ? t : t.strip(), st));
            joinNext = join;
        }

        void spans(List<Span> spans) {
            if (nofill) {
                verbatim.add(spans);
            } else if (awaitingTag) {
                tag = spans;
                awaitingTag = false;
            } else {
                if (!para.isEmpty() && !joinNext) para.add(new Span(" ", Style.PLAIN));
                para.addAll(spans);
            }
            joinNext = false;
        }

        void heading(String title, boolean sub) {
            String t = plain(inline(title, Style.PLAIN)).replace(NBSP, ' ').strip();
            section = sub ? section : t.toUpperCase(Locale.ROOT);
            blocks.add(new Heading(sub ? t : t.toUpperCase(Locale.ROOT), sub));
            gap = false;
        }

        /** Closes the open paragraph and opens a new one at {@code bodyIndent}. */
        void paragraph(int bodyIndent, List<Span> newTag) {
            endBlock();
            endVerbatim();
            gap = !lastIsHeading();
            indent = bodyIndent;
            tagIndent = base;
            tag = newTag;
            awaitingTag = false;
        }

        boolean lastIsHeading() {
            return !blocks.isEmpty() && blocks.get(blocks.size() - 1) instanceof Heading;
        }

        void endBlock() {
            awaitingTag = false; // a .TP whose tag never came
            if (para.isEmpty() && tag == null) return;
            blocks.add(new Para(section, gap && !lastIsHeading(), indent, tagIndent, tag, List.copyOf(para)));
            para = new ArrayList<>();
            tag = null;
            gap = false;
        }

        void endVerbatim() {
            if (!nofill) return;
            nofill = false;
            blocks.add(new Verbatim(section, gap && !lastIsHeading(), indent, List.copyOf(verbatim)));
            verbatim = new ArrayList<>();
            gap = false;
        }

        void finish() {
            if (awaitingHeading) heading("", headingIsSub);
            endBlock();
            endVerbatim();
        }
    }

    private static Style fontOf(String f) {
        String s = f.startsWith("\\f") ? f.substring(2) : f;
        s = s.replace("[", "").replace("]", "").replace("(", "");
        return switch (s) {
            case "B", "3", "CB" -> Style.BOLD;
            case "I", "2", "CI" -> Style.ITALIC;
            default -> Style.PLAIN;
        };
    }

    private static int indentOf(String s) {
        try {
            double v = Double.parseDouble(s.replaceAll("[^0-9.]", ""));
            return (int) Math.max(0, Math.min(20, v));
        } catch (NumberFormatException e) {
            return PREVAILING;
        }
    }

    /** Drops a roff comment ({@code \"} to the end of the line), respecting escapes. */
    private static String stripComment(String s) {
        for (int i = 0; i < s.length() - 1; i++) {
            if (s.charAt(i) != '\\') continue;
            if (s.charAt(i + 1) == '"') return s.substring(0, i).stripTrailing();
            i++;
        }
        return s;
    }

    /** Macro arguments: blank separated, double quotes group ("" inside quotes is a quote), escapes kept. */
    static List<String> splitArgs(String s) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false, any = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                cur.append(c).append(s.charAt(++i));
                any = true;
            } else if (c == '"') {
                if (quoted && i + 1 < s.length() && s.charAt(i + 1) == '"') {
                    cur.append('"');
                    i++;
                } else {
                    quoted = !quoted;
                }
                any = true;
            } else if ((c == ' ' || c == '\t') && !quoted) {
                if (any) {
                    out.add(cur.toString());
                    cur.setLength(0);
                    any = false;
                }
            } else {
                cur.append(c);
                any = true;
            }
        }
        if (any) out.add(cur.toString());
        return out;
    }

    /** .B/.I join their arguments with spaces; .BR and the like alternate two fonts with no space between. */
    private static List<Span> fontMacro(String macro, List<String> args) {
        if (macro.length() == 1 || macro.equals("SB") || macro.equals("SM")) {
            Style st = switch (macro) {
                case "B", "SB" -> Style.BOLD;
                case "I" -> Style.ITALIC;
                default -> Style.PLAIN;
            };
            return inline(String.join(" ", args), st);
        }
        List<Span> out = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            char f = macro.charAt(i % 2);
            out.addAll(inline(args.get(i), f == 'B' ? Style.BOLD : f == 'I' ? Style.ITALIC : Style.PLAIN));
        }
        return out;
    }

    /** Text with inline font changes and escapes, as spans. */
    static List<Span> inline(String text, Style base) {
        List<Span> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        Style style = base, previous = base;
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c != '\\' || i + 1 >= n) {
                cur.append(c == '\t' ? ' ' : c);
                continue;
            }
            char e = text.charAt(++i);
            switch (e) {
                case 'f' -> {
                    String f;
                    if (i + 1 >= n) break;
                    char k = text.charAt(++i);
                    if (k == '(' && i + 2 < n) {
                        f = text.substring(i + 1, i + 3);
                        i += 2;
                    } else if (k == '[') {
                        int close = text.indexOf(']', i);
                        f = close < 0 ? "" : text.substring(i + 1, close);
                        i = close < 0 ? n : close;
                    } else {
                        f = String.valueOf(k);
                    }
                    if (cur.length() > 0) {
                        out.add(new Span(cur.toString(), style));
                        cur.setLength(0);
                    }
                    Style next = f.isEmpty() || f.equals("P") ? previous : fontOf(f);
                    previous = style;
                    style = next;
                }
                case '(' -> {
                    String code = i + 2 < n ? text.substring(i + 1, i + 3) : "";
                    i = Math.min(n, i + 2);
                    cur.append(glyph(code));
                }
                case '[' -> {
                    int close = text.indexOf(']', i);
                    String code = close < 0 ? "" : text.substring(i + 1, close);
                    i = close < 0 ? n : close;
                    cur.append(glyph(code));
                }
                case '*' -> {
                    String code = "";
                    if (i + 1 < n && text.charAt(i + 1) == '(') {
                        code = i + 3 < n ? text.substring(i + 2, i + 4) : "";
                        i = Math.min(n, i + 3);
                    } else if (i + 1 < n && text.charAt(i + 1) == '[') {
                        int close = text.indexOf(']', i);
                        code = close < 0 ? "" : text.substring(i + 2, close);
                        i = close < 0 ? n : close;
                    } else if (i + 1 < n) {
                        code = String.valueOf(text.charAt(++i));
                    }
                    cur.append(
                            switch (code) {
                                case "R" -> "\u00ae";
                                case "Tm" -> "\u2122";
                                case "lq" -> "\u201c";
                                case "rq" -> "\u201d";
                                default -> "";
                            });
                }
                case 's' -> {
                    // size changes: \s0 \s+1 \s-1 \s(12 \s[12]; sizes do not exist in a terminal
                    int j = i + 1;
                    if (j < n && (text.charAt(j) == '+' || text.charAt(j) == '-')) j++;
                    if (j < n && text.charAt(j) == '(') j += 3;
                    else if (j < n && text.charAt(j) == '[') j = Math.max(j, text.indexOf(']', j) + 1);
                    else if (j < n && Character.isDigit(text.charAt(j))) j++;
                    i = Math.min(n, j) - 1;
                }
                case '-' -> cur.append('-');
                case 'e', '\\' -> cur.append('\\');
                case ' ', '~', '0' -> cur.append(NBSP);
                case '&', '|', '^', ':', '%', ')', 'c', '/', ',' -> {}
                case '\'' -> cur.append('\u00b4');
                case '`' -> cur.append('`');
                case '.' -> cur.append('.');
                default -> cur.append(e);
            }
        }
        if (cur.length() > 0) out.add(new Span(cur.toString(), style));
        return out;
    }

    private static String glyph(String code) {
        return switch (code) {
            case "em" -> "\u2014";
            case "en" -> "\u2013";
            case "->" -> "\u2192";
            case "<-" -> "\u2190";
            case "bu" -> "\u2022";
            case "mu" -> "\u00d7";
            case "~~" -> "\u2248";
            case "aq" -> "'";
            case "dq" -> "\"";
            case "lq" -> "\u201c";
            case "rq" -> "\u201d";
            case "oq" -> "\u2018";
            case "cq" -> "\u2019";
            case "ti" -> "~";
            case "ha" -> "^";
            case "co" -> "\u00a9";
            case "rg" -> "\u00ae";
            case "<=" -> "\u2264";
            case ">=" -> "\u2265";
            case "!=" -> "\u2260";
            case "ap" -> "\u223c";
            case "mc" -> "\u00b5";
            case "de" -> "\u00b0";
            case "hy" -> "-";
            case "rs" -> "\\";
            case "sl" -> "/";
            case "pl" -> "+";
            case "eq" -> "=";
            case "lB" -> "[";
            case "rB" -> "]";
            case "lC" -> "{";
            case "rC" -> "}";
            case "ba", "or" -> "|";
            default -> "";
        };
    }

    private static String plain(List<Span> spans) {
        StringBuilder b = new StringBuilder();
        for (Span s : spans) b.append(s.text());
        return b.toString();
    }

    /** A section's paragraphs (and verbatim lines) as single lines of plain text. */
    private static List<String> sectionLines(List<Block> blocks, String section) {
        List<String> out = new ArrayList<>();
        for (Block b : blocks) {
            if (b instanceof Para p && p.section().equals(section)) {
                String tag = p.tag() == null ? "" : plain(p.tag()) + " ";
                String t = (tag + plain(p.body()))
                        .replace(NBSP, ' ')
                        .replaceAll("\\s+", " ")
                        .strip();
                if (!t.isEmpty()) out.add(t);
            } else if (b instanceof Verbatim v && v.section().equals(section)) {
                for (List<Span> l : v.lines()) {
                    String t = plain(l).replace(NBSP, ' ').stripTrailing();
                    if (!t.isBlank()) out.add(t);
                }
            }
        }
        return out;
    }

    private static String summaryOf(List<String> nameLines) {
        String n = String.join(" ", nameLines).strip();
        int dash = n.indexOf(" - ");
        return (dash >= 0 ? n.substring(dash + 3) : n).strip();
    }

    // ---- rendering ----------------------------------------------------------------------------------------

    /**
     * The whole page as lines of at most {@code width} characters, except where a single word is longer than
     * the room left for it. Section headings start at column 0, text at man's 7-column margin (less on narrow
     * terminals), .TP bodies 7 further; a tag shorter than that shares the body's first line, as in man.
     */
    public List<Line> render(int width) {
        int w = Math.max(1, width);
        int maxIndent = Math.max(0, w / 3);
        List<Line> out = new ArrayList<>();
        for (Block b : blocks) {
            switch (b) {
                case Heading h -> {
                    blank(out);
                    List<Span> spans = new ArrayList<>();
                    if (h.sub()) spans.add(new Span(" ".repeat(Math.min(3, maxIndent)), Style.PLAIN));
                    spans.add(new Span(h.title(), Style.HEADING));
                    out.add(new Line(List.copyOf(spans)));
                }
                case Para p -> {
                    if (p.gap()) blank(out);
                    int indent = Math.min(p.indent(), maxIndent);
                    int tagIndent = Math.min(p.tagIndent(), indent);
                    if (p.tag() == null) {
                        out.addAll(wrap(p.body(), indent, indent, w, List.of()));
                        continue;
                    }
                    int tagLength = tagIndent + plain(p.tag()).length();
                    if (tagLength < indent && !p.body().isEmpty()) {
                        List<Span> prefix = new ArrayList<>();
                        prefix.add(new Span(" ".repeat(tagIndent), Style.PLAIN));
                        prefix.addAll(clean(p.tag()));
                        prefix.add(new Span(" ".repeat(indent - tagLength), Style.PLAIN));
                        out.addAll(wrap(p.body(), indent, indent, w, prefix));
                    } else {
                        out.addAll(wrap(p.tag(), tagIndent, tagIndent, w, List.of()));
                        if (!p.body().isEmpty()) out.addAll(wrap(p.body(), indent, indent, w, List.of()));
                    }
                }
                case Verbatim v -> {
                    if (v.gap()) blank(out);
                    // A block wider than the page moves left as a whole (to column 1 at most) before any of its
                    // lines is broken, so that its columns stay aligned.
                    int widest = 0;
                    for (List<Span> l : v.lines())
                        widest = Math.max(widest, plain(l).stripTrailing().length());
                    int indent = Math.min(v.indent(), Math.max(0, w / 4));
                    if (indent + widest > w) indent = Math.max(Math.min(indent, 1), w - widest);
                    for (List<Span> l : v.lines()) out.addAll(verbatimLine(l, indent, w));
                }
            }
        }
        while (!out.isEmpty() && out.get(out.size() - 1).spans().isEmpty()) out.remove(out.size() - 1);
        return List.copyOf(out);
    }

    private static void blank(List<Line> out) {
        if (!out.isEmpty() && !out.get(out.size() - 1).spans().isEmpty()) out.add(new Line(List.of()));
    }

    /** Spans with unpaddable spaces made plain spaces (they only had to keep words together while filling). */
    private static List<Span> clean(List<Span> spans) {
        List<Span> out = new ArrayList<>();
        for (Span s : spans) if (!s.text().isEmpty()) out.add(new Span(s.text().replace(NBSP, ' '), s.style()));
        return out;
    }

    /**
     * A line of a .nf/.EX block, kept as written, spacing included. Only a line wider than the page is broken,
     * at the last blank that fits, the continuation indented two more columns.
     */
    private static List<Line> verbatimLine(List<Span> spans, int indent, int width) {
        List<Span> line = clean(spans);
        String text = plain(line);
        if (text.isBlank()) return List.of(new Line(List.of()));
        List<Line> out = new ArrayList<>();
        int lead = 0;
        while (lead < text.length() && text.charAt(lead) == ' ') lead++;
        int extra = 0;
        while (true) {
            int room = width - indent - extra;
            int cut = -1;
            if (text.length() > room) {
                // the last blank at or before the edge that has text before it; else the first blank after it
                for (int i = Math.min(room, text.length() - 1); i > lead; i--) {
                    if (text.charAt(i) == ' ' && text.charAt(i - 1) != ' ') {
                        cut = i;
                        break;
                    }
                }
                if (cut < 0) {
                    for (int i = Math.max(lead + 1, room); i < text.length(); i++) {
                        if (text.charAt(i) == ' ' && text.charAt(i - 1) != ' ') {
                            cut = i;
                            break;
                        }
                    }
                }
            }
            List<Span> head = cut < 0 ? line : slice(line, 0, cut);
            List<Span> l = new ArrayList<>();
            if (indent + extra > 0) l.add(new Span(" ".repeat(indent + extra), Style.PLAIN));
            l.addAll(head);
            out.add(new Line(List.copyOf(l)));
            if (cut < 0) return out;
            int next = cut;
            while (next < text.length() && text.charAt(next) == ' ') next++;
            if (next >= text.length()) return out;
            line = slice(line, next, text.length());
            text = text.substring(next);
            lead = 0;
            extra = 2;
        }
    }

    /** The characters [from, to) of a span list, styles kept. */
    private static List<Span> slice(List<Span> spans, int from, int to) {
        List<Span> out = new ArrayList<>();
        int at = 0;
        for (Span s : spans) {
            int start = at, end = at + s.text().length();
            at = end;
            int a = Math.max(start, from), b = Math.min(end, to);
            if (a < b) out.add(new Span(s.text().substring(a - start, b - start), s.style()));
        }
        return out;
    }

    /**
     * Greedy fill: words (runs of non-blanks, possibly in several styles) separated by one space. The first line
     * starts with {@code prefix} (a .TP tag), or {@code firstIndent} spaces; the others with {@code restIndent}.
     */
    private static List<Line> wrap(List<Span> spans, int firstIndent, int restIndent, int width, List<Span> prefix) {
        List<List<Span>> words = new ArrayList<>();
        List<Span> word = new ArrayList<>();
        for (Span s : spans) {
            String t = s.text();
            int i = 0;
            while (i < t.length()) {
                char c = t.charAt(i);
                if (c == ' ' || c == '\t' || c == '\n') {
                    if (!word.isEmpty()) {
                        words.add(word);
                        word = new ArrayList<>();
                    }
                    i++;
                    continue;
                }
                int j = i;
                while (j < t.length() && t.charAt(j) != ' ' && t.charAt(j) != '\t' && t.charAt(j) != '\n') j++;
                String piece = t.substring(i, j).replace(NBSP, ' ');
                if (!word.isEmpty() && word.get(word.size() - 1).style() == s.style()) {
                    Span last = word.remove(word.size() - 1);
                    word.add(new Span(last.text() + piece, s.style()));
                } else {
                    word.add(new Span(piece, s.style()));
                }
                i = j;
            }
        }
        if (!word.isEmpty()) words.add(word);

        List<Line> out = new ArrayList<>();
        List<Span> line = new ArrayList<>();
        if (prefix.isEmpty()) {
            if (firstIndent > 0) line.add(new Span(" ".repeat(firstIndent), Style.PLAIN));
        } else {
            line.addAll(prefix);
        }
        int col = prefix.isEmpty() ? firstIndent : plain(prefix).length();
        boolean lineHasWord = false;
        for (List<Span> w : words) {
            int len = 0;
            for (Span s : w) len += s.text().length();
            if (lineHasWord && col + 1 + len > width) {
                out.add(new Line(List.copyOf(line)));
                line = new ArrayList<>();
                if (restIndent > 0) line.add(new Span(" ".repeat(restIndent), Style.PLAIN));
                col = restIndent;
                lineHasWord = false;
            }
            if (lineHasWord) {
                line.add(new Span(" ", Style.PLAIN));
                col++;
            }
            line.addAll(w);
            col += len;
            lineHasWord = true;
        }
        if (lineHasWord || !prefix.isEmpty()) out.add(new Line(List.copyOf(line)));
        return out;
    }
}
