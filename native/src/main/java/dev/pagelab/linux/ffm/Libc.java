package dev.pagelab.linux.ffm;

import dev.pagelab.linux.Errno;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;

/**
 * Linking to the C library. Every handle is built once; every handle that can fail captures errno
 * (a handle's errno is only meaningful right after a failing call, so it is captured into a per-thread
 * segment rather than read later with a second call).
 */
public final class Libc {
    public static final Linker LINKER = Linker.nativeLinker();
    public static final SymbolLookup LOOKUP = LINKER.defaultLookup();

    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");
    private static final MemoryLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    /** One capture segment per thread: a shared one would race between threads. */
    private static final ThreadLocal<MemorySegment> CALL_STATE =
            ThreadLocal.withInitial(() -> Arena.global().allocate(CAPTURE_LAYOUT));

    public static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
    /** long, size_t, off_t, and a pointer passed as its address (x86-64: all 64 bits). */
    public static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG;

    public static final ValueLayout PTR = ValueLayout.ADDRESS;

    /** The stand-in for a function the C library lacks: sets the captured errno to ENOSYS and returns -1. */
    private static final MethodHandle ENOSYS;

    static {
        try {
            ENOSYS = MethodHandles.lookup()
                    .findStatic(Libc.class, "enosys", MethodType.methodType(long.class, MemorySegment.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private Libc() {}

    /**
     * A handle whose first parameter is the errno capture segment. When the C library has no such function (an old
     * glibc lacks mlock2 and memfd_create before 2.27), the handle has the same type and answers every call with -1
     * and errno ENOSYS, as the kernel answers a system call it does not have: the call fails alone, at call time,
     * with its own name in the {@link dev.pagelab.linux.LinuxException LinuxException} its caller throws, and linking never fails.
     */
    public static MethodHandle withErrno(String name, FunctionDescriptor fd) {
        var symbol = LOOKUP.find(name);
        if (symbol.isPresent()) return LINKER.downcallHandle(symbol.get(), fd, CAPTURE_ERRNO);
        MethodType type = fd.toMethodType().insertParameterTypes(0, MemorySegment.class);
        if (!type.returnType().isPrimitive() || type.returnType() == void.class) {
            throw new UnsatisfiedLinkError("libc has no " + name);
        }
        MethodHandle h = MethodHandles.explicitCastArguments(
                ENOSYS, MethodType.methodType(type.returnType(), MemorySegment.class));
        return MethodHandles.dropArguments(h, 1, type.parameterList().subList(1, type.parameterCount()));
    }

    private static long enosys(MemorySegment callState) {
        ERRNO.set(callState, 0L, Errno.ENOSYS);
        return -1;
    }

    public static MethodHandle plain(String name, FunctionDescriptor fd) {
        MemorySegment symbol = LOOKUP.find(name).orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name));
        return LINKER.downcallHandle(symbol, fd);
    }

    public static MemorySegment callState() {
        return CALL_STATE.get();
    }

    public static int errno(MemorySegment callState) {
        return (int) ERRNO.get(callState, 0L);
    }

    public static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }
}
