package dev.pagelab.linux.measure;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * The access loop behind {@code touch}: one access per stride. Reads load a byte. Writes are a compare-and-set
 * of an aligned 4-byte word from 0 to 0 ({@code lock cmpxchg} on x86-64). The contents are preserved either way,
 * yet a locked cmpxchg always performs a write cycle (it writes the old value back when the comparison fails),
 * so a fresh page takes exactly one write fault, never a read fault followed by a copy-on-write fault.
 * getAndAdd would not do: outside C2 it is a Java loop that reads first (Unsafe.getAndAddInt's fallback), so
 * an interpreted or deoptimized loop took two faults per fresh page — compareAndSet is one instruction in
 * every execution mode.
 *
 * <p>The loops allocate nothing and are JIT-compiled during warm-up (see {@code warmUp}), so that the
 * measured window contains only the accesses. Cancellation is checked, and the progress ({@link #progress()})
 * published, between runs of at most {@code RUN_BYTES / stride} accesses (see {@link #RUN_BYTES}; one access when
 * the stride is larger), in every order and in the timed loop.
 */
public final class PageToucher {
    public enum Order {
        SEQ,
        REVERSE,
        RANDOM
    }

    /**
     * How each address is touched. WRITE_ZERO is a plain one-byte store of 0, the cheapest write (a C loop's
     * store): only for memory whose every byte is known to be 0 already — pagelab's own anonymous and memfd
     * mappings, into which it never writes anything else. WRITE_KEEP is lock cmpxchg(0, 0) on the aligned int: a
     * write cycle (one write fault, like a store) that leaves any contents as they were, for a user's file. A
     * read-then-store would fault twice on a fresh page (read: zero page; store: copy).
     */
    public enum Access {
        READ,
        WRITE_ZERO,
        WRITE_KEEP
    }

    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    /**
     * Accesses stop before index {@code stopAt}. Cancelling lowers it to 0, so a cancelled loop leaves through its
     * ordinary exit test: a separate "if cancelled" branch would never be taken while the JIT profiles the loop,
     * get compiled as an uncommon trap, and deoptimize inside a user's step (measured: a stray fault).
     */
    private volatile long stopAt = Long.MAX_VALUE;

    private long sink;

    /** Asks a running loop to stop before its next run of accesses (see {@link #RUN_BYTES}); safe from any thread. */
    public void cancel() {
        stopAt = 0;
    }

    public void resetCancel() {
        stopAt = Long.MAX_VALUE;
    }

    /** Whether {@link #cancel()} was called since the last {@link #resetCancel()}. */
    public boolean cancelled() {
        return stopAt == 0;
    }

    /**
     * Touches {@code count} addresses {@code first + k*stride} of {@code seg} in the given order; returns how
     * many were touched (less than {@code count} only when cancelled). {@code histogram} may be null.
     *
     * <p>Everything here runs inside a measured window, so it avoids branches whose outcome depends on the data
     * (min/max, small counts): C2 compiles a branch never seen taken as a trap, and a trap taken in a window
     * deoptimizes there. The warm-up takes every remaining branch both ways before compilation.
     */
    public long touch(
            MemorySegment seg,
            long first,
            long count,
            long stride,
            Access access,
            Order order,
            long seed,
            LatencyHistogram histogram) {
        return histogram == null
                ? loop(seg, first, count, stride, access.ordinal(), order.ordinal(), seed)
                : timedLoop(seg, first, count, stride, access.ordinal(), order.ordinal(), seed, histogram);
    }

    /**
     * Bytes one run of a sequential or reverse loop spans between two reads of the cancel switch: the accesses
     * of a run are a tight counted loop (see {@link #loop}), and Ctrl-C waits at most for one run — 512 fresh
     * 4 KiB pages (about 8 ms at the slowest first touch seen here, 15 µs a page), or one access when the stride
     * is larger (a huge page). A span of bytes, not of pages: with 16 or 64 KiB pages a run is 128 or 32 of them.
     */
    static final long RUN_BYTES = 2L << 20;

    /**
     * Sequential and reverse orders go in runs of {@code max(1, RUN_BYTES / stride)} accesses, each a counted int
     * loop of one access kind, with {@code stopAt} read once per run. C2 compiles a run close to a C loop:
     * unrolled four times, each access a bounds check, an address add and the access (6 or 7 instructions).
     * The one generic loop this replaces read the volatile {@code stopAt} at every access, which kept C2 from
     * treating it as a counted loop: no unrolling, a safepoint poll, and the segment's fields and scope reloaded
     * and checked at every access (about 40 instructions, 8 loads). Re-touching resident pages costs a TLB miss
     * per access, which a short loop body overlaps better (a C loop padded with 48 ALU instructions per page
     * slowed from 12 to 16 ns a page here; this VM has no PMU to count the misses): the generic loop re-touched
     * at 1.3 to 1.5 times the C loop's time, the runs at the C loop's.
     */
    private long loop(MemorySegment seg, long first, long count, long stride, int access, int order, long seed) {
        if (order == 2) return randomLoop(seg, first, count, stride, access, seed);
        long step = order == 0 ? stride : -stride;
        long off = order == 0 ? first : first + (count - 1) * stride;
        long run = Math.max(1, RUN_BYTES / stride);
        long s = 0;
        long k = 0;
        long limit = count;
        while (k < (limit = Math.min(limit, stopAt))) {
            int n = (int) Math.min(limit - k, run);
            if (access == 1) {
                storeRun(seg, off, step, n);
            } else if (access == 2) {
                casRun(seg, off, step, n);
            } else {
                s += loadRun(seg, off, step, n);
            }
            off += n * step;
            k += n;
            DONE.setOpaque(this, k); // progress: once per run, see below
        }
        sink += s;
        return k;
    }

    private static void storeRun(MemorySegment seg, long off, long step, int n) {
        for (int j = 0; j < n; j++) {
            seg.set(ValueLayout.JAVA_BYTE, off, (byte) 0);
            off += step;
        }
    }

    private static void casRun(MemorySegment seg, long off, long step, int n) {
        for (int j = 0; j < n; j++) {
            boolean unused = INT.compareAndSet(seg, off & ~3L, 0, 0);
            off += step;
        }
    }

    private static long loadRun(MemorySegment seg, long off, long step, int n) {
        long s = 0;
        for (int j = 0; j < n; j++) {
            s += seg.get(ValueLayout.JAVA_BYTE, off);
            off += step;
        }
        return s;
    }

    private long randomLoop(MemorySegment seg, long first, long count, long stride, int access, long seed) {
        long s = 0;
        long mask = permutationMask(count);
        long x = seed & mask;
        long c = seed | 1;
        long run = Math.max(1, RUN_BYTES / stride);
        long k = 0;
        long limit = count;
        while (k < (limit = Math.min(limit, stopAt))) {
            long end = Math.min(limit, k + run);
            for (; k < end; k++) {
                long idx;
                do {
                    x = (x * 6364136223846793005L + c) & mask;
                    idx = scramble(x, mask);
                } while (idx >= count);
                long off = first + idx * stride;
                if (access == 1) {
                    seg.set(ValueLayout.JAVA_BYTE, off, (byte) 0);
                } else if (access == 2) {
                    boolean unused = INT.compareAndSet(seg, off & ~3L, 0, 0);
                } else {
                    s += seg.get(ValueLayout.JAVA_BYTE, off);
                }
            }
            DONE.setOpaque(this, k);
        }
        sink += s;
        return k;
    }

    private long timedLoop(
            MemorySegment seg,
            long first,
            long count,
            long stride,
            int access,
            int order,
            long seed,
            LatencyHistogram histogram) {
        long s = 0;
        long mask = permutationMask(count);
        long x = seed & mask;
        long c = seed | 1;
        long run = Math.max(1, RUN_BYTES / stride);
        long k = 0;
        long limit = count;
        while (k < (limit = Math.min(limit, stopAt))) {
            long end = Math.min(limit, k + run);
            for (; k < end; k++) {
                long idx;
                if (order == 0) {
                    idx = k;
                } else if (order == 1) {
                    idx = count - 1 - k;
                } else {
                    do {
                        x = (x * 6364136223846793005L + c) & mask;
                        idx = scramble(x, mask);
                    } while (idx >= count);
                }
                long off = first + idx * stride;
                long t0 = System.nanoTime();
                if (access == 1) {
                    seg.set(ValueLayout.JAVA_BYTE, off, (byte) 0);
                } else if (access == 2) {
                    boolean unused = INT.compareAndSet(seg, off & ~3L, 0, 0);
                } else {
                    s += seg.get(ValueLayout.JAVA_BYTE, off);
                }
                histogram.record(System.nanoTime() - t0);
            }
            DONE.setOpaque(this, k);
        }
        sink += s;
        return k;
    }

    // ---- progress, for a display on another thread ------------------------------------------------------------

    /**
     * Accesses made so far by the loop in progress (or the last one), published once per run of at most
     * {@link #RUN_BYTES} — never per access: a volatile write per access once cost the loop 1.13 to 1.46 times its
     * time. An opaque store is a plain {@code mov} on x86-64 (no fence), atomic for a long, and seen by a reader on
     * another thread within microseconds; it allocates nothing and cannot fault (this object is long resident).
     */
    @SuppressWarnings("unused") // written and read through DONE
    private long done;

    private static final VarHandle DONE;

    static {
        try {
            DONE = java.lang.invoke.MethodHandles.lookup().findVarHandle(PageToucher.class, "done", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Accesses made so far by the loop in progress, as of its last finished run; safe from any thread. */
    public long progress() {
        return (long) DONE.getOpaque(this);
    }

    /** Sets the progress back to 0 before a loop starts (outside the measured window, on the step thread). */
    public void resetProgress() {
        DONE.setOpaque(this, 0L);
    }

    /** All ones up to the power of two at or above {@code n} (at least 1); branch-free. */
    static long permutationMask(long n) {
        return -1L >>> Long.numberOfLeadingZeros(Math.max(n - 1, 1));
    }

    /**
     * A bijection on [0, mask]: the full-period LCG visits every value once, but its low bits cycle with
     * short periods, so they are mixed with higher bits (xor-shift and odd multiplication are both bijective
     * modulo a power of two).
     */
    static long scramble(long x, long mask) {
        int bits = 64 - Long.numberOfLeadingZeros(mask);
        x ^= x >>> Math.max(1, bits / 2);
        x = (x * 0x9E3779B97F4A7C15L) & mask;
        x ^= x >>> Math.max(1, bits / 3);
        return x & mask;
    }

    /** Reads the sink so the JIT cannot drop the loads. */
    public long sink() {
        return sink;
    }
}
