package dev.pagelab.console;

import dev.pagelab.commands.Command;
import dev.pagelab.commands.CommandError;
import dev.pagelab.commands.CommandLine;
import dev.pagelab.commands.CommandRegistry;
import dev.pagelab.commands.Session;
import dev.pagelab.commands.report.ClearRefsReport;
import dev.pagelab.commands.report.Report;
import dev.pagelab.commands.report.ResidencyReport;
import dev.pagelab.commands.report.StepReport;
import dev.pagelab.console.recipe.ReplayState;
import dev.pagelab.console.render.JsonRenderer;
import dev.pagelab.console.render.ResidencyRenderer;
import dev.pagelab.console.render.TextRenderer;
import dev.pagelab.console.terminal.OutputCharset;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;
import org.jline.utils.AttributedString;

/**
 * The console's engine, independent of how lines arrive (terminal, pipe, -c): looks each command up in the
 * one registry, runs it (kernel commands on the session's step thread), renders its report, and turns every
 * failure into one line. Nothing a user types can end the session except {@code exit}.
 */
public final class Shell implements ConsoleIO, AutoCloseable {
    private final Session session;
    /** Class mode's rules, or null: consulted before each statement and after it. */
    private final dev.pagelab.console.classroom.ClassPolicy policy =
            dev.pagelab.console.classroom.ClassPolicy.active().orElse(null);

    private final CommandRegistry registry;
    private final PrintWriter out;
    private final OutputTee tee;

    private final ReplayState replays = new ReplayState();
    private final Watches watches;

    private Config config = Config.DEFAULTS;
    /** Theme "mono": bold and faint kept, colours dropped. */
    private boolean mono;

    /** The user's settings: default feedback, theme, recipe path and replay pace. */
    public void apply(Config c) {
        config = c;
        feedback = c.feedback();
        mono = c.theme().equals("mono");
        replays.settings(c.recipePath(), c.replayDelay(), c.typingSpeed());
    }

    Config config() {
        return config;
    }

    /** Recipe settings, the keys step-by-step replay reads, and the replay in progress. */
    public ReplayState replays() {
        return replays;
    }

    @Override
    public int height() {
        return height.getAsInt();
    }

    /** Ctrl-C: stops the touch in progress and, during a replay, the replay after its current step. */
    public void interrupt() {
        session.cancelStep();
        replays.interrupt();
    }

    @Override
    public void copyOutputTo(java.io.Writer w) {
        out.flush();
        tee.copy = w;
    }

    @Override
    public void printRaw(String s) {
        out.print(s);
        out.flush();
    }

    private final Renderer renderer;
    /** Where script errors go (stderr), with or without colour; null interactively. */
    private PrintWriter errors;

    private boolean errorColor;
    /** Where the statement being run came from, e.g. {@code <stdin>:2}, {@code -c:3}, {@code 02-zero-page.toml:14}. */
    private String origin;

    private final boolean color;
    private final IntSupplier width;
    private final List<String> history = new ArrayList<>();
    private Feedback feedback = Feedback.NORMAL;
    /** Shows text longer than the screen one screen at a time; returns false when no pager could run. */
    public interface Pager {
        boolean page(List<String> lines);
    }

    private Pager pager;
    private java.util.function.IntSupplier height = () -> 0;
    private boolean exitRequested;

    /**
     * Sees what the console shows, as it shows it: class mode's teacher broadcasts it to the students. Every call
     * comes on the console thread and must return at once (no I/O): the teacher's console never waits for a student.
     */
    public interface Listener {
        /** A line typed at the prompt or read from a script, before it runs (a recipe's steps arrive as output). */
        void typed(String line);

        /** Text the console printed, styles as escape sequences, in the pieces it was written in. */
        void shown(String text);

        /** A statement goes onto the step thread ({@code true}) or is back ({@code false}): its measured window. */
        void stepping(boolean on);
    }

    private static volatile java.util.function.Consumer<Shell> newShells;
    private Listener listener;

    /** Calls {@code hook} with every shell made from now on (class mode's teacher attaches itself to the console). */
    public static void onNewShell(java.util.function.Consumer<Shell> hook) {
        newShells = hook;
    }

    /** {@code l} sees everything this console shows from now on. */
    public void listen(Listener l) {
        out.flush();
        listener = l;
        tee.listener = l;
    }

    public Shell(Session session, PrintWriter out, boolean json, boolean color, IntSupplier width) {
        this.session = session;
        this.tee = new OutputTee(out);
        this.out = new PrintWriter(tee, false);
        this.renderer = json ? new JsonOutput() : new TextOutput();
        this.color = color;
        this.width = width;
        this.registry = CommandRegistry.withSessionCommands();
        this.watches = new Watches(this::view);
        // each console command gets what it acts on, not the shell
        registry.register(new HelpCommand(registry, this::width));
        registry.register(new HistoryCommand(() -> history));
        registry.register(new SetCommand(new SetCommand.Settings() {
            @Override
            public Config config() {
                return config;
            }

            @Override
            public Feedback feedback() {
                return feedback;
            }

            @Override
            public void feedback(Feedback f) {
                feedback = f;
            }
        }));
        registry.register(new ExitCommand(() -> exitRequested = true));
        registry.register(new WatchCommand(watches));
        registry.register(new UnwatchCommand(watches));
        registry.register(new ReplayCommand(this, replays, registry));
        registry.register(new RecordCommand(this));
        java.util.function.Consumer<Shell> hook = newShells;
        if (hook != null) hook.accept(this);
    }

    /** The picture of {@code target} now, read on the step thread like any command that reads the session. */
    ResidencyReport view(String target) throws CommandError {
        Command view = registry.lookup("view");
        CommandLine cl = CommandLine.parse(
                "view " + (target.chars().anyMatch(Character::isWhitespace) ? "\"" + target + "\"" : target));
        return (ResidencyReport) session.call(() -> view.run(session, cl));
    }

    private void redrawWatches() {
        watches.redraw(height.getAsInt(), new Watches.Sink() {
            @Override
            public void picture(String target, ResidencyReport picture, int rows) {
                renderer.watch(target, picture, rows);
            }

            @Override
            public void dropped(String target, CommandError why) {
                println("watch: " + target + " can no longer be drawn (" + why.getMessage() + "); no longer watched");
            }
        });
        out.flush();
    }

    public Session session() {
        return session;
    }

    /**
     * What the output can carry (see {@link OutputCharset}): UTF-8, or ASCII, in which every glyph has a stand-in
     * (with a C/POSIX locale the terminal would show '?' for each).
     */
    public void output(OutputCharset charset) {
        out.flush();
        tee.charset = charset;
    }

    public OutputCharset output() {
        return tee.charset;
    }

    /** UTF-8 ({@code true}) or ASCII. */
    void unicode(boolean on) {
        output(on ? OutputCharset.UTF8 : OutputCharset.ASCII);
    }

    /** Interactive consoles page manual pages that do not fit the screen. */
    public void pager(Pager p, java.util.function.IntSupplier screenHeight) {
        this.pager = p;
        this.height = screenHeight;
    }

    public CommandRegistry registry() {
        return registry;
    }

    public List<String> history() {
        return history;
    }

    public boolean exitRequested() {
        return exitRequested;
    }

    @Override
    public int width() {
        return Math.max(40, width.getAsInt());
    }

    /** Runs every statement of {@code line} (split at ';'); returns false if any failed. */
    public boolean execute(String line) {
        if (line.isBlank() || line.trim().startsWith("#")) return true;
        history.add(line.trim());
        if (listener != null) listener.typed(line.trim());
        boolean ok = true;
        for (String statement : CommandLine.splitStatements(line)) {
            if (exitRequested) break;
            ok &= executeOne(statement).ok();
        }
        out.flush();
        return ok;
    }

    /** Observers of every statement run (the recorder); called after the outcome has been printed. */
    private final List<java.util.function.Consumer<Outcome>> observers = new ArrayList<>();

    @Override
    public void observe(java.util.function.Consumer<Outcome> o) {
        observers.add(o);
    }

    @Override
    public void stopObserving(java.util.function.Consumer<Outcome> o) {
        observers.remove(o);
    }

    @Override
    public Outcome runHeld(String statement, StringBuilder output) {
        out.flush();
        tee.held = output;
        try {
            Outcome o = executeOne(statement);
            out.flush();
            return o;
        } finally {
            tee.held = null;
        }
    }

    @Override
    public Outcome run(String statement) {
        Outcome o = executeOne(statement);
        out.flush();
        return o;
    }

    private Outcome executeOne(String statement) {
        Outcome o;
        try {
            o = executeOneUnobserved(statement);
        } finally {
            if (policy != null) policy.settled(session);
        }
        for (var observer : List.copyOf(observers)) observer.accept(o);
        return o;
    }

    private Outcome executeOneUnobserved(String statement) {
        CommandLine cl;
        try {
            cl = CommandLine.parse(statement);
        } catch (CommandError e) {
            printError(statement, "", e, List.of());
            return new Outcome(statement, "", null, e);
        }
        if (cl.isEmpty())
            return new Outcome(statement, "", new dev.pagelab.commands.report.TextReport("", List.of()), null);
        String verb = "";
        List<int[]> spans = new ArrayList<>();
        for (CommandLine.Word w : cl.words())
            spans.add(new int[] {w.column(), w.text().length()});
        try {
            Command command = registry.lookup(cl.name());
            verb = command.name();
            // class mode: refused, or its file words replaced by the confined paths, and its memory claimed
            CommandLine admitted = policy == null ? cl : policy.admit(command, cl, session);
            // The system-wide context is sampled only when it will be shown: JSON, or verbose feedback.
            session.systemContext(renderer.showsSystemContext(feedback));
            Report report;
            if (command.runsOnStepThread()) {
                Listener l = listener;
                if (l != null) l.stepping(true);
                try {
                    report = session.call(() -> command.run(session, admitted));
                } finally {
                    if (l != null) l.stepping(false);
                }
            } else {
                report = command.run(session, admitted);
            }
            renderer.report(statement, report);
            // after anything that may have changed what a picture shows, and when a watch was just added
            if (!watches.isEmpty()
                    && (report instanceof StepReport
                            || report instanceof ClearRefsReport
                            || command instanceof WatchCommand)) {
                redrawWatches();
            }
            return new Outcome(statement, verb, report, null);
        } catch (CommandError e) {
            printError(statement, verb, e, spans);
            return new Outcome(statement, verb, null, e);
        } catch (RuntimeException | Error e) {
            // A bug in pagelab, not the user's doing: say so in one line; the session and its mappings live on.
            StringWriter trace = new StringWriter();
            e.printStackTrace(new PrintWriter(trace));
            String first =
                    trace.toString().lines().skip(1).findFirst().orElse("").trim();
            CommandError ce = CommandError.refused(
                    null,
                    "internal error: " + e,
                    "please report it with this line (" + first + "); the session and its mappings are intact");
            printError(statement, verb, ce, spans);
            return new Outcome(statement, verb, null, ce);
        }
    }

    /**
     * Script mode: errors from now on go to {@code err} (stderr), each prefixed with the statement's origin;
     * interactively (never called) they stay with the output, under the statement they refer to.
     */
    public void errorsTo(PrintWriter err, boolean color) {
        this.errors = err;
        this.errorColor = color;
    }

    @Override
    public String origin(String where) {
        String before = origin;
        origin = where;
        return before;
    }

    @Override
    public void warn(String line) {
        if (errors == null) {
            println(line);
            return;
        }
        out.flush();
        errors.println(tee.charset.text(line));
        errors.flush();
    }

    private String styled(AttributedString a, boolean color) {
        return tee.charset.text(color ? (mono ? monochrome(a) : a).toAnsi() : a.toString());
    }

    private void printError(String statement, String verb, CommandError e, List<int[]> spans) {
        renderer.error(statement, verb, e, spans);
        out.flush();
    }

    /**
     * How outcomes reach the output, chosen once when the shell is made: styled text for people (colour when the
     * terminal and the settings allow it), or one JSON object per outcome for programs.
     */
    private interface Renderer {
        void report(String statement, Report report);

        void error(String statement, String verb, CommandError e, List<int[]> wordSpans);

        /** A watched range's picture, after a step; {@code rows} is its share of the screen. */
        void watch(String target, ResidencyReport picture, int rows);

        /** Whether steps sample the system-wide context: shown in JSON always, in text when verbose. */
        boolean showsSystemContext(Feedback feedback);
    }

    @Override
    public boolean json() {
        return renderer instanceof JsonOutput;
    }

    private final class TextOutput implements Renderer {
        @Override
        public void report(String statement, Report report) {
            List<AttributedString> lines = TextRenderer.render(report, feedback, width());
            // a manual page taller than the screen goes through the pager, as man's does
            boolean paged = pager != null
                    && report instanceof dev.pagelab.commands.report.ManualReport
                    && height.getAsInt() > 0
                    && lines.size() > height.getAsInt() - 2
                    && pager.page(lines.stream()
                            .map(a -> color ? a.toAnsi() : a.toString())
                            .map(tee.charset::text)
                            .toList());
            if (!paged) print(lines);
        }

        @Override
        public void error(String statement, String verb, CommandError e, List<int[]> wordSpans) {
            List<AttributedString> lines = TextRenderer.error(verb, statement, e, wordSpans, width());
            if (errors == null) {
                print(lines);
                return;
            }
            // A script's errors go to stderr as psql's do, the message first, prefixed with where the statement came
            // from, so that `2>errors.log` and editors' "file:line:" jumps work; the echo and its caret follow.
            out.flush();
            AttributedString message = lines.get(lines.size() - 1);
            errors.println("pagelab:" + (origin == null ? "" : origin + ":") + " " + styled(message, errorColor));
            for (AttributedString l : lines.subList(0, lines.size() - 1)) errors.println(styled(l, errorColor));
            errors.flush();
        }

        @Override
        public void watch(String target, ResidencyReport picture, int rows) {
            print(ResidencyRenderer.render(picture, width(), rows, true));
        }

        @Override
        public boolean showsSystemContext(Feedback f) {
            return f == Feedback.VERBOSE;
        }
    }

    private final class JsonOutput implements Renderer {
        @Override
        public void report(String statement, Report report) {
            out.println(tee.charset.json(JsonRenderer.render(statement, report)));
        }

        @Override
        public void error(String statement, String verb, CommandError e, List<int[]> wordSpans) {
            out.println(tee.charset.json(JsonRenderer.error(statement, verb, e)));
        }

        @Override
        public void watch(String target, ResidencyReport picture, int rows) {
            out.println(tee.charset.json(JsonRenderer.render("watch " + target, picture)));
        }

        @Override
        public boolean showsSystemContext(Feedback f) {
            return true;
        }
    }

    @Override
    public void print(List<AttributedString> lines) {
        for (AttributedString a : TextRenderer.fit(lines, width())) { // at words, never where the terminal would
            String s = color ? (mono ? monochrome(a) : a).toAnsi() : a.toString();
            out.println(s);
        }
        out.flush();
    }

    /** The same text with every colour removed and the attributes (bold, faint, underline, inverse) kept. */
    static AttributedString monochrome(AttributedString a) {
        org.jline.utils.AttributedStringBuilder b = new org.jline.utils.AttributedStringBuilder();
        for (int i = 0; i < a.length(); i++) {
            org.jline.utils.AttributedStyle st = a.styleAt(i);
            // a filled cell of a residency map keeps standing out: inverse instead of a background colour
            boolean filled = (st.getStyle() & 0x0C00) != 0; // F_BACKGROUND (indexed or RGB) in AttributedStyle
            st = st.foregroundOff().backgroundOff();
            b.style(filled ? st.inverse() : st).append(a.charAt(i));
        }
        return b.toAttributedString();
    }

    @Override
    public void println(String s) {
        out.println(s);
        out.flush();
    }

    @Override
    public boolean color() {
        return color;
    }

    @Override
    public void close() {
        session.close();
    }
}
