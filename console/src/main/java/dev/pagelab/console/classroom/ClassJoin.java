package dev.pagelab.console.classroom;

import dev.pagelab.console.Config;
import dev.pagelab.console.Shell;
import dev.pagelab.console.terminal.OutputCharset;
import dev.pagelab.console.terminal.TerminalOpener;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

/**
 * {@code pagelab class join NAME}: the console a student's SSH login runs (sshd's ForceCommand). It runs under the
 * student's own uid — sshd made this process for their connection alone — so the kernel keeps students apart: no
 * student can open another's /proc/PID/pagemap or mem, or their files. Its history and recordings go to the
 * student's private directory; {@link ClassPolicy} confines files, refuses machine-wide commands and holds the class
 * to its memory budget; the pager cannot start a shell.
 */
final class ClassJoin {
    private ClassJoin() {}

    static int join(ClassLayout layout, OutputCharset output, PrintStream err) {
        // user.name comes from getpwuid(getuid()), not from the environment: it names the account sshd logged in.
        String account = System.getProperty("user.name", "?");
        String id = layout.idOf(account);
        if (id == null) {
            err.println("pagelab: class join: " + account + " is not a student account of class " + layout.name()
                    + " \u2014 the teacher adds students with 'pagelab class add " + layout.name() + " ID KEYFILE'");
            return 1;
        }
        Path work = layout.work(id);
        String problem = checkPrivate(work, account);
        if (problem != null) {
            err.println("pagelab: class join: " + problem + " \u2014 tell your teacher ('pagelab class add "
                    + layout.name() + " " + id + " KEYFILE' repairs it)");
            return 1;
        }
        String original = System.getenv("SSH_ORIGINAL_COMMAND");
        if (original != null && !original.isBlank()) {
            err.println("pagelab: this account runs the class console only; '" + original.strip() + "' was not run");
        }
        Ledger ledger;
        try {
            ledger = Ledger.open(layout.ledger(), account);
        } catch (IOException e) {
            err.println("pagelab: class join: cannot open the class's memory ledger " + layout.ledger() + " ("
                    + e.getMessage() + ") \u2014 tell your teacher ('pagelab class init " + layout.name()
                    + "' repairs it)");
            return 1;
        }
        ClassPolicy policy;
        try {
            policy = new ClassPolicy(layout, id, work, layout.shared(), ledger);
        } catch (IOException e) {
            ledger.close();
            err.println("pagelab: class join: " + work + ": " + e.getMessage());
            return 1;
        }
        ClassPolicy.activate(policy);
        // A dropped connection ends the JVM with SIGHUP: the claim is given back then too (kill -9 leaves it to the
        // next console that reads the ledger, which finds this console's lock gone).
        Thread hook = new Thread(policy::close, "pagelab-class-exit");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return console(policy, output);
        } finally {
            Follow f = follow;
            if (f != null) f.close();
            policy.close();
        }
    }

    /** Null when {@code work} is a directory of {@code account}'s own that no one else can enter; else what is wrong. */
    static String checkPrivate(Path work, String account) {
        try {
            if (!Files.isDirectory(work, LinkOption.NOFOLLOW_LINKS))
                return "your directory " + work + " does not exist";
            if (!Files.getOwner(work, LinkOption.NOFOLLOW_LINKS).getName().equals(account))
                return work + " is not yours";
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(work, LinkOption.NOFOLLOW_LINKS);
            for (PosixFilePermission p : perms) {
                if (p.name().startsWith("GROUP") || p.name().startsWith("OTHERS"))
                    return work + " is open to others (mode should be 0700)";
            }
            return null;
        } catch (IOException e) {
            return work + ": " + e.getMessage();
        }
    }

    private static Follow follow;

    /** Follows the class's teacher, whenever one is live, on {@code display}; the policy holds statements back. */
    private static void follow(ClassPolicy policy, Follow.Display display, boolean color, OutputCharset output) {
        Follow f =
                new Follow(TeachHub.socket(policy.layout()), policy.id(), display, color, output, Follow.POLL_MILLIS);
        follow = f;
        policy.follow(f);
        f.start();
    }

    private static int console(ClassPolicy policy, OutputCharset output) {
        Config config = Config.DEFAULTS.withRecipePath(policy.recipeDirs());
        String banner = "pagelab class " + policy.layout().name() + " \u2014 student " + policy.id() + "; your files: "
                + policy.work() + "\nType 'help' for the commands, Tab to complete, Ctrl-D to leave.";
        return ClassConsole.run(config, banner, output, new ClassConsole.Setup() {
            @Override
            public void terminal(TerminalOpener opener, boolean colorAllowed) {
                String term = System.getenv("TERM");
                follow(
                        policy,
                        Follow.terminal(opener::reader),
                        colorAllowed && term != null && !term.startsWith("dumb"),
                        output);
            }

            @Override
            public void pipe(PrintWriter out, Shell shell) {
                follow(policy, Follow.plain(out, 120), false, output);
            }
        });
    }
}
