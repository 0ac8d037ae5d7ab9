package dev.pagelab.commands;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Shared completion candidates. */
public final class Completions {
    private Completions() {}

    public static List<String> namesAndOptions(Session session, Args.OptionSpec spec) {
        List<String> out = new ArrayList<>(session.names());
        out.addAll(options(spec));
        return out;
    }

    public static List<String> options(Args.OptionSpec spec) {
        List<String> out = new ArrayList<>();
        for (String f : spec.flags()) out.add("--" + f);
        for (String v : spec.valued()) out.add("--" + v);
        for (String v : spec.optionalValue()) out.add("--" + v);
        out.sort(null);
        return out;
    }

    /** Ranges, then the command's options. */
    public static List<String> rangesAndOptions(Session session, Args.OptionSpec spec) {
        List<String> out = ranges(session);
        out.addAll(options(spec));
        return out;
    }

    /** Mapping names, and for a name already typed with '[', a few range shapes of it. */
    public static List<String> ranges(Session session) {
        List<String> out = new ArrayList<>(session.names());
        for (Mapping m : session.mappings()) {
            out.add(m.name() + "[0:" + Sizes.format(m.pageSize()) + "]");
            if (m.length() >= 2 * m.pageSize()) out.add(m.name() + "[" + Sizes.format(m.length() / 2) + ":]");
        }
        return out;
    }

    /** Candidates at most offered for one directory: a huge directory should not stall the prompt. */
    static final int MAX_PATHS = 500;

    /** Names of the mappings backed by a file or memfd (those cache and evict accept), then file names. */
    public static List<String> fileMappingsAndPaths(Session session, String partial) {
        List<String> out = new ArrayList<>();
        for (Mapping m : session.mappings()) if (m.kind().fileBacked()) out.add(m.name());
        out.addAll(paths(partial == null ? "" : partial));
        return out;
    }

    /**
     * Entries of the directory {@code partial} names so far ({@code /var/l} lists /var), written as the user
     * would continue the word; directories end in '/' so that completion can go on into them. Hidden entries only
     * when the name typed starts with a dot. Nothing is followed or opened but that one directory.
     */
    public static List<String> paths(String partial) {
        int slash = partial.lastIndexOf('/');
        String dirPart = slash < 0 ? "" : partial.substring(0, slash + 1);
        String prefix = partial.substring(slash + 1);
        Path dir = Path.of(dirPart.isEmpty() ? "." : dirPart);
        List<String> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                String name = p.getFileName().toString();
                if (!name.startsWith(prefix) || (name.startsWith(".") && !prefix.startsWith("."))) continue;
                out.add(dirPart + name + (Files.isDirectory(p) ? "/" : ""));
                if (out.size() >= MAX_PATHS) break;
            }
        } catch (IOException | RuntimeException e) {
            return out; // an unreadable or vanished directory completes to nothing
        }
        out.sort(null);
        return out;
    }
}
