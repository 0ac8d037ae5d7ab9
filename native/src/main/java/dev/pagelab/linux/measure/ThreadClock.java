package dev.pagelab.linux.measure;

import static dev.pagelab.linux.LinuxConstants.RUSAGE_SELF;
import static dev.pagelab.linux.LinuxConstants.RUSAGE_THREAD;
import static dev.pagelab.linux.ffm.Libc.INT;

import dev.pagelab.linux.ffm.Libc;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * getrusage(2) fault counters. RUSAGE_THREAD counts only the calling thread's faults, including those the
 * kernel takes on its behalf inside a syscall (MAP_POPULATE, MADV_POPULATE_*, mlock): exactly what a step
 * caused, as long as nothing else runs on that thread inside the window. RUSAGE_SELF adds every JVM thread
 * (GC, JIT, the console) and is shown only for contrast.
 */
public final class ThreadClock {
    // struct rusage: two struct timeval (16 bytes each), then 14 longs; ru_minflt is the 5th, ru_majflt the 6th.
    static final long RUSAGE_SIZE = 144, MINFLT = 32 + 4 * 8, MAJFLT = 32 + 5 * 8;

    /**
     * {@code int getrusage(int who, struct rusage *usage);} getrusage(2). Linked when the class loads: it is the
     * measuring call itself, so it must be linked before any window; it cannot fail for RUSAGE_THREAD/SELF.
     */
    private static final MethodHandle GETRUSAGE =
            Libc.plain("getrusage", FunctionDescriptor.of(INT, INT, ValueLayout.JAVA_LONG));

    private ThreadClock() {}

    /** A buffer for {@link #sampleThread}/{@link #sampleProcess}; allocate it outside any measured window. */
    public static MemorySegment newBuffer(Arena arena) {
        return arena.allocate(RUSAGE_SIZE, 8).fill((byte) 0);
    }

    /** getrusage(RUSAGE_THREAD) into {@code buf}; allocation-free. */
    public static void sampleThread(MemorySegment buf) {
        call(RUSAGE_THREAD, buf);
    }

    public static void sampleProcess(MemorySegment buf) {
        call(RUSAGE_SELF, buf);
    }

    public static long minor(MemorySegment buf) {
        return buf.get(ValueLayout.JAVA_LONG, MINFLT);
    }

    public static long major(MemorySegment buf) {
        return buf.get(ValueLayout.JAVA_LONG, MAJFLT);
    }

    private static void call(int who, MemorySegment buf) {
        int r;
        try {
            r = (int) GETRUSAGE.invokeExact(who, buf.address());
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
        // getrusage only fails for a bad 'who' or pointer, both programming errors here.
        if (r != 0) throw new IllegalStateException("getrusage(" + who + ") failed");
    }
}
