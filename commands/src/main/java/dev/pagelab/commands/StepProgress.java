package dev.pagelab.commands;

import dev.pagelab.linux.measure.PageToucher;

/**
 * How far the step in progress has got, for a display on another thread. A command that can run for seconds
 * ({@code touch}) says, before its measured window, what it does and how many accesses it will make; the touch
 * loop publishes how many it has made once per run ({@link PageToucher#progress()}). The step never waits for the
 * display and allocates nothing for it: the display polls from its own thread, outside the window.
 */
public final class StepProgress {
    /** Told on the calling thread when it starts and stops waiting for the step thread ({@link Session#call}). */
    public interface Observer {
        /** The caller now waits for a step; {@code progress} says how far it has got, whenever asked. */
        void waiting(StepProgress progress);

        /** The step is over: whatever was drawn for it must be gone when this returns. */
        void done();
    }

    private volatile String verb;
    private volatile String target;
    private volatile long total;
    private volatile long startedNanos;
    private volatile PageToucher toucher;

    /**
     * On the step thread, outside the window: a loop of {@code total} accesses starts, by {@code verb} on
     * {@code target} (strings the command has already: nothing is built for the display).
     */
    public void begin(String verb, String target, long total, PageToucher toucher) {
        toucher.resetProgress();
        this.toucher = toucher;
        this.target = target;
        this.total = total;
        this.startedNanos = System.nanoTime();
        this.verb = verb; // last: a reader that sees the verb sees the rest
    }

    /** On the step thread, after the window: nothing is in progress any more. */
    public void end() {
        verb = null;
    }

    /** The command in progress ("touch"), or null when no long loop is running. */
    public String verb() {
        return verb;
    }

    public String target() {
        return target;
    }

    /** The accesses the loop was asked for. */
    public long total() {
        return total;
    }

    /** The accesses made so far, as of the loop's last finished run. */
    public long done() {
        PageToucher t = toucher;
        return t == null ? 0 : Math.min(total, t.progress());
    }

    /** {@link System#nanoTime()} when the loop began. */
    public long startedNanos() {
        return startedNanos;
    }
}
