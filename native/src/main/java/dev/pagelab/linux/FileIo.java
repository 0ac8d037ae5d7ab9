package dev.pagelab.linux;

import static dev.pagelab.linux.LinuxConstants.*;
import static dev.pagelab.linux.ffm.Libc.INT;
import static dev.pagelab.linux.ffm.Libc.LONG;

import dev.pagelab.linux.ffm.Libc;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * File descriptors: open, close, ftruncate, pread, fsync, posix_fadvise, and a file's size (fcntl.h, unistd.h).
 * C contract: -1 (or a negative count) with errno set on failure, except posix_fadvise, which returns the error
 * number itself and leaves errno alone.
 */
public final class FileIo {
    // One holder class per function, as jextract generates them: a handle is linked (which spins a class, several
    // milliseconds at start-up) the first time its function is called, not when FileIo is first used — the
    // banner's one read of /proc/kpageflags must not link seven.
    /** {@code int open(const char *pathname, int flags, mode_t mode);} open(2) */
    private static final class Open {
        static final MethodHandle HANDLE = Libc.withErrno("open", FunctionDescriptor.of(INT, Libc.PTR, INT, INT));
    }
    /** {@code int close(int fd);} close(2) */
    private static final class Close {
        static final MethodHandle HANDLE = Libc.withErrno("close", FunctionDescriptor.of(INT, INT));
    }
    /** {@code int ftruncate(int fd, off_t length);} truncate(2) */
    private static final class Ftruncate {
        static final MethodHandle HANDLE = Libc.withErrno("ftruncate", FunctionDescriptor.of(INT, INT, LONG));
    }
    /** {@code ssize_t pread(int fd, void *buf, size_t count, off_t offset);} pread(2) */
    private static final class Pread {
        static final MethodHandle HANDLE = Libc.withErrno("pread", FunctionDescriptor.of(LONG, INT, LONG, LONG, LONG));
    }
    /** {@code off_t lseek(int fd, off_t offset, int whence);} lseek(2) */
    private static final class Lseek {
        static final MethodHandle HANDLE = Libc.withErrno("lseek", FunctionDescriptor.of(LONG, INT, LONG, INT));
    }
    /** {@code int fsync(int fd);} fsync(2) */
    private static final class Fsync {
        static final MethodHandle HANDLE = Libc.withErrno("fsync", FunctionDescriptor.of(INT, INT));
    }
    /**
     * {@code int posix_fadvise(int fd, off_t offset, off_t len, int advice);} posix_fadvise(2): returns the error
     * number (0 on success); errno is not set, so nothing is captured.
     */
    private static final class PosixFadvise {
        static final MethodHandle HANDLE =
                Libc.plain("posix_fadvise", FunctionDescriptor.of(INT, INT, LONG, LONG, INT));
    }

    private FileIo() {}

    public static int open(String path, int flags, int mode) throws LinuxException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cs = Libc.callState();
            int fd;
            try {
                fd = (int) Open.HANDLE.invokeExact(cs, arena.allocateFrom(path), flags | O_CLOEXEC, mode);
            } catch (Throwable t) {
                throw new AssertionError(t);
            }
            if (fd < 0) throw new LinuxException("open(\"" + path + "\", " + openFlags(flags) + ")", Libc.errno(cs));
            return fd;
        }
    }

    public static void close(int fd) throws LinuxException {
        MemorySegment cs = Libc.callState();
        int r;
        try {
            r = (int) Close.HANDLE.invokeExact(cs, fd);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
        if (r != 0) throw new LinuxException("close(" + fd + ")", Libc.errno(cs));
    }

    public static void ftruncate(int fd, long length) throws LinuxException {
        MemorySegment cs = Libc.callState();
        int r;
        try {
            r = (int) Ftruncate.HANDLE.invokeExact(cs, fd, length);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
        if (r != 0) throw new LinuxException("ftruncate(" + fd + ", " + length + ")", Libc.errno(cs));
    }

    public static void fsync(int fd) throws LinuxException {
        MemorySegment cs = Libc.callState();
        int r;
        try {
            r = (int) Fsync.HANDLE.invokeExact(cs, fd);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
        if (r != 0) throw new LinuxException("fsync(" + fd + ")", Libc.errno(cs));
    }

    /**
     * posix_fadvise(fd, offset, length, advice); a length of 0 means "to the end of the file". The call returns
     * its error number rather than setting errno, which is why its handle captures nothing.
     */
    public static void posixFadvise(int fd, long offset, long length, int advice) throws LinuxException {
        int r;
        try {
            r = (int) PosixFadvise.HANDLE.invokeExact(fd, offset, length, advice);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
        if (r != 0) {
            throw new LinuxException(
                    "posix_fadvise(" + fd + ", " + offset + ", " + length + ", " + fadviceName(advice) + ")", r);
        }
    }

    public static String fadviceName(int advice) {
        return switch (advice) {
            case POSIX_FADV_NORMAL -> "POSIX_FADV_NORMAL";
            case POSIX_FADV_RANDOM -> "POSIX_FADV_RANDOM";
            case POSIX_FADV_SEQUENTIAL -> "POSIX_FADV_SEQUENTIAL";
            case POSIX_FADV_WILLNEED -> "POSIX_FADV_WILLNEED";
            case POSIX_FADV_DONTNEED -> "POSIX_FADV_DONTNEED";
            case POSIX_FADV_NOREUSE -> "POSIX_FADV_NOREUSE";
            default -> Integer.toString(advice);
        };
    }

    /** The file's current size (lseek to the end: the open file description's offset is not used for I/O here). */
    public static long size(int fd) throws LinuxException {
        MemorySegment cs = Libc.callState();
        long r;
        try {
            r = (long) Lseek.HANDLE.invokeExact(cs, fd, 0L, SEEK_END);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
        if (r < 0) throw new LinuxException("lseek(" + fd + ", 0, SEEK_END)", Libc.errno(cs));
        return r;
    }

    /** Reads up to {@code dst.byteSize()} bytes at {@code offset}; returns the count read (short at EOF). */
    public static long pread(int fd, MemorySegment dst, long offset) throws LinuxException {
        return pread(fd, dst, dst.byteSize(), offset);
    }

    /** Reads up to {@code want} bytes at {@code offset} into the start of {@code dst}; returns the count read. */
    public static long pread(int fd, MemorySegment dst, long want, long offset) throws LinuxException {
        java.util.Objects.checkFromIndexSize(0, want, dst.byteSize());
        long done = 0;
        MemorySegment cs = Libc.callState();
        while (done < want) {
            long r;
            try {
                r = (long) Pread.HANDLE.invokeExact(cs, fd, dst.address() + done, want - done, offset + done);
            } catch (Throwable t) {
                throw new AssertionError(t);
            }
            if (r < 0) {
                int e = Libc.errno(cs);
                if (e == Errno.EINTR) continue;
                throw new LinuxException("pread(" + fd + ", " + (want - done) + ", " + (offset + done) + ")", e);
            }
            if (r == 0) break;
            done += r;
        }
        return done;
    }

    private static String openFlags(int flags) {
        String acc = switch (flags & 3) {
            case O_WRONLY -> "O_WRONLY";
            case O_RDWR -> "O_RDWR";
            default -> "O_RDONLY";
        };
        return acc + ((flags & O_CREAT) != 0 ? "|O_CREAT" : "") + ((flags & O_NONBLOCK) != 0 ? "|O_NONBLOCK" : "")
                + ((flags & O_NOCTTY) != 0 ? "|O_NOCTTY" : "") + "|O_CLOEXEC";
    }
}
