package dev.pagelab.console.terminal;

import dev.pagelab.console.render.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the console's output may carry, decided once at start: UTF-8 when the locale's character set is UTF-8 (as
 * glibc picks it: the first of LC_ALL, LC_CTYPE and LANG that is set and not empty; "C.UTF-8", "en_US.utf8",
 * "de_DE.UTF-8@euro" all count), plain ASCII otherwise — LANG unset, "C", "POSIX", "en_US" (Latin-1), or a
 * terminal that calls itself dumb. In ASCII every glyph the reports use has a readable stand-in ({@code µs} as
 * {@code us}, {@code →} as {@code ->}, bars as {@code #}) and anything else is spelled out, so that no writer (JLine's,
 * or the JDK's with a C locale) ever replaces a character with '?'. JSON keeps its text and escapes it instead.
 */
public final class OutputCharset {
    public static final OutputCharset UTF8 = new OutputCharset(true);
    public static final OutputCharset ASCII = new OutputCharset(false);

    private final boolean unicode;

    private OutputCharset(boolean unicode) {
        this.unicode = unicode;
    }

    /** The charset decision for this environment; {@code terminal}: the output is a terminal (TERM applies). */
    public static OutputCharset decide(Map<String, String> env, boolean terminal) {
        if (!utf8Locale(env)) return ASCII;
        String term = env.get("TERM");
        if (terminal && term != null && term.startsWith("dumb")) return ASCII;
        return UTF8;
    }

    /**
     * Whether the locale's character set is UTF-8. The locale name is LANGUAGE_TERRITORY.CODESET@MODIFIER; glibc
     * compares codesets with case and punctuation dropped ("UTF-8", "utf8", "Utf_8" are one). A name without a
     * codeset ("C", "POSIX", "en_US") is not UTF-8 — except "C.UTF-8" and its like, which carry one.
     */
    public static boolean utf8Locale(Map<String, String> env) {
        String name = null;
        for (String key : List.of("LC_ALL", "LC_CTYPE", "LANG")) {
            String v = env.get(key);
            if (v != null && !v.isEmpty()) {
                name = v;
                break;
            }
        }
        if (name == null) return false;
        int dot = name.indexOf('.');
        if (dot < 0) return false;
        int at = name.indexOf('@', dot);
        String codeset = name.substring(dot + 1, at < 0 ? name.length() : at);
        return codeset.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "").equals("utf8");
    }

    /**
     * This decision on the terminal JLine opened: ASCII as well when JLine writes in anything but UTF-8 (its
     * output encoding, which pagelab sets when it opens the terminal) or could only open a dumb terminal.
     */
    OutputCharset on(org.jline.terminal.Terminal terminal) {
        boolean utf8 = terminal.outputEncoding() != null
                && terminal.outputEncoding().name().replace("-", "").equalsIgnoreCase("UTF8");
        return unicode && utf8 && !terminal.getType().startsWith("dumb") ? UTF8 : ASCII;
    }

    public boolean unicode() {
        return unicode;
    }

    /** How the bytes are encoded: UTF-8, or US-ASCII (which only ever sees ASCII, see {@link #text}). */
    public Charset charset() {
        return unicode ? StandardCharsets.UTF_8 : StandardCharsets.US_ASCII;
    }

    /** {@code s} as it is written: unchanged in UTF-8, transliterated in ASCII. */
    public String text(String s) {
        return unicode ? s : ascii(s);
    }

    /** A JSON document as it is written: in ASCII its non-ASCII characters become \\uXXXX escapes. */
    public String json(String s) {
        return unicode ? s : Json.asciiEscaped(s);
    }

    @Override
    public String toString() {
        return unicode ? "UTF-8" : "ASCII";
    }

    /** {@code s} in ASCII: every character below 0x80 as it is, every other one by {@link #ascii(int)}. */
    public static String ascii(CharSequence s) {
        StringBuilder b = null;
        for (int i = 0; i < s.length(); ) {
            int cp = Character.codePointAt(s, i);
            if (cp >= 0x80 && b == null) b = new StringBuilder(s.length() + 8).append(s, 0, i);
            if (b != null) {
                if (cp < 0x80) b.append((char) cp);
                else b.append(ascii(cp));
            }
            i += Character.charCount(cp);
        }
        return b == null ? s.toString() : b.toString();
    }

    /** One character in ASCII: the glyphs pagelab draws with chosen stand-ins, letters without their accents. */
    public static String ascii(int cp) {
        if (cp < 0x80) return String.valueOf((char) cp);
        switch (cp) {
            case 0x2192:
                return "->"; // →
            case 0x2190:
                return "<-"; // ←
            case 0x2194:
                return "<->"; // ↔
            case 0x21d2:
                return "=>"; // ⇒
            case 0x00b5, 0x03bc:
                return "u"; // µ (micro sign, Greek mu): µs as us
            case 0x2248, 0x223c, 0x2243:
                return "~"; // ≈ ∼ ≃
            case 0x2265:
                return ">=";
            case 0x2264:
                return "<=";
            case 0x2260:
                return "!=";
            case 0x00b1:
                return "+-";
            case 0x00d7:
                return "x";
            case 0x00f7:
                return "/";
            case 0x2014, 0x2013, 0x2012, 0x2010, 0x2011, 0x2212, 0x2015:
                return "-"; // — – ‒ ‐ ‑ − ―
            case 0x2026:
                return "...";
            case 0x2588, 0x2589, 0x258a, 0x258b, 0x258c, 0x258d, 0x258e, 0x258f:
                return "#"; // █ and partial blocks
            case 0x2593, 0x2592:
                return "+"; // ▓ ▒
            case 0x2591:
                return ":"; // ░
            case 0x00b7, 0x2219:
                return "."; // · ∙
            case 0x2022, 0x25cf:
                return "*"; // • ●
            case 0x201c, 0x201d, 0x201e, 0x00ab, 0x00bb:
                return "\"";
            case 0x2018, 0x2019, 0x201a, 0x00b4, 0x2032:
                return "'";
            case 0x2713, 0x2714:
                return "ok"; // ✓ ✔
            case 0x2717, 0x2718:
                return "FAIL"; // ✗ ✘
            case 0x00a9:
                return "(c)";
            case 0x00ae:
                return "(R)";
            case 0x2122:
                return "(TM)";
            case 0x00b0:
                return "deg";
            case 0x00a0, 0x2002, 0x2003, 0x2009, 0x200a, 0x202f:
                return " "; // no-break and thin spaces
            case 0x200b, 0x200c, 0x200d, 0xfeff:
                return ""; // zero-width
            default:
                break;
        }
        if (cp >= 0x2500 && cp <= 0x257f) { // box drawing: ─ │ and the corners and crossings
            int r = cp - 0x2500;
            if (r <= 0x01 || r == 0x04 || r == 0x05 || r == 0x08 || r == 0x09 || r == 0x4c || r == 0x4d || r == 0x50)
                return "-";
            if (r == 0x02 || r == 0x03 || r == 0x06 || r == 0x07 || r == 0x0a || r == 0x0b || r == 0x4e || r == 0x4f
                    || r == 0x51) return "|";
            return "+";
        }
        if (cp >= 0x2580 && cp <= 0x259f) return "#"; // other block elements
        // letters with accents lose them (é as e); ligatures and the like decompose (ﬁ as fi, ² as 2)
        String d = Normalizer.normalize(new String(Character.toChars(cp)), Normalizer.Form.NFKD);
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < d.length(); i++) if (d.charAt(i) < 0x80) b.append(d.charAt(i));
        if (!b.isEmpty()) return b.toString();
        return String.format("<U+%04X>", cp); // spelled out rather than a '?' that says nothing
    }

    /**
     * A PrintStream onto {@code raw} for System.out or System.err: UTF-8 as it is, or ASCII through {@link #ascii},
     * whatever the JDK's stdout.encoding (the C locale's would print '?').
     */
    public PrintStream printStream(OutputStream raw) {
        return new PrintStream(unicode ? raw : new AsciiOutputStream(raw), true, StandardCharsets.UTF_8);
    }

    /** Reads UTF-8 and writes it transliterated to ASCII. */
    private static final class AsciiOutputStream extends OutputStream {
        private final OutputStream out;
        private final byte[] pending = new byte[4];
        private int have, need;

        AsciiOutputStream(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            b &= 0xff;
            if (need > 0) {
                if ((b & 0xc0) == 0x80) {
                    pending[have++] = (byte) b;
                    if (have == need) {
                        need = 0;
                        String s = new String(pending, 0, have, StandardCharsets.UTF_8);
                        out.write(ascii(s).getBytes(StandardCharsets.US_ASCII));
                    }
                    return;
                }
                need = 0; // a broken sequence: dropped, the byte starts afresh
            }
            if (b < 0x80) out.write(b);
            else if (b >= 0xc0 && b < 0xf8) {
                pending[0] = (byte) b;
                have = 1;
                need = b < 0xe0 ? 2 : b < 0xf0 ? 3 : 4;
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            int start = off;
            for (int i = off; i < off + len; i++) {
                if (b[i] < 0 || need > 0) {
                    if (i > start) out.write(b, start, i - start);
                    write(b[i]);
                    start = i + 1;
                }
            }
            if (off + len > start) out.write(b, start, off + len - start);
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }
}
