package dev.pagelab.commands;

import java.util.ArrayList;
import java.util.List;

/**
 * One input line split into words (whitespace separated; single or double quotes group), each with its column
 * so an error can point at it. Several commands on one line are separated by {@code ;} outside quotes.
 */
public record CommandLine(String text, List<Word> words) {
    public record Word(String text, int column) {}

    public static CommandLine parse(String text) throws CommandError {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7f) {
                // never echoed back: an escape sequence would reach the user's terminal
                throw CommandError.usage(
                        -1,
                        String.format("control character U+%04X at column %d", (int) c, i + 1),
                        "commands are plain text");
            }
        }
        List<Word> words = new ArrayList<>();
        StringBuilder cur = null;
        int start = 0;
        char quote = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quote != 0) {
                if (c == quote) quote = 0;
                else cur.append(c);
            } else if (c == '"' || c == '\'') {
                if (cur == null) {
                    cur = new StringBuilder();
                    start = i;
                }
                quote = c;
            } else if (Character.isWhitespace(c)) {
                if (cur != null) {
                    words.add(new Word(cur.toString(), start));
                    cur = null;
                }
            } else {
                if (cur == null) {
                    cur = new StringBuilder();
                    start = i;
                }
                cur.append(c);
            }
        }
        if (quote != 0) {
            throw CommandError.usage(
                    -1, "unterminated " + (quote == '"' ? "double" : "single") + " quote", "close it with " + quote);
        }
        if (cur != null) words.add(new Word(cur.toString(), start));
        return new CommandLine(text, List.copyOf(words));
    }

    /** Splits at {@code ;} outside quotes; blank pieces are dropped. */
    public static List<String> splitStatements(String text) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        char quote = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quote != 0) {
                if (c == quote) quote = 0;
            } else if (c == '"' || c == '\'') {
                quote = c;
            } else if (c == ';') {
                if (!cur.toString().isBlank()) out.add(cur.toString().trim());
                cur.setLength(0);
                continue;
            }
            cur.append(c);
        }
        if (!cur.toString().isBlank()) out.add(cur.toString().trim());
        return out;
    }

    public boolean isEmpty() {
        return words.isEmpty();
    }

    public String name() {
        return words.isEmpty() ? "" : words.get(0).text();
    }
}
