package dev.pagelab.linux.proc;

import dev.pagelab.linux.LinuxException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The two halves of a large /proc read at once: the first on the caller's thread, the second on one helper thread
 * ("pagelab-reader", started on first use, a daemon). Most of inspect-pagemap's time is the kernel's, per entry
 * (~35 ns for /proc/self/pagemap, ~100 ns for /proc/kpageflags, measured here), and two preads of different ranges
 * run in parallel: on this 2-CPU machine, 1 GiB took ~35 ms instead of ~55 (when the other CPU is free; it is shared).
 * With one CPU, or a read too small to be worth a hand-off, both halves run on the caller's thread, one after the
 * other. The halves must write disjoint memory; the caller sees both halves' writes when this returns.
 */
final class TwoThreads {
    /** Entries below which a read is not split: a hand-off costs tens of microseconds, 16 384 entries 0.5-1.6 ms. */
    static final int MIN_SPLIT = 16384;

    @FunctionalInterface
    interface Half {
        void run() throws LinuxException;
    }

    private static volatile ExecutorService helper;
    private static volatile Boolean parallel;

    private TwoThreads() {}

    /** Whether a read of {@code entries} entries is split (two CPUs or more, and big enough). */
    static boolean split(long entries) {
        Boolean p = parallel;
        if (p == null) parallel = p = Runtime.getRuntime().availableProcessors() > 1;
        return p && entries >= MIN_SPLIT;
    }

    /** Runs both halves, in parallel; the first exception (the caller's half first) is rethrown after both ended. */
    static void run(Half first, Half second) throws LinuxException {
        Future<?> other = helper().submit(() -> {
            second.run();
            return null;
        });
        Throwable failed = null;
        try {
            first.run();
        } catch (LinuxException | RuntimeException | Error e) {
            failed = e;
        }
        boolean interrupted = false;
        while (true) { // the helper writes into the caller's arrays: wait for it, always
            try {
                other.get();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            } catch (ExecutionException e) {
                if (failed == null) failed = e.getCause();
                break;
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
        switch (failed) {
            case null -> {}
            case LinuxException e -> throw e;
            case RuntimeException e -> throw e;
            case Error e -> throw e;
            default -> throw new AssertionError(failed);
        }
    }

    private static ExecutorService helper() {
        ExecutorService h = helper;
        if (h == null) {
            synchronized (TwoThreads.class) {
                if (helper == null) {
                    helper = Executors.newSingleThreadExecutor(r ->
                            Thread.ofPlatform().name("pagelab-reader").daemon().unstarted(r));
                }
                h = helper;
            }
        }
        return h;
    }
}
