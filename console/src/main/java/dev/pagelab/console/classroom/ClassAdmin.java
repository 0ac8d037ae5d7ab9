package dev.pagelab.console.classroom;

import dev.pagelab.commands.CommandError;
import dev.pagelab.commands.Sizes;
import dev.pagelab.linux.proc.ProcMeminfo;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * {@code class init} and {@code class add}: the set-up of a class on the machine's own OpenSSH server, as a list of
 * shell commands. As root they are run one by one (each written so that running it again changes nothing); without
 * root they are printed, exactly, for an administrator to run. Either way the same text is the set-up, so what a
 * teacher reads is what happened.
 */
final class ClassAdmin {
    /** The key types sshd accepts in an authorized_keys line (sshd(8), AUTHORIZED_KEYS FILE FORMAT). */
    private static final Set<String> KEY_TYPES = Set.of(
            "ssh-ed25519",
            "ssh-rsa",
            "ecdsa-sha2-nistp256",
            "ecdsa-sha2-nistp384",
            "ecdsa-sha2-nistp521",
            "sk-ssh-ed25519@openssh.com",
            "sk-ecdsa-sha2-nistp256@openssh.com");

    private static final Pattern BASE64 = Pattern.compile("[A-Za-z0-9+/]+={0,3}");
    private static final Pattern COMMENT = Pattern.compile("[A-Za-z0-9@._:+-]{1,64}");

    private final ClassLayout layout;
    private final PrintStream out;
    private final PrintStream err;
    /** Where per-student memory limits are written, if the machine can hold them; a test's directory in tests. */
    CgroupLimit cgroup = CgroupLimit.system();

    ClassAdmin(ClassLayout layout, PrintStream out, PrintStream err) {
        this.layout = layout;
        this.out = out;
        this.err = err;
    }

    /** Whether this process runs as root (the owner of /proc/self is the effective uid). */
    static boolean root() {
        try {
            return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** A word as sh reads it back: bare when it is plain, else in single quotes. */
    static String sh(String word) {
        if (word.matches("[A-Za-z0-9@%+=:,./_-]+")) return word;
        return "'" + word.replace("'", "'\\''") + "'";
    }

    // ---- init -------------------------------------------------------------------------------------------------

    /** The default class budget: a quarter of the machine's memory, leaving the rest to the system and the consoles. */
    static long defaultBudget() {
        long total = ProcMeminfo.meminfo().getOrDefault("MemTotal", 0L) * 1024;
        return Math.max(64L << 20, total / 4 / (2L << 20) * (2L << 20));
    }

    /**
     * @param studentMemory each student's cgroup memory limit in bytes, or 0 for the default from the budget
     *                      ({@link CgroupLimit#defaultFor}); kept for {@code class add}, which writes it
     */
    int init(long budget, boolean budgetGiven, long studentMemory, Path sshdConfig, String launcher) {
        String g = layout.group();
        Path dir = layout.dir();
        List<String> steps = new ArrayList<>();
        steps.add("getent group " + g + " >/dev/null || groupadd --system " + g);
        // made if missing, never changed: --root may name a directory of the system's (install -d would chmod it)
        steps.add("[ -d " + sh(layout.root().toString()) + " ] || install -d -o root -g root -m 0755 "
                + sh(layout.root().toString()));
        steps.add("install -d -o root -g " + g + " -m 0750 " + sh(dir.toString()) + " "
                + sh(layout.shared().toString()));
        steps.add("install -d -o root -g root -m 0711 " + sh(layout.students().toString()));
        steps.add("install -d -o root -g root -m 0755 " + sh(layout.keys().toString()));
        steps.add("[ -e " + sh(layout.ledger().toString()) + " ] || printf 'budget %s\\n' " + budget + " > "
                + sh(layout.ledger().toString()));
        steps.add("chown root:" + g + " " + sh(layout.ledger().toString()) + " && chmod 0660 "
                + sh(layout.ledger().toString()));
        // the drop directory of predictions: the group may create files (w, x) but not list them (no r), and the
        // sticky bit keeps each student's file theirs (ClassResults says why that is enough)
        steps.add(
                "install -d -o root -g " + g + " -m 1730 " + sh(layout.results().toString()));
        String memoryFile = sh(layout.studentMemory().toString());
        long perStudent = studentMemory > 0 ? studentMemory : CgroupLimit.defaultFor(budget);
        steps.add((studentMemory > 0 || budgetGiven ? "" : "[ -e " + memoryFile + " ] || ") + "printf '%s\\n' "
                + perStudent + " > " + memoryFile + " && chmod 0644 " + memoryFile);
        String block = sshdBlock(launcher);
        Path dropIn = dropInDirectory(sshdConfig);
        Path confFile = dropIn == null ? null : dropIn.resolve("pagelab-" + layout.name() + ".conf");
        if (confFile != null) {
            steps.add("cat > " + sh(confFile.toString()) + " <<'EOF'\n" + block + "EOF");
            if (Files.isExecutable(Path.of("/usr/sbin/sshd")))
                steps.add("/usr/sbin/sshd -t -f " + sh(sshdConfig.toString()));
        }
        if (!root()) {
            out.println("pagelab: 'class init' needs root. An administrator runs (each step can be run again safely):");
            for (String s : steps) out.println("  " + s.replace("\n", "\n  "));
            if (confFile == null) printBlock(sshdConfig, block);
            out.println(
                    "  # then reload sshd (systemctl reload ssh), or run: sudo pagelab class init " + layout.name());
            return 1;
        }
        if (!run(steps)) return 1;
        if (budgetGiven) {
            try {
                Ledger.create(layout.ledger(), budget); // in place, under its lock: live consoles keep their claims
            } catch (IOException e) {
                err.println("pagelab: class init: cannot set the budget in " + layout.ledger() + ": " + e.getMessage());
                return 1;
            }
        }
        out.println("class " + layout.name() + ": group " + g + ", directory " + dir + ", memory budget "
                + Sizes.human(budgetOf()) + " for the whole class");
        out.println("shared material (read-only for students): put it in " + layout.shared());
        String noCgroup = cgroup.unsupported();
        out.println(
                noCgroup == null
                        ? "per-student memory limit: " + Sizes.human(CgroupLimit.chosen(layout))
                                + " (cgroup v2 MemoryMax of each student's user slice, written by class add)"
                        : "no per-student cgroup limit here: " + noCgroup
                                + "; the class ledger still holds the budget");
        if (confFile != null) {
            out.println("sshd: wrote " + confFile + "; it applies from sshd's next reload (systemctl reload ssh)");
        } else {
            printBlock(sshdConfig, block);
        }
        out.println("next: pagelab class add " + layout.name() + " ID KEYFILE, once per student");
        return 0;
    }

    private long budgetOf() {
        try (Ledger l = Ledger.open(layout.ledger(), "root")) {
            return l.snapshot().budget();
        } catch (IOException e) {
            return -1;
        }
    }

    private void printBlock(Path sshdConfig, String block) {
        out.println("sshd: " + sshdConfig + " includes no directory this block could go in; add it at the end of "
                + sshdConfig + ", then reload sshd:");
        for (String l : block.split("\n")) out.println("  " + l);
    }

    /**
     * The Match block: every login of the group gets the class console whatever it asks for (ForceCommand also replaces
     * a key's command="" and the sftp subsystem), keys only from the class's own key files (root's, not the student's),
     * a terminal, no forwarding of any kind, and no ~/.ssh/rc.
     */
    String sshdBlock(String launcher) {
        boolean defaultRoot = layout.root().equals(Path.of(ClassLayout.DEFAULT_ROOT));
        // sshd runs it as sh -c, in the account's home: the private directory 'work' becomes the working directory, so
        // that relative names and Tab completion mean the student's own files. env -i: the console gets only what it
        // needs to draw, whatever an AcceptEnv elsewhere or PAM lets in (JAVA_TOOL_OPTIONS or PAGELAB_JAVA_OPTS would
        // hand the JVM options that run commands, LD_PRELOAD a library).
        String command =
                "cd work && exec /usr/bin/env -i PATH=/usr/bin:/bin HOME=\"$HOME\" USER=\"$USER\" LOGNAME=\"$LOGNAME\""
                        + " TERM=\"$TERM\" LANG=\"$LANG\" LC_ALL=\"$LC_ALL\" LC_CTYPE=\"$LC_CTYPE\""
                        + " SSH_ORIGINAL_COMMAND=\"$SSH_ORIGINAL_COMMAND\" " + sh(launcher) + " class"
                        + (defaultRoot ? "" : " --root " + sh(layout.root().toString()))
                        + " join " + layout.name();
        return "# pagelab class " + layout.name() + ", written by 'pagelab class init " + layout.name()
                + "': every login of\n"
                + "# the group gets its own pagelab console and nothing else.\n"
                + "Match Group " + layout.group() + "\n"
                + "    AuthorizedKeysFile " + layout.keys() + "/%u\n"
                + "    AuthenticationMethods publickey\n"
                + "    PasswordAuthentication no\n"
                + "    KbdInteractiveAuthentication no\n"
                + "    ForceCommand " + command + "\n"
                + "    PermitTTY yes\n"
                + "    DisableForwarding yes\n"
                + "    PermitTunnel no\n"
                + "    PermitUserRC no\n"
                + "Match all\n";
    }

    /** The directory of the first Include of {@code config} whose pattern covers a pagelab-NAME.conf there, or null. */
    Path dropInDirectory(Path config) {
        List<String> lines;
        try {
            lines = Files.readAllLines(config, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        }
        for (String line : lines) {
            String t = line.trim();
            if (t.toLowerCase(Locale.ROOT).startsWith("match ")) break; // an Include inside a Match is conditional
            if (!t.toLowerCase(Locale.ROOT).startsWith("include ")) continue;
            for (String pattern : t.substring(8).trim().split("\\s+")) {
                Path p = Path.of(pattern);
                if (!p.isAbsolute()) p = Path.of("/etc/ssh").resolve(p); // sshd_config(5): relative to /etc/ssh
                Path parent = p.getParent();
                if (parent == null || !Files.isDirectory(parent)) continue;
                Path candidate = parent.resolve("pagelab-" + layout.name() + ".conf");
                if (FileSystems.getDefault().getPathMatcher("glob:" + p).matches(candidate)) return parent;
            }
        }
        return null;
    }

    // ---- add --------------------------------------------------------------------------------------------------

    int add(String id, Path keyFile) {
        String account = layout.account(id);
        String key;
        try {
            key = publicKeys(keyFile);
        } catch (CommandError e) {
            err.println("pagelab: class add: " + e.line());
            return 2;
        }
        String g = layout.group();
        Path home = layout.home(id);
        String existing = passwd(account);
        if (existing != null && !existing.split(":", -1)[5].equals(home.toString())) {
            err.println("pagelab: class add: an account " + account + " exists and is not class " + layout.name()
                    + "'s student (its home is " + existing.split(":", -1)[5] + ") \u2014 choose another ID");
            return 1;
        }
        List<String> steps = new ArrayList<>();
        steps.add("getent group " + g + " >/dev/null || { echo 'no class " + layout.name() + ": run pagelab class init "
                + layout.name() + " first' >&2; exit 1; }");
        // '*' and not '!': no password matches it, and sshd without PAM refuses keys to a '!'-locked account.
        // /bin/sh because sshd runs ForceCommand as SHELL -c COMMAND (nologin would refuse it); the command is the
        // administrator's, and sh reads no start-up file of the student's when it is not interactive.
        steps.add("id -u " + account + " >/dev/null 2>&1 || useradd --system --no-create-home --home-dir "
                + sh(home.toString()) + " --shell /bin/sh --gid " + g + " --password '*' --comment "
                + sh("pagelab class " + layout.name()) + " " + account);
        steps.add("install -d -o root -g root -m 0711 " + sh(home.toString()));
        steps.add("install -d -o " + account + " -g " + g + " -m 0700 "
                + sh(layout.work(id).toString()));
        steps.add("printf '%s\\n' " + sh(key) + " > " + sh(layout.key(account).toString()) + " && chmod 0644 "
                + sh(layout.key(account).toString()));
        // the student's results file, theirs alone; one another student made under this name first is replaced
        String result = sh(layout.result(id).toString());
        // (a symbolic link is replaced too, before chmod could follow it)
        String results = sh(layout.results().toString());
        steps.add("[ -d " + results + " ] || { echo 'no " + layout.results() + ": run pagelab class init "
                + layout.name() + " again' >&2; exit 1; }");
        steps.add("if [ -L " + result + " ] || [ \"$(stat -c %U " + result + " 2>/dev/null)\" != " + account
                + " ]; then rm -f " + result + " && install -m 0600 -o " + account + " -g " + g + " /dev/null "
                + result + "; fi && chmod 0600 " + result);
        String noCgroup = cgroup.unsupported();
        long limit = CgroupLimit.chosen(layout);
        if (noCgroup == null) steps.addAll(cgroup.steps(layout.name(), account, limit));
        if (!root()) {
            out.println("pagelab: 'class add' needs root. An administrator runs (each step can be run again safely):");
            for (String s : steps) out.println("  " + s.replace("\n", "\n  "));
            if (noCgroup != null)
                out.println(
                        "  # no per-student cgroup limit here: " + noCgroup + "; the class ledger holds the budget");
            return 1;
        }
        if (!run(steps)) return 1;
        out.println("student " + id + " of class " + layout.name() + ": account " + account + ", files in "
                + layout.work(id));
        out.println(
                noCgroup == null
                        ? "memory limit: " + Sizes.human(limit) + " for all of " + account
                                + "'s consoles (MemoryMax of user-"
                                + passwd(account).split(":", -1)[2] + ".slice)"
                        : "no per-student cgroup limit here: " + noCgroup
                                + "; the class ledger still holds the budget");
        out.println("they connect with: ssh -t " + account + "@" + hostName());
        return 0;
    }

    private static String hostName() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
        } catch (IOException e) {
            return "HOST";
        }
    }

    /** The account's passwd line, or null. */
    static String passwd(String account) {
        try {
            Process p = new ProcessBuilder("getent", "passwd", account)
                    .redirectErrorStream(true)
                    .start();
            String s = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return p.waitFor() == 0 && !s.isEmpty() ? s : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /**
     * The public keys in {@code file}, one per line, as {@code TYPE BASE64 [COMMENT]}: options in front of a key
     * (command=, from=, environment=…) are dropped, as is a comment with characters a shell or sshd might read.
     */
    static String publicKeys(Path file) throws CommandError {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw CommandError.refused(
                    file.toString(), "cannot be read (" + e.getMessage() + ")", "give the student's .pub file");
        }
        List<String> keys = new ArrayList<>();
        for (String line : lines) {
            String[] f = line.trim().split("\\s+");
            for (int i = 0; i + 1 < f.length; i++) {
                if (KEY_TYPES.contains(f[i]) && BASE64.matcher(f[i + 1]).matches()) {
                    String comment =
                            i + 2 < f.length && COMMENT.matcher(f[i + 2]).matches() ? " " + f[i + 2] : "";
                    keys.add(f[i] + " " + f[i + 1] + comment);
                    break;
                }
            }
        }
        if (keys.isEmpty()) {
            throw CommandError.refused(
                    file.toString(),
                    "holds no OpenSSH public key",
                    "give the student's .pub file (a line like 'ssh-ed25519 AAAA... name')");
        }
        return String.join("\n", keys);
    }

    /** Runs each step with sh; stops at the first that fails and says which. */
    private boolean run(List<String> steps) {
        for (String s : steps) {
            try {
                Process p = new ProcessBuilder("/bin/sh", "-c", s)
                        .redirectErrorStream(true)
                        .start();
                String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
                if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                    err.println("pagelab: class: this step failed: "
                            + s.lines().findFirst().orElse(s)
                            + (output.isEmpty() ? "" : "\n  " + output.replace("\n", "\n  ")));
                    return false;
                }
            } catch (IOException e) {
                err.println("pagelab: class: cannot run /bin/sh: " + e.getMessage());
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }
}
