package dev.pagelab.console.terminal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jline.utils.InfoCmp;

/**
 * The terminal's capabilities as {@code infocmp -x $TERM} printed them, kept between sessions. JLine runs
 * infocmp in a child process every time a terminal opens, for every TERM (its built-in descriptions are only a
 * fallback); measured here that costs 40-80 ms of the launch, more than any other single step before the prompt.
 * The cached text is handed to JLine as if it had run infocmp itself. It is used only while the compiled
 * terminfo entry it came from is unchanged (same file, size and modification time), so it is never stale:
 * re-installing or editing the entry makes JLine run infocmp again and the cache is rewritten.
 */
public final class TerminfoCache {
    /** The names infocmp accepts (JLine's own check): no option-like or path-like TERM reaches a file name. */
    private static final Pattern TERM_NAME = Pattern.compile("[A-Za-z0-9_.+][A-Za-z0-9_.+\\-]*");

    private static final String HEADER = "# pagelab terminfo cache: ";

    private final String term;
    private final Path cacheFile;
    private final Optional<Path> source;
    private boolean seeded;

    private TerminfoCache(String term, Path cacheFile, Optional<Path> source) {
        this.term = term;
        this.cacheFile = cacheFile;
        this.source = source;
    }

    /** The cache for this process's TERM, or empty when there is nothing to cache (no TERM, dumb, odd name). */
    public static Optional<TerminfoCache> forEnvironment(Map<String, String> env) {
        String term = env.get("TERM");
        if (term == null || !TERM_NAME.matcher(term).matches() || term.startsWith("dumb")) return Optional.empty();
        String cacheHome = env.get("XDG_CACHE_HOME");
        Path base = cacheHome != null && !cacheHome.isEmpty()
                ? Path.of(cacheHome)
                : Path.of(System.getProperty("user.home"), ".cache");
        return Optional.of(new TerminfoCache(
                term, base.resolve("pagelab").resolve("terminfo").resolve(term), compiledEntry(term, env)));
    }

    /**
     * Where ncurses finds the compiled entry, in its order: $TERMINFO, ~/.terminfo, $TERMINFO_DIRS (an empty
     * element is the system directory), then the system directories. Entries live in a directory named by the
     * first letter, or by its hex code on file systems that fold case.
     */
    public static Optional<Path> compiledEntry(String term, Map<String, String> env) {
        List<String> dirs = new ArrayList<>();
        String terminfo = env.get("TERMINFO");
        if (terminfo != null && !terminfo.isEmpty()) dirs.add(terminfo);
        dirs.add(System.getProperty("user.home") + "/.terminfo");
        String terminfoDirs = env.get("TERMINFO_DIRS");
        if (terminfoDirs != null) {
            for (String d : terminfoDirs.split(":", -1)) dirs.add(d.isEmpty() ? "/usr/share/terminfo" : d);
        }
        dirs.addAll(List.of("/etc/terminfo", "/lib/terminfo", "/usr/share/terminfo", "/usr/lib/terminfo"));
        char first = term.charAt(0);
        for (String dir : dirs) {
            for (String sub : List.of(String.valueOf(first), Integer.toHexString(first))) {
                Path p = Path.of(dir, sub, term);
                if (Files.isRegularFile(p)) return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** What the cache must say about the entry for its text to be used. */
    private Optional<String> stamp() {
        if (source.isEmpty()) return Optional.empty();
        try {
            Path p = source.get();
            FileTime modified = Files.getLastModifiedTime(p);
            return Optional.of(p + " " + Files.size(p) + " " + modified.toMillis());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Hands JLine the cached capabilities, when they are still those of the installed entry. */
    public void seed() {
        Optional<String> stamp = stamp();
        if (stamp.isEmpty() || !Files.isRegularFile(cacheFile)) return;
        try {
            String text = Files.readString(cacheFile, StandardCharsets.UTF_8);
            int eol = text.indexOf('\n');
            if (eol < 0 || !text.substring(0, eol).equals(HEADER + stamp.get())) return;
            String caps = text.substring(eol + 1);
            if (caps.isBlank()) return;
            InfoCmp.setLoadedInfoCmp(term, caps);
            seeded = true;
        } catch (IOException | RuntimeException e) {
            // an unreadable cache only costs the child process it was meant to save
        }
    }

    /** After the terminal opened: keeps what infocmp told JLine, if it was not the cache's text already. */
    public void store() {
        if (seeded) return;
        Optional<String> stamp = stamp();
        if (stamp.isEmpty()) return;
        String caps;
        try {
            caps = InfoCmp.getLoadedInfoCmp(term);
        } catch (RuntimeException e) {
            return;
        }
        if (caps == null || caps.isBlank()) return;
        try {
            Files.createDirectories(cacheFile.getParent());
            Path tmp = Files.createTempFile(cacheFile.getParent(), term, ".tmp");
            Files.writeString(tmp, HEADER + stamp.get() + "\n" + caps, StandardCharsets.UTF_8);
            Files.move(tmp, cacheFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            // a read-only home or full disk: the next launch runs infocmp again, nothing worse
        }
    }

    public boolean seeded() {
        return seeded;
    }

    public Path file() {
        return cacheFile;
    }
}
