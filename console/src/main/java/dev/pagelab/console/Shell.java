package dev.pagelab.console;

import dev.pagelab.console.recipe.Recipe;
import dev.pagelab.console.recipe.RecipePlayer;
import dev.pagelab.console.render.JsonRenderer;
import dev.pagelab.console.render.ResidencyRenderer;
import dev.pagelab.console.render.TextRenderer;
import dev.pagelab.console.terminal.OutputCharset;
import dev.pagelab.commands.Command;
import dev.pagelab.commands.CommandError;
import dev.pagelab.commands.CommandLine;
import dev.pagelab.commands.CommandRegistry;
import dev.pagelab.commands.report.Report;
import dev.pagelab.commands.report.ResidencyReport;
import dev.pagelab.commands.Session;
import dev.pagelab.commands.report.StepReport;
import dev.pagelab.commands.report.ClearRefsReport;
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
public final class Shell implements AutoCloseable {
    private final Session session;
    /** Class mode's rules, or null: consulted before each statement and after it. */
    private final dev.pagelab.console.classroom.ClassPolicy policy =
            dev.pagelab.console.classroom.ClassPolicy.active().orElse(null);
    private final CommandRegistry registry;
    private final PrintWriter out;
    private final Tee tee;

    /**
     * Everything printed goes to the console's output and, while a recording runs, to a copy. The output is the
     * one place where text meets the charset: in ASCII every character goes through {@link OutputCharset#ascii}
     * on its way out (the copy, an asciinema file, is UTF-8 and keeps the glyphs).
     */
    private static final class Tee extends java.io.Writer {
        private final java.io.Writer base;
        private volatile java.io.Writer copy;
        /** While set, output is held here instead of being shown (a recipe check shows it only on failure). */
        private volatile StringBuilder held;
        private volatile OutputCharset charset = OutputCharset.UTF8;
        /** A high surrogate at the end of the last write, waiting for its low half. */
        private char highSurrogate;

        Tee(java.io.Writer base) { this.base = base; }

        @Override
        public void write(char[] b, int off, int len) throws java.io.IOException {
            StringBuilder h = held;
            if (h != null) {
                h.append(b, off, len);
                return;
            }
            if (charset.unicode()) {
                base.write(b, off, len);
            } else {
                StringBuilder s = new StringBuilder(len + 1);
                if (highSurrogate != 0) s.append(highSurrogate);
                s.append(b, off, len);
                highSurrogate = 0;
                if (!s.isEmpty() && Character.isHighSurrogate(s.charAt(s.length() - 1))) {
                    highSurrogate = s.charAt(s.length() - 1);
                    s.setLength(s.length() - 1);
                }
                base.write(OutputCharset.ascii(s));
            }
            java.io.Writer c = copy;
            if (c != null) c.write(b, off, len);
        }

        @Override
        public void flush() throws java.io.IOException {
            base.flush();
            java.io.Writer c = copy;
            if (c != null) c.flush();
        }

        @Override
        public void close() throws java.io.IOException { flush(); }
    }

    // ---- recipes ----------------------------------------------------------------------------------------------

    /** Single keys from the terminal for step-by-step replay; null when input is not a terminal. */
    private RecipePlayer.Keys keys;
    private volatile RecipePlayer playing;

    public void keys(RecipePlayer.Keys k) { keys = k; }

    private List<java.nio.file.Path> recipePath = List.of();
    private double replayDelay = ReplayCommand.DEFAULT_DELAY, typingSpeed = ReplayCommand.DEFAULT_TYPING;

    /** Recipe directories searched before the bundled ones, seconds between auto-replay steps, typing speed. */
    void replaySettings(List<java.nio.file.Path> path, double delay, double cps) {
        recipePath = List.copyOf(path);
        replayDelay = delay;
        typingSpeed = cps;
    }

    List<java.nio.file.Path> recipePath() { return recipePath; }

    private Config config = Config.DEFAULTS;
    /** Theme "mono": bold and faint kept, colours dropped. */
    private boolean mono;

    /** The user's settings: default feedback, theme, recipe path and replay pace. */
    public void apply(Config c) {
        config = c;
        feedback = c.feedback();
        mono = c.theme().equals("mono");
        replaySettings(c.recipePath(), c.replayDelay(), c.typingSpeed());
    }

    Config config() { return config; }

    double replayDelay() { return replayDelay; }

    double typingSpeed() { return typingSpeed; }

    public RecipePlayer.Keys keys() { return keys; }

    int height() { return height.getAsInt(); }

    /** The replay in progress, which Ctrl-C stops after its current step. */
    void playing(RecipePlayer p) { playing = p; }

    /** Ctrl-C: stops the touch in progress and, during a replay, the replay after its current step. */
    public void interrupt() {
        session.cancelStep();
        RecipePlayer p = playing;
        if (p != null) p.stop();
    }

    /** Copies all output to {@code w} from now on (null stops it). */
    void copyOutputTo(java.io.Writer w) {
        out.flush();
        tee.copy = w;
    }

    /** Prints {@code s} without a line end and flushes, for the typing effect. */
    public void printRaw(String s) {
        out.print(s);
        out.flush();
    }
    private final Renderer renderer;
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

    public Shell(Session session, PrintWriter out, boolean json, boolean color, IntSupplier width) {
        this.session = session;
        this.tee = new Tee(out);
        this.out = new PrintWriter(tee, false);
        this.renderer = json ? new JsonOutput() : new TextOutput();
        this.color = color;
        this.width = width;
        this.registry = CommandRegistry.withSessionCommands();
        registry.register(new HelpCommand(this));
        registry.register(new HistoryCommand(this));
        registry.register(new SetCommand(this));
        registry.register(new ExitCommand(this));
        registry.register(new WatchCommand(this));
        registry.register(new UnwatchCommand(this));
        registry.register(new ReplayCommand(this));
        registry.register(new RecordCommand(this));
    }

    // ---- watch ------------------------------------------------------------------------------------------------

    /** A range whose picture is redrawn after every step; {@code rows} 0 lets the screen decide. */
    record Watch(String target, int rows) {}

    private final List<Watch> watches = new ArrayList<>();

    List<Watch> watches() { return List.copyOf(watches); }

    void watch(String target, int rows) {
        for (int i = 0; i < watches.size(); i++) {
            if (watches.get(i).target().equals(target)) {
                watches.set(i, new Watch(target, rows));
                return;
            }
        }
        watches.add(new Watch(target, rows));
    }

    boolean unwatch(String target) { return watches.removeIf(w -> w.target().equals(target)); }

    void unwatchAll() { watches.clear(); }

    /** The picture of {@code target} now, read on the step thread like any command that reads the session. */
    ResidencyReport view(String target) throws CommandError {
        Command view = registry.lookup("view");
        CommandLine cl = CommandLine.parse("view " + (target.chars().anyMatch(Character::isWhitespace) ? "\"" + target + "\"" : target));
        return (ResidencyReport) session.call(() -> view.run(session, cl));
    }

    /**
     * Draws every watched picture in its compact form. At 80×24 a step report (3 lines), one picture (header, 8
     * rows, legend) and the prompt fit together; with several, each gets its share of the screen.
     */
    private void redrawWatches() {
        for (Watch w : List.copyOf(watches)) {
            ResidencyReport r;
            try {
                r = view(w.target());
            } catch (CommandError e) {
                watches.remove(w);
                println("watch: " + w.target() + " can no longer be drawn (" + e.getMessage() + "); no longer watched");
                continue;
            }
            int screen = height.getAsInt();
            int share = screen > 0 ? Math.max(2, Math.min(8, (screen - 9) / watches.size() - 2)) : 8;
            renderer.watch(w.target(), r, w.rows() > 0 ? w.rows() : share);
        }
        out.flush();
    }

    public Session session() { return session; }

    /**
     * What the output can carry (see {@link OutputCharset}): UTF-8, or ASCII, in which every glyph has a stand-in
     * (with a C/POSIX locale the terminal would show '?' for each).
     */
    public void output(OutputCharset charset) {
        out.flush();
        tee.charset = charset;
    }

    public OutputCharset output() { return tee.charset; }

    /** UTF-8 ({@code true}) or ASCII. */
    void unicode(boolean on) { output(on ? OutputCharset.UTF8 : OutputCharset.ASCII); }

    /** Interactive consoles page manual pages that do not fit the screen. */
    public void pager(Pager p, java.util.function.IntSupplier screenHeight) {
        this.pager = p;
        this.height = screenHeight;
    }

    public CommandRegistry registry() { return registry; }

    Feedback feedback() { return feedback; }

    void feedback(Feedback f) { feedback = f; }

    public List<String> history() { return history; }

    void requestExit() { exitRequested = true; }

    public boolean exitRequested() { return exitRequested; }

    public int width() { return Math.max(40, width.getAsInt()); }

    /** Runs every statement of {@code line} (split at ';'); returns false if any failed. */
    public boolean execute(String line) {
        if (line.isBlank() || line.trim().startsWith("#")) return true;
        history.add(line.trim());
        boolean ok = true;
        for (String statement : CommandLine.splitStatements(line)) {
            if (exitRequested) break;
            ok &= executeOne(statement).ok();
        }
        out.flush();
        return ok;
    }

    /** What one statement did: its report, or the error it was refused with (exactly one of the two is null). */
    public record Outcome(String statement, String verb, Report report, CommandError error) {
        public boolean ok() { return error == null; }
    }

    /** Observers of every statement run (the recorder); called after the outcome has been printed. */
    private final List<java.util.function.Consumer<Outcome>> observers = new ArrayList<>();

    void observe(java.util.function.Consumer<Outcome> o) { observers.add(o); }

    void stopObserving(java.util.function.Consumer<Outcome> o) { observers.remove(o); }

    /** Runs one statement as {@link #run} does, but holds its output and returns it instead of printing it. */
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

    /** Runs one statement (no ';' splitting), prints it as the console does, and returns what it did. */
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
        if (cl.isEmpty()) return new Outcome(statement, "", new dev.pagelab.commands.report.TextReport("", List.of()), null);
        String verb = "";
        List<int[]> spans = new ArrayList<>();
        for (CommandLine.Word w : cl.words()) spans.add(new int[] {w.column(), w.text().length()});
        try {
            Command command = registry.lookup(cl.name());
            verb = command.name();
            // class mode: refused, or its file words replaced by the confined paths, and its memory claimed
            CommandLine admitted = policy == null ? cl : policy.admit(command, cl, session);
            // The system-wide context is sampled only when it will be shown: JSON, or verbose feedback.
            session.systemContext(renderer.showsSystemContext(feedback));
            Report report = command.runsOnStepThread()
                    ? session.call(() -> command.run(session, admitted))
                    : command.run(session, admitted);
            renderer.report(statement, report);
            if (report instanceof StepReport || report instanceof ClearRefsReport
                    || command instanceof WatchCommand && !watches.isEmpty()) {
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
            String first = trace.toString().lines().skip(1).findFirst().orElse("").trim();
            CommandError ce = CommandError.refused(null, "internal error: " + e, "please report it with this line ("
                    + first + "); the session and its mappings are intact");
            printError(statement, verb, ce, spans);
            return new Outcome(statement, verb, null, ce);
        }
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

    private final class TextOutput implements Renderer {
        @Override
        public void report(String statement, Report report) {
            List<AttributedString> lines = TextRenderer.render(report, feedback, width());
            // a manual page taller than the screen goes through the pager, as man's does
            boolean paged = pager != null && report instanceof dev.pagelab.commands.report.ManualReport
                    && height.getAsInt() > 0 && lines.size() > height.getAsInt() - 2
                    && pager.page(lines.stream().map(a -> color ? a.toAnsi() : a.toString())
                            .map(tee.charset::text).toList());
            if (!paged) print(lines);
        }

        @Override
        public void error(String statement, String verb, CommandError e, List<int[]> wordSpans) {
            print(TextRenderer.error(verb, statement, e, wordSpans));
        }

        @Override
        public void watch(String target, ResidencyReport picture, int rows) {
            print(ResidencyRenderer.render(picture, width(), rows, true));
        }

        @Override
        public boolean showsSystemContext(Feedback f) { return f == Feedback.VERBOSE; }
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
        public boolean showsSystemContext(Feedback f) { return true; }
    }

    public void print(List<AttributedString> lines) {
        for (AttributedString a : lines) {
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
            boolean filled = (st.getStyle() & 0x0C00) != 0;                 // F_BACKGROUND (indexed or RGB) in AttributedStyle
            st = st.foregroundOff().backgroundOff();
            b.style(filled ? st.inverse() : st).append(a.charAt(i));
        }
        return b.toAttributedString();
    }

    public void println(String s) {
        out.println(s);
        out.flush();
    }

    public boolean color() { return color; }


    @Override
    public void close() {
        session.close();
    }
}
