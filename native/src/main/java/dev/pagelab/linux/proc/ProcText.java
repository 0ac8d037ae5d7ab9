package dev.pagelab.linux.proc;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reading the text files of /proc and /sys, for the classes that parse them ({@link ProcMaps}, {@link ProcMeminfo},
 * {@link ThpSettings}, {@link HugetlbPool}, {@link Capabilities}, {@link Machine}). Read outside any measured window.
 */
public final class ProcText {
    private ProcText() {}

    static String read(String path) {
        try {
            return Files.readString(Path.of(path));
        } catch (IOException e) {
            throw new UncheckedIOException(path + ": " + e.getMessage(), e);
        }
    }

    public static List<String> lines(String path) {
        try {
            return Files.readAllLines(Path.of(path));
        } catch (IOException e) {
            throw new UncheckedIOException(path + ": " + e.getMessage(), e);
        }
    }

    /** The first line of a file, trimmed; "" when it cannot be read. */
    static String firstLine(String path) {
        try {
            String s = Files.readString(Path.of(path)).trim();
            int nl = s.indexOf('\n');
            return nl < 0 ? s : s.substring(0, nl).trim();
        } catch (IOException | UncheckedIOException e) {
            return "";
        }
    }

    /** The bracketed choice of a /sys "a [b] c" setting, e.g. THP's "madvise" (the whole value if unbracketed). */
    static Optional<String> sysChoice(String path) {
        String s = readSmall(path);
        return s == null ? Optional.empty() : Optional.of(bracketed(s));
    }

    /** The bracketed word of "always [madvise] never", or the whole text, trimmed, when nothing is bracketed. */
    public static String bracketed(String s) {
        int a = s.indexOf('['), b = s.indexOf(']');
        return a >= 0 && b > a ? s.substring(a + 1, b) : s.trim();
    }

    /** A small /sys or /proc file (under 512 bytes) as Latin-1 text, or null when it cannot be read. */
    static String readSmall(String path) {
        try {
            byte[] b = readKept(path, 512);
            return b == null ? null : new String(b, java.nio.charset.StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return null;
        }
    }

    /** Handles of the /proc and /sys files read per step, kept open; empty for a file this kernel lacks. */
    private static final Map<String, Optional<RandomAccessFile>> KEPT = new ConcurrentHashMap<>();

    /**
     * The whole of a /proc or /sys file, read again from offset 0 through a handle kept open for the life of the
     * process (seq_file and sysfs regenerate the text on every read from 0). Per step this saves an open and a
     * close and, since the sampling code mostly runs interpreted, most of its cost: measured here, a kept
     * handle reads a sysfs setting in some 5 µs where opening it anew took 25 to 45 µs. Null when the file does
     * not exist (remembered: sysfs files do not appear later).
     */
    public static byte[] readKept(String path, int sizeHint) throws IOException {
        Optional<RandomAccessFile> kept = KEPT.get(path);
        if (kept == null) {
            try {
                kept = Optional.of(new RandomAccessFile(path, "r"));
            } catch (java.io.FileNotFoundException e) {
                if (Files.exists(Path.of(path))) throw e; // exists but unreadable: not remembered
                kept = Optional.empty();
            }
            Optional<RandomAccessFile> raced = KEPT.putIfAbsent(path, kept);
            if (raced != null) {
                if (kept.isPresent()) kept.get().close();
                kept = raced;
            }
        }
        if (kept.isEmpty()) return null;
        RandomAccessFile f = kept.get();
        synchronized (f) {
            f.seek(0);
            byte[] buf = new byte[sizeHint];
            int len = 0, r;
            while ((r = f.read(buf, len, buf.length - len)) > 0) {
                len += r;
                if (len == buf.length) buf = Arrays.copyOf(buf, buf.length * 2);
            }
            return len == buf.length ? buf : Arrays.copyOf(buf, len);
        }
    }
}
