package dev.pagelab.console.recipe;

import dev.pagelab.commands.CommandLine;
import dev.pagelab.commands.Mapping;
import dev.pagelab.commands.Session;
import dev.pagelab.console.ConsoleIO;
import dev.pagelab.console.Outcome;
import dev.pagelab.console.render.TextRenderer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;

/**
 * Plays a {@link Recipe} through the console's own engine ({@link ConsoleIO}), so every step prints the report a user
 * would see, then judges the step's expectations. Three paces: STEP waits for a key before each step (Enter runs
 * it; b goes back, r repeats the last step, s skips, q quits), AUTO waits the recipe's or the given delay, CHECK
 * does not wait or narrate and prints the verdicts. A step run again (b, then Enter; or r) runs on the memory the
 * recipe prepared for it, replayed quietly from the start, and its verdicts replace the earlier ones. Whatever
 * happens — a failed step, q, Ctrl-C — the cleanup runs.
 */
public final class RecipePlayer {
    public enum Mode {
        STEP,
        AUTO,
        CHECK
    }

    /**
     * @param delaySeconds   AUTO: pause after each narration when the step names none
     * @param typingCps      characters per second of the typing effect; 0 prints commands at once
     */
    public record Options(Mode mode, double delaySeconds, double typingCps) {
        public static final Options CHECK = new Options(Mode.CHECK, 0, 0);
    }

    /** One key from the terminal, or -1 at end of input. */
    @FunctionalInterface
    public interface Keys {
        int read() throws IOException;
    }

    /**
     * How a recipe went: skipped whole (with the reason), or how many expectations held and which did not, and the
     * steps skipped on this machine (not failures, not passes).
     *
     * @param skippedSteps steps skipped because the machine or the user cannot do them
     * @param unchecked    expectations of those steps, not judged
     * @param stepSkips    each group of skipped steps, as "steps 8-11: needs ..."
     */
    public record Result(
            Path file,
            String title,
            String skipped,
            int passed,
            List<String> failures,
            boolean quit,
            int skippedSteps,
            int unchecked,
            List<String> stepSkips) {
        public boolean ok() {
            return failures.isEmpty();
        }
    }

    /**
     * A step as it runs on this machine: the variant chosen for it applied, or why it is skipped.
     *
     * @param variant the condition of the variant applied ("no_shared_zero_page", "otherwise"), or null
     * @param skipped why the step does not run here, or null
     */
    public record Planned(
            Recipe.Step step,
            String say,
            String run,
            double pause,
            List<Expectation> expect,
            String variant,
            String skipped) {
        boolean runs() {
            return skipped == null && run != null;
        }
    }

    /**
     * Chooses what a step does on {@code machine}: skipped when its requirements are not met (unless it says what to
     * do otherwise), else the step with every variant whose condition holds applied in file order.
     */
    public static Planned plan(Recipe.Step s, RecipeRequirements.Machine machine) {
        List<String> unmet = RecipeRequirements.unmet(s.requires(), machine);
        Planned base = new Planned(s, narration(s.say(), "", machine), s.run(), s.pause(), s.expect(), null, null);
        if (!unmet.isEmpty()) {
            String why = String.join("; ", unmet);
            if (s.otherwise() == null)
                return new Planned(s, base.say(), base.run(), base.pause(), base.expect(), null, why);
            return apply(base, s.otherwise(), why, machine);
        }
        Planned p = base;
        for (Recipe.Variant v : s.on()) {
            RecipeRequirements.Fact f = machine.check(v.condition());
            if (f.holds()) p = apply(p, v, f.state(), machine);
        }
        return p;
    }

    private static Planned apply(Planned p, Recipe.Variant v, String why, RecipeRequirements.Machine machine) {
        String variant = p.variant() == null ? v.condition() : p.variant() + ", " + v.condition();
        return new Planned(
                p.step(),
                v.say() != null ? narration(v.say(), why, machine) : p.say(),
                v.run() != null ? v.run() : p.run(),
                v.pause() >= 0 ? v.pause() : p.pause(),
                v.expect() != null ? v.expect() : p.expect(),
                variant,
                null);
    }

    private static String narration(String say, String why, RecipeRequirements.Machine machine) {
        if (say == null) return null;
        String s = say.replace("${why}", why);
        return s.contains("${release}") ? s.replace("${release}", machine.release()) : s;
    }

    static final AttributedStyle PASS = AttributedStyle.BOLD.foreground(AttributedStyle.GREEN);
    static final AttributedStyle FAIL = AttributedStyle.BOLD.foreground(AttributedStyle.RED);

    private final ConsoleIO shell;
    /** Read to know what a recipe made (its mappings, mlockall), so that going back undoes that and nothing else. */
    private final Session session;

    private final Options options;
    private final Keys keys;
    private volatile boolean stopRequested;
    private Predictions predictions;

    public RecipePlayer(ConsoleIO shell, Session session, Options options, Keys keys) {
        this.shell = shell;
        this.session = session;
        this.options = options;
        this.keys = keys;
        this.predictions = new Predictions(
                shell,
                keys,
                switch (options.mode()) {
                    case CHECK -> "--check does not ask";
                    case AUTO -> keys == null ? "not step by step on a terminal" : "--auto does not ask (--step does)";
                    case STEP -> keys == null ? "not step by step on a terminal" : null;
                });
    }

    /**
     * Predictions are not asked in this replay even step by step (JSON output, whose reader is a program), for the
     * reason given; said once.
     */
    public void predictionsSkipped(String why) {
        predictions = new Predictions(shell, null, why);
    }

    /** Where each scored prediction goes besides the screen (class mode: the student's results file). */
    public void onScored(java.util.function.Consumer<Predictions.Scored> sink) {
        predictions.sink(sink);
    }

    /** The predictions answered and scored in this replay so far. */
    public Predictions predictions() {
        return predictions;
    }

    /** Asks the player to stop after the current step (Ctrl-C); the cleanup still runs. */
    public void stop() {
        stopRequested = true;
    }

    /** Whether a stop (q or Ctrl-C) was asked for: no further recipe should start. */
    public boolean stopped() {
        return stopRequested;
    }

    public Result play(Recipe r) {
        return play(r, RecipeRequirements.current());
    }

    public Result play(Recipe r, RecipeRequirements.Machine machine) {
        List<String> unmet = RecipeRequirements.unmet(r.requires(), machine);
        header(r);
        if (!unmet.isEmpty()) {
            String reason = String.join("; ", unmet);
            shell.print(List.of(new AttributedStringBuilder()
                    .styled(TextRenderer.NOTE, "  skipped: " + reason)
                    .toAttributedString()));
            return new Result(r.source(), r.title(), reason, 0, List.of(), false, 0, 0, List.of());
        }
        List<Planned> plan = plan(r, machine);
        Path tmp = null;
        StepVerdicts verdicts = new StepVerdicts();
        Skips skips = new Skips();
        boolean quit = false;
        // What was there before the recipe, so that going back can undo what the recipe made and nothing else.
        java.util.Set<Mapping> mappingsBefore = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        mappingsBefore.addAll(session.mappings());
        boolean lockedFutureBefore = session.futureMappingsPopulated();
        java.util.Set<Integer> asked = new java.util.HashSet<>();
        try {
            tmp = RecipeRequirements.scratchDirectory();
            Replay replay = new Replay(r, plan, tmp, verdicts, machine, mappingsBefore, lockedFutureBefore);
            int i = 0;
            steps:
            while (i < plan.size() && !stopRequested) {
                Planned step = plan.get(i);
                if (step.skipped() != null) {
                    skips.add(i, step.skipped(), step.expect().size());
                    i++;
                    continue;
                }
                skips.flush();
                if (options.mode() != Mode.CHECK && step.say() != null) narrate(step.say());
                if (options.mode() == Mode.STEP) {
                    int key = waitForKey(i, plan.size(), step.run() != null);
                    switch (key) {
                        case 'q' -> {
                            quit = true;
                            stopRequested = true;
                            continue;
                        }
                        case 'b' -> {
                            // Only the narration is shown again here; the memory is brought back to what it was
                            // before that step when it runs (a replay from the start), not now: b b b costs nothing.
                            int back = i - 1;
                            while (back > 0 && plan.get(back).skipped() != null) back--; // skipped steps stay skipped
                            i = Math.max(0, back);
                            continue;
                        }
                        case 's' -> {
                            shell.println("  (step " + (i + 1) + " skipped)");
                            i++;
                            continue;
                        }
                        case 'r' -> {
                            if (replay.lastRun >= 0 && replay.run(replay.lastRun)) break steps;
                            continue;
                        }
                        default -> {}
                    }
                } else if (options.mode() == Mode.AUTO) {
                    pause(
                            step.pause() >= 0 && !Double.isInfinite(step.pause())
                                    ? step.pause()
                                    : options.delaySeconds());
                }
                if (step.run() != null) {
                    // asked once a step: a step run again (r, or Enter after b) is judged again, not predicted
                    List<Predictions.Guess> guesses =
                            asked.add(i) ? predictions.ask(step.step().predict()) : List.of();
                    boolean stop = replay.run(i);
                    predictions.score(r, i, guesses, replay.lastRun == i ? replay.lastObservations : null);
                    if (stop) break;
                }
                i++;
            }
            skips.flush();
        } catch (IOException e) {
            verdicts.judge(-1, 0, List.of("could not set up the recipe: " + e.getMessage()));
        } finally {
            cleanup(r, tmp, machine);
        }
        int passed = verdicts.passed();
        List<String> failures = verdicts.failures();
        summary(r, passed, failures, quit, skips);
        return new Result(
                r.source(),
                r.title(),
                null,
                passed,
                failures,
                quit,
                skips.steps.size(),
                skips.unchecked,
                List.copyOf(skips.lines));
    }

    /**
     * The steps whose effects the session holds now, and how a step is run so that it always finds the memory its
     * recipe prepared for it: after going back (or to repeat a step), the recipe is replayed from its start up to
     * that step in fresh mappings, quietly, and only then is the step shown again. Its expectations are judged
     * on memory in the state the recipe says, and its verdicts replace the earlier ones ({@link StepVerdicts}).
     */
    private final class Replay {
        final Recipe recipe;
        final List<Planned> plan;
        final Path tmp;
        final StepVerdicts verdicts;
        final RecipeRequirements.Machine machine;
        final java.util.Set<Mapping> mappingsBefore;
        final boolean lockedFutureBefore;
        /** Steps run since the recipe (or the last rewind) started, in order: what the memory is made of. */
        final List<Integer> applied = new ArrayList<>();

        Observations previous;
        /** The figures of the step run last ({@link #lastRun}), null when it reported none. */
        Observations lastObservations;

        int lastRun = -1;

        Replay(
                Recipe recipe,
                List<Planned> plan,
                Path tmp,
                StepVerdicts verdicts,
                RecipeRequirements.Machine machine,
                java.util.Set<Mapping> mappingsBefore,
                boolean lockedFutureBefore) {
            this.recipe = recipe;
            this.plan = plan;
            this.tmp = tmp;
            this.verdicts = verdicts;
            this.machine = machine;
            this.mappingsBefore = mappingsBefore;
            this.lockedFutureBefore = lockedFutureBefore;
        }

        /** Runs step {@code k} where the recipe meant it to run; true when the recipe must stop (a command failed). */
        boolean run(int k) {
            List<Integer> before = verdicts.judgedBefore(k);
            if (!applied.equals(before) && rewind(before, k)) return true;
            StepResult sr = runStep(recipe, k, plan.get(k), tmp, verdicts, previous, false);
            return ran(k, sr);
        }

        private boolean ran(int k, StepResult sr) {
            applied.add(k);
            lastRun = k;
            lastObservations = sr.observations();
            if (sr.observations() != null) previous = sr.observations();
            if (sr.commandFailed()) {
                shell.print(List.of(new AttributedStringBuilder()
                        .styled(FAIL, "  the recipe stops here: step " + (k + 1) + " failed; the cleanup runs")
                        .toAttributedString()));
                return true;
            }
            return false;
        }

        /** Undoes the recipe, then replays {@code steps} quietly; true when one of them failed to run. */
        private boolean rewind(List<Integer> steps, int upTo) {
            String which = steps.isEmpty()
                    ? ""
                    : steps.size() == 1
                            ? ": replaying step " + (steps.get(0) + 1)
                            : ": replaying steps " + (steps.get(0) + 1) + "\u2013" + (steps.get(steps.size() - 1) + 1);
            shell.print(List.of(new AttributedStringBuilder()
                    .styled(
                            TextRenderer.DIM,
                            "  (back to step " + (upTo + 1) + " in fresh mappings" + which + " quietly)")
                    .toAttributedString()));
            reset();
            applied.clear();
            previous = null;
            for (int j : steps) {
                if (stopRequested) return true;
                StepResult sr = runStep(recipe, j, plan.get(j), tmp, verdicts, previous, true);
                if (ran(j, sr)) return true;
            }
            return false;
        }

        /**
         * Brings the session back to what it was before the recipe: its cleanup (limits, pools, the mappings it
         * names), then any mapping the recipe made that the cleanup left, mlockall(MCL_FUTURE) if the recipe set it,
         * and the files of its scratch directory. All held: a failure here only means there was less to undo.
         */
        private void reset() {
            StringBuilder held = new StringBuilder();
            for (Recipe.Step c : recipe.cleanup()) {
                if (!RecipeRequirements.unmet(c.requires(), machine).isEmpty()) continue;
                for (String statement : statements(substitute(c.run(), recipe, tmp))) shell.runHeld(statement, held);
            }
            for (Mapping m : session.mappings()) {
                if (!mappingsBefore.contains(m)) shell.runHeld("unmap " + m.name(), held);
            }
            if (session.futureMappingsPopulated() && !lockedFutureBefore) shell.runHeld("unlockall", held);
            if (tmp != null) {
                try (Stream<Path> walk = Files.walk(tmp)) {
                    for (Path p : walk.sorted(Comparator.reverseOrder()).toList())
                        if (!p.equals(tmp)) Files.deleteIfExists(p);
                } catch (IOException e) {
                    shell.println("  note: could not empty " + tmp + ": " + e.getMessage());
                }
            }
        }
    }

    /**
     * Every step of a recipe as it runs on {@code machine}; a step that compares with the step before
     * ({@code previous.minor}) is skipped when that one is.
     */
    public static List<Planned> plan(Recipe r, RecipeRequirements.Machine machine) {
        List<Planned> plan = new ArrayList<>();
        for (Recipe.Step s : r.steps()) {
            Planned p = plan(s, machine);
            if (p.skipped() == null && p.expect().stream().anyMatch(Expectation::usesPrevious)) {
                for (int j = plan.size() - 1; j >= 0; j--) {
                    Planned before = plan.get(j);
                    if (before.run() == null) continue;
                    if (before.skipped() != null) {
                        p = new Planned(
                                s,
                                p.say(),
                                p.run(),
                                p.pause(),
                                p.expect(),
                                p.variant(),
                                "it checks the figures of step " + (j + 1) + ", which was skipped");
                    }
                    break;
                }
            }
            plan.add(p);
        }
        return plan;
    }

    /** Steps skipped on this machine, reported in groups of consecutive steps with one reason. */
    private final class Skips {
        final java.util.Set<Integer> steps = new java.util.TreeSet<>();
        final List<String> lines = new ArrayList<>();
        int unchecked;
        int first = -1, last = -1;
        String reason;

        void add(int i, String why, int expectations) {
            if (first >= 0 && (!why.equals(reason) || i != last + 1)) flush();
            if (first < 0) {
                first = i;
                reason = why;
            }
            last = i;
            if (steps.add(i)) unchecked += expectations;
        }

        void flush() {
            if (first < 0) return;
            String which = first == last ? "step " + (first + 1) : "steps " + (first + 1) + "–" + (last + 1);
            String line = which + " skipped: " + reason;
            lines.add(line);
            shell.print(List.of(new AttributedStringBuilder()
                    .styled(TextRenderer.NOTE, "  " + line)
                    .toAttributedString()));
            first = last = -1;
            reason = null;
        }
    }

    private record StepResult(boolean commandFailed, Observations observations) {}

    private StepResult runStep(
            Recipe r, int index, Planned step, Path tmp, StepVerdicts verdicts, Observations previous, boolean quiet) {
        String command = substitute(step.run(), r, tmp);
        Outcome last = null;
        StringBuilder held = new StringBuilder();
        boolean first = true;
        // a script's errors name the recipe file and the line of the step's run
        String origin = shell.origin(
                (r.source() == null ? "recipe" : r.source().getFileName().toString()) + ":"
                        + step.step().line());
        try {
            for (String statement : statements(command)) {
                if (!quiet) prompt(statement, first ? step.variant() : null);
                first = false;
                // A check shows the reports only when something went wrong; a replay shows them as they come; a step
                // replayed on the way back shows nothing unless it went wrong.
                last = quiet || options.mode() == Mode.CHECK ? shell.runHeld(statement, held) : shell.run(statement);
                if (!last.ok()) break;
            }
        } finally {
            shell.origin(origin);
        }
        if (last == null) {
            verdicts.judge(index, 0, List.of());
            return new StepResult(false, null);
        }
        List<String> failures = new ArrayList<>();
        List<AttributedString> lines = new ArrayList<>();
        Observations obs = Observations.of(last);
        int passed = 0;
        boolean errorExpected = step.expect().stream()
                .anyMatch(e -> e.key().equals("error") || e.key().equals("ok") && e.a() == 0);
        for (Expectation e : step.expect()) {
            Observations.Verdict v = obs.check(e, previous);
            AttributedStringBuilder b = new AttributedStringBuilder().append("    ");
            if (v.passed()) {
                passed++;
                b.styled(PASS, "\u2713 ").append(e.describe());
                if (!e.terms().isEmpty()
                        || e.relation() != Expectation.Relation.EQ
                                && e.relation() != Expectation.Relation.BOOL
                                && e.relation() != Expectation.Relation.TRANSITION
                                && e.relation() != Expectation.Relation.TEXT) {
                    b.styled(TextRenderer.DIM, " (" + v.observed() + ")");
                }
            } else {
                b.styled(FAIL, "\u2717 ").append(e.describe()).styled(FAIL, ": got " + v.observed());
                failures.add(e.source() + ": step " + (index + 1) + " (" + command + "): expected " + e.describe()
                        + ", got " + v.observed());
            }
            lines.add(b.toAttributedString());
        }
        boolean commandFailed = !last.ok() && !errorExpected;
        if (commandFailed) {
            failures.add(r.source() + ":" + step.step().line() + ": step " + (index + 1) + " (" + command + ") failed: "
                    + last.error().line());
        }
        verdicts.judge(index, passed, failures);
        if (quiet && failures.isEmpty()) return new StepResult(false, obs);
        if (quiet) {
            shell.print(List.of(new AttributedStringBuilder()
                    .styled(TextRenderer.DIM, "  step " + (index + 1) + ", replayed on the way back: ")
                    .append(command)
                    .toAttributedString()));
        }
        shell.print(lines);
        if (!failures.isEmpty() && !held.isEmpty()) {
            shell.print(List.of(new AttributedStringBuilder()
                    .styled(TextRenderer.DIM, "    what the step printed:")
                    .toAttributedString()));
            for (String l : held.toString().split("\n")) shell.printRaw("    " + l + "\n");
        }
        return new StepResult(commandFailed, obs);
    }

    private void cleanup(Recipe r, Path tmp, RecipeRequirements.Machine machine) {
        if (!r.cleanup().isEmpty()) {
            shell.print(List.of(new AttributedStringBuilder()
                    .styled(TextRenderer.DIM, "  cleanup")
                    .toAttributedString()));
        }
        for (Recipe.Step c : r.cleanup()) {
            // undoes what steps that were skipped here would have done: skipped with them, silently
            if (!RecipeRequirements.unmet(c.requires(), machine).isEmpty()) continue;
            for (String statement : statements(substitute(c.run(), r, tmp))) {
                prompt(statement, null);
                StringBuilder held = new StringBuilder();
                Outcome o = options.mode() == Mode.CHECK ? shell.runHeld(statement, held) : shell.run(statement);
                if (!o.ok() && !held.isEmpty()) shell.printRaw(held.toString());
            }
        }
        if (tmp != null) {
            try (Stream<Path> walk = Files.walk(tmp)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            } catch (IOException e) {
                shell.println("  note: could not remove " + tmp + ": " + e.getMessage());
            }
        }
    }

    private void header(Recipe r) {
        AttributedStringBuilder b = new AttributedStringBuilder().styled(TextRenderer.BOLD, "recipe: " + r.title());
        if (options.mode() == Mode.CHECK) b.styled(TextRenderer.DIM, "  (" + r.source() + ")");
        shell.print(List.of(b.toAttributedString()));
        if (options.mode() != Mode.CHECK) {
            narrate(r.summary() + (r.author().isEmpty() ? "" : "\n\n*by " + r.author() + "*"));
        }
    }

    private void summary(Recipe r, int passed, List<String> failures, boolean quit, Skips skips) {
        AttributedStringBuilder b = new AttributedStringBuilder();
        if (failures.isEmpty()) {
            b.styled(PASS, "PASS")
                    .append(" " + r.title() + ": " + passed
                            + (passed == 1 ? " expectation held" : " expectations held"));
        } else {
            b.styled(FAIL, "FAIL")
                    .append(" " + r.title() + ": " + failures.size() + " of " + (passed + failures.size())
                            + " did not hold");
        }
        int n = skips.steps.size();
        if (n > 0) {
            b.append("; " + n + (n == 1 ? " step" : " steps") + " skipped on this machine");
            if (skips.unchecked > 0) {
                b.styled(
                        TextRenderer.DIM,
                        " (" + skips.unchecked + (skips.unchecked == 1 ? " expectation" : " expectations")
                                + " not checked)");
            }
        }
        if (quit) b.styled(TextRenderer.DIM, " (quit before the end)");
        else if (stopRequested) b.styled(TextRenderer.DIM, " (interrupted)");
        shell.print(List.of(b.toAttributedString()));
        for (String f : failures)
            shell.print(
                    List.of(new AttributedStringBuilder().styled(FAIL, "  " + f).toAttributedString()));
    }

    private int waitForKey(int i, int n, boolean hasCommand) {
        shell.print(List.of(new AttributedStringBuilder()
                .styled(
                        TextRenderer.DIM,
                        "  [" + (i + 1) + "/" + n + "] " + (hasCommand ? "Enter: run" : "Enter: next")
                                + "   b: back   r: repeat last   s: skip   q: quit")
                .toAttributedString()));
        while (true) {
            int k;
            try {
                k = keys.read();
            } catch (IOException e) {
                return 'q';
            }
            if (k < 0 || stopRequested) return 'q';
            switch (Character.toLowerCase(k)) {
                case '\r', '\n', ' ', 'n' -> {
                    return '\n';
                }
                case 'b', 'r', 's', 'q' -> {
                    return Character.toLowerCase(k);
                }
                case 3 -> {
                    return 'q';
                } // Ctrl-C arrives as a key in raw mode
                default -> {}
            }
        }
    }

    private void prompt(String statement, String variant) {
        if (options.mode() == Mode.CHECK) {
            AttributedStringBuilder b = new AttributedStringBuilder()
                    .styled(TextRenderer.DIM, "  $ ")
                    .append(statement);
            if (variant != null)
                b.styled(TextRenderer.DIM, variant.equals("otherwise") ? "   (otherwise)" : "   (on " + variant + ")");
            shell.print(List.of(b.toAttributedString()));
            return;
        }
        shell.printRaw(
                shell.color()
                        ? new AttributedStringBuilder()
                                .styled(AttributedStyle.BOLD, "pagelab> ")
                                .toAttributedString()
                                .toAnsi()
                        : "pagelab> ");
        if (options.typingCps() > 0) {
            long perChar = (long) (1000 / options.typingCps());
            for (int c = 0; c < statement.length(); c++) {
                shell.printRaw(String.valueOf(statement.charAt(c)));
                sleep(perChar);
            }
            sleep(perChar * 4);
        } else {
            shell.printRaw(statement);
        }
        shell.printRaw("\n");
    }

    /** The narration, wrapped to the terminal, with *emphasis* in bold and `commands` highlighted. */
    private void narrate(String text) {
        List<AttributedString> lines = new ArrayList<>();
        int width = Math.max(30, shell.width() - 4);
        for (String paragraph : text.strip().split("\\n\\s*\\n")) {
            if (!lines.isEmpty()) lines.add(new AttributedString(""));
            lines.addAll(wrap(paragraph.replaceAll("\\s+", " ").trim(), width));
        }
        shell.println("");
        shell.print(lines);
    }

    static List<AttributedString> wrap(String text, int width) {
        List<AttributedString> out = new ArrayList<>();
        AttributedStringBuilder line = new AttributedStringBuilder().append("  ");
        int visible = 0;
        boolean bold = false, code = false;
        for (String word : text.split(" ")) {
            String plain = word.replace("*", "").replace("`", "");
            if (visible > 0 && visible + 1 + plain.length() > width) {
                out.add(line.toAttributedString());
                line = new AttributedStringBuilder().append("  ");
                visible = 0;
            }
            if (visible > 0) line.append(" ");
            for (char c : word.toCharArray()) {
                if (c == '*' && !code) {
                    bold = !bold;
                } else if (c == '`') {
                    code = !code;
                } else {
                    line.styled(
                            code ? TextRenderer.NUM : bold ? TextRenderer.BOLD : AttributedStyle.DEFAULT,
                            String.valueOf(c));
                }
            }
            visible += (visible > 0 ? 1 : 0) + plain.length();
        }
        if (visible > 0) out.add(line.toAttributedString());
        return out;
    }

    private void pause(double seconds) {
        if (seconds > 0) sleep((long) (seconds * 1000));
    }

    private void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopRequested = true;
        }
    }

    private static List<String> statements(String command) {
        return CommandLine.splitStatements(command);
    }

    static String substitute(String command, Recipe r, Path tmp) {
        Path dir = r.source().toAbsolutePath().getParent();
        return command.replace("${tmpdir}", tmp == null ? "/tmp" : tmp.toString())
                .replace("${recipe_dir}", dir == null ? "." : dir.toString());
    }
}
