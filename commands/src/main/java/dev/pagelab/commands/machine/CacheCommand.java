package dev.pagelab.commands.machine;

import dev.pagelab.commands.Args;
import dev.pagelab.commands.BaseCommand;
import dev.pagelab.commands.CommandError;
import dev.pagelab.commands.CommandLine;
import dev.pagelab.commands.Completions;
import dev.pagelab.commands.Session;
import dev.pagelab.commands.report.CacheReport;
import dev.pagelab.commands.report.Report;
import dev.pagelab.linux.FileStat;
import dev.pagelab.linux.LinuxException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code cache PATH|NAME...}: which pages of each file are in the page cache, as fincore and vmtouch report it. A
 * directory stands for the regular files directly in it; a mapping name stands for its file (or memfd).
 */
public final class CacheCommand extends BaseCommand {
    private static final Args.OptionSpec OPTIONS = Args.OptionSpec.NONE;
    /** A directory's files measured at most: each costs an open, a mapping and mincore. */
    static final int MAX_DIRECTORY_FILES = 4096;

    public CacheCommand() {
        super("cache", OPTIONS);
    }

    @Override
    public List<String> complete(Session session, List<String> before, int wordIndex) {
        return complete(session, before, wordIndex, "");
    }

    @Override
    public List<String> complete(Session session, List<String> before, int wordIndex, String partial) {
        return Completions.fileMappingsAndPaths(session, partial);
    }

    @Override
    public Report run(Session session, CommandLine line) throws CommandError {
        Args a = Args.parse(line, OPTIONS);
        if (a.positional().isEmpty()) {
            throw CommandError.usage(
                    0, "cache needs a file", "e.g. 'cache /var/log/syslog', or a file mapping: 'cache m1'");
        }
        List<CacheReport.FileResidency> files = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (Args.Positional word : a.positional()) {
            if (FileTarget.namesMapping(session, word.text())) {
                try (FileTarget t = FileTarget.ofMapping(session, word, name())) {
                    files.add(FileCacheResidency.measure(t));
                }
                continue;
            }
            FileStat.Stat st = FileTarget.statPath(session, word);
            if (st.directory()) {
                directory(session, word, files, notes);
            } else {
                try (FileTarget t = FileTarget.ofPath(session, word.text(), st, name())) {
                    files.add(FileCacheResidency.measure(t));
                }
            }
        }
        return new CacheReport(files, notes);
    }

    /** The regular files directly in a directory, in name order; the rest are counted in a note. */
    private void directory(
            Session session, Args.Positional word, List<CacheReport.FileResidency> files, List<String> notes)
            throws CommandError {
        String dir = word.text();
        List<Path> entries = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(Path.of(dir))) {
            for (Path p : ds) entries.add(p);
        } catch (IOException | SecurityException e) {
            throw CommandError.refused(
                    dir,
                    "the directory cannot be listed (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")",
                    "name its files one by one, or check its permissions");
        }
        entries.sort(null);
        int skipped = 0, measured = 0, over = 0;
        String firstSkipped = null;
        for (Path p : entries) {
            String path = p.toString();
            FileStat.Stat st;
            try {
                st = FileStat.stat(path);
            } catch (LinuxException e) {
                skipped++; // a dangling symlink, or removed since the listing
                if (firstSkipped == null) firstSkipped = p.getFileName() + " (" + e.errnoName() + ")";
                continue;
            }
            if (!st.regular()) {
                skipped++;
                if (firstSkipped == null) firstSkipped = p.getFileName() + " (" + st.typeName() + ")";
                continue;
            }
            if (measured >= MAX_DIRECTORY_FILES) {
                over++;
                continue;
            }
            try (FileTarget t = FileTarget.ofPath(session, path, st, name())) {
                files.add(FileCacheResidency.measure(t));
                measured++;
            } catch (CommandError e) {
                skipped++; // unreadable, or on a pseudo file system: say so, go on
                if (firstSkipped == null) firstSkipped = p.getFileName() + " (" + e.line() + ")";
            }
        }
        if (measured == 0 && over == 0) {
            throw CommandError.refused(
                    dir,
                    "holds no regular file pagelab could measure"
                            + (skipped > 0
                                    ? " (" + skipped + " other entr" + (skipped == 1 ? "y" : "ies") + ", e.g. "
                                            + firstSkipped + ")"
                                    : ""),
                    "cache does not descend into subdirectories: name one of them");
        }
        if (skipped > 0) {
            notes.add(dir + ": " + skipped + " entr" + (skipped == 1 ? "y that is" : "ies that are")
                    + " not a measurable regular file skipped, e.g. " + firstSkipped
                    + " (subdirectories are not entered)");
        }
        if (over > 0) {
            notes.add(dir + ": only the first " + MAX_DIRECTORY_FILES + " regular files measured; " + over
                    + " more left out");
        }
    }
}
