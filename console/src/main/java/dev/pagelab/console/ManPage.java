package dev.pagelab.console;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A manual page of man/ (roff, man(7) macros), parsed from the same file `man -l` reads, and rendered as text
 * wrapped to the terminal. Only the macro subset the pages use is understood; anything else is ignored.
 */
public final class ManPage {
    public enum Style { PLAIN, BOLD, ITALIC, HEADING }

    public record Span(String text, Style style) {}

    public record Line(List<Span> spans) {
        public String plain() {
            StringBuilder b = new StringBuilder();
            for (Span s : spans) b.append(s.text());
            return b.toString();
        }
    }

    /** A block of the page: a heading, a paragraph (with indent and optional tag), or preformatted lines. */
    private record Block(String kind, int indent, List<Span> tag, List<Span> body, List<List<Span>> verbatim) {}

    private static final String RESOURCES = "/dev/pagelab/console/man/";

    private final String name;
    private final List<Block> blocks;
    private final String summary;
    private final String synopsis;

    private ManPage(String name, List<Block> blocks, String summary, String synopsis) {
        this.name = name;
        this.blocks = blocks;
        this.summary = summary;
        this.synopsis = synopsis;
    }

    public static Optional<ManPage> load(String command) {
        String file = command.equals("pagelab") ? "pagelab.1" : "pagelab-" + command + ".1";
        try (InputStream in = ManPage.class.getResourceAsStream(RESOURCES + file)) {
            if (in == null) return Optional.empty();
            return Optional.of(parse(command, new String(in.readAllBytes(), StandardCharsets.UTF_8)));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Command names with a page, from man/pages.list. */
    public static List<String> commandsWithPages() {
        try (InputStream in = ManPage.class.getResourceAsStream(RESOURCES + "pages.list")) {
            if (in == null) return List.of();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().map(String::trim)
                    .filter(s -> !s.isEmpty() && !s.startsWith("#")).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    public String name() { return name; }

    public String summary() { return summary; }

    public String synopsis() { return synopsis; }

    public static ManPage parse(String name, String roff) {
        List<Block> blocks = new ArrayList<>();
        String section = "";
        StringBuilder nameText = new StringBuilder();
        StringBuilder synopsisText = new StringBuilder();
        List<Span> para = new ArrayList<>();
        List<Span> tag = null;
        boolean awaitingTag = false;
        int indent = 7, baseIndent = 7;
        boolean nofill = false;
        List<List<Span>> verbatim = new ArrayList<>();
        String[] lines = roff.split("\n", -1);
        for (int li = 0; li < lines.length; li++) {
            String raw = lines[li];
            if (raw.startsWith(".\\\"") || raw.startsWith("'\\\"") || raw.equals(".")) continue;
            if (raw.startsWith(".") || raw.startsWith("'")) {
                String[] parts = splitMacro(raw.substring(1));
                String macro = parts.length == 0 ? "" : parts[0];
                String args = raw.substring(1).trim().length() > macro.length() ? raw.substring(1).trim().substring(macro.length()).trim() : "";
                switch (macro) {
                    case "TH" -> { }
                    case "SH", "SS" -> {
                        flush(blocks, para, tag, indent);
                        para = new ArrayList<>();
                        tag = null;
                        String title = unquote(args);
                        section = title.toUpperCase();
                        blocks.add(new Block(macro.equals("SH") ? "heading" : "subheading", macro.equals("SH") ? 0 : 3,
                                null, List.of(new Span(macro.equals("SH") ? title.toUpperCase() : title, Style.HEADING)), null));
                        indent = baseIndent = 7;
                    }
                    case "PP", "LP", "P" -> {
                        flush(blocks, para, tag, indent);
                        para = new ArrayList<>();
                        tag = null;
                        indent = baseIndent;
                    }
                    case "TP" -> {
                        flush(blocks, para, tag, indent);
                        para = new ArrayList<>();
                        tag = null;
                        awaitingTag = true;
                        indent = baseIndent + 7;
                    }
                    case "IP" -> {
                        flush(blocks, para, tag, indent);
                        para = new ArrayList<>();
                        String[] a = splitMacro(args);
                        tag = a.length > 0 && !a[0].isEmpty() ? inline(unquote(a[0]), Style.PLAIN) : null;
                        indent = baseIndent + (a.length > 1 ? parseIndent(a[1]) : 4);
                    }
                    case "RS" -> {
                        flush(blocks, para, tag, indent);
                        para = new ArrayList<>();
                        tag = null;
                        baseIndent += args.isEmpty() ? 7 : parseIndent(args);
                        indent = baseIndent;
                    }
                    case "RE" -> {
                        flush(blocks, para, tag, indent);
                        para = new ArrayList<>();
                        tag = null;
                        baseIndent = Math.max(7, baseIndent - 7);
                        indent = baseIndent;
                    }
                    case "nf", "EX" -> {
                        flush(blocks, para, tag, indent);
                        para = new ArrayList<>();
                        tag = null;
                        nofill = true;
                        verbatim = new ArrayList<>();
                    }
                    case "fi", "EE" -> {
                        if (nofill) blocks.add(new Block("verbatim", indent, null, null, verbatim));
                        nofill = false;
                    }
                    case "br" -> {
                        if (!nofill) {
                            flush(blocks, para, tag, indent);
                            para = new ArrayList<>();
                            tag = null;
                        }
                    }
                    case "sp" -> {
                        flush(blocks, para, tag, indent);
                        para = new ArrayList<>();
                        tag = null;
                    }
                    case "B", "I", "BR", "RB", "IR", "RI", "BI", "IB", "SM", "SB" -> {
                        List<Span> spans = fontMacro(macro, args);
                        if (nofill) verbatim.add(spans);
                        else if (awaitingTag) { tag = spans; awaitingTag = false; }
                        else appendWords(para, spans);
                        collectText(section, spans, nameText, synopsisText);
                    }
                    default -> { }
                }
                continue;
            }
            List<Span> spans = inline(raw, Style.PLAIN);
            if (nofill) {
                verbatim.add(spans);
            } else if (awaitingTag) {
                tag = spans;
                awaitingTag = false;
            } else if (raw.isBlank()) {
                flush(blocks, para, tag, indent);
                para = new ArrayList<>();
                tag = null;
            } else {
                appendWords(para, spans);
            }
            collectText(section, spans, nameText, synopsisText);
        }
        flush(blocks, para, tag, indent);
        if (nofill) blocks.add(new Block("verbatim", indent, null, null, verbatim));
        String n = nameText.toString().trim();
        int dash = n.indexOf(" - ");
        String summary = dash >= 0 ? n.substring(dash + 3).trim() : n;
        return new ManPage(name, blocks, summary, synopsisText.toString().strip());
    }

    private static void collectText(String section, List<Span> spans, StringBuilder nameText, StringBuilder synopsis) {
        StringBuilder b = new StringBuilder();
        for (Span s : spans) b.append(s.text());
        if (section.equals("NAME")) nameText.append(b).append(' ');
        if (section.equals("SYNOPSIS")) synopsis.append(b.toString().strip()).append('\n');
    }

    private static int parseIndent(String s) {
        try {
            return Math.max(0, Math.min(20, (int) Double.parseDouble(s.replaceAll("[^0-9.]", ""))));
        } catch (NumberFormatException e) {
            return 4;
        }
    }

    private static void flush(List<Block> blocks, List<Span> para, List<Span> tag, int indent) {
        if (para.isEmpty() && tag == null) return;
        blocks.add(new Block("para", indent, tag, List.copyOf(para), null));
    }

    /** Adds spans as words separated by single spaces (filled text). */
    private static void appendWords(List<Span> para, List<Span> spans) {
        if (!para.isEmpty()) para.add(new Span(" ", Style.PLAIN));
        para.addAll(spans);
    }

    private static List<Span> fontMacro(String macro, String args) {
        List<Span> out = new ArrayList<>();
        String[] words = splitMacro(args);
        if (macro.length() == 1 || macro.equals("SM") || macro.equals("SB")) {
            Style st = macro.equals("I") ? Style.ITALIC : macro.equals("SM") ? Style.PLAIN : Style.BOLD;
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < words.length; i++) b.append(i == 0 ? "" : " ").append(unquote(words[i]));
            out.addAll(inline(b.toString(), st));
            return out;
        }
        for (int i = 0; i < words.length; i++) {
            char f = macro.charAt(i % 2);
            Style st = f == 'B' ? Style.BOLD : f == 'I' ? Style.ITALIC : Style.PLAIN;
            out.addAll(inline(unquote(words[i]), st));
        }
        return out;
    }

    private static String[] splitMacro(String s) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean q = false, any = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                // an escape (\ is an unpaddable space) belongs to the word
                cur.append(c).append(s.charAt(++i));
                any = true;
                continue;
            }
            if (c == '"') { q = !q; any = true; continue; }
            if (c == ' ' && !q) {
                if (any) { out.add(cur.toString()); cur.setLength(0); any = false; }
                continue;
            }
            cur.append(c);
            any = true;
        }
        if (any) out.add(cur.toString());
        return out.toArray(String[]::new);
    }

    private static String unquote(String s) {
        return s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"") ? s.substring(1, s.length() - 1) : s;
    }

    /** Text with \fB \fI \fR \fP font changes and escapes. */
    static List<Span> inline(String text, Style base) {
        List<Span> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        Style style = base, previous = base;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != '\\' || i + 1 >= text.length()) {
                cur.append(c);
                continue;
            }
            char n = text.charAt(++i);
            switch (n) {
                case 'f' -> {
                    if (i + 1 < text.length()) {
                        char f = text.charAt(++i);
                        if (cur.length() > 0) { out.add(new Span(cur.toString(), style)); cur.setLength(0); }
                        Style next = switch (f) {
                            case 'B' -> Style.BOLD;
                            case 'I' -> Style.ITALIC;
                            case 'P' -> previous;
                            default -> base;
                        };
                        previous = style;
                        style = next;
                    }
                }
                case '-' -> cur.append('-');
                case 'e', '\\' -> cur.append('\\');
                case '&', ':' -> { }
                case ' ', '~' -> cur.append(' ');
                case '(' -> {
                    String code = i + 2 < text.length() ? text.substring(i + 1, i + 3) : "";
                    i += 2;
                    cur.append(switch (code) {
                        case "em" -> "\u2014";
                        case "en" -> "\u2013";
                        case "->" -> "\u2192";
                        case "<-" -> "\u2190";
                        case "bu" -> "\u2022";
                        case "mu" -> "\u00d7";
                        case "aq" -> "'";
                        case "dq" -> "\"";
                        case "ti" -> "~";
                        case "ha" -> "^";
                        case "lq" -> "\u201c";
                        case "rq" -> "\u201d";
                        case "co" -> "\u00a9";
                        case "<=" -> "\u2264";
                        case ">=" -> "\u2265";
                        case "ap" -> "\u2248";
                        default -> "";
                    });
                }
                case '*' -> {
                    // \*(XX or \*X string: R (registered) and similar; dropped
                    if (i + 1 < text.length() && text.charAt(i + 1) == '(') i += 3;
                    else i += 1;
                }
                default -> cur.append(n);
            }
        }
        if (cur.length() > 0) out.add(new Span(cur.toString(), style));
        return out;
    }

    /** The page as lines no wider than {@code width} (words longer than a line stand alone). */
    public List<Line> render(int width) {
        List<Line> out = new ArrayList<>();
        for (Block b : blocks) {
            switch (b.kind()) {
                case "heading", "subheading" -> {
                    if (!out.isEmpty() && !out.get(out.size() - 1).spans().isEmpty()) out.add(new Line(List.of()));
                    List<Span> h = new ArrayList<>();
                    if (b.indent() > 0) h.add(new Span(" ".repeat(b.indent()), Style.PLAIN));
                    h.addAll(b.body());
                    out.add(new Line(h));
                }
                case "verbatim" -> {
                    for (List<Span> l : b.verbatim()) {
                        List<Span> spans = new ArrayList<>();
                        spans.add(new Span(" ".repeat(Math.min(b.indent(), Math.max(0, width / 4))), Style.PLAIN));
                        spans.addAll(l);
                        out.add(new Line(spans));
                    }
                    out.add(new Line(List.of()));
                }
                default -> {
                    int indent = Math.min(b.indent(), Math.max(2, width / 3));
                    if (b.tag() != null) {
                        List<Span> t = new ArrayList<>();
                        int ti = Math.max(0, indent - 7);
                        t.add(new Span(" ".repeat(ti), Style.PLAIN));
                        t.addAll(b.tag());
                        int tagLen = ti;
                        for (Span s : b.tag()) tagLen += s.text().length();
                        if (tagLen < indent && !b.body().isEmpty()) {
                            // short tag: body starts on the same line
                            List<Line> body = wrap(b.body(), indent, width);
                            List<Span> first = new ArrayList<>(t);
                            first.add(new Span(" ".repeat(indent - tagLen), Style.PLAIN));
                            List<Span> bodyFirst = body.get(0).spans();
                            first.addAll(bodyFirst.subList(1, bodyFirst.size()));
                            out.add(new Line(first));
                            out.addAll(body.subList(1, body.size()));
                        } else {
                            out.addAll(wrap(b.tag(), ti, width));
                            if (!b.body().isEmpty()) out.addAll(wrap(b.body(), indent, width));
                        }
                    } else {
                        out.addAll(wrap(b.body(), indent, width));
                    }
                    out.add(new Line(List.of()));
                }
            }
        }
        while (!out.isEmpty() && out.get(out.size() - 1).spans().isEmpty()) out.remove(out.size() - 1);
        return out;
    }

    /** Greedy word wrap of styled text; the first span of each line is the indent. */
    private static List<Line> wrap(List<Span> spans, int indent, int width) {
        List<Line> out = new ArrayList<>();
        List<Span> line = new ArrayList<>();
        line.add(new Span(" ".repeat(indent), Style.PLAIN));
        int col = indent;
        boolean lineHasWord = false;
        boolean pendingSpace = false;
        for (Span s : spans) {
            String t = s.text();
            int i = 0;
            while (i < t.length()) {
                if (t.charAt(i) == ' ') {
                    pendingSpace = lineHasWord;
                    i++;
                    continue;
                }
                int j = i;
                while (j < t.length() && t.charAt(j) != ' ') j++;
                String word = t.substring(i, j);
                int need = (pendingSpace ? 1 : 0) + word.length();
                if (lineHasWord && col + need > width) {
                    out.add(new Line(line));
                    line = new ArrayList<>();
                    line.add(new Span(" ".repeat(indent), Style.PLAIN));
                    col = indent;
                    pendingSpace = false;
                    need = word.length();
                }
                if (pendingSpace) line.add(new Span(" ", Style.PLAIN));
                line.add(new Span(word, s.style()));
                col += need;
                lineHasWord = true;
                pendingSpace = false;
                i = j;
            }
        }
        if (lineHasWord) out.add(new Line(line));
        if (out.isEmpty()) out.add(new Line(line));
        return out;
    }
}
