package dev.pagelab.commands;

import java.util.Locale;

/** Sizes as users write them: {@code 4096}, {@code 0x1000}, {@code 4K}, {@code 1M}, {@code 2G}, {@code 1T}, {@code 256p}. */
public final class Sizes {
    private Sizes() {}

    /**
     * Parses {@code text}; {@code p} counts pages of {@code pageSize}. Suffixes are binary (K = 1024) and may be
     * written {@code K}, {@code KiB} or {@code k}. Throws with the word index for the caret.
     */
    public static long parse(String text, long pageSize, int wordIndex, String what) throws CommandError {
        String t = text.trim();
        if (t.isEmpty()) throw CommandError.usage(wordIndex, what + " is missing", "write e.g. 4K, 1M, 256p or 4096");
        try {
            if (t.startsWith("0x") || t.startsWith("0X")) {
                long v = Long.parseUnsignedLong(t.substring(2), 16);
                if (v < 0) throw new ArithmeticException("too large");
                return v;
            }
            if (t.endsWith("P")) {
                throw CommandError.usage(
                        wordIndex, "'" + text + "': sizes go up to T; a lower-case p counts pages", "e.g. 256p, or 1T");
            }
            String lower = t.toLowerCase(Locale.ROOT);
            int end = 0;
            while (end < lower.length() && Character.isDigit(lower.charAt(end))) end++;
            if (end == 0) throw new NumberFormatException();
            long n = Long.parseLong(lower.substring(0, end));
            String suffix = lower.substring(end);
            long unit = switch (suffix) {
                case "", "b" -> 1;
                case "k", "kib" -> 1L << 10;
                case "m", "mib" -> 1L << 20;
                case "g", "gib" -> 1L << 30;
                case "t", "tib" -> 1L << 40;
                case "p" -> pageSize;
                case "kb", "mb", "gb", "tb" ->
                    throw CommandError.usage(
                            wordIndex,
                            "'" + text + "': sizes are binary; write " + t.substring(0, end) + suffix.charAt(0),
                            "K, M, G, T are KiB, MiB, GiB, TiB");
                default -> throw new NumberFormatException();
            };
            return Math.multiplyExact(n, unit);
        } catch (NumberFormatException | ArithmeticException e) {
            throw CommandError.usage(
                    wordIndex,
                    "'" + text + "' is not a " + what,
                    "write bytes (4096, 0x1000), K M G T (4K, 2M), or pages (256p)");
        }
    }

    /** Bytes in the shortest exact binary unit: {@code 4K}, {@code 1M}, {@code 1536K}, {@code 100}. */
    public static String format(long bytes) {
        if (bytes == 0) return "0";
        String[] units = {"T", "G", "M", "K"};
        int[] shifts = {40, 30, 20, 10};
        for (int i = 0; i < units.length; i++) {
            long unit = 1L << shifts[i];
            if (Math.abs(bytes) >= unit && bytes % unit == 0) return (bytes / unit) + units[i];
        }
        return Long.toString(bytes);
    }

    /**
     * Bytes in the largest binary unit that divides them, spelled out for prose: {@code 4 KiB}, {@code 2 MiB},
     * {@code 1536 KiB}, {@code 100 B}.
     */
    public static String exact(long bytes) {
        String[] units = {"TiB", "GiB", "MiB", "KiB"};
        int[] shifts = {40, 30, 20, 10};
        for (int i = 0; i < units.length; i++) {
            long unit = 1L << shifts[i];
            if (Math.abs(bytes) >= unit && bytes % unit == 0) return (bytes / unit) + " " + units[i];
        }
        return bytes + " B";
    }

    /** Bytes for humans: {@code 4.0 KiB}, {@code 1.5 MiB}. */
    public static String human(long bytes) {
        long a = Math.abs(bytes);
        if (a < 1024) return bytes + " B";
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int i = -1;
        while (Math.abs(v) >= 1024 && i < units.length - 1) {
            v /= 1024;
            i++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[i]);
    }
}
