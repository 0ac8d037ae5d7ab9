package dev.pagelab.console;

import dev.pagelab.commands.CommandLine;
import dev.pagelab.commands.Session;
import dev.pagelab.console.classroom.ClassCommand;
import dev.pagelab.console.recipe.RecipeLibrary;
import dev.pagelab.console.terminal.OutputCharset;
import dev.pagelab.console.terminal.Repl;
import dev.pagelab.console.terminal.TerminalOpener;
import dev.pagelab.linux.Tty;
import dev.pagelab.linux.proc.KPageFlags;
import dev.pagelab.linux.proc.Machine;
import dev.pagelab.linux.proc.ThpSettings;
import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The launcher's entry point. Interactive when stdin and stdout are terminals; otherwise each line of stdin
 * (or each ';'-separated command of -c) is a command, and errors go to stderr prefixed with where the command came
 * from ({@code pagelab:<stdin>:2:}, {@code pagelab:-c:3:}, {@code pagelab:recipe.toml:14:}), as psql's do. Exit
 * status: 0, 1 when a command failed (the first failure stops the script unless --keep-going), 2 for bad launcher
 * usage, a recipe that cannot be found or read included.
 */
public final class Main {
    static final String VERSION = "0.1.0";

    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        // Console.isTerminal is isatty(stdin) && isatty(stdout) — the same test as Tty's, but without linking an FFM
        // call first: the terminal's thread starts ~30 ms sooner, and the terminal is the longest part of the launch.
        java.io.Console console = System.console();
        boolean onTerminal = console != null && console.isTerminal();
        // UTF-8 or ASCII, decided once from the locale (and TERM=dumb on a terminal), for every writer: the terminal
        // JLine opens, the shell's output, System.out and System.err.
        OutputCharset output = OutputCharset.decide(System.getenv(), onTerminal || Tty.isatty(1));
        System.setOut(output.printStream(new FileOutputStream(FileDescriptor.out)));
        System.setErr(output.printStream(new FileOutputStream(FileDescriptor.err)));
        if (args.length > 0 && args[0].equals("class")) {
            return ClassCommand.run(java.util.Arrays.copyOfRange(args, 1, args.length), output, System.out, System.err);
        }
        String commands = null;
        boolean json = false, keepGoing = false, noColor = false;
        List<String> recipes = new ArrayList<>(), recipeWords = new ArrayList<>(), replayFlags = new ArrayList<>();
        String configFile = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "-c" -> {
                    if (i + 1 >= args.length) return usage("-c needs commands, e.g. -c \"map 4M; touch m1\"");
                    commands = args[++i];
                }
                case "--json" -> json = true;
                case "--keep-going", "-k" -> keepGoing = true;
                case "--no-color" -> noColor = true;
                case "--config" -> {
                    if (i + 1 >= args.length) return usage("--config needs a file, e.g. --config ~/pagelab.toml");
                    configFile = args[++i];
                }
                case "--recipe", "-r" -> {
                    if (i + 1 >= args.length)
                        return usage(args[i] + " needs a recipe: a .toml file, a directory or a name");
                    recipeWords.add(args[++i]);
                    recipes.add(quote(args[i]));
                }
                case "--check", "--auto", "--step" -> replayFlags.add(args[i]);
                case "--delay", "--cast" -> {
                    if (i + 1 >= args.length)
                        return usage(args[i] + (args[i].equals("--delay") ? " needs seconds" : " needs a file"));
                    replayFlags.add(args[i] + " " + quote(args[++i]));
                }
                case "-h", "--help" -> {
                    System.out.println(HELP);
                    return 0;
                }
                case "--version" -> {
                    System.out.println("pagelab " + VERSION);
                    return 0;
                }
                case "--json-schema" -> {
                    System.out.print(dev.pagelab.console.render.OutputSchema.json());
                    return 0;
                }
                default -> {
                    if (args[i].equals("--typing") || args[i].startsWith("--typing=")) {
                        replayFlags.add(args[i]);
                        continue;
                    }
                    return usage("unknown argument '" + args[i] + "'");
                }
            }
        }
        // On a terminal, the terminal opens on its own thread while the settings are read and the session set up.
        boolean stepReplay = !recipes.isEmpty() && commands == null && !replayFlags.contains("--check") && !json;
        TerminalOpener opener = onTerminal && (commands == null && recipes.isEmpty() || stepReplay)
                ? TerminalOpener.start(!stepReplay, output.charset())
                : null;
        // The settings come first; what is wrong with them is said once, on stderr, and the console starts anyway.
        Config config =
                Config.load(Config.location(configFile), configFile != null || System.getenv("PAGELAB_CONFIG") != null);
        for (String problem : config.problems()) System.err.println("pagelab: " + problem);
        if (!replayFlags.isEmpty() && recipes.isEmpty()) {
            return usage(replayFlags.get(0).split(" ")[0] + " goes with --recipe FILE");
        }
        if (!recipes.isEmpty()) {
            if (commands != null) return usage("-c and --recipe do not go together: a recipe is its own script");
            // A recipe that cannot be found is the launcher's usage error (status 2), said of the flag as typed.
            RecipeLibrary library = new RecipeLibrary(config.recipePath());
            for (String word : recipeWords) {
                if (library.resolve(word).isEmpty()) {
                    return usage("--recipe " + word + ": no such recipe file, directory or name"
                            + (library.names().isEmpty()
                                    ? ""
                                    : " (shipped and configured: " + String.join(", ", library.names()) + ")"));
                }
            }
            String replay = "replay " + String.join(" ", recipes)
                    + (replayFlags.isEmpty() ? "" : " " + String.join(" ", replayFlags));
            String noColorEnv = System.getenv("NO_COLOR");
            boolean colorOk = !noColor
                    && !json
                    && (noColorEnv == null || noColorEnv.isEmpty())
                    && !config.color().equals("never");
            // Step-by-step replay reads keys from the terminal; a check, or input that is not a terminal, runs as a
            // script.
            if (opener != null) {
                try (Session session = new Session()) {
                    return Repl.run(opener, session, colorOk, false, null, replay, config, output);
                }
            }
            commands = replay;
        }
        String noColorEnv = System.getenv("NO_COLOR");
        boolean colorAllowed = !noColor
                && !json
                && (noColorEnv == null || noColorEnv.isEmpty())
                && !config.color().equals("never");
        boolean interactive = commands == null && onTerminal && opener != null;
        try (Session session = new Session(!interactive)) {
            if (interactive) return Repl.run(opener, session, colorAllowed, json, banner(), null, config, output);
            String term = System.getenv("TERM");
            boolean color = colorAllowed
                    && (config.color().equals("always") || Tty.isatty(1) && term != null && !term.startsWith("dumb"));
            // Onto a terminal, into a pipe or a file alike, the locale decides: UTF-8, or ASCII (JSON escaped).
            PrintWriter out = new PrintWriter(new FileOutputStream(FileDescriptor.out), true, output.charset());
            int width = scriptWidth();
            try (Shell shell = new Shell(session, out, json, color, () -> width)) {
                shell.output(output);
                shell.apply(config);
                // Onto a terminal (not a pipe or file, a dumb terminal or JSON) a long touch draws its progress line.
                if (!json && Tty.isatty(1) && term != null && !term.startsWith("dumb")) {
                    session.observeSteps(
                            new dev.pagelab.console.terminal.ProgressLine(out, () -> width, output.unicode()));
                }
                // a script's errors go to stderr, each with where it came from (text; JSON keeps them in its objects)
                boolean errColor = colorAllowed && Tty.isatty(2) && term != null && !term.startsWith("dumb");
                shell.errorsTo(
                        new PrintWriter(new FileOutputStream(FileDescriptor.err), true, output.charset()), errColor);
                if (!recipes.isEmpty()) {
                    Outcome o = shell.run(commands);
                    // nothing ran: the recipe could not be read (its problems, file:line:column, are on stderr)
                    return o.ok() ? 0 : o.error().isUsage() ? 2 : 1;
                }
                return script(shell, commands, keepGoing);
            }
        }
    }

    private static int script(Shell shell, String commands, boolean keepGoing) {
        List<String> lines = new ArrayList<>();
        if (commands != null) {
            lines.addAll(CommandLine.splitStatements(commands));
        }
        int status = 0;
        if (commands != null) {
            int n = 0;
            for (String l : lines) {
                shell.origin("-c:" + ++n);
                if (!shell.execute(l)) {
                    status = 1;
                    if (!keepGoing) break;
                }
                if (shell.exitRequested()) break;
            }
            return status;
        }
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            String l;
            int n = 0;
            while ((l = in.readLine()) != null) {
                shell.origin("<stdin>:" + ++n);
                if (!shell.execute(l)) {
                    status = 1;
                    if (!keepGoing) break;
                }
                if (shell.exitRequested()) break;
            }
        } catch (IOException e) {
            System.err.println("pagelab: reading stdin: " + e.getMessage());
            return 1;
        }
        return status;
    }

    /** $COLUMNS when exported; else 80 on a terminal, 120 into a pipe or file (logs need not wrap). */
    static int scriptWidth() {
        try {
            String c = System.getenv("COLUMNS");
            if (c != null) return Math.max(40, Integer.parseInt(c.trim()));
        } catch (NumberFormatException ignored) {
            // not a number: use the default
        }
        return Tty.isatty(1) ? 80 : 120;
    }

    static String banner() {
        String thp = ThpSettings.thpEnabled().orElse("unavailable");
        String privilege = KPageFlags.availability().isEmpty() ? "root (PFNs, page flags)" : "not root (no PFNs)";
        return "pagelab " + VERSION + " \u2014 Linux " + Machine.kernelRelease() + ", THP " + thp + ", " + privilege
                + "\nType 'help' for the commands, Tab to complete, Ctrl-D to leave.";
    }

    /** A word as the console's parser reads it back: quoted when it holds a space or a quote. */
    static String quote(String word) {
        if (!word.isEmpty()
                && word.chars().noneMatch(c -> Character.isWhitespace(c) || c == '"' || c == '\'' || c == ';')) {
            return word;
        }
        return word.contains("\"") ? "'" + word + "'" : "\"" + word + "\"";
    }

    private static int usage(String problem) {
        System.err.println("pagelab: " + problem);
        System.err.println("usage: pagelab [-c \"CMD; CMD\"] [--json] [--keep-going] [--no-color]");
        System.err.println(
                "       pagelab --recipe FILE|DIR|NAME [--check|--auto|--step] [--delay S] [--typing[=CPS]] [--cast FILE]");
        System.err.println("       (pagelab --help)");
        return 2;
    }

    private static final String HELP = """
            usage: pagelab [-c "CMD; CMD"] [--json] [--keep-going] [--no-color]
                   pagelab --recipe FILE|DIR|NAME [--check|--auto|--step] [--delay S] [--typing[=CPS]] [--cast FILE]

            An interactive console for exploring how Linux backs memory. With a terminal it is interactive;
            with stdin from a pipe or file it reads one command a line; -c runs ';'-separated commands.
              -c CMDS         run these commands and exit
              --json          one JSON object per command on stdout
              --json-schema   print the JSON Schema (draft 2020-12) of those objects and exit
              --keep-going    do not stop at the first failing command (exit status is still 1)
              --no-color      no colour (NO_COLOR in the environment does the same)
              --config FILE   settings from FILE instead of ~/.config/pagelab/config.toml ($PAGELAB_CONFIG too)
              --recipe R      replay a recipe (a .toml file, a directory of them, or the name of a shipped recipe);
                              repeatable. On a terminal step by step (Enter runs the next step), else as --auto
              --check         run the recipes without pauses, print each expectation's verdict, exit 1 on a failure
              --auto          no keys: pause --delay seconds (default 1.5) after each narration
              --typing[=CPS]  type each command at CPS characters per second (default 30) for live demos
              --cast FILE     also write an asciinema v2 recording of the replay to FILE
            pagelab class init|add|join|teach|results: a class over SSH, each student in a console of their own (man pagelab-class).
            Exit status: 0 all commands succeeded, 1 a command failed, 2 bad usage.
            Manual: man pagelab (installed), man -l man/pagelab.1 (in a clone), or 'help' inside the console.""";
}
