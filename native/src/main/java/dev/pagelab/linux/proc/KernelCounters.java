package dev.pagelab.linux.proc;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The figures of a "name value" file such as /proc/vmstat ({@code pgfault 274118584}) or /proc/meminfo
 * ({@code MemFree:   24060228 kB}), in file order, as two parallel arrays. Read before and after every step, so
 * the parser is a single pass over the bytes with no regular expression, and a file whose names come in the same
 * order as last time (the same kernel) shares one array of names instead of making new strings.
 */
public final class KernelCounters {
    private final String[] names;
    private final long[] values;
    private final int size;

    private KernelCounters(String[] names, long[] values, int size) {
        this.names = names;
        this.values = values;
        this.size = size;
    }

    public int size() {
        return size;
    }

    public String name(int i) {
        if (i >= size) throw new IndexOutOfBoundsException(i);
        return names[i];
    }

    public long value(int i) {
        if (i >= size) throw new IndexOutOfBoundsException(i);
        return values[i];
    }

    /** Index of {@code name}, or -1. */
    public int indexOf(String name) {
        for (int i = 0; i < size; i++) if (names[i].equals(name)) return i;
        return -1;
    }

    /** The value of {@code name}, or {@code missing} when the file has no such line. */
    public long get(String name, long missing) {
        int i = indexOf(name);
        return i < 0 ? missing : values[i];
    }

    /**
     * {@code after − before} of counter {@code i} of {@code after}: by index when both reads have the same names
     * array (the common case), else by name; 0 for a counter {@code before} lacks.
     */
    public static long delta(KernelCounters before, KernelCounters after, int i) {
        if (before.names == after.names && i < before.size) return after.values[i] - before.values[i];
        int j = before.indexOf(after.name(i));
        return j < 0 ? 0 : after.values[i] - before.values[j];
    }

    /** Whether both reads have the very same names in the same order (then indexes mean the same counter). */
    public static boolean sameNames(KernelCounters a, KernelCounters b) {
        return a.names == b.names && a.size == b.size;
    }

    public Map<String, Long> asMap() {
        Map<String, Long> out = new LinkedHashMap<>();
        for (int i = 0; i < size; i++) out.put(names[i], values[i]);
        return out;
    }

    /**
     * Parses {@code len} bytes of such a file. A line is a name ending at ':' or at the first blank, blanks, an
     * optionally negative decimal, and anything after (" kB"); lines without a number are skipped. Names are
     * taken from {@code previous} where they match byte for byte at the same position.
     */
    public static KernelCounters parse(byte[] text, int len, KernelCounters previous) {
        int lines = 0;
        for (int i = 0; i < len; i++) if (text[i] == '\n') lines++;
        if (len > 0 && text[len - 1] != '\n') lines++;
        String[] prevNames = previous == null ? new String[0] : previous.names;
        int prevSize = previous == null ? 0 : previous.size;
        String[] names = null; // null while every name so far matches prevNames
        long[] values = new long[lines];
        int n = 0;
        int pos = 0;
        while (pos < len) {
            int lineEnd = pos;
            while (lineEnd < len && text[lineEnd] != '\n') lineEnd++;
            int nameEnd = pos;
            while (nameEnd < lineEnd && text[nameEnd] != ':' && text[nameEnd] != ' ' && text[nameEnd] != '\t')
                nameEnd++;
            int p = nameEnd < lineEnd && text[nameEnd] == ':' ? nameEnd + 1 : nameEnd;
            while (p < lineEnd && (text[p] == ' ' || text[p] == '\t')) p++;
            boolean negative = p < lineEnd && text[p] == '-';
            if (negative) p++;
            int digits = p;
            long v = 0;
            while (p < lineEnd && text[p] >= '0' && text[p] <= '9') v = v * 10 + (text[p++] - '0');
            if (nameEnd > pos && p > digits) {
                boolean same = names == null && n < prevSize && sameAscii(prevNames[n], text, pos, nameEnd);
                if (!same) {
                    if (names == null) names = Arrays.copyOf(prevNames, lines);
                    names[n] = new String(text, pos, nameEnd - pos, StandardCharsets.ISO_8859_1);
                }
                values[n++] = negative ? -v : v;
            }
            pos = lineEnd + 1;
        }
        if (names == null) {
            // Every name matched the previous read: share its array (a shorter file shares a prefix of it).
            names = prevNames;
        }
        return new KernelCounters(names, values, n);
    }

    private static boolean sameAscii(String s, byte[] text, int from, int to) {
        if (s.length() != to - from) return false;
        for (int i = 0; i < s.length(); i++) if (s.charAt(i) != (text[from + i] & 0xff)) return false;
        return true;
    }
}
