package dev.pagelab.console.classroom;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pagelab.commands.Session;
import dev.pagelab.console.Shell;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Class mode's rules as a student meets them, through the console's own shell: files outside the private directory and
 * the shared material refused for every command that takes one (symbolic links followed), machine-wide commands refused,
 * and the class memory budget held, released on unmap and on exit, with dead consoles' claims dropped.
 */
class ClassPolicyTest {
    @TempDir
    Path tmp;

    Path work, shared, outside;
    ClassLayout layout;
    ClassPolicy policy;
    Session session;
    Shell shell;
    StringWriter buffer;

    @BeforeEach
    void setUp() throws IOException {
        layout = new ClassLayout(tmp.resolve("root"), "os101");
        work = Files.createDirectories(layout.work("alice"));
        shared = Files.createDirectories(layout.shared());
        outside = Files.createDirectories(tmp.resolve("outside"));
        Files.writeString(outside.resolve("secret.txt"), "not for students\n");
        Files.writeString(shared.resolve("notes.txt"), "lesson material\n");
        Files.writeString(work.resolve("mine.txt"), "my own\n");
        Ledger.create(layout.ledger(), 64L << 20);
        policy = new ClassPolicy(layout, "alice", work, shared, Ledger.open(layout.ledger(), layout.account("alice")));
        ClassPolicy.activate(policy);
        session = new Session();
        buffer = new StringWriter();
        shell = new Shell(
                session,
                new PrintWriter(buffer),
                false,
                false,
                () -> 1000); // wide: a refusal is one line before the screen wraps it
    }

    @AfterEach
    void tearDown() {
        shell.close();
        policy.close();
        assertThat(ClassPolicy.active()).isEmpty();
    }

    /** Runs one line; returns what it printed. */
    String run(String line) {
        buffer.getBuffer().setLength(0);
        shell.execute(line);
        return buffer.toString();
    }

    void refusedAsOutside(String line) {
        String out = run(line);
        assertThat(out).as(line).contains("is outside your class directories").hasLineCount(1);
    }

    @Test
    void everyFileTakingCommandIsConfined() throws IOException {
        String secret = outside.resolve("secret.txt").toString();
        refusedAsOutside("map 4K --file " + secret);
        refusedAsOutside("map 4K --file=" + secret);
        refusedAsOutside("cache " + secret);
        refusedAsOutside("cache /etc");
        refusedAsOutside("evict " + secret);
        refusedAsOutside("record " + outside.resolve("rec"));
        refusedAsOutside("record ../../../../outside/rec");
        refusedAsOutside("replay " + secret);
        refusedAsOutside("replay --check --cast " + outside.resolve("demo.cast") + " " + shared);
        refusedAsOutside("replay --cast=" + outside.resolve("demo.cast") + " " + shared);
        // relative names start in the private directory, and '..' cannot climb out of it
        refusedAsOutside("cache ../../../shared/../../outside/secret.txt");
        // nothing was written outside
        try (var s = Files.list(outside)) {
            assertThat(s.map(p -> p.getFileName().toString()).toList()).containsExactly("secret.txt");
        }
    }

    @Test
    void symbolicLinksAreJudgedByWhereTheyLead() throws IOException {
        Files.createSymbolicLink(work.resolve("link.txt"), outside.resolve("secret.txt"));
        Files.createSymbolicLink(work.resolve("elsewhere"), outside);
        Files.createSymbolicLink(work.resolve("dangling.toml"), outside.resolve("created-through-link.toml"));
        Files.createSymbolicLink(work.resolve("lesson"), shared);
        refusedAsOutside("cache link.txt");
        refusedAsOutside("map 4K --file link.txt");
        refusedAsOutside("record elsewhere/rec");
        refusedAsOutside("record dangling");
        assertThat(Files.exists(outside.resolve("created-through-link.toml"))).isFalse();
        // a link into the shared material reads it, but cannot write there
        assertThat(run("cache lesson/notes.txt")).contains("resident").doesNotContain("outside");
        refusedAsOutside("record lesson/rec");
        refusedAsOutside("map 4K --file lesson/notes.txt --shared");
    }

    @Test
    void filesInTheAllowedDirectoriesWork() throws IOException {
        assertThat(run("cache mine.txt"))
                .contains(work.resolve("mine.txt").toString())
                .contains("resident");
        assertThat(run("cache " + shared.resolve("notes.txt"))).contains("resident");
        assertThat(run("map 4K --file " + shared.resolve("notes.txt")))
                .contains("mmap")
                .doesNotContain("outside");
        assertThat(run("map 8K --file new.bin --create")).contains("mmap");
        assertThat(Files.exists(work.resolve("new.bin"))).isTrue();
        assertThat(run("evict new.bin")).doesNotContain("outside");
        assertThat(run("record lesson1")).contains("recording to " + work.resolve("lesson1.toml"));
        run("list");
        assertThat(run("record stop")).contains("wrote " + work.resolve("lesson1.toml"));
        assertThat(work.resolve("lesson1.toml")).exists();
        // a mapping's name is not a path: cache m1 measures the mapping's file
        assertThat(run("cache m1")).contains("resident").doesNotContain("outside");
    }

    @Test
    void machineWideCommandsAreRefusedInOneLine() throws IOException {
        String pool = Files.readString(Path.of("/proc/sys/vm/nr_hugepages"));
        for (String line : List.of("hugepages 2M 4", "limit memlock 1G", "lockall", "bench")) {
            String out = run(line);
            assertThat(out).as(line).contains("not available in class mode: ").hasLineCount(1);
        }
        assertThat(Files.readString(Path.of("/proc/sys/vm/nr_hugepages")))
                .as("the machine's pool is untouched")
                .isEqualTo(pool);
    }

    @Test
    void theBudgetRefusesAStepThatWouldPassItAndUnmapReleases() throws IOException {
        assertThat(run("map 40M --populate")).contains("present  0 \u2192 10240 pages");
        assertThat(policy.ledgerForTest().claimed()).isEqualTo(40L << 20);
        String refused = run("map 32M --populate");
        assertThat(refused)
                .contains("the class's memory budget is 64.0 MiB")
                .contains("this step may bring in 32.0 MiB")
                .hasLineCount(1);
        assertThat(session.mapping("m2")).isNull();
        // touch counts only what it has not claimed before: the same range twice costs nothing more
        run("map 32M");
        assertThat(run("touch m2[0:16M]")).contains("minor 4096");
        assertThat(run("touch m2[0:16M]")).contains("minor 0");
        assertThat(run("touch m2")).contains("class's memory budget").hasLineCount(1);
        assertThat(run("lock m2[16M:16M]")).contains("class's memory budget");
        assertThat(policy.ledgerForTest().claimed()).isEqualTo(56L << 20);
        run("unmap m1");
        assertThat(policy.ledgerForTest().claimed()).isEqualTo(16L << 20);
        assertThat(run("touch m2")).contains("minor 4096");
        assertThat(Files.readString(layout.ledger()))
                .contains(ProcessHandle.current().pid() + " " + (32L << 20) + " os101-alice");
        run("unmap m2");
        assertThat(Files.readString(layout.ledger())).isEqualTo("budget " + (64L << 20) + "\n");
    }

    @Test
    void claimsOfConsolesThatAreGoneAreDropped() throws Exception {
        // a console killed with -9 leaves its line; a PID now used by a process that is no console leaves one too
        Process sleeper = new ProcessBuilder("sleep", "60").start();
        Process finished = new ProcessBuilder("true").start();
        finished.waitFor(10, TimeUnit.SECONDS);
        try {
            Files.writeString(
                    layout.ledger(),
                    "budget " + (64L << 20) + "\n" + finished.pid() + " " + (60L << 20) + " os101-bob\n" + sleeper.pid()
                            + " " + (60L << 20) + " os101-carol\n");
            assertThat(run("map 40M --populate")).contains("present  0 \u2192 10240 pages");
            assertThat(Files.readString(layout.ledger()))
                    .doesNotContain("os101-bob")
                    .doesNotContain("os101-carol")
                    .contains("os101-alice");
        } finally {
            sleeper.destroyForcibly();
        }
    }

    @Test
    void exitGivesTheClaimBack() throws IOException {
        run("map 8M --populate");
        assertThat(Files.readString(layout.ledger())).contains("os101-alice");
        policy.close();
        assertThat(Files.readString(layout.ledger())).isEqualTo("budget " + (64L << 20) + "\n");
    }

    @Test
    void tabNeverListsElsewhere() {
        assertThat(policy.completable("m1")).isTrue();
        assertThat(policy.completable("--file")).isTrue();
        assertThat(policy.completable("mine.txt")).isTrue();
        assertThat(policy.completable("/etc/")).isFalse();
        assertThat(policy.completable(outside + "/")).isFalse();
        assertThat(policy.completable(shared + "/notes.txt")).isTrue();
        assertThat(policy.completable(tmp + "/"))
                .as("a directory on the way to the shared material")
                .isTrue();
    }

    @Test
    void rangesCountEachByteOnce() {
        ClassPolicy.Ranges r = new ClassPolicy.Ranges();
        assertThat(r.uncovered(0, 100)).isEqualTo(100);
        r.add(10, 20);
        r.add(30, 40);
        assertThat(r.uncovered(0, 100)).isEqualTo(80);
        r.add(15, 35);
        assertThat(r.bytes()).isEqualTo(30);
        r.retain(List.of(new long[] {0, 12}, new long[] {38, 50}));
        assertThat(r.bytes()).isEqualTo(4);
        assertThat(r.uncovered(10, 12)).isZero();
    }
}
