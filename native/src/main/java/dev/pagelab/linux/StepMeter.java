package dev.pagelab.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The measured window around one step. Owned by the single thread that performs steps: its buffers are
 * allocated once, so between the two getrusage(RUSAGE_THREAD) calls nothing is allocated, no /proc file is
 * read, and no class is loaded (the step thread's warm-up has run every code path first). Anything the JVM
 * does on other threads lands only in the process-wide figures.
 */
public final class StepMeter {
    /** An operation run inside the window. It must not allocate on its success path. */
    @FunctionalInterface
    public interface Op {
        void run() throws LinuxException;
    }

    private final Thread owner;
    private final MemorySegment thread0, thread1, process0, process1;

    public StepMeter() {
        this.owner = Thread.currentThread();
        Arena arena = Arena.ofAuto();
        thread0 = ThreadClock.newBuffer(arena);
        thread1 = ThreadClock.newBuffer(arena);
        process0 = ThreadClock.newBuffer(arena);
        process1 = ThreadClock.newBuffer(arena);
    }

    /**
     * Runs {@code op} in the window. A kernel error from {@code op} propagates; the faults it may have caused
     * before failing are then carried by the {@link MeasuredFailure}.
     */
    public FaultSample measure(Op op) throws MeasuredFailure {
        if (Thread.currentThread() != owner) {
            throw new IllegalStateException("a StepMeter measures only its own thread");
        }
        ThreadClock.sampleProcess(process0);
        ThreadClock.sampleThread(thread0);
        long t0 = System.nanoTime();
        LinuxException failure = null;
        try {
            op.run();
        } catch (LinuxException e) {
            failure = e;
        }
        long t1 = System.nanoTime();
        ThreadClock.sampleThread(thread1);
        ThreadClock.sampleProcess(process1);
        FaultSample sample = new FaultSample(
                ThreadClock.minor(thread1) - ThreadClock.minor(thread0),
                ThreadClock.major(thread1) - ThreadClock.major(thread0),
                t1 - t0,
                ThreadClock.minor(process1) - ThreadClock.minor(process0),
                ThreadClock.major(process1) - ThreadClock.major(process0));
        if (failure != null) throw new MeasuredFailure(failure, sample);
        return sample;
    }

    /** A kernel error raised inside a window, with what the window measured up to the failure. */
    public static final class MeasuredFailure extends Exception {
        private final FaultSample sample;

        MeasuredFailure(LinuxException cause, FaultSample sample) {
            super(cause.getMessage(), cause);
            this.sample = sample;
        }

        public LinuxException linuxException() { return (LinuxException) getCause(); }

        public FaultSample sample() { return sample; }
    }
}
