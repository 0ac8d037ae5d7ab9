package dev.pagelab.console.classroom;

import dev.pagelab.commands.Session;
import dev.pagelab.console.Config;
import dev.pagelab.console.Shell;
import dev.pagelab.console.terminal.OutputCharset;
import dev.pagelab.console.terminal.Repl;
import dev.pagelab.console.terminal.TerminalOpener;
import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/**
 * The console of a class login ({@link ClassJoin}) or of its teacher ({@link ClassTeach}): JLine's REPL on a terminal;
 * without one (ssh without -t, input from a file or a pipe) one statement a line from stdin, as 'pagelab' reads a
 * script. What differs between the two is said by a {@link Setup}.
 */
final class ClassConsole {
    private ClassConsole() {}

    /** What a class console adds to the plain one, on a terminal and on a pipe. */
    interface Setup {
        /** Before the REPL starts on {@code opener}'s terminal. */
        default void terminal(TerminalOpener opener, boolean colorAllowed) {}

        /** Before the first line of stdin is read; {@code out} is what {@code shell} prints to. */
        default void pipe(PrintWriter out, Shell shell) {}

        /** The origin errors name for line {@code n} of stdin, or null to name none. */
        default String origin(int n) {
            return null;
        }
    }

    static int run(Config config, String banner, OutputCharset output, Setup setup) {
        java.io.Console console = System.console();
        boolean onTerminal = console != null && console.isTerminal();
        String noColor = System.getenv("NO_COLOR");
        boolean colorAllowed = noColor == null || noColor.isEmpty();
        if (onTerminal) {
            TerminalOpener opener = TerminalOpener.start(true, output.charset());
            setup.terminal(opener, colorAllowed);
            try (Session session = new Session(false)) {
                return Repl.run(opener, session, colorAllowed, false, banner, null, config, output);
            }
        }
        PrintWriter out = new PrintWriter(new FileOutputStream(FileDescriptor.out), true, output.charset());
        int status = 0;
        try (Session session = new Session(true);
                Shell shell = new Shell(session, out, false, false, () -> 120);
                BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            shell.output(output);
            shell.apply(config);
            setup.pipe(out, shell);
            String line;
            int n = 0;
            while ((line = in.readLine()) != null) {
                String origin = setup.origin(++n);
                if (origin != null) shell.origin(origin);
                if (!shell.execute(line)) status = 1;
                if (shell.exitRequested()) break;
            }
        } catch (IOException e) {
            System.err.println("pagelab: reading stdin: " + e.getMessage());
            return 1;
        }
        return status;
    }
}
