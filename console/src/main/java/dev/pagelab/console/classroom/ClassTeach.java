package dev.pagelab.console.classroom;

import dev.pagelab.console.Config;
import dev.pagelab.console.Shell;
import dev.pagelab.console.terminal.OutputCharset;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code pagelab class teach NAME}: the teacher's console — an ordinary pagelab console (a terminal's, or one command a
 * line from stdin), not confined by the class policy — whose every typed line, report and replayed recipe's narration
 * reaches every student of the class ({@link TeachHub}), with the {@code turn} command added. Run by root or by the
 * owner of the class directory.
 */
final class ClassTeach {
    private ClassTeach() {}

    static int teach(ClassLayout layout, OutputCharset output, PrintStream err) {
        Path dir = layout.dir();
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            err.println("pagelab: class teach: class " + layout.name() + " does not exist (" + dir
                    + ") \u2014 'pagelab class init " + layout.name() + "' makes it");
            return 1;
        }
        String me = System.getProperty("user.name", "?");
        try {
            String owner = Files.getOwner(dir, LinkOption.NOFOLLOW_LINKS).getName();
            if (!ClassAdmin.root() && !owner.equals(me)) {
                err.println("pagelab: class teach: only root or " + owner + " (the owner of " + dir + ") teaches class "
                        + layout.name() + "; you are " + me);
                return 1;
            }
        } catch (IOException e) {
            err.println("pagelab: class teach: " + dir + ": " + e.getMessage());
            return 1;
        }
        TeachHub hub;
        try {
            hub = TeachHub.open(layout, TeachHub.HISTORY_LINES, TeachHub.QUEUE_LINES);
        } catch (IOException e) {
            err.println("pagelab: class teach: cannot open the class's socket " + TeachHub.socket(layout) + ": "
                    + e.getMessage());
            return 1;
        }
        Shell.onNewShell(shell -> {
            shell.listen(hub);
            shell.registry().register(new TurnCommand(hub));
        });
        // a closed SSH session ends the JVM with SIGHUP: the students are told then too
        Runtime.getRuntime().addShutdownHook(new Thread(hub::close, "pagelab-teach-exit"));
        try {
            return console(layout, output);
        } finally {
            hub.close();
        }
    }

    private static int console(ClassLayout layout, OutputCharset output) {
        // the class's material is replayed by name, as the students replay it
        Config config = Config.DEFAULTS.withRecipePath(List.of(layout.shared()));
        String banner =
                "pagelab class " + layout.name() + " \u2014 teaching: every student who joins sees this console."
                        + "\n'turn on' lets them type in their own consoles, 'turn off' brings them back; Ctrl-D ends the class.";
        return ClassConsole.run(config, banner, output, new ClassConsole.Setup() {
            @Override
            public void pipe(PrintWriter out, Shell shell) {
                shell.println(banner);
            }

            @Override
            public String origin(int n) {
                return "<stdin>:" + n;
            }
        });
    }
}
