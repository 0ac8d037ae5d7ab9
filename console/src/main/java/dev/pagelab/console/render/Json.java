package dev.pagelab.console.render;

import java.util.Collection;
import java.util.Map;

/** A minimal JSON encoder for reports: strings, numbers, booleans, null, maps and collections. */
public final class Json {
    private Json() {}

    public static String encode(Object value) {
        StringBuilder b = new StringBuilder();
        write(b, value);
        return b.toString();
    }

    private static void write(StringBuilder b, Object v) {
        switch (v) {
            case null -> b.append("null");
            case String s -> string(b, s);
            case Boolean bool -> b.append(bool);
            case Double d -> b.append(d.isNaN() || d.isInfinite() ? "null" : d.toString());
            case Float f -> b.append(f.isNaN() || f.isInfinite() ? "null" : f.toString());
            case Number n -> b.append(n);
            case Map<?, ?> m -> {
                b.append('{');
                boolean first = true;
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    if (!first) b.append(',');
                    first = false;
                    string(b, String.valueOf(e.getKey()));
                    b.append(':');
                    write(b, e.getValue());
                }
                b.append('}');
            }
            case Collection<?> c -> {
                b.append('[');
                boolean first = true;
                for (Object o : c) {
                    if (!first) b.append(',');
                    first = false;
                    write(b, o);
                }
                b.append(']');
            }
            case long[] arr -> {
                b.append('[');
                for (int i = 0; i < arr.length; i++) b.append(i == 0 ? "" : ",").append(arr[i]);
                b.append(']');
            }
            default -> string(b, v.toString());
        }
    }

    private static void string(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
                    else b.append(c);
                }
            }
        }
        b.append('"');
    }

    /**
     * A JSON document with every non-ASCII character as a \\uXXXX escape (UTF-16 units, as JSON wants): the same
     * value, in bytes that are all ASCII. Outside its strings a JSON text is ASCII, so the whole text can be escaped.
     */
    public static String asciiEscaped(String json) {
        StringBuilder b = null;
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            if (c >= 0x80 && b == null) b = new StringBuilder(json.length() + 16).append(json, 0, i);
            if (b != null) {
                if (c < 0x80) b.append(c);
                else b.append(String.format("\\u%04x", (int) c));
            }
        }
        return b == null ? json : b.toString();
    }
}
