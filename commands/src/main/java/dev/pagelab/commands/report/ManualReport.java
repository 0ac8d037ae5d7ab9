package dev.pagelab.commands.report;

import java.util.List;

/**
 * Lines of a manual page or an overview, laid out for a width, with the page's own emphasis: what {@code help}
 * returns. The console decides how emphasis shows (bold and underline, or nothing without colour; plain text in
 * JSON), as for every other report: a command never renders.
 */
public record ManualReport(String verb, List<Line> lines) implements Report {
    public ManualReport {
        lines = List.copyOf(lines);
    }

    /** How a span stands out: a heading or a literal (bold in man), a placeholder (italic/underlined in man). */
    public enum Emphasis {
        PLAIN,
        STRONG,
        PLACEHOLDER
    }

    public record Span(String text, Emphasis emphasis) {}

    public record Line(List<Span> spans) {
        public Line {
            spans = List.copyOf(spans);
        }

        public static Line of(Span... spans) {
            return new Line(List.of(spans));
        }

        public String text() {
            StringBuilder b = new StringBuilder();
            for (Span s : spans) b.append(s.text());
            return b.toString();
        }
    }

    /** The lines without emphasis. */
    public List<String> texts() {
        return lines.stream().map(Line::text).toList();
    }
}
