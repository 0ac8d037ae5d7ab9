package dev.pagelab.linux;

import static dev.pagelab.linux.LinuxConstants.*;
import static dev.pagelab.linux.ffm.Libc.INT;
import static dev.pagelab.linux.ffm.Libc.LONG;

import dev.pagelab.linux.ffm.Libc;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * The memory-management calls of sys/mman.h: mmap, munmap, mprotect, madvise, the mlock family, mincore and
 * memfd_create; their flags are in {@link LinuxConstants}. C contract of each: 0 (or the address for mmap, the
 * descriptor for memfd_create) on success, -1 with errno set. Pointers cross as {@code long} so that a call inside a
 * measured window allocates nothing.
 *
 * <p>One holder class per function, as jextract generates them: a function is linked the first time it is called
 * (StepMeter's warm-up calls every measured one before the first step, so no window links a handle), and a C library
 * without the symbol fails that call alone, with ENOSYS, as the kernel answers a call it does not have
 * ({@link Libc#withErrno}).
 */
public final class Mman {
    private static final long MAP_FAILED = -1L;

    /** {@code void *mmap(void *addr, size_t length, int prot, int flags, int fd, off_t offset);} mmap(2) */
    private static final class Mmap {
        static final MethodHandle HANDLE =
                Libc.withErrno("mmap", FunctionDescriptor.of(LONG, LONG, LONG, INT, INT, INT, LONG));
    }
    /** {@code int munmap(void *addr, size_t length);} mmap(2) */
    private static final class Munmap {
        static final MethodHandle HANDLE = Libc.withErrno("munmap", FunctionDescriptor.of(INT, LONG, LONG));
    }
    /** {@code int mprotect(void *addr, size_t len, int prot);} mprotect(2) */
    private static final class Mprotect {
        static final MethodHandle HANDLE = Libc.withErrno("mprotect", FunctionDescriptor.of(INT, LONG, LONG, INT));
    }
    /** {@code int madvise(void *addr, size_t length, int advice);} madvise(2) */
    private static final class Madvise {
        static final MethodHandle HANDLE = Libc.withErrno("madvise", FunctionDescriptor.of(INT, LONG, LONG, INT));
    }
    /** {@code int mlock(const void *addr, size_t len);} mlock(2) */
    private static final class Mlock {
        static final MethodHandle HANDLE = Libc.withErrno("mlock", FunctionDescriptor.of(INT, LONG, LONG));
    }
    /** {@code int mlock2(const void *addr, size_t len, unsigned int flags);} mlock(2): Linux 4.4, glibc 2.27 */
    private static final class Mlock2 {
        static final MethodHandle HANDLE = Libc.withErrno("mlock2", FunctionDescriptor.of(INT, LONG, LONG, INT));
    }
    /** {@code int munlock(const void *addr, size_t len);} mlock(2) */
    private static final class Munlock {
        static final MethodHandle HANDLE = Libc.withErrno("munlock", FunctionDescriptor.of(INT, LONG, LONG));
    }
    /** {@code int mlockall(int flags);} mlock(2) */
    private static final class Mlockall {
        static final MethodHandle HANDLE = Libc.withErrno("mlockall", FunctionDescriptor.of(INT, INT));
    }
    /** {@code int munlockall(void);} mlock(2) */
    private static final class Munlockall {
        static final MethodHandle HANDLE = Libc.withErrno("munlockall", FunctionDescriptor.of(INT));
    }
    /** {@code int mincore(void *addr, size_t length, unsigned char *vec);} mincore(2) */
    private static final class Mincore {
        static final MethodHandle HANDLE = Libc.withErrno("mincore", FunctionDescriptor.of(INT, LONG, LONG, LONG));
    }
    /** {@code int memfd_create(const char *name, unsigned int flags);} memfd_create(2): Linux 3.17, glibc 2.27 */
    private static final class MemfdCreate {
        static final MethodHandle HANDLE = Libc.withErrno("memfd_create", FunctionDescriptor.of(INT, Libc.PTR, INT));
    }

    private Mman() {}

    public static long mmap(long addr, long length, int prot, int flags, int fd, long offset) throws LinuxException {
        MemorySegment cs = Libc.callState();
        long r;
        try {
            r = (long) Mmap.HANDLE.invokeExact(cs, addr, length, prot, flags, fd, offset);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
        if (r == MAP_FAILED) {
            throw new LinuxException(
                    "mmap(" + Libc.hex(addr) + ", " + length + ", " + protName(prot) + ", " + mapFlagsName(flags) + ", "
                            + fd + ", " + offset + ")",
                    Libc.errno(cs));
        }
        return r;
    }

    public static void munmap(long addr, long length) throws LinuxException {
        int e = call2(Munmap.HANDLE, addr, length);
        if (e != 0) throw new LinuxException("munmap(" + Libc.hex(addr) + ", " + length + ")", e);
    }

    public static void mprotect(long addr, long length, int prot) throws LinuxException {
        int e = call3(Mprotect.HANDLE, addr, length, prot);
        if (e != 0)
            throw new LinuxException("mprotect(" + Libc.hex(addr) + ", " + length + ", " + protName(prot) + ")", e);
    }

    public static void madvise(long addr, long length, int advice, String adviceName) throws LinuxException {
        int e = call3(Madvise.HANDLE, addr, length, advice);
        if (e != 0) throw new LinuxException("madvise(" + Libc.hex(addr) + ", " + length + ", " + adviceName + ")", e);
    }

    public static void mlock(long addr, long length) throws LinuxException {
        int e = call2(Mlock.HANDLE, addr, length);
        if (e != 0) throw new LinuxException("mlock(" + Libc.hex(addr) + ", " + length + ")", e);
    }

    public static void mlock2(long addr, long length, int flags) throws LinuxException {
        int e = call3(Mlock2.HANDLE, addr, length, flags);
        if (e != 0)
            throw new LinuxException(
                    "mlock2(" + Libc.hex(addr) + ", " + length
                            + (flags == MLOCK_ONFAULT ? ", MLOCK_ONFAULT)" : ", " + flags + ")"),
                    e);
    }

    public static void munlock(long addr, long length) throws LinuxException {
        int e = call2(Munlock.HANDLE, addr, length);
        if (e != 0) throw new LinuxException("munlock(" + Libc.hex(addr) + ", " + length + ")", e);
    }

    public static void mlockall(int flags) throws LinuxException {
        MemorySegment cs = Libc.callState();
        int r;
        try {
            r = (int) Mlockall.HANDLE.invokeExact(cs, flags);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
        if (r != 0) throw new LinuxException("mlockall(" + mclName(flags) + ")", Libc.errno(cs));
    }

    public static void munlockall() throws LinuxException {
        MemorySegment cs = Libc.callState();
        int r;
        try {
            r = (int) Munlockall.HANDLE.invokeExact(cs);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
        if (r != 0) throw new LinuxException("munlockall()", Libc.errno(cs));
    }

    /** mincore into {@code vec}, one byte per page of {@code length}. */
    public static void mincore(long addr, long length, MemorySegment vec) throws LinuxException {
        MemorySegment cs = Libc.callState();
        int r;
        try {
            r = (int) Mincore.HANDLE.invokeExact(cs, addr, length, vec.address());
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
        if (r != 0) throw new LinuxException("mincore(" + Libc.hex(addr) + ", " + length + ")", Libc.errno(cs));
    }

    /** A new memfd; the caller owns the descriptor and closes it with {@link FileIo#close}. */
    public static int memfdCreate(String name) throws LinuxException {
        try (var arena = java.lang.foreign.Arena.ofConfined()) {
            MemorySegment cs = Libc.callState();
            int fd;
            try {
                fd = (int) MemfdCreate.HANDLE.invokeExact(cs, arena.allocateFrom(name), MFD_CLOEXEC);
            } catch (Throwable t) {
                throw new AssertionError(t);
            }
            if (fd < 0) throw new LinuxException("memfd_create(\"" + name + "\", MFD_CLOEXEC)", Libc.errno(cs));
            return fd;
        }
    }

    private static int call2(MethodHandle h, long a, long b) {
        MemorySegment cs = Libc.callState();
        int r;
        try {
            r = (int) h.invokeExact(cs, a, b);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
        return r == 0 ? 0 : Libc.errno(cs);
    }

    private static int call3(MethodHandle h, long a, long b, int c) {
        MemorySegment cs = Libc.callState();
        int r;
        try {
            r = (int) h.invokeExact(cs, a, b, c);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
        return r == 0 ? 0 : Libc.errno(cs);
    }

    public static String protName(int prot) {
        if (prot == PROT_NONE) return "PROT_NONE";
        StringBuilder b = new StringBuilder();
        if ((prot & PROT_READ) != 0) b.append("PROT_READ");
        if ((prot & PROT_WRITE) != 0) b.append(b.isEmpty() ? "" : "|").append("PROT_WRITE");
        if ((prot & PROT_EXEC) != 0) b.append(b.isEmpty() ? "" : "|").append("PROT_EXEC");
        return b.toString();
    }

    public static String mapFlagsName(int flags) {
        StringBuilder b = new StringBuilder();
        String[] names = {
            "MAP_SHARED",
            "MAP_PRIVATE",
            "MAP_FIXED",
            "MAP_ANONYMOUS",
            "MAP_LOCKED",
            "MAP_NORESERVE",
            "MAP_POPULATE",
            "MAP_HUGETLB",
            "MAP_FIXED_NOREPLACE"
        };
        int[] bits = {
            MAP_SHARED,
            MAP_PRIVATE,
            MAP_FIXED,
            MAP_ANONYMOUS,
            MAP_LOCKED,
            MAP_NORESERVE,
            MAP_POPULATE,
            MAP_HUGETLB,
            MAP_FIXED_NOREPLACE
        };
        for (int i = 0; i < bits.length; i++) {
            if ((flags & bits[i]) != 0) b.append(b.isEmpty() ? "" : "|").append(names[i]);
        }
        int huge = (flags >>> MAP_HUGE_SHIFT) & 0x3f;
        if (huge != 0) b.append("|MAP_HUGE_").append(huge >= 10 ? mapHugeName(huge) : "2^" + huge);
        return b.toString();
    }

    /**
     * MAP_HUGETLB's size bits for huge pages of {@code size} bytes (a power of two): log2(size) in bits 26-31
     * (include/uapi/asm-generic/hugetlb_encode.h), e.g. MAP_HUGE_2MB, MAP_HUGE_32MB, MAP_HUGE_512MB, MAP_HUGE_1GB.
     */
    public static int mapHuge(long size) {
        if (size <= 0 || Long.bitCount(size) != 1) throw new IllegalArgumentException("huge page size " + size);
        return Long.numberOfTrailingZeros(size) << MAP_HUGE_SHIFT;
    }

    /** The name of MAP_HUGE_* for log2 of the size: 16 -> 64KB, 21 -> 2MB, 25 -> 32MB, 30 -> 1GB, 34 -> 16GB. */
    static String mapHugeName(int log2) {
        return log2 >= 30
                ? (1L << (log2 - 30)) + "GB"
                : log2 >= 20 ? (1L << (log2 - 20)) + "MB" : (1L << (log2 - 10)) + "KB";
    }

    public static String mclName(int flags) {
        StringBuilder b = new StringBuilder();
        if ((flags & MCL_CURRENT) != 0) b.append("MCL_CURRENT");
        if ((flags & MCL_FUTURE) != 0) b.append(b.isEmpty() ? "" : "|").append("MCL_FUTURE");
        if ((flags & MCL_ONFAULT) != 0) b.append(b.isEmpty() ? "" : "|").append("MCL_ONFAULT");
        return b.isEmpty() ? "0" : b.toString();
    }
}
