package dev.pagelab.console.classroom;

import dev.pagelab.console.Shell;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The teacher's side of "follow the teacher": a Unix domain socket in the class directory that every student's
 * console connects to, and the transcript so far, which a late joiner gets first.
 *
 * <p>The wire is UTF-8 lines, one message each, teacher to student only: {@code L text} a line the teacher's console
 * showed (styles as escape sequences), {@code M text} a note from pagelab, {@code S n} steps run so far, {@code T on}
 * or {@code T off} the students' turn, {@code B} the teacher has left. A student sends one line, {@code hello ID};
 * anything else it sends is never read.
 *
 * <p>The teacher's console never waits for a student: what it shows is put on each student's bounded queue (no I/O
 * on the console thread), and one thread per student writes it out. A student whose queue is full loses lines and is
 * told how many. Nothing is written while a statement is on the step thread, so the teacher's measured window
 * shares the machine with no sending started by pagelab (a write already under way finishes).
 */
final class TeachHub implements Shell.Listener, AutoCloseable {
    static final String SOCKET = "teach.sock";
    /** Lines of transcript kept for late joiners: a long lesson's worth of steps and reports. */
    static final int HISTORY_LINES = 5000;
    /** Above the history, so a late joiner's history always fits in its queue. */
    static final int QUEUE_LINES = 8000;

    private final Object lock = new Object();
    private final ArrayDeque<String> history = new ArrayDeque<>();
    private final List<Student> students = new ArrayList<>();
    private final StringBuilder partial = new StringBuilder();
    private final int historyLines;
    private final int queueLines;
    private final ServerSocketChannel server;
    private final Path socket;
    private long cut;
    private int steps;
    private boolean turn;
    private boolean stepping;
    private boolean closed;

    private TeachHub(ServerSocketChannel server, Path socket, int historyLines, int queueLines) {
        this.server = server;
        this.socket = socket;
        this.historyLines = historyLines;
        this.queueLines = queueLines;
    }

    static Path socket(ClassLayout layout) {
        return layout.dir().resolve(SOCKET);
    }

    /**
     * Binds the class's socket, readable and writable by its owner and the class's group only (connecting to a Unix
     * socket needs write permission on it). A socket left by a teacher that died is replaced; a live one is refused.
     */
    static TeachHub open(ClassLayout layout, int historyLines, int queueLines) throws IOException {
        Path path = socket(layout);
        UnixDomainSocketAddress address = UnixDomainSocketAddress.of(path);
        if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            try (SocketChannel probe = SocketChannel.open(address)) {
                throw new IOException("a teacher is already teaching class " + layout.name() + " (" + path + ")");
            } catch (IOException stale) {
                if (stale.getMessage() != null && stale.getMessage().startsWith("a teacher")) throw stale;
                Files.delete(path);
            }
        }
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            server.bind(address);
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-rw----"));
            // the class directory's group is the class's (pagelab-NAME) once 'class init' has run
            var group = Files.readAttributes(layout.dir(), PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                    .group();
            Files.getFileAttributeView(path, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                    .setGroup(group);
        } catch (IOException | RuntimeException e) {
            server.close();
            Files.deleteIfExists(path);
            throw e;
        }
        TeachHub hub = new TeachHub(server, path, historyLines, queueLines);
        Thread.ofPlatform().daemon().name("pagelab-teach-accept").start(hub::accept);
        return hub;
    }

    // ---- what the teacher's console shows (console thread; never blocks) ---------------------------------------

    @Override
    public void typed(String line) {
        publish("L \u001b[1mpagelab>\u001b[0m " + oneLine(line), true);
    }

    @Override
    public void shown(String text) {
        synchronized (lock) {
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c == '\n') {
                    String line = partial.toString();
                    partial.setLength(0);
                    // a line redrawn in place ("\r...") reaches the students as its last state
                    int cr = line.lastIndexOf('\r');
                    publish("L " + (cr >= 0 ? line.substring(cr + 1) : line), true);
                } else {
                    partial.append(c);
                }
            }
        }
    }

    @Override
    public void stepping(boolean on) {
        synchronized (lock) {
            stepping = on;
            if (!on) {
                steps++;
                publish("S " + steps, false);
                lock.notifyAll();
            }
        }
    }

    /** Switches every student's turn on or off (and a late joiner's too). */
    void turn(boolean on) {
        synchronized (lock) {
            turn = on;
            publish("T " + (on ? "on" : "off"), false);
        }
    }

    boolean turn() {
        synchronized (lock) {
            return turn;
        }
    }

    int steps() {
        synchronized (lock) {
            return steps;
        }
    }

    /** The IDs of the students connected now, as each said hello. */
    List<String> following() {
        synchronized (lock) {
            return students.stream().map(s -> s.id).toList();
        }
    }

    private static String oneLine(String s) {
        return s.replace('\n', ' ').replace('\r', ' ');
    }

    private void publish(String message, boolean transcript) {
        synchronized (lock) {
            if (closed) return;
            if (transcript) {
                history.addLast(message);
                while (history.size() > historyLines) {
                    history.removeFirst();
                    cut++;
                }
            }
            boolean wake = false;
            for (Student s : students) {
                wake |= s.queue.isEmpty();
                s.offer(message, transcript);
            }
            // a writer waits only on an empty queue (or a step): waking them all for every line would cost the
            // teacher's console two context switches a line on a small machine
            if (wake) lock.notifyAll();
        }
    }

    // ---- the students ------------------------------------------------------------------------------------------

    /** One connected student: its queue (guarded by the hub's lock) and the thread that writes it out. */
    private final class Student {
        final SocketChannel channel;
        final ArrayDeque<String> queue = new ArrayDeque<>();
        String id = "?";
        long skipped;

        Student(SocketChannel channel) {
            this.channel = channel;
        }

        /** Under the lock. Transcript lines beyond the queue's bound are dropped and counted; notes always go. */
        void offer(String message, boolean transcript) {
            if (!transcript) {
                queue.addLast(message);
                return;
            }
            if (queue.size() >= queueLines) {
                skipped++;
                return;
            }
            gap();
            queue.addLast(message);
        }

        /** Under the lock: where lines were lost, the student is told how many, in their place. */
        void gap() {
            if (skipped > 0) {
                queue.addLast("M you fell behind; " + skipped + " lines skipped");
                skipped = 0;
            }
        }
    }

    private void accept() {
        while (true) {
            SocketChannel channel;
            try {
                channel = server.accept();
            } catch (IOException e) {
                return; // closed: the teacher has left
            }
            Thread.ofPlatform().daemon().name("pagelab-teach-student").start(() -> serve(channel));
        }
    }

    private void serve(SocketChannel channel) {
        Student s = new Student(channel);
        try (channel) {
            String hello = readHello(channel);
            if (hello == null || !hello.startsWith("hello ")) return;
            String id = hello.substring(6).strip();
            s.id = id.matches("[a-z0-9_]{1,15}") ? id : "?";
            synchronized (lock) {
                if (closed) return;
                if (cut > 0) s.queue.addLast("M (the first " + cut + " lines of this session are not kept)");
                s.queue.addAll(history);
                s.queue.addLast("S " + steps);
                s.queue.addLast("T " + (turn ? "on" : "off"));
                students.add(s);
            }
            write(s);
        } catch (IOException e) {
            // the student left or stalled past closing: nothing of the teacher's depends on it
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            synchronized (lock) {
                students.remove(s);
                lock.notifyAll();
            }
        }
    }

    /** The first line a student sends, at most 64 bytes; nothing after it is ever read. */
    private static String readHello(SocketChannel channel) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(64);
        while (b.hasRemaining()) {
            if (channel.read(b) < 0) return null;
            for (int i = 0; i < b.position(); i++) {
                if (b.get(i) == '\n') return new String(b.array(), 0, i, StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    private void write(Student s) throws IOException, InterruptedException {
        StringBuilder batch = new StringBuilder();
        boolean bye = false;
        while (!bye) {
            batch.setLength(0);
            synchronized (lock) {
                while (s.queue.isEmpty() || stepping && !closed) {
                    if (s.queue.isEmpty() && s.skipped > 0) {
                        s.gap();
                        continue;
                    }
                    lock.wait();
                }
                for (int n = 0; n < 512 && !s.queue.isEmpty(); n++) {
                    String m = s.queue.removeFirst();
                    batch.append(m).append('\n');
                    if (m.equals("B")) bye = true;
                }
            }
            ByteBuffer out = StandardCharsets.UTF_8.encode(batch.toString());
            while (out.hasRemaining()) s.channel.write(out);
        }
    }

    /** Tells every student the teacher has left, gives their queues up to two seconds, and removes the socket. */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) return;
            if (!partial.isEmpty()) shown("\n");
            for (Student s : students) s.offer("B", false);
            closed = true;
            lock.notifyAll();
            long deadline = System.nanoTime() + 2_000_000_000L;
            while (!students.isEmpty()) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) break;
                try {
                    lock.wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            for (Student s : students) {
                try {
                    s.channel.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
        }
        try {
            server.close();
            Files.deleteIfExists(socket);
        } catch (IOException ignored) {
            // the next teacher replaces a stale socket
        }
    }
}
