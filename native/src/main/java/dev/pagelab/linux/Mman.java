package dev.pagelab.linux;

import static dev.pagelab.linux.Libc.INT;
import static dev.pagelab.linux.Libc.LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * The memory-management calls of sys/mman.h: mmap, munmap, mprotect, madvise, the mlock family,
 * mincore and memfd_create. C contract of each: 0 (or the address for mmap) on success, -1 with errno set.
 * Pointers cross as {@code long} so that a call inside a measured window allocates nothing.
 */
public final class Mman {
    // sys/mman.h, asm-generic/mman-common.h, asm-generic/mman.h (x86-64)
    public static final int PROT_NONE = 0, PROT_READ = 1, PROT_WRITE = 2, PROT_EXEC = 4;
    public static final int MAP_SHARED = 0x01, MAP_PRIVATE = 0x02, MAP_FIXED = 0x10, MAP_ANONYMOUS = 0x20,
            MAP_LOCKED = 0x2000, MAP_NORESERVE = 0x4000, MAP_POPULATE = 0x8000, MAP_HUGETLB = 0x40000,
            MAP_FIXED_NOREPLACE = 0x100000;
    public static final int MAP_HUGE_SHIFT = 26;
    public static final int MAP_HUGE_2MB = 21 << MAP_HUGE_SHIFT, MAP_HUGE_1GB = 30 << MAP_HUGE_SHIFT;
    public static final int MLOCK_ONFAULT = 1;
    public static final int MCL_CURRENT = 1, MCL_FUTURE = 2, MCL_ONFAULT = 4;
    public static final int MFD_CLOEXEC = 1;
    private static final long MAP_FAILED = -1L;

    private static final MethodHandle MMAP = Libc.withErrno("mmap",
            FunctionDescriptor.of(LONG, LONG, LONG, INT, INT, INT, LONG));
    private static final MethodHandle MUNMAP = Libc.withErrno("munmap", FunctionDescriptor.of(INT, LONG, LONG));
    private static final MethodHandle MPROTECT = Libc.withErrno("mprotect", FunctionDescriptor.of(INT, LONG, LONG, INT));
    private static final MethodHandle MADVISE = Libc.withErrno("madvise", FunctionDescriptor.of(INT, LONG, LONG, INT));
    private static final MethodHandle MLOCK = Libc.withErrno("mlock", FunctionDescriptor.of(INT, LONG, LONG));
    private static final MethodHandle MLOCK2 = Libc.withErrno("mlock2", FunctionDescriptor.of(INT, LONG, LONG, INT));
    private static final MethodHandle MUNLOCK = Libc.withErrno("munlock", FunctionDescriptor.of(INT, LONG, LONG));
    private static final MethodHandle MLOCKALL = Libc.withErrno("mlockall", FunctionDescriptor.of(INT, INT));
    private static final MethodHandle MUNLOCKALL = Libc.withErrno("munlockall", FunctionDescriptor.of(INT));
    private static final MethodHandle MINCORE = Libc.withErrno("mincore", FunctionDescriptor.of(INT, LONG, LONG, LONG));
    private static final MethodHandle MEMFD_CREATE = Libc.withErrno("memfd_create",
            FunctionDescriptor.of(INT, Libc.PTR, INT));

    private Mman() {}

    public static long mmap(long addr, long length, int prot, int flags, int fd, long offset) throws LinuxException {
        MemorySegment cs = Libc.callState();
        long r;
        try {
            r = (long) MMAP.invokeExact(cs, addr, length, prot, flags, fd, offset);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
        if (r == MAP_FAILED) {
            throw new LinuxException("mmap(" + Libc.hex(addr) + ", " + length + ", " + protName(prot) + ", "
                    + mapFlagsName(flags) + ", " + fd + ", " + offset + ")", Libc.errno(cs));
        }
        return r;
    }

    public static void munmap(long addr, long length) throws LinuxException {
        int e = call2(MUNMAP, addr, length);
        if (e != 0) throw new LinuxException("munmap(" + Libc.hex(addr) + ", " + length + ")", e);
    }

    public static void mprotect(long addr, long length, int prot) throws LinuxException {
        int e = call3(MPROTECT, addr, length, prot);
        if (e != 0) throw new LinuxException("mprotect(" + Libc.hex(addr) + ", " + length + ", " + protName(prot) + ")", e);
    }

    public static void madvise(long addr, long length, int advice, String adviceName) throws LinuxException {
        int e = call3(MADVISE, addr, length, advice);
        if (e != 0) throw new LinuxException("madvise(" + Libc.hex(addr) + ", " + length + ", " + adviceName + ")", e);
    }

    public static void mlock(long addr, long length) throws LinuxException {
        int e = call2(MLOCK, addr, length);
        if (e != 0) throw new LinuxException("mlock(" + Libc.hex(addr) + ", " + length + ")", e);
    }

    public static void mlock2(long addr, long length, int flags) throws LinuxException {
        int e = call3(MLOCK2, addr, length, flags);
        if (e != 0) throw new LinuxException("mlock2(" + Libc.hex(addr) + ", " + length
                + (flags == MLOCK_ONFAULT ? ", MLOCK_ONFAULT)" : ", " + flags + ")"), e);
    }

    public static void munlock(long addr, long length) throws LinuxException {
        int e = call2(MUNLOCK, addr, length);
        if (e != 0) throw new LinuxException("munlock(" + Libc.hex(addr) + ", " + length + ")", e);
    }

    public static void mlockall(int flags) throws LinuxException {
        MemorySegment cs = Libc.callState();
        int r;
        try {
            r = (int) MLOCKALL.invokeExact(cs, flags);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
        if (r != 0) throw new LinuxException("mlockall(" + mclName(flags) + ")", Libc.errno(cs));
    }

    public static void munlockall() throws LinuxException {
        MemorySegment cs = Libc.callState();
        int r;
        try {
            r = (int) MUNLOCKALL.invokeExact(cs);
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
            r = (int) MINCORE.invokeExact(cs, addr, length, vec.address());
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
                fd = (int) MEMFD_CREATE.invokeExact(cs, arena.allocateFrom(name), MFD_CLOEXEC);
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
        String[] names = {"MAP_SHARED", "MAP_PRIVATE", "MAP_FIXED", "MAP_ANONYMOUS", "MAP_LOCKED", "MAP_NORESERVE",
                "MAP_POPULATE", "MAP_HUGETLB", "MAP_FIXED_NOREPLACE"};
        int[] bits = {MAP_SHARED, MAP_PRIVATE, MAP_FIXED, MAP_ANONYMOUS, MAP_LOCKED, MAP_NORESERVE, MAP_POPULATE,
                MAP_HUGETLB, MAP_FIXED_NOREPLACE};
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
        return log2 >= 30 ? (1L << (log2 - 30)) + "GB" : log2 >= 20 ? (1L << (log2 - 20)) + "MB" : (1L << (log2 - 10)) + "KB";
    }

    public static String mclName(int flags) {
        StringBuilder b = new StringBuilder();
        if ((flags & MCL_CURRENT) != 0) b.append("MCL_CURRENT");
        if ((flags & MCL_FUTURE) != 0) b.append(b.isEmpty() ? "" : "|").append("MCL_FUTURE");
        if ((flags & MCL_ONFAULT) != 0) b.append(b.isEmpty() ? "" : "|").append("MCL_ONFAULT");
        return b.isEmpty() ? "0" : b.toString();
    }
}
