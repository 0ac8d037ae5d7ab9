package dev.pagelab.linux.measure;

import static dev.pagelab.linux.LinuxConstants.*;

import dev.pagelab.linux.LinuxException;
import dev.pagelab.linux.Mman;
import dev.pagelab.linux.PageGeometry;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The kernel calls a step can make, each run inside a measured window. A StepMeter belongs to the single
 * thread that performs steps. Between its two getrusage(RUSAGE_THREAD) calls nothing is allocated, no /proc
 * file is read and no class is loaded or linked: the calls are a closed set in this class, and
 * {@link #warmUp()} runs every one of them (and lets the JIT compile the touch loop) before the first step.
 * Whatever the JVM does on other threads lands only in the process-wide figures.
 */
public final class StepMeter {
    private final Thread owner;
    private final MemorySegment thread0, thread1, process0, process1;
    private final PageToucher toucher = new PageToucher();
    private long startNanos;
    private long lastAddress;
    private long lastTouched;

    public StepMeter() {
        this.owner = Thread.currentThread();
        Arena arena = Arena.ofAuto();
        thread0 = ThreadClock.newBuffer(arena);
        thread1 = ThreadClock.newBuffer(arena);
        process0 = ThreadClock.newBuffer(arena);
        process1 = ThreadClock.newBuffer(arena);
    }

    /** The touch loop's cancel switch: {@code cancel()} may be called from any thread. */
    public PageToucher toucher() {
        return toucher;
    }

    /** The address the last successful {@link #mmap} returned. */
    public long lastAddress() {
        return lastAddress;
    }

    /** How many accesses the last {@link #touch} made (fewer than asked only when cancelled). */
    public long lastTouched() {
        return lastTouched;
    }

    public FaultSample mmap(long addr, long length, int prot, int flags, int fd, long offset) throws MeasuredFailure {
        begin();
        try {
            lastAddress = Mman.mmap(addr, length, prot, flags, fd, offset);
        } catch (LinuxException e) {
            throw fail(e);
        }
        return end();
    }

    public FaultSample munmap(long addr, long length) throws MeasuredFailure {
        begin();
        try {
            Mman.munmap(addr, length);
        } catch (LinuxException e) {
            throw fail(e);
        }
        return end();
    }

    public FaultSample mprotect(long addr, long length, int prot) throws MeasuredFailure {
        begin();
        try {
            Mman.mprotect(addr, length, prot);
        } catch (LinuxException e) {
            throw fail(e);
        }
        return end();
    }

    public FaultSample madvise(long addr, long length, int advice, String adviceName) throws MeasuredFailure {
        begin();
        try {
            Mman.madvise(addr, length, advice, adviceName);
        } catch (LinuxException e) {
            throw fail(e);
        }
        return end();
    }

    public FaultSample mlock(long addr, long length, boolean onFault) throws MeasuredFailure {
        begin();
        try {
            if (onFault) Mman.mlock2(addr, length, MLOCK_ONFAULT);
            else Mman.mlock(addr, length);
        } catch (LinuxException e) {
            throw fail(e);
        }
        return end();
    }

    public FaultSample munlock(long addr, long length) throws MeasuredFailure {
        begin();
        try {
            Mman.munlock(addr, length);
        } catch (LinuxException e) {
            throw fail(e);
        }
        return end();
    }

    public FaultSample mlockall(int flags) throws MeasuredFailure {
        begin();
        try {
            Mman.mlockall(flags);
        } catch (LinuxException e) {
            throw fail(e);
        }
        return end();
    }

    public FaultSample munlockall() throws MeasuredFailure {
        begin();
        try {
            Mman.munlockall();
        } catch (LinuxException e) {
            throw fail(e);
        }
        return end();
    }

    /**
     * Touches {@code count} addresses {@code base + first + k*stride} of the mapping [base, base+length); see
     * {@link PageToucher#touch}. The number of accesses made is then {@link #lastTouched()}. The caller must
     * have checked that every address is mapped and accessible: a fault here would be SIGSEGV or SIGBUS.
     */
    public FaultSample touch(
            long base,
            long length,
            long first,
            long count,
            long stride,
            PageToucher.Access access,
            PageToucher.Order order,
            long seed,
            LatencyHistogram histogram) {
        return touch(
                MemorySegment.ofAddress(base).reinterpret(length),
                first,
                count,
                stride,
                access,
                order,
                seed,
                histogram);
    }

    private FaultSample touch(
            MemorySegment seg,
            long first,
            long count,
            long stride,
            PageToucher.Access access,
            PageToucher.Order order,
            long seed,
            LatencyHistogram histogram) {
        begin();
        lastTouched = toucher.touch(seg, first, count, stride, access, order, seed, histogram);
        return end();
    }

    private void begin() {
        if (Thread.currentThread() != owner) {
            throw new IllegalStateException("a StepMeter measures only the thread that created it");
        }
        ThreadClock.sampleProcess(process0);
        ThreadClock.sampleThread(thread0);
        startNanos = System.nanoTime();
    }

    private FaultSample end() {
        long t1 = System.nanoTime();
        ThreadClock.sampleThread(thread1);
        ThreadClock.sampleProcess(process1);
        return new FaultSample(
                ThreadClock.minor(thread1) - ThreadClock.minor(thread0),
                ThreadClock.major(thread1) - ThreadClock.major(thread0),
                t1 - startNanos,
                ThreadClock.minor(process1) - ThreadClock.minor(process0),
                ThreadClock.major(process1) - ThreadClock.major(process0));
    }

    private MeasuredFailure fail(LinuxException e) {
        return new MeasuredFailure(e, end());
    }

    /**
     * Runs every measured call on a scratch mapping until the touch loops are JIT-compiled and a one-page
     * write-touch of a fresh page measures exactly one fault several times in a row. Returns how many
     * calibration rounds that took (bounded; a result of {@code -1} means exactness was not observed).
     */
    public int warmUp() {
        final int pages = 16;
        final long page = PageGeometry.current().pageSize();
        final long len = pages * page;
        LatencyHistogram histogram = new LatencyHistogram();
        try {
            FaultSample s = mmap(0, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
            long addr = lastAddress;
            MemorySegment seg = MemorySegment.ofAddress(addr).reinterpret(len);
            try {
                PageToucher.Order[] orders = PageToucher.Order.values();
                for (int round = 0; round < 4000; round++) {
                    // Both loops (plain and timed) as often: a loop still interpreted when a user's step runs
                    // would ask for its compilation from inside the window (a malloc'd compile task: a fault).
                    // Counts of 1 to 16, not only powers of two: the random order's rejection loop must be
                    // seen running, or C2 compiles it as a trap that a user's odd count would spring.
                    long count = 1 + round % pages;
                    for (PageToucher.Order o : orders) {
                        // every access kind as often, in both loops (see the Access enum)
                        PageToucher.Access acc = PageToucher.Access.values()[round % 3];
                        touch(seg, 0, count, page, acc, o, round, null);
                        touch(seg, 0, count, page, acc, o, round, histogram);
                    }
                    if ((round & 255) == 0) {
                        madvise(addr, len, MADV_DONTNEED, "MADV_DONTNEED");
                        mprotect(addr, len, PROT_READ);
                        mprotect(addr, len, PROT_READ | PROT_WRITE);
                        try {
                            // RLIMIT_MEMLOCK may be 0 for this user: then the failure path is what gets warmed.
                            mlock(addr, page, (round & 512) == 0);
                            munlock(addr, page);
                        } catch (MeasuredFailure lockRefused) {
                            // not needed for the warm-up to be complete
                        }
                        mmap(0, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
                        munmap(lastAddress, page);
                    }
                }
                try {
                    madvise(addr, len, -1, "invalid");
                } catch (MeasuredFailure expected) {
                    // the failure path is part of the warm-up too
                }
                // A MethodHandle invoked from interpreted code customizes its LambdaForm on its 128th call
                // (java.lang.invoke.MethodHandle.CUSTOMIZE_THRESHOLD, 127), spinning a hidden class. Its metaspace is
                // pre-touched (-XX:+AlwaysPreTouch) by the calling thread: measured, 16 faults inside the user's
                // 128th mmap of the JVM's life. Every measured call is made past that point here, at no cost to
                // the process: zero-length and invalid calls change nothing.
                for (int i = 0; i < 160; i++) {
                    mmap(0, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
                    munmap(lastAddress, page);
                    mprotect(addr, page, PROT_READ | PROT_WRITE);
                    try {
                        mlock(addr, 0, false);
                        mlock(addr, 0, true);
                        munlock(addr, 0);
                    } catch (MeasuredFailure eperm) {
                        // with RLIMIT_MEMLOCK 0 and no CAP_IPC_LOCK even a zero-length mlock is EPERM: still a call
                        try {
                            mlock(addr, 0, true);
                        } catch (MeasuredFailure again) {
                            // as above
                        }
                        try {
                            munlock(addr, 0);
                        } catch (MeasuredFailure again) {
                            // as above
                        }
                    }
                    try {
                        mlockall(0);
                    } catch (MeasuredFailure einval) {
                        // mlockall(0) is EINVAL: the call is made, nothing is locked
                    }
                    // before any user step nothing is locked, so this unlocks nothing
                    munlockall();
                }
                toucher.cancel();
                for (PageToucher.Access acc : PageToucher.Access.values()) {
                    touch(seg, 0, pages, page, acc, PageToucher.Order.SEQ, 0, null);
                    touch(seg, 0, pages, page, acc, PageToucher.Order.SEQ, 0, histogram);
                }
                toucher.resetCancel();
                // Calibrate: a fresh page, written once, must measure exactly one minor fault.
                int exactInARow = 0;
                for (int round = 1; round <= 2000; round++) {
                    madvise(addr, len, MADV_DONTNEED, "MADV_DONTNEED");
                    // the one-page write must be exact with both write kinds
                    PageToucher.Access oneWrite =
                            (round & 4) == 0 ? PageToucher.Access.WRITE_ZERO : PageToucher.Access.WRITE_KEEP;
                    FaultSample one = touch(seg, 0, 1, page, oneWrite, PageToucher.Order.SEQ, 0, null);
                    FaultSample rest = touch(
                            seg,
                            page,
                            pages - 1,
                            page,
                            PageToucher.Access.values()[(round / 3) % 3],
                            PageToucher.Order.values()[round % 3],
                            round,
                            (round & 2) == 0 ? null : histogram);
                    exactInARow = one.minorFaults() == 1 && rest.minorFaults() == pages - 1 ? exactInARow + 1 : 0;
                    if (exactInARow >= 20) return round;
                }
                return -1;
            } finally {
                munmap(addr, len);
            }
        } catch (MeasuredFailure e) {
            throw new IllegalStateException("warm-up failed: " + e.getMessage(), e);
        }
    }

    /** A kernel error raised inside a window, with what the window measured up to the failure. */
    public static final class MeasuredFailure extends Exception {
        private final FaultSample sample;

        MeasuredFailure(LinuxException cause, FaultSample sample) {
            super(cause.getMessage(), cause);
            this.sample = sample;
        }

        public LinuxException linuxException() {
            return (LinuxException) getCause();
        }

        public FaultSample sample() {
            return sample;
        }
    }
}
