package dev.pagelab.console.classroom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.pagelab.console.classroom.LoopbackSshd.Result;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A real class on this machine, as root: {@code pagelab class init} and {@code add} make a group, accounts, directories
 * and an sshd Match block (in a test directory, never /etc/ssh); students' consoles run under their own uids, hold the
 * class to its memory budget across processes (a console killed with -9 included); over a real OpenSSH on loopback a
 * login runs the console whatever command it asks for, and less's '!' runs nothing. Every user, group and directory
 * made is removed at the end.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClassModeIT {
    static final Path ROOT = LoopbackSshd.ROOT;
    static final String NAME = LoopbackSshd.name('t');
    static final String GROUP = "pagelab-" + NAME;
    static LoopbackSshd fx;
    static Path base;
    static Path classRoot;
    static Path sshdConfig;
    static List<String> accounts;
    static List<Process> started;

    @BeforeAll
    static void setUp() throws Exception {
        fx = LoopbackSshd.create(NAME);
        base = fx.base;
        classRoot = fx.classRoot;
        sshdConfig = fx.sshdConfig;
        accounts = fx.accounts;
        started = fx.started;
        for (String id : List.of("alice", "bob")) fx.keygen(id);
    }

    @AfterAll
    static void cleanUp() throws Exception {
        if (fx == null) return;
        fx.close();
        assertThat(ClassAdmin.passwd(NAME + "-alice")).isNull();
    }

    static Result run(long seconds, String... cmd) throws IOException, InterruptedException {
        return LoopbackSshd.run(seconds, cmd);
    }

    static Result pagelab(String... args) throws Exception {
        return LoopbackSshd.pagelab(args);
    }

    static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p)) + " "
                + Files.getOwner(p).getName();
    }

    @Test
    @Order(1)
    void initAndAddSetUpTheClassAndCanBeRunAgain() throws Exception {
        // a key with options: only the key itself reaches the key file ("whatever the key says" does not apply)
        Files.writeString(
                base.resolve("alice-opts.pub"),
                "command=\"/bin/bash\",no-pty " + Files.readString(base.resolve("alice.pub")));
        for (int round = 0; round < 2; round++) {
            Result init = pagelab(
                    "class",
                    "--root",
                    classRoot.toString(),
                    "init",
                    NAME,
                    "--budget",
                    "96M",
                    "--sshd-config",
                    sshdConfig.toString());
            assertThat(init.status()).as(init.output()).isZero();
            assertThat(init.output()).contains("memory budget 96.0 MiB");
            accounts.add(NAME + "-alice");
            Result add = pagelab(
                    "class",
                    "--root",
                    classRoot.toString(),
                    "add",
                    NAME,
                    "alice",
                    base.resolve("alice-opts.pub").toString());
            assertThat(add.status()).as(add.output()).isZero();
            String noCgroup = CgroupLimit.system().unsupported();
            if (noCgroup != null) {
                assertThat(add.output())
                        .contains("no per-student cgroup limit here: " + noCgroup
                                + "; the class ledger still holds the budget");
            }
        }
        accounts.add(NAME + "-bob");
        // alice squats bob's results file before bob is added: a symbolic link to a file of root's
        ClassLayout squat = new ClassLayout(classRoot, NAME);
        String hostnameMode = mode(Path.of("/etc/hostname"));
        assertThat(run(
                                10,
                                "runuser",
                                "-u",
                                NAME + "-alice",
                                "--",
                                "ln",
                                "-s",
                                "/etc/hostname",
                                squat.result("bob").toString())
                        .status())
                .isZero();
        assertThat(pagelab(
                                "class",
                                "--root",
                                classRoot.toString(),
                                "add",
                                NAME,
                                "bob",
                                base.resolve("bob.pub").toString())
                        .status())
                .isZero();

        ClassLayout l = new ClassLayout(classRoot, NAME);
        String[] pw = ClassAdmin.passwd(NAME + "-alice").split(":");
        assertThat(pw[5]).isEqualTo(l.home("alice").toString());
        assertThat(pw[6]).as("sshd runs ForceCommand with the login shell's -c").isEqualTo("/bin/sh");
        assertThat(run(10, "id", "-gn", NAME + "-alice").output().trim()).isEqualTo(GROUP);
        assertThat(run(10, "getent", "shadow", NAME + "-alice").output())
                .as("no password matches '*'")
                .startsWith(NAME + "-alice:*:");
        assertThat(mode(l.work("alice"))).isEqualTo("rwx------ " + NAME + "-alice");
        assertThat(mode(l.home("alice")))
                .as("the home is not the student's: no ~/.ssh/rc, no ~/.pam_environment")
                .isEqualTo("rwx--x--x root");
        assertThat(mode(l.students())).isEqualTo("rwx--x--x root");
        assertThat(mode(l.shared())).isEqualTo("rwxr-x--- root");
        assertThat(mode(l.ledger())).isEqualTo("rw-rw---- root");
        assertThat(Files.readString(l.key(NAME + "-alice")).trim())
                .isEqualTo(Files.readString(base.resolve("alice.pub")).trim())
                .doesNotContain("command=");
        assertThat(Files.readString(l.ledger())).isEqualTo("budget " + (96L << 20) + "\n");
        // predictions' drop directory: students create files there but cannot list it, nor read or remove another's
        assertThat(run(10, "stat", "-c", "%a %U %G", l.results().toString())
                        .output()
                        .trim())
                .isEqualTo("1730 root " + GROUP);
        assertThat(mode(l.result("alice"))).isEqualTo("rw------- " + NAME + "-alice");
        String bob = NAME + "-bob";
        assertThat(run(10, "runuser", "-u", bob, "--", "ls", l.results().toString())
                        .status())
                .as("a student cannot list the results")
                .isNotZero();
        assertThat(run(10, "runuser", "-u", bob, "--", "cat", l.result("alice").toString())
                        .status())
                .isNotZero();
        assertThat(run(
                                10,
                                "runuser",
                                "-u",
                                bob,
                                "--",
                                "rm",
                                "-f",
                                l.result("alice").toString())
                        .status())
                .as("the sticky bit")
                .isNotZero();
        assertThat(Files.exists(l.result("alice"))).isTrue();
        assertThat(Files.isSymbolicLink(l.result("bob")))
                .as("class add replaced alice's link")
                .isFalse();
        assertThat(mode(l.result("bob"))).isEqualTo("rw------- " + NAME + "-bob");
        assertThat(mode(Path.of("/etc/hostname"))).isEqualTo(hostnameMode);
        assertThat(Files.readString(l.studentMemory()).trim())
                .as("the default per-student limit: the budget and 512 MiB for the console")
                .isEqualTo(String.valueOf((96L << 20) + (512L << 20)));

        String effective = run(
                        30,
                        "/usr/sbin/sshd",
                        "-T",
                        "-f",
                        sshdConfig.toString(),
                        "-o",
                        "HostKey=" + base.resolve("alice"),
                        "-C",
                        "user=" + NAME + "-alice,host=localhost,addr=127.0.0.1")
                .output();
        assertThat(effective)
                .contains("forcecommand cd work && exec /usr/bin/env -i PATH=/usr/bin:/bin ")
                .contains(" SSH_ORIGINAL_COMMAND=\"$SSH_ORIGINAL_COMMAND\" " + ROOT.resolve("pagelab")
                        + " class --root " + classRoot + " join " + NAME)
                .contains("disableforwarding yes")
                .contains("permittty yes")
                .contains("permituserrc no")
                .contains("authorizedkeysfile " + l.keys() + "/%u")
                .contains("authenticationmethods publickey");
        String others = run(
                        30,
                        "/usr/sbin/sshd",
                        "-T",
                        "-f",
                        sshdConfig.toString(),
                        "-o",
                        "HostKey=" + base.resolve("alice"),
                        "-C",
                        "user=root,host=localhost,addr=127.0.0.1")
                .output();
        assertThat(others)
                .as("other logins are untouched")
                .contains("forcecommand none")
                .contains("disableforwarding no");
    }

    @Test
    @Order(2)
    void namesThatCouldCarryAPathOrAnOptionAreRefused() throws Exception {
        for (List<String> args : List.of(
                List.of("init", "../etc"),
                List.of("init", "-rf"),
                List.of("init", "a/b"),
                List.of("add", NAME, "../../root", base.resolve("bob.pub").toString()),
                List.of("add", NAME, "x y", "k"),
                List.of("join", "Os101"))) {
            List<String> all = new ArrayList<>(List.of("class", "--root", classRoot.toString()));
            all.addAll(args);
            Result r = pagelab(all.toArray(String[]::new));
            assertThat(r.status()).as(args + ": " + r.output()).isEqualTo(2);
            assertThat(r.output()).as(args.toString()).containsAnyOf("is not a class name", "is not a student ID");
        }
        assertThat(Files.exists(classRoot.resolve("etc"))).isFalse();
        Result noKey = pagelab("class", "--root", classRoot.toString(), "add", NAME, "carol", sshdConfig.toString());
        assertThat(noKey.output()).contains("holds no OpenSSH public key");
        assertThat(ClassAdmin.passwd(NAME + "-carol")).isNull();
    }

    @Test
    @Order(3)
    void withoutRootTheStepsArePrintedAndNothingIsDone() throws Exception {
        Path other = base.resolve("unprivileged");
        Result r = run(
                120,
                "runuser",
                "-u",
                "nobody",
                "--",
                "env",
                "PAGELAB_NO_BUILD=1",
                "PAGELAB_AOT=0",
                "HOME=/nonexistent",
                ROOT.resolve("pagelab").toString(),
                "class",
                "--root",
                other.toString(),
                "init",
                "zz" + NAME.substring(1));
        assertThat(r.status()).as(r.output()).isEqualTo(1);
        assertThat(r.output())
                .contains("needs root")
                .contains("groupadd --system pagelab-zz")
                .contains("install -d -o root")
                .contains("ForceCommand cd work && exec");
        assertThat(Files.exists(other)).isFalse();
        assertThat(run(10, "getent", "group", "pagelab-zz" + NAME.substring(1)).status())
                .isNotZero();
    }

    /** A student's console over pipes, under the student's uid, as sshd would start it without a terminal. */
    static final class Console {
        final Process process;
        final PrintWriter in;
        final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();

        Console(String id) throws IOException {
            ClassLayout l = new ClassLayout(classRoot, NAME);
            ProcessBuilder pb = new ProcessBuilder(
                            "runuser",
                            "-u",
                            NAME + "-" + id,
                            "--",
                            "sh",
                            "-c",
                            "cd work && exec env " + "PAGELAB_NO_BUILD=1 PAGELAB_AOT=0 NO_COLOR=1 "
                                    + ROOT.resolve("pagelab") + " class --root " + classRoot + " join " + NAME)
                    .directory(l.home(id).toFile())
                    .redirectErrorStream(true);
            process = pb.start();
            started.add(process);
            in = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
            Thread t = new Thread(() -> {
                try (BufferedReader r =
                        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String s; (s = r.readLine()) != null; ) lines.add(s);
                } catch (IOException ignored) {
                    // the console ended
                }
            });
            t.setDaemon(true);
            t.start();
        }

        /** Sends {@code line}; returns the output up to the first line containing {@code until}. */
        String send(String line, String until) throws InterruptedException {
            in.println(line);
            StringBuilder seen = new StringBuilder();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline) {
                String s = lines.poll(1, TimeUnit.SECONDS);
                if (s == null) continue;
                seen.append(s).append('\n');
                if (s.contains(until)) return seen.toString();
            }
            throw new AssertionError("'" + line + "' never printed '" + until + "':\n" + seen);
        }
    }

    @Test
    @Order(4)
    void theBudgetHoldsAcrossStudentsAndSurvivesAKilledConsole() throws Exception {
        Console alice = new Console("alice");
        assertThat(alice.send("map 64M --populate", "present")).contains("present  0 \u2192 16384 pages");
        ClassLayout l = new ClassLayout(classRoot, NAME);
        assertThat(Files.readString(l.ledger())).contains(" " + (64L << 20) + " " + NAME + "-alice");

        Console bob = new Console("bob");
        assertThat(bob.send("map 48M --populate", "map"))
                .contains("the class's memory budget is 96.0 MiB, of which 64.0 MiB is held");
        // students are apart: bob cannot read alice's files, nor her console's pagemap
        assertThat(bob.send("cache ../../alice/work", "cache")).contains("outside your class directories");
        long alicePid = Long.parseLong(Files.readString(l.ledger())
                .lines()
                .filter(s -> s.endsWith(NAME + "-alice"))
                .findFirst()
                .orElseThrow()
                .split(" ")[0]);
        Result peek =
                run(30, "runuser", "-u", NAME + "-bob", "--", "head", "-c", "8", "/proc/" + alicePid + "/pagemap");
        assertThat(peek.status()).as(peek.output()).isNotZero();
        assertThat(peek.output()).contains("Permission denied");

        // alice's console is killed: no exit code runs, its lock goes with the process, and bob's next step finds room
        alice.process.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
        ProcessHandle.of(alicePid).ifPresent(h -> h.destroyForcibly());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (ProcessHandle.of(alicePid).map(ProcessHandle::isAlive).orElse(false) && System.nanoTime() < deadline)
            Thread.sleep(100);
        assertThat(bob.send("map 48M --populate", "present")).contains("present  0 \u2192 12288 pages");
        assertThat(Files.readString(l.ledger())).doesNotContain(NAME + "-alice").contains(NAME + "-bob");
        bob.in.println("exit");
        assertThat(bob.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(Files.readString(l.ledger())).isEqualTo("budget " + (96L << 20) + "\n");
    }

    // ---- over a real OpenSSH server on loopback --------------------------------------------------------------------

    static final String TMUX = "pagelab-class-" + ProcessHandle.current().pid();

    static int tmux(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("tmux", "-u", "-L", TMUX));
        cmd.addAll(List.of(args));
        ProcessBuilder pb =
                new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().putAll(Map.of("LANG", "C.UTF-8", "LC_ALL", "C.UTF-8"));
        Process p = pb.start();
        return p.waitFor(10, TimeUnit.SECONDS) ? p.exitValue() : -1;
    }

    static String screen(String session) throws Exception {
        Process p = new ProcessBuilder("tmux", "-u", "-L", TMUX, "capture-pane", "-p", "-t", session)
                .redirectErrorStream(true)
                .start();
        String s = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(10, TimeUnit.SECONDS);
        return s;
    }

    static void waitFor(String session, String text, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        String s = "";
        while (System.nanoTime() < deadline) {
            s = screen(session);
            if (s.contains(text)) return;
            Thread.sleep(100);
        }
        throw new AssertionError("screen never showed '" + text + "':\n" + s);
    }

    static void keys(String session, String... keys) throws Exception {
        for (String k : keys) {
            boolean special = k.equals("Enter") || k.startsWith("C-");
            List<String> args = new ArrayList<>(List.of("send-keys", "-t", session));
            if (!special) args.add("-l");
            args.add(k);
            tmux(args.toArray(String[]::new));
            Thread.sleep(150);
        }
    }

    /** Starts sshd with the drop-in 'class init' wrote, once; returns its port. */
    static int sshd() throws Exception {
        return fx.port() < 0 ? fx.start() : fx.port();
    }

    static List<String> ssh(int port, String id, String... more) {
        return fx.ssh(id, more);
    }

    @Test
    @Order(5)
    void aLoginRunsTheConsoleWhateverItAsksForAndLessCannotEscape() throws Exception {
        int port = sshd();
        Path marker = Path.of("/tmp/pagelab-class-escape-" + NAME);
        Files.deleteIfExists(marker);
        try {
            // 'ssh student@host COMMAND': the command is not run; the console reads its input instead
            // (this sshd accepts any variable a client sends: the console's environment is cleared all the same)
            List<String> cmd = ssh(
                    port,
                    "alice",
                    "-o",
                    "SetEnv=JAVA_TOOL_OPTIONS=-Dpagelab.escape=1",
                    NAME + "-alice@127.0.0.1",
                    "touch " + marker);
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getOutputStream().write("map 1M\nlist\nexit\n".getBytes(StandardCharsets.UTF_8));
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(out)
                    .as(out + Files.readString(base.resolve("sshd.log")))
                    .contains("'touch " + marker + "' was not run")
                    .contains("map m1: mmap 1M")
                    .doesNotContain("Picked up JAVA_TOOL_OPTIONS");
            assertThat(marker).doesNotExist();
            // nor does the sftp subsystem run: ForceCommand replaces it too, so sftp meets a console, not a file server
            Process sftp = new ProcessBuilder(
                            "sftp",
                            "-i",
                            base.resolve("alice").toString(),
                            "-o",
                            "StrictHostKeyChecking=no",
                            "-o",
                            "UserKnownHostsFile=/dev/null",
                            "-o",
                            "LogLevel=ERROR",
                            "-o",
                            "BatchMode=yes",
                            "-P",
                            String.valueOf(port),
                            "-b",
                            "-",
                            NAME + "-alice@127.0.0.1")
                    .redirectErrorStream(true)
                    .redirectOutput(base.resolve("sftp.out").toFile())
                    .start();
            sftp.getOutputStream().write("ls /etc\n".getBytes(StandardCharsets.UTF_8));
            sftp.getOutputStream().close();
            // the client waits for an SFTP greeting the console never sends: it fails, or hangs until stopped here
            boolean ended = sftp.waitFor(20, TimeUnit.SECONDS);
            if (!ended) sftp.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            String sftpOut = Files.readString(base.resolve("sftp.out"));
            assertThat(!ended || sftp.exitValue() != 0).as(sftpOut).isTrue();
            assertThat(sftpOut).doesNotContain("passwd").doesNotContain("hostname");

            // less's '!' over a terminal: help pages through the class's pager, and '!' runs nothing
            assumeTrue(Files.isExecutable(Path.of("/usr/bin/tmux")), "tmux is not installed");
            String login = String.join(" ", ssh(port, "alice", "-tt", NAME + "-alice@127.0.0.1"));
            assertThat(tmux("new-session", "-d", "-s", "class", "-x", "80", "-y", "24", login))
                    .isZero();
            waitFor("class", "pagelab>", 90);
            keys("class", "help touch", "Enter");
            waitFor("class", "access every page of a range", 20);
            Thread.sleep(500);
            List<String> shown =
                    screen("class").lines().filter(l -> !l.isBlank()).toList();
            assertThat(shown.getLast())
                    .as("less's prompt: the page is in the pager\n" + String.join("\n", shown))
                    .startsWith(":");
            keys("class", "!touch " + marker, "Enter");
            Thread.sleep(1500);
            // refused, '!' leaves the rest of the line to be read as less commands ('h' opens its help): q until it is
            // gone
            for (int i = 0;
                    i < 8
                            && !screen("class")
                                    .lines()
                                    .filter(l -> !l.isBlank())
                                    .reduce((a, b) -> b)
                                    .orElse("")
                                    .startsWith("pagelab>");
                    i++) {
                keys("class", "q");
                Thread.sleep(700);
            }
            waitFor("class", "pagelab>", 20);
            assertThat(marker).as("less ran a shell command").doesNotExist();
            // predictions over the login's terminal reach the teacher: alice answers step 2 of demand-paging
            keys("class", "replay demand-paging", "Enter");
            waitFor("class", "[1/4] Enter: run", 60);
            keys("class", "Enter");
            waitFor("class", "[2/4] Enter: run", 30);
            keys("class", "Enter");
            waitFor("class", "minor [exact]?", 30);
            keys("class", "256", "Enter");
            waitFor("class", "present [exact]?", 30);
            keys("class", "250", "Enter");
            waitFor("class", "[3/4] Enter: run", 30);
            keys("class", "q");
            waitFor("class", "PASS Demand paging", 30);
            Thread.sleep(500); // back at the prompt
            Result results = pagelab("class", "--root", classRoot.toString(), "results", NAME);
            assertThat(results.output())
                    .as(screen("class"))
                    .containsPattern("alice +01-demand-paging +2 +minor +256 +256 +1 exact")
                    .containsPattern("alice +01-demand-paging +2 +present +250 +256 +0")
                    .containsPattern("alice +1 of 2 right \\(50%\\)");
            assertThat(mode(new ClassLayout(classRoot, NAME).result("alice")))
                    .isEqualTo("rw------- " + NAME + "-alice");
            // the console's history is the student's own, in the private directory
            keys("class", "exit", "Enter");
            Path history = new ClassLayout(classRoot, NAME).work("alice").resolve(".pagelab-history");
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!Files.exists(history) && System.nanoTime() < until) Thread.sleep(100);
            assertThat(Files.readString(history)).contains("help touch");
            assertThat(Files.getOwner(history).getName()).isEqualTo(NAME + "-alice");

            // the same keys in less without LESSSECURE do run it: the keys above would have, had the pager allowed it
            assertThat(tmux(
                            "new-session",
                            "-d",
                            "-s",
                            "control",
                            "-x",
                            "80",
                            "-y",
                            "24",
                            "sh -c 'seq 1 500 | env -u LESSSECURE less -R -F -X'"))
                    .isZero();
            waitFor("control", "10", 20);
            keys("control", "!touch " + marker, "Enter");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!Files.exists(marker) && System.nanoTime() < deadline) Thread.sleep(100);
            assertThat(marker).as("plain less runs '!' commands (the control)").exists();
        } finally {
            tmux("kill-server");
            Files.deleteIfExists(marker);
        }
    }

    /** Every path under the class directory, a student's private directory aside (the console writes there). */
    static java.util.Set<Path> listing(Path except) throws IOException {
        try (java.util.stream.Stream<Path> s = Files.walk(classRoot)) {
            return s.filter(p -> !p.startsWith(except)).collect(java.util.stream.Collectors.toSet());
        }
    }

    @Test
    @Order(6)
    void overSshEveryPathOutsideTheClassDirectoriesIsRefusedAndNothingIsWrittenThere() throws Exception {
        if (fx.port() < 0) fx.start();
        ClassLayout l = fx.layout;
        Path bobWork = l.work("bob");
        assertThat(run(30, "runuser", "-u", NAME + "-bob", "--", "sh", "-c", "echo mine > " + bobWork + "/notes.txt")
                        .status())
                .isZero();
        Console bob = new Console("bob");
        assertThat(bob.send("map 1M", "map")).contains("mmap 1M");
        long bobPid = fx.studentProcesses().stream()
                .filter(h -> h.info().user().orElse("").equals(NAME + "-bob"))
                .filter(h -> h.info().command().orElse("").endsWith("/java"))
                .findFirst()
                .orElseThrow()
                .pid();
        java.util.Set<Path> before = listing(l.work("alice"));
        String escape = "/tmp/pagelab-escape-" + NAME;
        // each file-taking command, to read and to write: absolute paths, '..' out of the private directory, another
        // student's files, another student's console's /proc files
        List<String> lines = List.of(
                "map 4K --file /etc/shadow",
                "map 4K --file ../../bob/work/notes.txt",
                "map 8K --file " + escape + ".bin --create",
                "map 8K --file=../../bob/work/planted.bin --create --shared",
                "cache /proc/" + bobPid + "/pagemap",
                "cache ../../bob/work/notes.txt",
                "cache /etc",
                "evict /etc/passwd",
                "evict ../../bob/work/notes.txt",
                "record " + escape,
                "record ../../../../../../../.." + escape,
                "record ../../bob/work/planted",
                "replay --check --cast " + escape + ".cast 01-demand-paging",
                "replay --check --cast=../../bob/work/planted.cast 01-demand-paging",
                "replay --check /proc/" + bobPid + "/environ");
        Process p = new ProcessBuilder(ssh(fx.port(), "alice", NAME + "-alice@127.0.0.1"))
                .redirectErrorStream(true)
                .start();
        p.getOutputStream().write((String.join("\n", lines) + "\nlist\nexit\n").getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(out.split("is outside your class directories", -1))
                .as("one refusal for each line:\n" + out)
                .hasSize(lines.size() + 1);
        assertThat(out).as(out).contains("no mappings").doesNotContain("Exception");

        // nothing was written: no escape file, nothing planted in bob's directory, nothing of a student's anywhere
        // outside their private directory, the class directory's listing as it was
        try (java.util.stream.Stream<Path> tmp = Files.list(Path.of("/tmp"))) {
            assertThat(tmp.filter(f -> f.toString().startsWith(escape)).toList())
                    .isEmpty();
        }
        assertThat(run(10, "ls", bobWork.toString()).output()).doesNotContain("planted");
        assertThat(fx.ownedOutsideWork(List.of(Path.of("/tmp"), Path.of("/var/tmp"), Path.of("/dev/shm"), base, ROOT)))
                .isEmpty();
        assertThat(listing(l.work("alice"))).isEqualTo(before);

        // and around the console: the kernel keeps alice out of bob's files and his console's memory
        for (List<String> peek : List.of(
                List.of("cat", bobWork + "/notes.txt"),
                List.of("ls", bobWork.toString()),
                List.of("head", "-c", "8", "/proc/" + bobPid + "/mem"),
                List.of("head", "-c", "8", "/proc/" + bobPid + "/environ"))) {
            List<String> cmd = new ArrayList<>(List.of("runuser", "-u", NAME + "-alice", "--"));
            cmd.addAll(peek);
            Result r = run(30, cmd.toArray(String[]::new));
            assertThat(r.status()).as(peek + ": " + r.output()).isNotZero();
            assertThat(r.output()).as(peek.toString()).contains("Permission denied");
        }
        // nor does a login forward anything (DisableForwarding): ssh -W asks sshd for a connection to its own port
        Process forward = new ProcessBuilder(
                        ssh(fx.port(), "alice", "-W", "127.0.0.1:" + fx.port(), NAME + "-alice@127.0.0.1"))
                .redirectErrorStream(true)
                .start();
        forward.getOutputStream().close();
        String fwd = new String(forward.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(forward.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(forward.exitValue()).as(fwd).isNotZero();
        assertThat(fwd).as(fwd).doesNotContain("SSH-2.0");

        bob.in.println("exit");
        assertThat(bob.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(bob.process.exitValue()).isZero();
    }

    /**
     * Follow the teacher over the real sshd: the teacher's console (root, commands from a pipe) and two students
     * logged in with ssh -tt, each in a terminal: both see the teacher's steps under a status line, the turn goes to
     * them and back, and when the teacher leaves both are told and keep their consoles.
     */
    @Test
    @Order(7)
    void twoStudentsFollowTheTeacherOverSsh() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/tmux")), "tmux is not installed");
        int port = sshd();
        List<String> cmd = new ArrayList<>(List.of(
                "env",
                "PAGELAB_NO_BUILD=1",
                "PAGELAB_AOT=0",
                ROOT.resolve("pagelab").toString(),
                "class",
                "--root",
                classRoot.toString(),
                "teach",
                NAME));
        Process teacher = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(base.resolve("teacher.out").toFile())
                .start();
        started.add(teacher);
        PrintWriter say = new PrintWriter(teacher.getOutputStream(), true, StandardCharsets.UTF_8);
        try {
            Path socket = TeachHub.socket(new ClassLayout(classRoot, NAME));
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.exists(socket) && System.nanoTime() < until) Thread.sleep(100);
            assertThat(mode(socket)).isEqualTo("rw-rw---- root");
            say.println("map 1M");
            say.println("touch m1");
            for (String id : List.of("alice", "bob")) {
                // a login that ends says so and stays on the screen, for the failure message
                String login = String.join(" ", ssh(port, id, "-tt", NAME + "-" + id + "@127.0.0.1"))
                        + "; echo \"ssh ended: $?\"; sleep 120";
                assertThat(tmux("new-session", "-d", "-s", id, "-x", "100", "-y", "30", login))
                        .isZero();
            }
            for (String id : List.of("alice", "bob")) {
                // joined after the two steps: they come first, as history, then the status line
                waitFor(id, "pagelab> touch m1", 120);
                waitFor(id, "following the teacher", 20);
                waitFor(id, "2 steps", 20);
            }
            say.println("view m1");
            for (String id : List.of("alice", "bob")) waitFor(id, "pagelab> view m1", 30);
            // while following, a student's own step waits
            keys("alice", "map 2M", "Enter");
            waitFor("alice", "waits for your turn", 20);

            say.println("turn on");
            for (String id : List.of("alice", "bob")) waitFor(id, "your turn: type", 30);
            keys("alice", "map 2M", "Enter");
            waitFor("alice", "map m1: mmap 2M", 30);
            say.println("turn off");
            for (String id : List.of("alice", "bob")) waitFor(id, "your turn is over", 30);

            say.close(); // the teacher leaves
            assertThat(teacher.waitFor(60, TimeUnit.SECONDS)).isTrue();
            for (String id : List.of("alice", "bob")) waitFor(id, "the teacher has left", 30);
            assertThat(socket).doesNotExist();
            keys("bob", "map 4M", "Enter");
            waitFor("bob", "map m1: mmap 4M", 30);
            assertThat(Files.readString(base.resolve("teacher.out")))
                    .contains("students' turn: on")
                    .contains("2 students follow");
        } finally {
            say.close();
            teacher.destroy();
            tmux("kill-server");
        }
    }
}
