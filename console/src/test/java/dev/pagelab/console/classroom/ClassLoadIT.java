package dev.pagelab.console.classroom;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pagelab.console.classroom.LoopbackSshd.Result;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 14's proof "30 clients": a real OpenSSH server on loopback, a class made with {@code pagelab class init} and
 * {@code add}, and 30 students logging in at once with their own keys over {@code ssh -tt}, each in a console of their
 * own under their own uid. The teacher's console ({@code pagelab class teach}) replays the demand-paging recipe while all
 * follow, and every student's screen shows every step the teacher ran. Then every student runs the recipe's steps by
 * hand and replays it with {@code --check} (every
 * check passes), then all ask for memory at the same moment: the class ledger, polled throughout, never holds more than
 * the budget, exactly as many claims as fit are granted and the rest, like {@code map 8G --populate}, get a one-line
 * refusal; every console shows its prompt again and ends with status 0, and nothing is written outside the students'
 * private directories.
 *
 * <p>The figures (per-step latency each client saw, median and p95 across the class; memory per student console; wall
 * time) are printed in one line and written to console/target/class-load.txt. Speed is reported, not asserted: this runs
 * on 2 shared cores in CI. Each wait is bounded, and the whole run by {@link #DEADLINE_SECONDS}.
 */
class ClassLoadIT {
    static final int STUDENTS = 30;
    /** Room for 24 of 30 claims of 4 MiB, and for 30 recipe runs (2 MiB each, a PMD block) at once. */
    static final long BUDGET = 96L << 20;

    static final long HOLD = 4L << 20;
    /** Everything, set-up and clean-up aside: a CI runner must never hang on this test. */
    static final int DEADLINE_SECONDS = 360;
    /** A single step or login, however loaded the machine. */
    static final int STEP_SECONDS = 150;

    static LoopbackSshd fx;
    static long deadline;

    @BeforeAll
    static void setUp() throws Exception {
        fx = LoopbackSshd.create(LoopbackSshd.name('l'));
    }

    @AfterAll
    static void cleanUp() throws Exception {
        if (fx != null) fx.close();
    }

    /** One student's login: ssh -tt, so the console takes its terminal path (JLine, prompt, history) as in class. */
    static final class Student {
        final String id;
        final Process ssh;
        final OutputStream in;
        private final StringBuilder screen = new StringBuilder();
        private boolean ended;
        /** Each step's latency: from the line sent to the first character of its report. */
        final List<Long> stepNanos = Collections.synchronizedList(new ArrayList<>());

        long loginNanos;

        Student(String id) throws IOException {
            this.id = id;
            ProcessBuilder pb = new ProcessBuilder(fx.ssh(id, "-tt", fx.target(id))).redirectErrorStream(true);
            // a dumb terminal: no colour, no progress line, no escape sequences to strip; what a screen reader gets
            pb.environment().put("TERM", "dumb");
            pb.environment().put("LANG", "C.UTF-8");
            long t0 = System.nanoTime();
            ssh = pb.start();
            fx.started.add(ssh);
            in = ssh.getOutputStream();
            Thread t = new Thread(this::pump, "ssh-" + id);
            t.setDaemon(true);
            t.start();
            waitFor("pagelab> ", 0);
            loginNanos = System.nanoTime() - t0;
        }

        private void pump() {
            char[] b = new char[4096];
            try (Reader r = new InputStreamReader(ssh.getInputStream(), StandardCharsets.UTF_8)) {
                for (int n; (n = r.read(b)) > 0; ) {
                    synchronized (this) {
                        screen.append(b, 0, n);
                        notifyAll();
                    }
                }
            } catch (IOException ignored) {
                // the connection ended
            }
            synchronized (this) {
                ended = true;
                notifyAll();
            }
        }

        synchronized String text() {
            return screen.toString();
        }

        /** Waits until {@code text} appears at or after {@code from}; returns where. */
        synchronized int waitFor(String text, int from) {
            long until = Math.min(System.nanoTime() + TimeUnit.SECONDS.toNanos(STEP_SECONDS), deadline);
            while (true) {
                int at = screen.indexOf(text, from);
                if (at >= 0) return at;
                long left = until - System.nanoTime();
                if (ended || left <= 0)
                    throw new AssertionError(id + ": never showed '" + text + "'" + (ended ? " (connection ended)" : "")
                            + ":\n" + screen.substring(from));
                try {
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError(id + ": interrupted");
                }
            }
        }

        /**
         * Waits until the report of {@code typed} starts at or after {@code from}: the first row that is neither blank
         * nor an echo of the line (the pty echoes what arrives before JLine reads, and JLine draws the line again after
         * its prompt); returns where.
         */
        private synchronized int waitForReport(String typed, int from) {
            long until = Math.min(System.nanoTime() + TimeUnit.SECONDS.toNanos(STEP_SECONDS), deadline);
            while (true) {
                int row = from;
                while (row < screen.length()) {
                    int end = screen.indexOf("\n", row);
                    String text = screen.substring(row, end < 0 ? screen.length() : end)
                            .replace("\r", "")
                            .strip();
                    String bare =
                            text.startsWith("pagelab>") ? text.substring(8).strip() : text;
                    boolean echo = bare.isEmpty() || (end < 0 ? typed.startsWith(bare) : bare.equals(typed));
                    if (!echo)
                        return row
                                + (screen.substring(row).length()
                                        - screen.substring(row).stripLeading().length());
                    if (end < 0) break;
                    row = end + 1;
                }
                long left = until - System.nanoTime();
                if (ended || left <= 0) throw new AssertionError(id + ": no report after:\n" + screen.substring(from));
                try {
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError(id + ": interrupted");
                }
            }
        }

        /**
         * Types {@code line} and Enter; returns its report (without the echoed line and the next prompt, CRs dropped)
         * once the prompt is back. The latency is counted to the report's first character.
         */
        String step(String line) throws IOException {
            int mark;
            synchronized (this) {
                mark = screen.length();
            }
            long t0 = System.nanoTime();
            in.write((line + "\r").getBytes(StandardCharsets.UTF_8));
            in.flush();
            // the terminal echoes the line (JLine draws it), then the report starts on the next line
            int report = waitForReport(line, mark);
            stepNanos.add(System.nanoTime() - t0);
            int prompt = waitFor("pagelab> ", report);
            return text().substring(report, prompt).replace("\r", "").strip();
        }

        /** Leaves with 'exit'; the status ssh returns is the console's. */
        int exit() throws Exception {
            in.write("exit\r".getBytes(StandardCharsets.UTF_8));
            in.flush();
            if (!ssh.waitFor(
                    Math.max(1, TimeUnit.NANOSECONDS.toSeconds(deadline - System.nanoTime())), TimeUnit.SECONDS))
                throw new AssertionError(id + ": the console did not end after 'exit':\n" + text());
            return ssh.exitValue();
        }
    }

    /** Something every student does at the same time; phases run one after another. */
    interface Phase {
        void run(Student s) throws Exception;
    }

    /** Runs {@code phase} for every student at once; fails with the first student's failure. */
    static void together(ExecutorService pool, List<Student> students, String name, Phase phase) throws Exception {
        CyclicBarrier start = new CyclicBarrier(students.size());
        List<Future<Void>> done = new ArrayList<>();
        for (Student s : students) {
            done.add(pool.submit((Callable<Void>) () -> {
                start.await(STEP_SECONDS, TimeUnit.SECONDS);
                phase.run(s);
                return null;
            }));
        }
        for (Future<Void> f : done) {
            try {
                f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                throw new AssertionError("phase '" + name + "': " + e.getCause().getMessage(), e.getCause());
            } catch (java.util.concurrent.TimeoutException e) {
                throw new AssertionError("phase '" + name + "' passed the test's deadline");
            }
        }
    }

    @Test
    void thirtyStudentsAtOnceEachChecksTheRecipeAndTheClassKeepsToItsBudget() throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 1; i <= STUDENTS; i++) ids.add(String.format(Locale.ROOT, "s%02d", i));
        long setUp0 = System.nanoTime();
        // The first start records the JDK's AOT cache in the checkout, as an installed package ships it: a student's
        // login cannot write it there and would start without it.
        fx.asALogin = true;
        Result init = fx.init(String.valueOf(BUDGET >> 20) + "M");
        assertThat(init.status()).as(init.output()).isZero();
        for (String id : ids) {
            Result add = fx.add(id, Path.of(fx.keygen(id) + ".pub"));
            assertThat(add.status()).as(add.output()).isZero();
        }
        // sshd drops new unauthenticated connections at random once 10 wait (MaxStartups 10:30:100, the default): 30
        // logins at once would lose some. 60:30:100 lets the whole class log in at the same moment, which is what this
        // measures (a teacher saying "log in now"); MaxAuthTries is per connection and untouched.
        fx.start("MaxStartups 60:30:100");
        long setUpNanos = System.nanoTime() - setUp0;

        Path ledger = fx.layout.ledger();
        AtomicLong peak = new AtomicLong();
        AtomicInteger samples = new AtomicInteger();
        AtomicBoolean polling = new AtomicBoolean(true);
        List<String> overBudget = Collections.synchronizedList(new ArrayList<>());
        Thread poller = new Thread(
                () -> {
                    while (polling.get()) {
                        try {
                            Ledger.State s = Ledger.peek(ledger);
                            samples.incrementAndGet();
                            peak.accumulateAndGet(s.total(), Math::max);
                            if (s.total() > s.budget()) overBudget.add(s.toString());
                            Thread.sleep(20);
                        } catch (IOException | InterruptedException e) {
                            overBudget.add("unreadable: " + e);
                            return;
                        }
                    }
                },
                "ledger-poller");
        poller.setDaemon(true);
        poller.start();

        long t0 = System.nanoTime();
        deadline = t0 + TimeUnit.SECONDS.toNanos(DEADLINE_SECONDS);
        ExecutorService pool = Executors.newFixedThreadPool(STUDENTS);
        List<Student> students = Collections.synchronizedList(new ArrayList<>());
        List<Long> replayNanos = Collections.synchronizedList(new ArrayList<>());
        List<Long> followNanos = Collections.synchronizedList(new ArrayList<>());
        List<Long> teacherReplayNanos = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger granted = new AtomicInteger(), refused = new AtomicInteger();
        Memory memory;
        try {
            // every login at once (see MaxStartups above)
            List<Future<Student>> logins = new ArrayList<>();
            for (String id : ids) logins.add(pool.submit(() -> new Student(id)));
            for (Future<Student> f : logins) {
                try {
                    students.add(f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
                } catch (java.util.concurrent.ExecutionException e) {
                    throw new AssertionError(
                            "login: " + e.getCause().getMessage() + "\nsshd:\n" + Files.readString(fx.log()),
                            e.getCause());
                }
            }
            long loggedIn = System.nanoTime();

            teacherReplaysWhileAllFollow(pool, students, followNanos, teacherReplayNanos);
            together(pool, students, "the recipe's steps by hand", ClassLoadIT::recipeStepsByHand);
            together(pool, students, "replay --check", s -> {
                long r0 = System.nanoTime();
                String out = s.step("replay 01-demand-paging --check");
                // a whole recipe, to its summary and the prompt: reported apart from single steps
                replayNanos.add(System.nanoTime() - r0);
                s.stepNanos.removeLast();
                assertThat(out).as(s.id).contains("PASS").doesNotContain("FAIL").doesNotContain("\u2717");
            });
            memory = Memory.of(students);
            together(pool, students, "everyone asks for memory at once", s -> {
                String out = s.step("map hold 4M --populate");
                if (out.contains("present")) granted.incrementAndGet();
                else {
                    assertThat(oneLine(out))
                            .as(s.id)
                            .contains("the class's memory budget is 96.0 MiB")
                            .hasLineCount(1);
                    refused.incrementAndGet();
                }
            });
            // exactly as many as fit: the ledger's lock admits no two claims on one free slot
            assertThat(granted.get()).isEqualTo((int) (BUDGET / HOLD));
            assertThat(refused.get()).isEqualTo(STUDENTS - (int) (BUDGET / HOLD));
            assertThat(Ledger.peek(ledger).total()).isEqualTo(BUDGET);
            together(
                    pool,
                    students,
                    "map 8G --populate",
                    s -> assertThat(oneLine(s.step("map big 8G --populate")))
                            .as(s.id)
                            .contains("the class's memory budget is 96.0 MiB")
                            .contains("this step may bring in 8.0 GiB")
                            .hasLineCount(1));
            together(
                    pool,
                    students,
                    "leave",
                    s -> assertThat(s.exit()).as(s.id + ": " + s.text()).isZero());
            long wall = System.nanoTime() - t0;
            polling.set(false);
            poller.join(5000);

            assertThat(overBudget).as("ledger over its budget").isEmpty();
            assertThat(samples.get()).as("ledger samples").isGreaterThan(10);
            assertThat(peak.get()).isEqualTo(BUDGET);
            assertThat(Ledger.peek(ledger).total())
                    .as("every claim given back at exit")
                    .isZero();
            assertThat(fx.ownedOutsideWork(List.of(
                            Path.of("/tmp"), Path.of("/var/tmp"), Path.of("/dev/shm"), fx.base, LoopbackSshd.ROOT)))
                    .as("files the students' consoles wrote outside their directories")
                    .isEmpty();

            List<Long> steps = new ArrayList<>(), first = new ArrayList<>(), later = new ArrayList<>();
            for (Student s : students) {
                steps.addAll(s.stepNanos);
                first.add(s.stepNanos.getFirst());
                later.addAll(s.stepNanos.subList(1, s.stepNanos.size()));
            }
            List<Long> loginTimes = students.stream().map(s -> s.loginNanos).toList();
            String summary = String.format(
                    Locale.ROOT,
                    "class load: %d students over ssh -tt on %d cores; following the teacher: a teacher's step on"
                            + " every student's screen median %.1f ms, p95 %.1f ms (%d), the teacher's whole replay"
                            + " median %.0f ms, p95 %.0f ms; own step latency median %.1f ms, p95 %.1f ms"
                            + " (%d steps; a fresh console's first step, which waits for its warm-up, median %.0f ms,"
                            + " p95 %.0f ms; later steps median %.1f ms, p95 %.1f ms); replay --check median %.0f ms, p95 %.0f ms; login to prompt median %.1f s,"
                            + " p95 %.1f s (all at once); memory per student console RSS median %.1f MiB, PSS median"
                            + " %.1f MiB (AOT cache mapped in %d/%d); ledger peak %.1f of %.1f MiB in %d samples;"
                            + " granted %d, refused %d of 4 MiB; wall %.1f s (all logged in after %.1f s); set-up %.1f s",
                    STUDENTS,
                    Runtime.getRuntime().availableProcessors(),
                    ms(percentile(followNanos, 50)),
                    ms(percentile(followNanos, 95)),
                    followNanos.size(),
                    ms(percentile(teacherReplayNanos, 50)),
                    ms(percentile(teacherReplayNanos, 95)),
                    ms(percentile(steps, 50)),
                    ms(percentile(steps, 95)),
                    steps.size(),
                    ms(percentile(first, 50)),
                    ms(percentile(first, 95)),
                    ms(percentile(later, 50)),
                    ms(percentile(later, 95)),
                    ms(percentile(replayNanos, 50)),
                    ms(percentile(replayNanos, 95)),
                    ms(percentile(loginTimes, 50)) / 1000,
                    ms(percentile(loginTimes, 95)) / 1000,
                    memory.rssMedianKiB / 1024.0,
                    memory.pssMedianKiB / 1024.0,
                    memory.aot,
                    memory.consoles,
                    peak.get() / 1048576.0,
                    BUDGET / 1048576.0,
                    samples.get(),
                    granted.get(),
                    refused.get(),
                    wall / 1e9,
                    (loggedIn - t0) / 1e9,
                    setUpNanos / 1e9);
            System.out.println(summary);
            Files.writeString(LoopbackSshd.ROOT.resolve("console/target/class-load.txt"), summary + "\n");
            assertThat(memory.consoles).isEqualTo(STUDENTS);
        } finally {
            polling.set(false);
            pool.shutdownNow();
            // what each student's terminal showed, to read when a phase failed
            Path screens = Files.createDirectories(LoopbackSshd.ROOT.resolve("console/target/class-load"));
            for (Student s : students) Files.writeString(screens.resolve(s.id + ".txt"), s.text());
        }
    }

    /**
     * Issue 14 item 4 under the whole class: the teacher's console ({@code pagelab class teach}, commands from a pipe)
     * replays the demand-paging recipe while all 30 follow, read-only and live; every student's screen must show every
     * step the teacher ran, with its report, and the recipe's verdict. Then the teacher types three steps of their own,
     * and the time from each line sent to its report on each student's screen is the latency a follower sees. When
     * the teacher leaves, every student is told and has their own console back.
     */
    static void teacherReplaysWhileAllFollow(
            ExecutorService pool, List<Student> students, List<Long> followNanos, List<Long> replayNanos)
            throws Exception {
        Path out = fx.base.resolve("teacher.out");
        Process teacher = new ProcessBuilder(
                        "env",
                        "PAGELAB_NO_BUILD=1",
                        LoopbackSshd.ROOT.resolve("pagelab").toString(),
                        "class",
                        "--root",
                        fx.classRoot.toString(),
                        "teach",
                        fx.name)
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .start();
        fx.started.add(teacher);
        PrintWriter say = new PrintWriter(teacher.getOutputStream(), true, StandardCharsets.UTF_8);
        Map<Student, Integer> from = new java.util.concurrent.ConcurrentHashMap<>();
        try {
            // a console already running finds the teacher within two seconds
            together(pool, students, "find the teacher", s -> from.put(s, s.waitFor("following the teacher", 0)));
            List<String> runs = List.of(
                    "map buf 1M --no-thp",
                    "touch buf --timing",
                    "touch buf --timing",
                    "inspect-pagemap buf",
                    "unmap buf");
            long r0 = System.nanoTime();
            say.println("replay 01-demand-paging --auto --delay 0.2");
            together(pool, students, "follow the teacher's replay", s -> {
                int at = from.get(s);
                for (String run : runs) at = s.waitFor("pagelab> " + run, at) + 1;
                at = s.waitFor("minor 256", from.get(s));
                int verdict = s.waitFor("PASS Demand paging", at);
                replayNanos.add(System.nanoTime() - r0);
                from.put(s, verdict);
            });
            for (String[] step : List.of(
                    new String[] {"map t 64K --no-thp", "map t: mmap 64K"},
                    new String[] {"touch t", "minor 16"},
                    new String[] {"unmap t", "unmap t: munmap"})) {
                long t0 = System.nanoTime();
                say.println(step[0]);
                together(pool, students, "see the teacher's '" + step[0] + "'", s -> {
                    from.put(s, s.waitFor(step[1], from.get(s)));
                    followNanos.add(System.nanoTime() - t0);
                });
            }
            say.close(); // the teacher leaves
            assertThat(teacher.waitFor(STEP_SECONDS, TimeUnit.SECONDS)).isTrue();
            assertThat(teacher.exitValue()).as(Files.readString(out)).isZero();
            together(pool, students, "the teacher has left", s -> s.waitFor("the teacher has left", from.get(s)));
            assertThat(Files.readString(out)).contains("PASS Demand paging");
        } finally {
            say.close();
            teacher.destroy();
        }
    }

    /** The demand-paging recipe's steps, typed: each must report, and the prompt come back. */
    static void recipeStepsByHand(Student s) throws Exception {
        assertThat(s.step("map buf 1M --no-thp")).as(s.id).contains("mmap 1M");
        assertThat(s.step("touch buf")).as(s.id).contains("minor 256");
        assertThat(s.step("touch buf")).as(s.id).contains("minor 0");
        assertThat(s.step("unmap buf")).as(s.id).doesNotContain("error");
    }

    /** Memory of each student's console JVM from /proc/PID/smaps_rollup: medians across the class. */
    record Memory(int consoles, long rssMedianKiB, long pssMedianKiB, int aot) {
        static Memory of(List<Student> students) throws IOException {
            List<Long> rss = new ArrayList<>(), pss = new ArrayList<>();
            int aot = 0;
            for (ProcessHandle h : fx.studentProcesses()) {
                if (!h.info().command().orElse("").endsWith("/java")) continue;
                Path proc = Path.of("/proc/" + h.pid());
                try {
                    for (String line : Files.readAllLines(proc.resolve("smaps_rollup"))) {
                        String[] f = line.split("\\s+");
                        if (f[0].equals("Rss:")) rss.add(Long.parseLong(f[1]));
                        if (f[0].equals("Pss:")) pss.add(Long.parseLong(f[1]));
                    }
                    if (Files.readString(proc.resolve("maps")).contains(".aot")) aot++;
                } catch (IOException gone) {
                    // a console that ended: the phase that follows fails for it
                }
            }
            return new Memory(rss.size(), percentile(rss, 50), percentile(pss, 50), aot);
        }
    }

    /**
     * {@code report} with the console's wrapping undone: a line too long for the terminal (80 columns here, ssh -tt
     * from pipes) goes on in lines indented by two spaces, so a one-line refusal may take several rows.
     */
    static String oneLine(String report) {
        return report.replace("\n  ", " ");
    }

    static long percentile(List<Long> values, int p) {
        if (values.isEmpty()) return 0;
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.clamp(i, 0, sorted.size() - 1));
    }

    static double ms(long nanos) {
        return nanos / 1e6;
    }
}
