package dev.pagelab.console.terminal;

import dev.pagelab.commands.Command;
import dev.pagelab.commands.Session;
import dev.pagelab.console.Config;
import dev.pagelab.console.Shell;
import dev.pagelab.console.classroom.ClassPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.jline.reader.Candidate;
import org.jline.reader.Completer;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.ParsedLine;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;

/** The interactive console on a terminal: JLine line editing, completion, persistent history, Ctrl-C. */
public final class Repl {
    private Repl() {}

    /**
     * With {@code statement} (pagelab --recipe on a terminal): runs that one statement with the terminal's keys
     * available, and returns 0 or 1 as a script would, without a prompt.
     */
    public static int run(
            TerminalOpener opener,
            Session session,
            boolean colorAllowed,
            boolean json,
            String banner,
            String statement,
            Config config,
            OutputCharset charset) {
        Terminal terminal;
        try {
            terminal = opener.get();
        } catch (IOException | RuntimeException e) {
            System.err.println("pagelab: cannot open the terminal: " + e.getMessage());
            return 1;
        }
        // A pty nobody sized (serial consoles, some container execs) reports 0x0; JLine cannot draw a prompt
        // in no columns, so assume the classic 80x24 until a SIGWINCH says otherwise.
        if (terminal.getWidth() <= 0 || terminal.getHeight() <= 0) terminal.setSize(new Size(80, 24));
        boolean color = colorAllowed
                && (config.color().equals("always") || !terminal.getType().startsWith("dumb"));
        Shell shell = new Shell(
                session, terminal.writer(), json, color, () -> terminal.getWidth() > 0 ? terminal.getWidth() : 80);
        shell.apply(config);
        // The locale's decision, as JLine writes it: the terminal was opened with that output encoding (JLine's
        // own default, the JDK's stdout.encoding, is ASCII under a C locale and would print '?' for every glyph).
        shell.output(charset.on(terminal));
        opener.shell(shell);
        // A long step draws a progress line (not in JSON, nor on a terminal that cannot go back to a line's start).
        if (!json && !terminal.getType().startsWith("dumb")) {
            session.observeSteps(new ProgressLine(
                    terminal.writer(),
                    () -> terminal.getWidth() > 0 ? terminal.getWidth() : 80,
                    shell.output().unicode()));
        }
        if (statement != null) {
            session.startWarmUp();
            shell.replays().keys(() -> readKey(terminal));
            boolean ok = shell.execute(statement);
            try {
                terminal.close();
            } catch (IOException ignored) {
                // leaving anyway
            }
            return ok ? 0 : 1;
        }
        LineReader reader;
        try {
            reader = opener.reader();
        } catch (IOException | RuntimeException e) {
            System.err.println("pagelab: cannot set up line editing: " + e.getMessage());
            return 1;
        }
        reader.setVariable(LineReader.HISTORY_SIZE, config.historySize());
        reader.setVariable(LineReader.HISTORY_FILE_SIZE, config.historySize());
        try {
            reader.getHistory().load();
        } catch (IOException | IllegalArgumentException e) {
            shell.println("note: history not loaded (" + e.getMessage() + ")");
        }
        reader.getHistory().forEach(h -> shell.history().add(h.line()));
        shell.pager(lines -> page(terminal, lines), terminal::getHeight);
        shell.replays().keys(() -> readKey(terminal));
        shell.print(banner.lines().map(org.jline.utils.AttributedString::new).toList()); // fitted to the width
        String prompt = color ? "\u001b[1mpagelab>\u001b[0m " : "pagelab> ";
        session.startWarmUp();
        while (!shell.exitRequested()) {
            String line;
            try {
                line = reader.readLine(prompt);
            } catch (UserInterruptException e) {
                continue;
            } catch (EndOfFileException e) {
                break;
            }
            shell.execute(line);
        }
        try {
            reader.getHistory().save();
            terminal.close();
        } catch (IOException e) {
            System.err.println("pagelab: saving history: " + e.getMessage());
        }
        return 0;
    }

    /** One key in raw mode (no echo, no line buffering), for step-by-step replay. */
    private static int readKey(Terminal terminal) throws IOException {
        org.jline.terminal.Attributes saved = terminal.enterRawMode();
        try {
            return terminal.reader().read();
        } finally {
            terminal.setAttributes(saved);
        }
    }

    /**
     * Runs $PAGER (default less -R -F -X: colours kept, quits at once when the text fits, leaves it on screen).
     * JLine's input pump is paused so that the pager, not the console, gets the keys.
     */
    static boolean page(Terminal terminal, List<String> lines) {
        if (ClassPolicy.active().isPresent()) return dev.pagelab.console.classroom.SecurePager.page(terminal, lines);
        String pager = System.getenv("PAGER");
        if (pager == null || pager.isBlank()) pager = "less -R -F -X";
        String program = pager.trim().split("\\s+")[0];
        boolean found = program.contains("/")
                ? Files.isExecutable(Path.of(program))
                : java.util.Arrays.stream(
                                System.getenv().getOrDefault("PATH", "").split(":"))
                        .anyMatch(d -> !d.isEmpty() && Files.isExecutable(Path.of(d, program)));
        if (!found) return false;
        try {
            terminal.writer().flush();
            terminal.pause(true);
            try {
                Process p = new ProcessBuilder("sh", "-c", pager)
                        .redirectOutput(ProcessBuilder.Redirect.INHERIT)
                        .redirectError(ProcessBuilder.Redirect.INHERIT)
                        .start();
                try (var in =
                        new java.io.PrintStream(p.getOutputStream(), true, java.nio.charset.StandardCharsets.UTF_8)) {
                    for (String l : lines) in.println(l);
                }
                p.waitFor();
            } finally {
                terminal.resume();
            }
            return true;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    static Path historyFile() {
        Optional<ClassPolicy> classMode = ClassPolicy.active();
        if (classMode.isPresent()) return classMode.get().historyFile();
        String state = System.getenv("XDG_STATE_HOME");
        Path dir = state != null && !state.isEmpty()
                ? Path.of(state, "pagelab")
                : Path.of(System.getProperty("user.home"), ".local", "state", "pagelab");
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            // No writable state directory: a file of this user's own in the temporary directory (on a shared host
            // another user's name must never be taken; JLine keeps history in memory when even this cannot be written).
            return Path.of(
                    System.getProperty("java.io.tmpdir"), "pagelab-history-" + System.getProperty("user.name", "user"));
        }
        return dir.resolve("history");
    }

    /** Tab completion: command names, then each command's own candidates. */
    static final class CommandCompleter implements Completer {
        private final java.util.function.Supplier<Shell> shellRef;

        CommandCompleter(java.util.function.Supplier<Shell> shell) {
            this.shellRef = shell;
        }

        @Override
        public void complete(LineReader reader, ParsedLine line, List<Candidate> candidates) {
            Shell shell = shellRef.get();
            if (shell == null) return;
            int index = line.wordIndex();
            List<String> words = line.words();
            if (index == 0) {
                for (Command c : shell.registry().all()) candidates.add(new Candidate(c.name()));
                return;
            }
            Optional<Command> command;
            try {
                command = Optional.of(shell.registry().describe(words.get(0)));
            } catch (Exception e) {
                return;
            }
            List<String> before = words.subList(1, Math.min(index, words.size()));
            String partial = line.word() == null
                    ? ""
                    : line.word()
                            .substring(
                                    0, Math.min(line.wordCursor(), line.word().length()));
            for (String c : command.get().complete(shell.session(), before, index, partial)) {
                if (c.startsWith("--") && before.contains(c)) continue; // an option is given once
                if (!ClassPolicy.active().map(p -> p.completable(c)).orElse(true))
                    continue; // class mode: no listing of elsewhere
                // "--opt=" waits for its value and "dir/" for a name inside it: no space after either
                boolean complete = !c.endsWith("=") && !c.endsWith("/");
                candidates.add(new Candidate(c, c, null, null, null, null, complete));
            }
        }
    }
}
