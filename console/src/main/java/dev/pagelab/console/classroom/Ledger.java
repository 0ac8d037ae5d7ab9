package dev.pagelab.console.classroom;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The class-wide memory budget, shared by every student's console through one file:
 * <pre>
 *   budget BYTES
 *   PID BYTES ACCOUNT        one line per console holding memory
 * </pre>
 * A console reads and rewrites it under a lock on its byte 0 (fcntl record locks, which is what {@link FileChannel#lock}
 * takes on Linux) before each step that could commit memory, and claims what the step may bring in; a claim that would
 * take the class past its budget is refused before anything runs.
 *
 * <p>Whether a line's console still runs is not read from /proc (a PID is reused, and /proc mounted hidepid hides other
 * users' processes): each console holds a lock on byte {@link #SLOTS}+PID for its whole life, and the kernel drops that
 * lock when the process ends however it ends (exit, crash, kill -9). A line whose byte can be locked is a dead console's,
 * and is dropped. POSIX record locks belong to the process and go away when any descriptor of the file is closed, so a
 * console keeps exactly one channel open on the ledger for its life.
 */
public final class Ledger implements AutoCloseable {
    /** Byte 0: held while the file is read and rewritten. */
    private static final long MUTEX = 0;
    /** Liveness bytes start here, far past any text the file holds (locks may lie beyond the end of a file). */
    static final long SLOTS = 1L << 40;

    private final Path file;
    private final FileChannel channel;
    private final long pid;
    private final String account;
    private final FileLock alive;
    private long claimed;

    /** A refusal: what the class holds, what this console would hold, and the budget. */
    public record Refusal(long budget, long others, long mine, long wanted) {}

    private Ledger(Path file, FileChannel channel, long pid, String account, FileLock alive) {
        this.file = file;
        this.channel = channel;
        this.pid = pid;
        this.account = account;
        this.alive = alive;
    }

    /** Joins the ledger at {@code file} as this process, for {@code account}. */
    public static Ledger open(Path file, String account) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            long pid = ProcessHandle.current().pid();
            FileLock alive = ch.lock(SLOTS + pid, 1, false);
            return new Ledger(file, ch, pid, account, alive);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** Writes a fresh ledger with {@code budget} bytes and no claims (class init). */
    static void create(Path file, long budget) throws IOException {
        try (FileChannel ch = FileChannel.open(
                        file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
                FileLock l = ch.lock(MUTEX, 1, false)) {
            State s = read(ch);
            write(ch, new State(budget, s.budget < 0 ? new LinkedHashMap<>() : s.claims));
        }
    }

    /**
     * The file's budget and claims as they stand, read under a shared lock on the mutex byte (so never half-rewritten),
     * without joining the ledger, pruning or writing: for an observer such as the teacher or a test. Claims of consoles
     * that died are still counted until a console next rewrites the file. Not for a process that has joined the ledger:
     * closing this descriptor would drop that process's own locks on the file (POSIX record locks).
     */
    public static State peek(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
                FileLock l = ch.lock(MUTEX, 1, true)) {
            return read(ch);
        }
    }

    public Path file() {
        return file;
    }

    /** What this console holds now. */
    public long claimed() {
        return claimed;
    }

    /** The budget and every live console's claim (dead ones dropped), read under the lock. */
    public synchronized State snapshot() throws IOException {
        try (FileLock l = channel.lock(MUTEX, 1, false)) {
            State s = prune(read(channel));
            write(channel, s);
            return s;
        }
    }

    /**
     * Sets this console's claim to {@code total} bytes. Lowering always succeeds; raising it is refused (and nothing is
     * written for this console) when the live consoles' claims and this one would exceed the budget.
     */
    public synchronized Refusal claim(long total) throws IOException {
        try (FileLock l = channel.lock(MUTEX, 1, false)) {
            State s = prune(read(channel));
            long others = 0;
            for (Map.Entry<Long, Line> e : s.claims.entrySet()) if (e.getKey() != pid) others += e.getValue().bytes;
            if (total > claimed && s.budget >= 0 && others + total > s.budget) {
                write(channel, s);
                return new Refusal(s.budget, others, claimed, total);
            }
            if (total > 0) s.claims.put(pid, new Line(total, account));
            else s.claims.remove(pid);
            write(channel, s);
            claimed = total;
            return null;
        }
    }

    /** Drops this console's claim and leaves the ledger (exit). */
    @Override
    public synchronized void close() {
        try {
            claim(0);
        } catch (IOException ignored) {
            // leaving: the line is dropped by the next console that reads the file, our lock being gone
        }
        try {
            alive.release();
            channel.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    record Line(long bytes, String account) {}

    /** The file's content: the budget (-1 when the file has none) and the claims by PID. */
    public record State(long budget, Map<Long, Line> claims) {
        public long total() {
            return claims.values().stream().mapToLong(Line::bytes).sum();
        }
    }

    private State prune(State s) throws IOException {
        Map<Long, Line> live = new LinkedHashMap<>();
        for (Map.Entry<Long, Line> e : s.claims.entrySet()) {
            if (e.getKey() == pid || held(e.getKey())) live.put(e.getKey(), e.getValue());
        }
        return new State(s.budget, live);
    }

    /** Whether console {@code other} still holds its liveness byte. */
    private boolean held(long other) throws IOException {
        try {
            FileLock probe = channel.tryLock(SLOTS + other, 1, false);
            if (probe == null) return true;
            probe.release();
            return false;
        } catch (OverlappingFileLockException e) {
            return true; // held by this very JVM (another Ledger on the same file: tests)
        }
    }

    private static State read(FileChannel ch) throws IOException {
        ByteBuffer b = ByteBuffer.allocate((int) Math.min(ch.size(), 1 << 20));
        ch.read(b, 0);
        long budget = -1;
        Map<Long, Line> claims = new LinkedHashMap<>();
        for (String line : new String(b.array(), 0, b.position(), StandardCharsets.UTF_8).split("\n")) {
            String[] f = line.trim().split("\\s+");
            try {
                if (f.length == 2 && f[0].equals("budget")) budget = Long.parseLong(f[1]);
                else if (f.length == 3) claims.put(Long.parseLong(f[0]), new Line(Long.parseLong(f[1]), f[2]));
            } catch (NumberFormatException ignored) {
                // a damaged line claims nothing
            }
        }
        return new State(budget, claims);
    }

    private static void write(FileChannel ch, State s) throws IOException {
        List<String> lines = new ArrayList<>();
        if (s.budget >= 0) lines.add("budget " + s.budget);
        for (Map.Entry<Long, Line> e : s.claims.entrySet())
            lines.add(e.getKey() + " " + e.getValue().bytes + " " + e.getValue().account);
        ByteBuffer out = ByteBuffer.wrap((String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
        // Written over the old text, then cut to length: a console killed in between leaves the budget line (always
        // first, and the same) in place, never an empty file that would read as "no budget".
        while (out.hasRemaining()) ch.write(out, out.position());
        ch.truncate(out.limit());
        ch.force(false);
    }
}
