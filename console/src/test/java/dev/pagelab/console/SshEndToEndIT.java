package dev.pagelab.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console over a real SSH connection, as a teacher uses it: an sshd of the test's own on loopback (installed
 * with apt when missing), `ssh -tt` inside tmux, commands typed with Tab completion, a terminal resize, then the
 * connection dropped: the console must exit (no orphan left holding its mappings) and its history must survive.
 */
class SshEndToEndIT {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final String SOCKET = "pagelab-ssh-" + ProcessHandle.current().pid();

    @TempDir
    Path dir;

    Process sshd;

    @AfterEach
    void stop() throws Exception {
        tmux("kill-server");
        if (sshd != null) sshd.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }

    static int run(long seconds, String... cmd) throws IOException, InterruptedException {
        ProcessBuilder pb =
                new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("DEBIAN_FRONTEND", "noninteractive");
        Process p = pb.start();
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }

    /** sshd, installed from the distribution's packages if it is not there: the only way this test may skip. */
    static Path sshd() throws Exception {
        Path sshd = Path.of("/usr/sbin/sshd");
        if (Files.isExecutable(sshd)) return sshd;
        boolean root = "0"
                .equals(new String(new ProcessBuilder("id", "-u")
                                .start()
                                .getInputStream()
                                .readAllBytes())
                        .trim());
        assumeTrue(
                root && Files.isExecutable(Path.of("/usr/bin/apt-get")),
                "sshd is not installed and cannot be (needs root and apt-get)");
        int rc = run(600, "apt-get", "install", "-y", "-q", "--no-install-recommends", "openssh-server");
        if (rc != 0) {
            run(600, "apt-get", "update", "-q");
            rc = run(600, "apt-get", "install", "-y", "-q", "--no-install-recommends", "openssh-server");
        }
        assumeTrue(rc == 0 && Files.isExecutable(sshd), "installing openssh-server failed (apt-get exit " + rc + ")");
        return sshd;
    }

    @Test
    void overSshWithTabResizeAndADroppedConnection() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/tmux")), "tmux is not installed");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/ssh")), "the ssh client is not installed");
        Path sshdBin = sshd();
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        assertThat(run(
                        60,
                        "ssh-keygen",
                        "-q",
                        "-t",
                        "ed25519",
                        "-N",
                        "",
                        "-f",
                        dir.resolve("host").toString()))
                .isZero();
        assertThat(run(
                        60,
                        "ssh-keygen",
                        "-q",
                        "-t",
                        "ed25519",
                        "-N",
                        "",
                        "-f",
                        dir.resolve("id").toString()))
                .isZero();
        Files.copy(dir.resolve("id.pub"), dir.resolve("authorized_keys"));
        Files.createDirectories(Path.of("/run/sshd")); // sshd's privilege-separation directory
        Files.writeString(
                dir.resolve("sshd_config"),
                String.join(
                        "\n",
                        "ListenAddress 127.0.0.1",
                        "Port " + port,
                        "HostKey " + dir.resolve("host"),
                        "AuthorizedKeysFile " + dir.resolve("authorized_keys"),
                        "PidFile " + dir.resolve("sshd.pid"),
                        "StrictModes no",
                        "PermitRootLogin yes",
                        "PasswordAuthentication no",
                        "UsePAM no",
                        ""));
        sshd = new ProcessBuilder(
                        sshdBin.toString(),
                        "-D",
                        "-e",
                        "-f",
                        dir.resolve("sshd_config").toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("sshd.log").toFile())
                .start();
        Path state = dir.resolve("state");
        String remote =
                "env LANG=C.UTF-8 NO_COLOR=1 PAGELAB_NO_BUILD=1 XDG_CONFIG_HOME=/nonexistent/pagelab-test-config XDG_STATE_HOME="
                        + state + " " + ROOT.resolve("pagelab");
        String ssh = "ssh -tt -i " + dir.resolve("id") + " -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null"
                + " -o LogLevel=ERROR -p " + port + " root@127.0.0.1 '" + remote + "'";
        waitForPort(port);
        assertThat(tmux("new-session", "-d", "-s", "e2e", "-x", "80", "-y", "24", ssh))
                .isZero();
        waitFor("pagelab>", 60);

        type("map 64p --no-thp", "Enter");
        waitFor("present  0 \u2192 0 pages", 20);
        type("tou", "Tab");
        waitFor("pagelab> touch", 10);
        type("m", "Tab", "Enter");
        waitFor("faults   minor 64  major 0", 20);

        // a narrower window: SIGWINCH travels over ssh, and the next report fits it
        assertThat(tmux("resize-window", "-t", "e2e", "-x", "60", "-y", "20")).isZero();
        Thread.sleep(500);
        type("view m1", "Enter");
        waitFor("view m1: 64 pages (256K)", 20);
        assertThat(screen().lines()).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(60));
        assertThat(screen()).contains("     0 " + "P".repeat(32)); // 32 cells a row at 60 columns

        // drop the connection: kill the client as a network failure would
        long java = remoteConsole();
        assertThat(java).as("the console's JVM under sshd").isPositive();
        run(10, "pkill", "-9", "-f", "ssh -tt -i " + dir.resolve("id"));
        ProcessHandle h = ProcessHandle.of(java).orElse(null);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (h != null && h.isAlive() && System.nanoTime() < deadline) Thread.sleep(100);
        assertThat(h == null || !h.isAlive())
                .as("the console exits when its terminal hangs up")
                .isTrue();
        String history = Files.readString(state.resolve("pagelab").resolve("history"), StandardCharsets.UTF_8);
        assertThat(history).contains("map 64p --no-thp").contains("touch m1").contains("view m1");
    }

    /** The pid of the console's JVM started by sshd for this test. */
    long remoteConsole() throws Exception {
        for (ProcessHandle p : ProcessHandle.allProcesses().toList()) {
            String cmd = p.info().commandLine().orElse("");
            if (cmd.contains("dev.pagelab.console.Main")
                    && p.parent().flatMap(ProcessHandle::parent).isPresent()) {
                String env = Files.exists(Path.of("/proc/" + p.pid() + "/environ"))
                        ? new String(
                                Files.readAllBytes(Path.of("/proc/" + p.pid() + "/environ")), StandardCharsets.UTF_8)
                        : "";
                if (env.contains(dir.resolve("state").toString())) return p.pid();
            }
        }
        return -1;
    }

    void waitForPort(int port) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        throw new AssertionError("sshd did not listen:\n" + Files.readString(dir.resolve("sshd.log")));
    }

    private void type(String... keys) throws Exception {
        for (String k : keys) {
            boolean special = k.equals("Enter") || k.equals("Tab") || k.startsWith("C-");
            List<String> args = new ArrayList<>(List.of("send-keys", "-t", "e2e"));
            if (!special) args.add("-l");
            args.add(k);
            tmux(args.toArray(String[]::new));
            Thread.sleep(150);
        }
    }

    private String screen() throws Exception {
        ProcessBuilder pb = new ProcessBuilder("tmux", "-u", "-L", SOCKET, "capture-pane", "-p", "-t", "e2e")
                .redirectErrorStream(true);
        pb.environment().putAll(Map.of("LANG", "C.UTF-8", "LC_ALL", "C.UTF-8"));
        Process p = pb.start();
        String s = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(10, TimeUnit.SECONDS);
        return s;
    }

    private void waitFor(String text, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        String s = "";
        while (System.nanoTime() < deadline) {
            s = screen();
            if (s.contains(text)) return;
            Thread.sleep(100);
        }
        throw new AssertionError("screen never showed '" + text + "':\n" + s + "\nsshd log:\n"
                + Files.readString(dir.resolve("sshd.log")));
    }

    private static int tmux(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("tmux", "-u", "-L", SOCKET));
        cmd.addAll(List.of(args));
        ProcessBuilder pb =
                new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().putAll(Map.of("LANG", "C.UTF-8", "LC_ALL", "C.UTF-8"));
        Process p = pb.start();
        return p.waitFor(10, TimeUnit.SECONDS) ? p.exitValue() : -1;
    }
}
