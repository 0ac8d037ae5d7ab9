package dev.pagelab.commands.machine;

import static dev.pagelab.linux.LinuxConstants.O_NOCTTY;
import static dev.pagelab.linux.LinuxConstants.O_NONBLOCK;
import static dev.pagelab.linux.LinuxConstants.O_RDONLY;

import dev.pagelab.commands.Args;
import dev.pagelab.commands.CommandError;
import dev.pagelab.commands.Mapping;
import dev.pagelab.commands.Session;
import dev.pagelab.commands.Sizes;
import dev.pagelab.linux.Errno;
import dev.pagelab.linux.FileIo;
import dev.pagelab.linux.FileStat;
import dev.pagelab.linux.LinuxException;
import dev.pagelab.linux.proc.ProcMeminfo;

/**
 * A file named by {@code cache} or {@code evict}: a PATH, opened read-only here and closed with {@link #close},
 * or a session mapping backed by a file or memfd, whose own descriptor is used (and left open). Only regular
 * files on file systems with a page cache get this far; everything else is refused with the reason.
 *
 * @param label   what the user wrote (a path, or a mapping name)
 * @param path    the file's path (for a memfd, its /proc/self/maps name)
 * @param mapping the session mapping named, or null for a PATH
 * @param fd      a descriptor open for reading
 * @param ownsFd  whether {@link #close} closes {@code fd}
 * @param fsType  the file system's type: from /proc/self/mountinfo when it shows the mount, else from statfs
 */
public record FileTarget(
        String label,
        String path,
        Mapping mapping,
        int fd,
        boolean ownsFd,
        FileStat.Stat stat,
        FileStat.FsStat fs,
        String fsType)
        implements AutoCloseable {

    /** Whether {@code word} names one of the session's mappings (a mapping name wins over a file of that name). */
    static boolean namesMapping(Session session, String word) {
        int bracket = word.indexOf('[');
        String name = bracket < 0 ? word : word.substring(0, bracket);
        return Session.validName(name) && session.mapping(name) != null;
    }

    static FileTarget ofMapping(Session session, Args.Positional word, String verb) throws CommandError {
        String text = word.text();
        if (text.indexOf('[') >= 0) {
            String name = text.substring(0, text.indexOf('['));
            throw CommandError.usage(
                    word.index(),
                    verb + " works on a whole file, not a range of a mapping",
                    "write '" + verb + " " + name + "'");
        }
        Mapping m = session.mapping(text);
        if (!m.kind().fileBacked()) {
            throw CommandError.refused(
                    m.name(),
                    "is anonymous memory ("
                            + (m.hugetlb()
                                    ? "hugetlb " + Sizes.format(m.pageSize())
                                    : m.kind().label()) + "): no file backs it, so it has no page cache",
                    verb + " takes a file, or a mapping made with --file or --memfd; 'inspect-pagemap " + m.name()
                            + "' shows its pages");
        }
        try {
            FileStat.Stat st = FileStat.fstat(m.fd());
            FileStat.FsStat fs = FileStat.fstatfs(m.fd());
            return new FileTarget(m.name(), m.path(), m, m.fd(), false, st, fs, fsType(st, fs));
        } catch (LinuxException e) {
            throw CommandError.kernel(m.name(), e, "the mapping's file descriptor could not be examined", null);
        }
    }

    /** stat(2) of a PATH word, with the one-line error a missing or unreadable path deserves. */
    static FileStat.Stat statPath(Session session, Args.Positional word) throws CommandError {
        String path = word.text();
        try {
            return FileStat.stat(path);
        } catch (LinuxException e) {
            throw CommandError.kernel(path, e, pathHint(session, path, e.errno()), null);
        }
    }

    public static String pathHint(Session session, String path, int errno) {
        return switch (errno) {
            case Errno.ENOENT -> {
                String h = "no such file; check the path (Tab completes file names)";
                if (Session.validName(path) && session.mapping(path) == null) {
                    h += session.names().isEmpty()
                            ? "; no mapping has that name either"
                            : "; nor is it a mapping (mappings: " + String.join(", ", session.names()) + ")";
                }
                yield h;
            }
            case Errno.EACCES ->
                "no permission as uid "
                        + ProcMeminfo.status().getOrDefault("Uid", "?").split("\\s+")[0]
                        + ": the file must be readable and every directory above it searchable";
            case Errno.EPERM -> "not permitted (a security module, or the file is sealed)";
            case Errno.ENOTDIR -> "a component of the path is not a directory";
            case Errno.ELOOP -> "too many symbolic links: the path probably loops";
            case Errno.ENAMETOOLONG -> "the path is too long";
            default -> "";
        };
    }

    /**
     * Opens a PATH whose stat said regular file: O_RDONLY|O_NONBLOCK|O_NOCTTY (so that a file replaced by a FIFO
     * or a terminal in between cannot block or become the controlling tty), then checks with fstat that the
     * descriptor is the file that was examined.
     */
    static FileTarget ofPath(Session session, String path, FileStat.Stat st, String verb) throws CommandError {
        refuseIrregular(path, st, verb);
        int fd;
        try {
            fd = FileIo.open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY, 0);
        } catch (LinuxException e) {
            throw CommandError.kernel(path, e, pathHint(session, path, e.errno()), null);
        }
        try {
            FileStat.Stat now = FileStat.fstat(fd);
            if (!now.sameFile(st) || !now.regular()) {
                throw CommandError.refused(
                        path,
                        "the file changed while it was being opened (another inode is there now)",
                        "run " + verb + " again");
            }
            FileStat.FsStat fs = FileStat.fstatfs(fd);
            String type = fsType(now, fs);
            if (fs.pseudo()) {
                throw CommandError.refused(
                        path,
                        "is on " + type + ": its files are generated when read and keep no "
                                + "pages in the page cache (the size it shows is not its content)",
                        "name a file on a disk file system or on tmpfs");
            }
            return new FileTarget(path, path, null, fd, true, now, fs, type);
        } catch (LinuxException e) {
            closeQuietly(fd);
            throw CommandError.kernel(path, e, "the open file could not be examined", null);
        } catch (CommandError e) {
            closeQuietly(fd);
            throw e;
        }
    }

    /** Refuses what is not a regular file, saying why it has no page cache pagelab could map. */
    static void refuseIrregular(String path, FileStat.Stat st, String verb) throws CommandError {
        if (st.regular()) return;
        String why = switch (st.type()) {
            case FileStat.S_IFDIR -> "is a directory";
            case FileStat.S_IFIFO -> "is a FIFO: a pipe's data is not in the page cache (and opening it could block)";
            case FileStat.S_IFSOCK -> "is a socket: it has no pages in the page cache";
            case FileStat.S_IFCHR ->
                "is a character device: it is not backed by the page cache, and mapping one can " + "reach hardware";
            case FileStat.S_IFBLK -> "is a block device: its page cache is the buffer cache of the whole device";
            default -> "is a " + st.typeName() + ", not a regular file";
        };
        String hint = st.directory()
                ? verb + " takes one file: name a file in it ('cache " + path + "' shows which hold pages)"
                : "name a regular file";
        throw CommandError.refused(path, why, hint);
    }

    private static String fsType(FileStat.Stat st, FileStat.FsStat fs) {
        // statfs cannot tell ext2, ext3 and ext4 apart; the mount table can. memfd is on an internal mount.
        try {
            return FileStat.mountType(st.devMajor(), st.devMinor()).orElse(fs.typeName());
        } catch (java.io.UncheckedIOException e) {
            return fs.typeName();
        }
    }

    /** Pages of the file: its size rounded up to whole pages of {@code g}. */
    long pages(dev.pagelab.linux.PageGeometry g) {
        return g.pagesCovering(stat.size());
    }

    @Override
    public void close() {
        if (ownsFd) closeQuietly(fd);
    }

    private static void closeQuietly(int fd) {
        try {
            FileIo.close(fd);
        } catch (LinuxException ignored) {
            // a read-only descriptor pagelab alone used: nothing to recover
        }
    }
}
