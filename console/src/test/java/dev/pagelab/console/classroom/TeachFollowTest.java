package dev.pagelab.console.classroom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pagelab.commands.CommandError;
import dev.pagelab.commands.Session;
import dev.pagelab.console.Shell;
import dev.pagelab.console.terminal.OutputCharset;
import java.io.BufferedReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Follow the teacher over the real Unix domain socket, in one process: a teacher's console (a real shell, real steps
 * on this kernel) and several students' followers, as {@code class teach} and {@code class join} wire them.
 */
class TeachFollowTest {
    @TempDir
    Path root;

    ClassLayout layout;
    TeachHub hub;
    Session session;
    Shell teacher;
    final StringWriter teacherOut = new StringWriter();
    final List<Follow> follows = new ArrayList<>();

    /** A student's screen: every line its follower printed, and each status line in turn. */
    static final class Screen implements Follow.Display {
        final List<String> lines = new ArrayList<>();
        final List<String> statuses = new ArrayList<>();

        @Override
        public synchronized void lines(List<String> l) {
            lines.addAll(l);
        }

        @Override
        public synchronized void status(String text, boolean changed) {
            statuses.add(String.valueOf(text));
        }

        @Override
        public int width() {
            return 60;
        }

        synchronized String text() {
            return String.join("\n", lines);
        }

        /** Whether a line holds {@code s}, newest first (a long session's screen is large). */
        synchronized boolean shows(String s) {
            for (int i = lines.size() - 1; i >= 0; i--) if (lines.get(i).contains(s)) return true;
            return false;
        }

        synchronized String lastStatus() {
            return statuses.isEmpty() ? "" : statuses.get(statuses.size() - 1);
        }
    }

    @BeforeEach
    void teach() throws Exception {
        layout = ClassLayout.of(root, "os101");
        Files.createDirectories(layout.dir());
        hub = TeachHub.open(layout, 300, 400);
        session = new Session(true);
        teacher = new Shell(session, new PrintWriter(teacherOut), false, false, () -> 100);
        teacher.listen(hub);
        teacher.registry().register(new TurnCommand(hub));
    }

    @AfterEach
    void end() {
        for (Follow f : follows) f.close();
        hub.close();
        teacher.close();
    }

    Follow student(String id, Screen screen) {
        Follow f = new Follow(TeachHub.socket(layout), id, screen, false, OutputCharset.UTF8, 50);
        follows.add(f);
        f.start();
        return f;
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for: " + what);
            Thread.sleep(20);
        }
    }

    @Test
    void theSocketIsTheClassGroupsOnly() throws Exception {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(TeachHub.socket(layout))))
                .isEqualTo("rw-rw----");
        assertThat(Files.readAttributes(TeachHub.socket(layout), java.nio.file.attribute.PosixFileAttributes.class)
                        .group())
                .isEqualTo(Files.readAttributes(layout.dir(), java.nio.file.attribute.PosixFileAttributes.class)
                        .group());
    }

    @Test
    void aSecondTeacherIsRefusedAndAStaleSocketReplaced() throws Exception {
        assertThatThrownBy(() -> TeachHub.open(layout, 10, 20)).hasMessageContaining("already teaching");
        hub.close();
        // a teacher killed with -9 leaves its socket file behind: the next one takes the place
        Files.createFile(TeachHub.socket(layout));
        hub = TeachHub.open(layout, 10, 20);
        assertThat(Files.exists(TeachHub.socket(layout))).isTrue();
    }

    /** Whether {@code text} shows {@code line} and, after it, a report's faults row. */
    static boolean reportAfter(String text, String line) {
        int at = text.indexOf(line);
        return at >= 0 && text.indexOf("faults", at) > 0;
    }

    @Test
    void studentsSeeTheTeachersStepsAndALateJoinerTheSessionSoFar() throws Exception {
        Screen early = new Screen();
        Follow alice = student("alice", early);
        await("alice connected", () -> hub.following().contains("alice"));
        assertThat(teacher.execute("map 1M")).isTrue();
        assertThat(teacher.execute("touch m1")).isTrue();
        // the touch's report, not the map's: both have a faults row, and the map's may be all that arrived yet
        await("alice saw the touch's report", () -> reportAfter(early.text(), "pagelab> touch m1"));
        assertThat(early.text()).contains("pagelab> map 1M").contains("pagelab> touch m1");
        assertThat(early.lastStatus()).contains("2 steps").contains("your turn: off");
        assertThat(alice.live()).isTrue();

        Screen late = new Screen();
        student("bob", late);
        await("bob got the history", () -> reportAfter(late.text(), "pagelab> touch m1"));
        assertThat(late.text()).contains("pagelab> map 1M").contains("pagelab> touch m1");
        await("bob's status counts the steps", () -> late.lastStatus().contains("2 steps"));
        // the teacher's text at the student's width (60), never wider
        assertThat(late.lines).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(60));

        // past the kept history, a late joiner is told how much is missing
        for (int i = 0; i < 400; i++) teacher.println("line " + i);
        Screen later = new Screen();
        student("carol", later);
        await("carol got the history", () -> later.text().contains("line 399"));
        assertThat(later.text()).containsPattern("the first \\d+ lines of this session are not kept");
        assertThat(later.text()).doesNotContain("line 0\n");
    }

    @Test
    void turnOnAndOffReachEveryStudentAndHoldTheTeachersOutput() throws Exception {
        Screen s1 = new Screen();
        Screen s2 = new Screen();
        Follow a = student("alice", s1);
        Follow b = student("bob", s2);
        await("both connected", () -> hub.following().size() == 2);
        assertThatThrownBy(() -> a.admit("map"))
                .isInstanceOf(CommandError.class)
                .hasMessageContaining("waits for your turn");
        a.admit("help"); // reading the manual is always allowed

        assertThat(teacher.execute("turn on")).isTrue();
        assertThat(teacherOut.toString()).contains("students' turn: on").contains("2 students follow");
        await("turn on reached both", () -> a.turn() && b.turn());
        a.admit("map");
        assertThat(s1.text()).contains("your turn");
        teacher.println("said during the turn");
        Thread.sleep(200);
        assertThat(s1.text()).doesNotContain("said during the turn");

        assertThat(teacher.execute("turn off")).isTrue();
        await("turn off reached both", () -> !a.turn() && !b.turn());
        await("the held line shown", () -> s1.text().contains("said during the turn"));
        assertThat(s1.text()).contains("your turn is over; while you worked");
        assertThatThrownBy(() -> b.admit("touch")).hasMessageContaining("waits for your turn");

        assertThat(teacher.execute("turn sideways")).isFalse();
        assertThat(teacherOut.toString()).contains("turn takes on or off, not 'sideways'");
    }

    @Test
    void aStalledStudentNeverHoldsTheTeacherUpAndIsToldWhatItMissed() throws Exception {
        Screen fine = new Screen();
        student("alice", fine);
        // a student that says hello and then reads nothing
        SocketChannel stalled = SocketChannel.open(UnixDomainSocketAddress.of(TeachHub.socket(layout)));
        stalled.write(StandardCharsets.UTF_8.encode("hello stall\n"));
        await("both connected", () -> hub.following().size() == 2);
        String pad = "x".repeat(200);
        long start = System.nanoTime();
        for (int i = 0; i < 20_000; i++) teacher.println("line " + i + " " + pad);
        long millis = (System.nanoTime() - start) / 1_000_000;
        // 4 MB the stalled student never reads, some 20 times what its socket buffers hold: with a blocking send the
        // teacher would hang here for good. The bound is generous because this machine's 2 CPUs are shared (measured:
        // 1-7 s, the time of rendering and sending 20,000 lines to the student who does read, under load).
        System.out.printf("teacher: 20,000 lines with one stalled student in %d ms%n", millis);
        assertThat(millis).as("the teacher's 20,000 lines took %d ms", millis).isLessThan(60_000);
        // alice reads, but not as fast as the loop writes: she may have lost lines too, and is told so; once her
        // queue has drained she gets the next line as it comes
        Thread.sleep(1000);
        teacher.println("the end");
        await("alice kept up", () -> fine.shows("the end"));
        assertThat(fine.shows("line 0")).isTrue();

        // the stalled student reads at last: the lines it had room for, then how many it lost, then what comes next
        BufferedReader in = new BufferedReader(Channels.newReader(stalled, StandardCharsets.UTF_8));
        String gap = java.util.concurrent.CompletableFuture.supplyAsync(() -> readUntil(in, "M you fell behind"))
                .get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(gap).containsPattern("you fell behind; \\d+ lines skipped");
        teacher.println("caught up");
        assertThat(java.util.concurrent.CompletableFuture.supplyAsync(() -> readUntil(in, "L caught up"))
                        .get(30, java.util.concurrent.TimeUnit.SECONDS))
                .isEqualTo("L caught up");
        stalled.close();
    }

    static String readUntil(BufferedReader in, String prefix) {
        try {
            String l;
            while ((l = in.readLine()) != null) if (l.startsWith(prefix)) return l;
            return null;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void nothingIsSentWhileAStepIsOnTheStepThread() throws Exception {
        Screen s = new Screen();
        student("alice", s);
        await("connected", () -> hub.following().size() == 1);
        hub.stepping(true);
        hub.shown("during the step\n");
        Thread.sleep(300);
        assertThat(s.text()).doesNotContain("during the step");
        hub.stepping(false);
        await("sent once the step is back", () -> s.text().contains("during the step"));
    }

    @Test
    void theTeacherLeavingTellsStudentsAndGivesThemTheirConsoles() throws Exception {
        Screen s1 = new Screen();
        Screen s2 = new Screen();
        Follow a = student("alice", s1);
        Follow b = student("bob", s2);
        await("both connected", () -> hub.following().size() == 2);
        hub.close();
        await(
                "both told",
                () -> s1.text().contains("the teacher has left") && s2.text().contains("the teacher has left"));
        assertThat(a.live()).isFalse();
        assertThat(b.live()).isFalse();
        a.admit("map");
        assertThat(s1.lastStatus()).isEqualTo("null"); // the status line is cleared
        assertThat(Files.exists(TeachHub.socket(layout))).isFalse();

        // a teacher who comes back is followed again
        hub = TeachHub.open(layout, 300, 400);
        teacher.listen(hub);
        await("followed again", a::live);
    }
}
