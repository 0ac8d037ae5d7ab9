package dev.pagelab.console.classroom;

import dev.pagelab.console.recipe.Observations;
import dev.pagelab.console.recipe.Predictions;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Scored predictions on their way to the teacher: each student's console appends one line per answer to its own file
 * in the class's drop directory, and {@code pagelab class results NAME} (as root) reads them all into a table.
 *
 * <p>Why this is safe. {@code results/} is root:pagelab-NAME mode 1730: a student (in the group) may create a file
 * there and open one whose name they know, but not list the directory; the sticky bit stops them removing or renaming
 * a file that is not theirs. Each {@code ID.tsv} is made by {@code class add} owned by the student, mode 0600: no
 * other student can read or write it, and root (the teacher, through sudo) reads them all. A student who creates a
 * file under another's ID before {@code class add} runs gains nothing: {@code class add} replaces a file the student
 * does not own, the console writes only to a file owned by its own uid (opened without following a symbolic link,
 * so a link planted there cannot send the writes elsewhere), and {@code class results} ignores, and names, a file
 * whose owner is not its student. A student can see whether another's file exists and its size (the directory is
 * searchable), not what it holds. The file is capped at {@value #MAX_BYTES} bytes so that it cannot fill the disk.
 *
 * <p>What it is not: an exam. A student may run a step, then predict it when replaying; the scores say who engaged.
 */
public final class ClassResults {
    static final long MAX_BYTES = 1 << 20;
    static final String HEADER = "# time\trecipe\tstep\tfigure\tpredicted\tactual\ttolerance\texact\tscore";

    private ClassResults() {}

    /**
     * Appends each scored prediction of the student of {@code policy} to their results file; the first time it cannot,
     * says so in one line through {@code note} and stops trying (the console goes on).
     */
    public static Consumer<Predictions.Scored> writer(ClassPolicy policy, Consumer<String> note) {
        Path file = policy.layout().result(policy.id());
        boolean[] failed = {false};
        return s -> {
            if (failed[0]) return;
            String problem = append(file, s);
            if (problem != null) {
                failed[0] = true;
                note.accept("note: your predictions are not reaching the teacher: " + problem
                        + " \u2014 tell your teacher ('pagelab class add' repairs it)");
            }
        };
    }

    /** Appends one line for {@code s}; null when written, else what went wrong. */
    static String append(Path file, Predictions.Scored s) {
        Set<OpenOption> options = Set.of(
                StandardOpenOption.CREATE,
                StandardOpenOption.WRITE,
                StandardOpenOption.APPEND,
                LinkOption.NOFOLLOW_LINKS);
        try (FileChannel ch = FileChannel.open(
                file, options, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
            // checked on the file opened (no link followed): another student may have made it under this name
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) return file + " is not a regular file";
            Object owner = Files.getAttribute(file, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            if (!owner.equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"))) return file + " is not yours";
            if (ch.size() >= MAX_BYTES) return file + " is full (" + MAX_BYTES + " bytes)";
            String line = (ch.size() == 0 ? HEADER + "\n" : "") + line(s);
            ch.write(ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8)));
            return null;
        } catch (NoSuchFileException e) {
            return "the class has no results directory " + file.getParent();
        } catch (AccessDeniedException e) {
            return file + " cannot be written (permission denied)";
        } catch (java.nio.file.FileSystemException e) {
            // ELOOP: a symbolic link where the file should be, not followed
            return file + ": " + (e.getReason() == null ? e.getClass().getSimpleName() : e.getReason());
        } catch (IOException | UnsupportedOperationException e) {
            return file + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
    }

    static String line(Predictions.Scored s) {
        return String.join(
                        "\t",
                        Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(),
                        s.recipe().replaceAll("[\\t\\r\\n]", " "),
                        String.valueOf(s.step()),
                        s.figure(),
                        Observations.format(s.predicted()),
                        Observations.format(s.actual()),
                        s.tolerance().replace("\u00b1", "+-"), // ASCII for graders' tools
                        s.score().exact() ? "1" : "0",
                        String.valueOf(s.score().points()))
                + "\n";
    }

    // ---- reading, for the teacher ------------------------------------------------------------------------------

    /** One scored prediction as read back. */
    record Row(
            String student,
            String time,
            String recipe,
            int step,
            String figure,
            String predicted,
            String actual,
            String tolerance,
            boolean exact,
            int score) {}

    /**
     * Everything in the drop directory.
     *
     * @param ignored files not counted, each with why (another owner, unreadable), and lines that are no row
     */
    record Table(List<Row> rows, Map<String, int[]> totals, List<String> ignored) {}

    /**
     * @throws IOException when the directory cannot be read (missing, or not root)
     */
    static Table read(ClassLayout layout) throws IOException {
        Path dir = layout.results();
        List<Row> rows = new ArrayList<>();
        Map<String, int[]> totals = new TreeMap<>();
        List<String> ignored = new ArrayList<>();
        String dirOwner = Files.getOwner(dir, LinkOption.NOFOLLOW_LINKS).getName();
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) files.add(p);
        }
        files.sort(null);
        for (Path f : files) {
            String id = ClassLayout.idOfResult(f.getFileName().toString());
            if (id == null || !Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
                ignored.add(f.getFileName() + ": not a student's results file");
                continue;
            }
            String owner = Files.getOwner(f, LinkOption.NOFOLLOW_LINKS).getName();
            // the student's own, or the directory owner's (root, who made it; a test's own user)
            if (!owner.equals(layout.account(id)) && !owner.equals(dirOwner)) {
                ignored.add(f.getFileName() + ": owned by " + owner + ", not " + layout.account(id));
                continue;
            }
            List<String> lines;
            try {
                lines = Files.readAllLines(f, StandardCharsets.UTF_8);
            } catch (IOException e) {
                ignored.add(f.getFileName() + ": cannot be read (" + e.getMessage() + ")");
                continue;
            }
            int bad = 0;
            for (String l : lines) {
                if (l.isBlank() || l.startsWith("#")) continue;
                String[] c = l.split("\t", -1);
                try {
                    if (c.length != 9) throw new NumberFormatException();
                    Row r = new Row(
                            id,
                            c[0],
                            c[1],
                            Integer.parseInt(c[2]),
                            c[3],
                            c[4],
                            c[5],
                            c[6],
                            c[7].equals("1"),
                            Integer.parseInt(c[8]));
                    rows.add(r);
                    int[] t = totals.computeIfAbsent(id, k -> new int[2]);
                    t[0] += r.score();
                    t[1]++;
                } catch (NumberFormatException e) {
                    bad++;
                }
            }
            if (bad > 0) ignored.add(f.getFileName() + ": " + bad + (bad == 1 ? " line" : " lines") + " not a result");
            totals.computeIfAbsent(id, k -> new int[2]);
        }
        return new Table(rows, totals, ignored);
    }

    /**
     * {@code class results NAME [--json]}: the table, or one line when there is nothing yet; 0, or 1 when the drop
     * directory cannot be read.
     */
    static int print(ClassLayout layout, boolean json, java.io.PrintStream out, java.io.PrintStream err) {
        Table t;
        try {
            t = read(layout);
        } catch (NoSuchFileException e) {
            err.println("pagelab: class results: class " + layout.name() + " has no results directory "
                    + layout.results() + " \u2014 'pagelab class init " + layout.name() + "' (as root) makes it");
            return 1;
        } catch (AccessDeniedException e) {
            err.println("pagelab: class results: " + layout.results()
                    + " is readable by root only, so that students cannot read each other's results \u2014 run: sudo"
                    + " pagelab class results " + layout.name());
            return 1;
        } catch (IOException e) {
            err.println("pagelab: class results: " + layout.results() + ": " + e.getMessage());
            return 1;
        }
        if (json) {
            out.println(json(layout, t));
            return 0;
        }
        for (String i : t.ignored()) err.println("pagelab: class results: ignored " + i);
        if (t.rows().isEmpty()) {
            out.println("class " + layout.name() + ": no predictions yet (students answer them in 'replay NAME' step"
                    + " by step)");
            return 0;
        }
        String[] head = {"student", "recipe", "step", "figure", "predicted", "actual", "score"};
        List<String[]> cells = new ArrayList<>();
        for (Row r : t.rows()) {
            cells.add(new String[] {
                r.student(),
                r.recipe(),
                String.valueOf(r.step()),
                r.figure(),
                r.predicted(),
                r.actual(),
                r.score() + (r.exact() ? " exact" : r.score() == 1 ? " " + r.tolerance() : "")
            });
        }
        int[] w = new int[head.length];
        for (int i = 0; i < head.length; i++) {
            w[i] = head[i].length();
            for (String[] c : cells) w[i] = Math.max(w[i], c[i].length());
        }
        out.println(row(head, w));
        for (String[] c : cells) out.println(row(c, w));
        out.println();
        for (var e : t.totals().entrySet()) {
            int[] s = e.getValue();
            out.println(String.format(
                    Locale.ROOT,
                    "%-" + w[0] + "s  %d of %d right%s",
                    e.getKey(),
                    s[0],
                    s[1],
                    s[1] == 0 ? "" : String.format(Locale.ROOT, " (%d%%)", Math.round(100.0 * s[0] / s[1]))));
        }
        return 0;
    }

    private static String row(String[] c, int[] w) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < c.length; i++) {
            boolean number = i == 2 || i == 4 || i == 5;
            String cell = number ? " ".repeat(w[i] - c[i].length()) + c[i] : c[i] + " ".repeat(w[i] - c[i].length());
            b.append(i == 0 ? "" : "  ").append(cell);
        }
        return b.toString().stripTrailing();
    }

    /**
     * The JSON graders read: {@code class}; {@code results}, one object per answer (student, time, recipe, step,
     * figure, predicted, actual, tolerance, exact, score); {@code students}, per student {@code right} of
     * {@code scored}; {@code ignored}, what was not counted and why.
     */
    static String json(ClassLayout layout, Table t) {
        StringBuilder b =
                new StringBuilder("{\"class\":").append(str(layout.name())).append(",\"results\":[");
        for (int i = 0; i < t.rows().size(); i++) {
            Row r = t.rows().get(i);
            Map<String, String> o = new LinkedHashMap<>();
            o.put("student", str(r.student()));
            o.put("time", str(r.time()));
            o.put("recipe", str(r.recipe()));
            o.put("step", String.valueOf(r.step()));
            o.put("figure", str(r.figure()));
            o.put("predicted", number(r.predicted()));
            o.put("actual", number(r.actual()));
            o.put("tolerance", str(r.tolerance()));
            o.put("exact", String.valueOf(r.exact()));
            o.put("score", String.valueOf(r.score()));
            b.append(i == 0 ? "" : ",").append(object(o));
        }
        b.append("],\"students\":[");
        boolean first = true;
        for (var e : t.totals().entrySet()) {
            Map<String, String> o = new LinkedHashMap<>();
            o.put("student", str(e.getKey()));
            o.put("right", String.valueOf(e.getValue()[0]));
            o.put("scored", String.valueOf(e.getValue()[1]));
            b.append(first ? "" : ",").append(object(o));
            first = false;
        }
        b.append("],\"ignored\":[");
        for (int i = 0; i < t.ignored().size(); i++)
            b.append(i == 0 ? "" : ",").append(str(t.ignored().get(i)));
        return b.append("]}").toString();
    }

    private static String object(Map<String, String> o) {
        StringBuilder b = new StringBuilder("{");
        for (var e : o.entrySet())
            b.append(b.length() == 1 ? "" : ",")
                    .append(str(e.getKey()))
                    .append(':')
                    .append(e.getValue());
        return b.append('}').toString();
    }

    /** A number as written in the file, or null when it is none (a hand-edited line). */
    private static String number(String s) {
        return s.matches("-?\\d+(\\.\\d+)?") ? s : "null";
    }

    static String str(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (c < 0x20) b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    else b.append(c);
                }
            }
        }
        return b.append('"').toString();
    }
}
