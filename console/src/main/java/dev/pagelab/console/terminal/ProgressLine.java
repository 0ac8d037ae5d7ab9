package dev.pagelab.console.terminal;

import dev.pagelab.commands.StepProgress;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.IntSupplier;

/**
 * A one-line progress bar for a long step, redrawn in place on the terminal and erased before the step's report is
 * printed: {@code touch big: [#####-----] 41%  861,184 of 2,097,152 accesses  2.3 s  Ctrl-C stops}.
 *
 * <p>It runs on a thread of its own and reads the counter the touch loop publishes once per run ({@link
 * StepProgress}): the step thread never waits for it and nothing is drawn from inside a measured window. A step
 * that ends within {@link #DELAY_NANOS} draws nothing, so short steps look exactly as before. Installed only on a
 * terminal that can move the cursor (not for pipes, dumb terminals or JSON output).
 */
public final class ProgressLine implements StepProgress.Observer {
    /** A step shorter than this shows no bar: a flash on every command would be noise. */
    static final long DELAY_NANOS = 500_000_000L;
    /** Redraws per second: enough to look alive, little enough to cost the machine nothing. */
    private static final long PERIOD_MS = 150;

    private final PrintWriter out;
    private final IntSupplier width;
    private final boolean unicode;
    private final Object lock = new Object();
    private StepProgress waitingFor;
    private boolean drawn;
    private Thread thread;

    /**
     * @param out     the terminal's writer (the console thread is blocked in the step while the bar is drawn)
     * @param width   the terminal's width now; the bar never reaches the last column (no wrap)
     * @param unicode whether the output carries block characters, or only ASCII
     */
    public ProgressLine(PrintWriter out, IntSupplier width, boolean unicode) {
        this.out = out;
        this.width = width;
        this.unicode = unicode;
    }

    @Override
    public void waiting(StepProgress progress) {
        synchronized (lock) {
            waitingFor = progress;
            if (thread == null) {
                thread = Thread.ofPlatform().daemon().name("pagelab-progress").start(this::loop);
            }
            lock.notifyAll();
        }
    }

    @Override
    public void done() {
        synchronized (lock) {
            waitingFor = null;
            if (drawn) {
                out.print("\r\u001b[K");
                out.flush();
                drawn = false;
            }
        }
    }

    private void loop() {
        try {
            while (true) {
                synchronized (lock) {
                    while (waitingFor == null) lock.wait();
                    lock.wait(PERIOD_MS);
                    StepProgress p = waitingFor;
                    if (p == null) continue;
                    String verb = p.verb();
                    long ran = System.nanoTime() - p.startedNanos();
                    if (verb == null || ran < DELAY_NANOS) continue;
                    out.print("\r" + line(verb, p.target(), p.done(), p.total(), ran, width.getAsInt() - 1, unicode)
                            + "\u001b[K");
                    out.flush();
                    drawn = true;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The bar's text in at most {@code columns} characters: what, how far (bar and percentage), how many of how many,
     * how long so far, how to stop it. The parts on the right go first when the line is narrow.
     */
    public static String line(
            String verb, String target, long done, long total, long elapsedNanos, int columns, boolean unicode) {
        long pct = total <= 0 ? 0 : Math.min(100, done * 100 / total);
        String head = verb + " " + target + ": ";
        String percent = String.format(Locale.ROOT, "%3d%%", pct);
        // done padded to the width of the total, the time to 4 digits: the bar keeps its length as the numbers grow
        String of = String.format(Locale.ROOT, "%,d", total);
        String counts = String.format(
                Locale.ROOT, "  %" + of.length() + "s of %s accesses", String.format(Locale.ROOT, "%,d", done), of);
        String time = String.format(Locale.ROOT, "  %5.1f s", elapsedNanos / 1e9);
        String stop = "  Ctrl-C stops";
        String tail = percent + counts + time + stop;
        int room = columns - head.length() - tail.length() - 3;
        if (room < 10) {
            tail = percent + counts + time;
            room = columns - head.length() - tail.length() - 3;
        }
        if (room < 10) {
            tail = percent + time;
            room = columns - head.length() - tail.length() - 3;
        }
        String line;
        if (room >= 10) {
            int cells = Math.min(30, room);
            int filled = (int) (cells * pct / 100);
            String bar = (unicode ? "\u2588" : "#").repeat(filled) + (unicode ? "\u2591" : "-").repeat(cells - filled);
            line = head + "[" + bar + "] " + tail;
        } else {
            line = head + tail;
        }
        return line.length() <= columns ? line : line.substring(0, Math.max(0, columns));
    }
}
