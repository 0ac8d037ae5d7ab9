package dev.pagelab.console.classroom;

import dev.pagelab.commands.CommandError;
import dev.pagelab.console.render.TextRenderer;
import dev.pagelab.console.terminal.OutputCharset;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jline.reader.LineReader;
import org.jline.terminal.Terminal;
import org.jline.utils.AttributedString;
import org.jline.utils.InfoCmp;
import org.jline.utils.Status;

/**
 * The student's side of "follow the teacher": while a teacher's console is live ({@code pagelab class teach}), its
 * lines are shown in the student's console as they come, read-only, under a status line; the student's own statements
 * wait for their turn (help, history and exit work meanwhile). During a turn the teacher's lines are held and shown
 * when it ends. With no teacher the console is the student's, and it looks for one every {@link #POLL_MILLIS} ms.
 */
final class Follow implements AutoCloseable {
    static final long POLL_MILLIS = 2000;
    /** What a student may run while following: nothing that changes memory or runs a recipe. */
    static final Set<String> WHILE_FOLLOWING = Set.of("help", "history", "exit");
    /** Held lines kept during a turn, and shown when it ends. */
    static final int HELD_LINES = 2000;

    static final int HELD_SHOWN = 200;

    /** Where the teacher's lines and the status go: the terminal's line reader, or plain lines. */
    interface Display {
        /** Lines ready to print, each within the width. */
        void lines(List<String> lines);

        /**
         * The status line, or null to clear it. {@code changed} is false when only the step count moved: plain
         * output says nothing then.
         */
        void status(String text, boolean changed);

        int width();

        default void close() {}
    }

    private final Path socket;
    private final String id;
    private final Display display;
    private final boolean color;
    private final OutputCharset charset;
    private final long pollMillis;
    private volatile boolean live;
    private volatile boolean turn;
    private volatile boolean closed;
    private volatile SocketChannel channel;
    private int steps;
    private final List<String> held = new ArrayList<>();
    private long heldDropped;
    private Thread thread;

    Follow(Path socket, String id, Display display, boolean color, OutputCharset charset, long pollMillis) {
        this.socket = socket;
        this.id = id;
        this.display = display;
        this.color = color;
        this.charset = charset;
        this.pollMillis = pollMillis;
    }

    void start() {
        thread = Thread.ofPlatform().daemon().name("pagelab-follow").start(this::loop);
    }

    boolean live() {
        return live;
    }

    boolean turn() {
        return turn;
    }

    /** Consulted before each of the student's statements: refused while following, unless it only reads help. */
    void admit(String verb) throws CommandError {
        if (live && !turn && !WHILE_FOLLOWING.contains(verb)) {
            throw CommandError.refused(
                    null,
                    "you are following the teacher: '" + verb + "' waits for your turn",
                    "the status line says when it is your turn; help, history and exit work meanwhile");
        }
    }

    private void loop() {
        while (!closed) {
            if (Files.exists(socket)) {
                try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
                    channel = ch;
                    if (closed) return;
                    follow(ch);
                } catch (IOException e) {
                    // no teacher behind the socket (a stale one), or the connection broke
                } finally {
                    channel = null;
                    if (live) leave("the teacher's console has gone; your console is yours again");
                }
            }
            try {
                Thread.sleep(pollMillis);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void follow(SocketChannel ch) throws IOException {
        ch.write(StandardCharsets.UTF_8.encode("hello " + id + "\n"));
        BufferedReader in = new BufferedReader(Channels.newReader(ch, StandardCharsets.UTF_8));
        live = true;
        turn = false;
        steps = 0;
        held.clear();
        heldDropped = 0;
        display.lines(note("following the teacher: their console appears here; yours waits for your turn"));
        status(true);
        List<String> batch = new ArrayList<>();
        String m;
        while ((m = in.readLine()) != null) {
            String body = m.length() > 2 ? m.substring(2) : "";
            switch (m.isEmpty() ? ' ' : m.charAt(0)) {
                case 'L' -> {
                    if (!turn) {
                        batch.addAll(render(body));
                    } else if (held.size() < HELD_LINES) {
                        held.add(body);
                    } else {
                        heldDropped++;
                    }
                }
                case 'M' -> {
                    if (!turn) batch.addAll(note(body));
                }
                case 'S' -> {
                    try {
                        steps = Integer.parseInt(body.strip());
                    } catch (NumberFormatException ignored) {
                        // a malformed count changes nothing shown
                    }
                    flush(batch);
                    status(false);
                }
                case 'T' -> {
                    flush(batch);
                    boolean on = body.strip().equals("on");
                    if (on != turn) {
                        turn = on;
                        if (on) {
                            display.lines(note("your turn: type the step in your own console; the teacher's output"
                                    + " waits until the turn ends"));
                        } else {
                            endTurn();
                        }
                    }
                    status(true);
                }
                case 'B' -> {
                    flush(batch);
                    leave("the teacher has left; your console is yours");
                    return;
                }
                default -> {
                    // an unknown message: a newer teacher; nothing to show
                }
            }
            // lines go out in batches while more are already waiting, so a late joiner's history is one redraw
            if (!in.ready()) flush(batch);
        }
        flush(batch);
    }

    private void endTurn() {
        List<String> out = new ArrayList<>();
        long total = held.size() + heldDropped;
        if (total == 0) {
            out.addAll(note("your turn is over; following the teacher again"));
        } else {
            out.addAll(note("your turn is over; while you worked the teacher's console showed " + total + " lines"
                    + (total > HELD_SHOWN ? " (the last " + HELD_SHOWN + " follow)" : ":")));
            for (String l : held.subList(Math.max(0, held.size() - HELD_SHOWN), held.size())) out.addAll(render(l));
        }
        held.clear();
        heldDropped = 0;
        display.lines(out);
    }

    private void leave(String why) {
        live = false;
        turn = false;
        display.lines(note(why));
        display.status(null, true);
    }

    private void flush(List<String> batch) {
        if (batch.isEmpty()) return;
        display.lines(List.copyOf(batch));
        batch.clear();
    }

    private void status(boolean changed) {
        // During a turn the status line is taken down: the student's own steps then write to the terminal directly,
        // and output written while JLine's status holds the bottom row was seen overwriting itself there (tmux, 30
        // rows). The turn's start and end are said as lines instead.
        if (turn) {
            display.status(null, changed);
            return;
        }
        String text = "following the teacher \u2014 " + steps + (steps == 1 ? " step" : " steps") + "; your turn: off";
        display.status(charset.text(text), changed);
    }

    /** A teacher's line at this student's width, in colour only where this student's terminal and NO_COLOR allow. */
    List<String> render(String ansi) {
        List<String> out = new ArrayList<>();
        for (AttributedString a : TextRenderer.fit(List.of(AttributedString.fromAnsi(ansi)), display.width())) {
            out.add(charset.text(color ? a.toAnsi() : a.toString()));
        }
        return out;
    }

    private List<String> note(String text) {
        List<String> out = new ArrayList<>();
        for (String l : TextRenderer.fill("[class] " + text, Math.max(20, display.width() - 1))) {
            out.add(charset.text(l));
        }
        return out;
    }

    @Override
    public void close() {
        closed = true;
        SocketChannel ch = channel;
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // leaving anyway
            }
        }
        if (thread != null) thread.interrupt();
        display.close();
    }

    /** Plain lines (a pipe, a dumb terminal): the status only when it changes, as a line of its own. */
    static Display plain(PrintWriter out, int width) {
        return new Display() {
            @Override
            public void lines(List<String> lines) {
                synchronized (out) {
                    for (String l : lines) out.println(l);
                    out.flush();
                }
            }

            @Override
            public void status(String text, boolean changed) {
                if (changed && text != null) lines(List.of("[class] " + text));
            }

            @Override
            public int width() {
                return width;
            }
        };
    }

    /**
     * On a terminal: the teacher's lines are printed above the prompt (the student's half-typed line is redrawn
     * under them) and the status is JLine's status line at the bottom; on a terminal that cannot hold one, lines.
     */
    static Display terminal(ReaderSource source) {
        return new Display() {
            private LineReader reader;
            private Status status;
            private boolean statusShown;

            private synchronized LineReader reader() {
                if (reader == null) {
                    try {
                        reader = source.get();
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                    Terminal t = reader.getTerminal();
                    boolean can = !t.getType().startsWith("dumb")
                            && t.getStringCapability(InfoCmp.Capability.change_scroll_region) != null;
                    status = can ? Status.getStatus(t) : null;
                }
                return reader;
            }

            /**
             * Waits (bounded) until the console sits at its prompt: printAbove and JLine's status line are safe only
             * while the reader reads. Written earlier — over the banner at start, or over a student's own step
             * during a turn — the two writers shared the bottom row and overwrote each other (seen in tmux).
             */
            private void awaitPrompt() {
                LineReader r = reader();
                long until = System.nanoTime() + PROMPT_WAIT_NANOS;
                while (!r.isReading() && System.nanoTime() < until) {
                    try {
                        Thread.sleep(10);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }

            @Override
            public void lines(List<String> lines) {
                awaitPrompt();
                synchronized (this) {
                    LineReader r = reader();
                    for (String l : lines) r.printAbove(l);
                }
            }

            @Override
            public void status(String text, boolean changed) {
                awaitPrompt();
                statusNow(text, changed);
            }

            private synchronized void statusNow(String text, boolean changed) {
                if (status == null) {
                    if (changed && text != null) lines(List.of("[class] " + text));
                    return;
                }
                if (text == null) {
                    if (statusShown) status.update(List.of());
                    statusShown = false;
                    return;
                }
                String cut = text.length() >= width() ? text.substring(0, Math.max(1, width() - 1)) : text;
                status.update(List.of(new AttributedString(cut, org.jline.utils.AttributedStyle.INVERSE)));
                statusShown = true;
            }

            @Override
            public int width() {
                int w = reader().getTerminal().getWidth();
                return w > 0 ? w : 80;
            }

            @Override
            public synchronized void close() {
                if (status != null && statusShown) status.update(List.of());
            }
        };
    }

    /** How long the teacher's lines wait for a student's own step to end (then they are printed anyway). */
    static final long PROMPT_WAIT_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(30);

    /** The line reader, once the terminal is open. */
    interface ReaderSource {
        LineReader get() throws IOException;
    }
}
