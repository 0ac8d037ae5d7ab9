package dev.pagelab.console.classroom;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A test class on this machine, served by a real OpenSSH server on loopback: its own directory under /var/lib, group,
 * student accounts, keys, sshd config, port and host key. Made as root by the ITs of this package; {@link #close}
 * removes every user, group, process and file it made. The sshd never touches /etc/ssh or port 22.
 */
final class LoopbackSshd implements AutoCloseable {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final String PREFIX = "pagelab-it-";

    /** The class name: {@code letter} and this JVM's PID, so that two ITs of one run, and two runs, never meet. */
    final String name;

    final String group;
    /** Outside /tmp: sshd's StrictModes refuses key files under a world-writable directory. */
    final Path base;

    final Path classRoot;
    /** What 'class init' edits: an Include of sshd.d, where it writes the class's Match block. */
    final Path sshdConfig;

    final ClassLayout layout;
    final List<String> accounts = new CopyOnWriteArrayList<>();
    final List<Process> started = new CopyOnWriteArrayList<>();
    private int port = -1;
    /**
     * Whether {@link #init} and {@link #add} start the launcher as a login does (environment cleared, the JDK's AOT
     * cache recorded at the first start and mapped after): faster for many adds, and the cache is then the one the
     * students' consoles map. Off, each start is a plain one.
     */
    boolean asALogin;

    static String name(char letter) {
        return letter + String.valueOf(ProcessHandle.current().pid() % 100_000);
    }

    private LoopbackSshd(String name) throws IOException {
        this.name = name;
        this.group = "pagelab-" + name;
        this.base = Path.of("/var/lib/" + PREFIX + name);
        this.classRoot = base.resolve("class");
        this.sshdConfig = base.resolve("sshd_config");
        this.layout = new ClassLayout(classRoot, name);
    }

    /** A fresh class directory for class {@code name}; skips the test unless root with useradd and runuser. */
    static LoopbackSshd create(String name) throws Exception {
        assumeTrue(ClassAdmin.root(), "class set-up creates users and groups: run as root");
        assumeTrue(
                Files.isExecutable(Path.of("/usr/sbin/useradd")) && Files.isExecutable(Path.of("/usr/sbin/runuser")),
                "useradd or runuser is not installed");
        removeLeftovers();
        LoopbackSshd s = new LoopbackSshd(name);
        Files.createDirectories(s.base);
        Files.setPosixFilePermissions(s.base, PosixFilePermissions.fromString("rwxr-xr-x"));
        // whose it is: a later run removes it only once this JVM is gone (other runs share the machine)
        Files.writeString(s.base.resolve("owner"), ProcessHandle.current().pid() + "\n");
        Files.createDirectories(s.base.resolve("sshd.d"));
        Files.writeString(s.sshdConfig, "Include " + s.base.resolve("sshd.d") + "/*.conf\n");
        return s;
    }

    /** Accounts, groups and directories of earlier runs killed before their clean-up (their test JVM is gone). */
    static void removeLeftovers() throws Exception {
        try (Stream<Path> dirs = Files.list(Path.of("/var/lib"))) {
            for (Path d : dirs.filter(p -> p.getFileName().toString().startsWith(PREFIX))
                    .toList()) {
                String name = d.getFileName().toString().substring(PREFIX.length());
                // a run in progress, this one or another's (others share the machine): its test JVM still lives
                String pid = name.substring(1);
                try {
                    pid = Files.readString(d.resolve("owner")).trim();
                } catch (IOException noOwnerFile) {
                    // made before owner files: the name carries the PID
                }
                if (pid.matches("[0-9]{1,10}")
                        && ProcessHandle.of(Long.parseLong(pid))
                                .flatMap(h -> h.info().command())
                                .map(c -> c.endsWith("/java"))
                                .orElse(false)) continue;
                for (String line : run(30, "getent", "passwd").output().split("\n")) {
                    String[] f = line.split(":");
                    if (f.length > 5 && f[0].startsWith(name + "-") && f[5].startsWith(d + "/"))
                        run(60, "userdel", f[0]);
                }
                run(60, "groupdel", "pagelab-" + name);
                run(60, "rm", "-rf", "--one-file-system", d.toString());
            }
        }
    }

    /** Runs a command; returns its exit status and output. */
    static Result run(long seconds, String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Result(-1, out);
        }
        return new Result(p.exitValue(), out);
    }

    record Result(int status, String output) {}

    /** The built launcher, as the set-up's administrator runs it (without the AOT cache: it runs once). */
    static Result pagelab(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(
                "env",
                "PAGELAB_NO_BUILD=1",
                "PAGELAB_AOT=0",
                ROOT.resolve("pagelab").toString()));
        cmd.addAll(List.of(args));
        return run(120, cmd.toArray(String[]::new));
    }

    /** An ed25519 key pair for {@code id}, without passphrase: returns the private key (the public one is KEY.pub). */
    Path keygen(String id) throws Exception {
        Path key = base.resolve(id);
        Result r = run(60, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", id, "-f", key.toString());
        if (r.status() != 0) throw new AssertionError("ssh-keygen: " + r.output());
        return key;
    }

    /** {@code pagelab class init} of this class with {@code budget}, writing its Match block beside {@link #sshdConfig}. */
    Result init(String budget) throws Exception {
        return admin(
                "class",
                "--root",
                classRoot.toString(),
                "init",
                name,
                "--budget",
                budget,
                "--sshd-config",
                sshdConfig.toString());
    }

    /** {@code pagelab class add} of student {@code id} with public key {@code pub}; the account is removed at close. */
    Result add(String id, Path pub) throws Exception {
        if (!accounts.contains(layout.account(id))) accounts.add(layout.account(id));
        return admin("class", "--root", classRoot.toString(), "add", name, id, pub.toString());
    }

    private Result admin(String... args) throws Exception {
        if (!asALogin) return pagelab(args);
        // the environment ForceCommand leaves (env -i): the JDK the launcher finds, so the AOT cache's key, is a
        // login's
        List<String> cmd = new ArrayList<>(List.of(
                "env",
                "-i",
                "PATH=/usr/bin:/bin:/usr/sbin:/sbin", // sbin for useradd; no JDK is there
                "HOME=" + base,
                "PAGELAB_NO_BUILD=1",
                ROOT.resolve("pagelab").toString()));
        cmd.addAll(List.of(args));
        return run(300, cmd.toArray(String[]::new));
    }

    /**
     * Starts sshd with the drop-in 'class init' wrote and {@code global} lines of this test's own (e.g. MaxStartups);
     * returns its port.
     */
    int start(String... global) throws Exception {
        assumeTrue(
                Files.isExecutable(Path.of("/usr/sbin/sshd")) && Files.isExecutable(Path.of("/usr/bin/ssh")),
                "OpenSSH is not installed");
        // The launcher a student's login runs rebuilds when the sources are newer than its stamp, which a student
        // cannot do: failsafe runs after the package phase, so the jars are this build's; say so.
        Path stamp = ROOT.resolve("console/target/lib/.built");
        if (!Files.exists(stamp)) Files.createFile(stamp);
        Files.setLastModifiedTime(stamp, FileTime.fromMillis(System.currentTimeMillis()));
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path host = base.resolve("host");
        if (!Files.exists(host)) keygen("host");
        List<String> lines = new ArrayList<>(List.of(
                "ListenAddress 127.0.0.1",
                "Port " + port,
                "HostKey " + host,
                "PidFile " + base.resolve("sshd.pid"),
                "UsePAM yes",
                "Subsystem sftp internal-sftp",
                "AcceptEnv *"));
        lines.addAll(List.of(global));
        // global keywords first: the class's drop-in ends in a Match block
        Path config = base.resolve("sshd_config_test");
        Files.writeString(config, String.join("\n", lines) + "\n" + Files.readString(sshdConfig));
        Files.createDirectories(Path.of("/run/sshd"));
        Process sshd = new ProcessBuilder("/usr/sbin/sshd", "-D", "-e", "-f", config.toString())
                .redirectErrorStream(true)
                .redirectOutput(log().toFile())
                .start();
        started.add(sshd);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return port;
            } catch (IOException notYet) {
                if (!sshd.isAlive()) break;
                Thread.sleep(100);
            }
        }
        throw new AssertionError("sshd did not listen:\n" + Files.readString(log()));
    }

    Path log() {
        return base.resolve("sshd.log");
    }

    int port() {
        return port;
    }

    /** An ssh client command logging in with {@code id}'s key to this server, then {@code more} (options, target). */
    List<String> ssh(String id, String... more) {
        List<String> cmd = new ArrayList<>(List.of(
                "ssh",
                "-i",
                base.resolve(id).toString(),
                "-o",
                "StrictHostKeyChecking=no",
                "-o",
                "UserKnownHostsFile=/dev/null",
                "-o",
                "LogLevel=ERROR",
                "-o",
                "BatchMode=yes",
                "-p",
                String.valueOf(port)));
        cmd.addAll(List.of(more));
        return cmd;
    }

    /** user@127.0.0.1 of student {@code id}. */
    String target(String id) {
        return layout.account(id) + "@127.0.0.1";
    }

    /** The running processes of student accounts of this class. */
    List<ProcessHandle> studentProcesses() {
        return ProcessHandle.allProcesses()
                .filter(h -> accounts.contains(h.info().user().orElse("")))
                .toList();
    }

    /**
     * Every file or directory owned by a student account of this class that lies outside that student's private
     * directory, under {@code roots}: what a console wrote where it must not. Matching by owner, not by a before/after
     * listing, keeps others' files in a shared /tmp out of it.
     */
    List<Path> ownedOutsideWork(List<Path> roots) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("find"));
        for (Path r : roots) if (Files.exists(r)) cmd.add(r.toString());
        if (cmd.size() == 1) return List.of();
        cmd.addAll(List.of("-xdev", "("));
        for (int i = 0; i < accounts.size(); i++) {
            if (i > 0) cmd.add("-o");
            cmd.addAll(List.of("-user", accounts.get(i)));
        }
        cmd.addAll(List.of(")", "-print"));
        Result r = run(120, cmd.toArray(String[]::new));
        List<Path> out = new ArrayList<>();
        for (String line : r.output().split("\n")) {
            if (line.isBlank() || line.startsWith("find: ")) continue;
            Path p = Path.of(line);
            String owner =
                    Files.getOwner(p, java.nio.file.LinkOption.NOFOLLOW_LINKS).getName();
            String id = layout.idOf(owner);
            // the student's own results file, which 'class add' made theirs, is the one place outside work/
            if (id == null || !(p.startsWith(layout.work(id)) || p.equals(layout.result(id)))) out.add(p);
        }
        return out;
    }

    /** Stops every process started here and the students' consoles, removes the accounts, the group and the files. */
    @Override
    public void close() throws Exception {
        for (Process p : started) p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        // the students' consoles still running (a login's console outlives a client stopped here by a few seconds)
        for (ProcessHandle h : studentProcesses()) h.destroyForcibly();
        for (String a : accounts) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (run(60, "userdel", a).status() == 8 && System.nanoTime() < deadline)
                Thread.sleep(200); // 8: still in use
        }
        run(60, "groupdel", group);
        try (Stream<Path> s = Files.walk(base)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
