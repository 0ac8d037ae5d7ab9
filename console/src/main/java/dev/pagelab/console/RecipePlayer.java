package dev.pagelab.console;

import dev.pagelab.commands.CommandLine;
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
 * Plays a {@link Recipe} through the console's own engine ({@link Shell}), so every step prints the report a user
 * would see, then judges the step's expectations. Three paces: STEP waits for a key before each step (Enter runs
 * it; b goes back, r repeats the last step, s skips, q quits), AUTO waits the recipe's or the given delay, CHECK
 * does not wait or narrate and prints the verdicts. Whatever happens — a failed step, q, Ctrl-C — the cleanup runs.
 */
final class RecipePlayer {
    enum Mode { STEP, AUTO, CHECK }

    /**
     * @param delaySeconds   AUTO: pause after each narration when the step names none
     * @param typingCps      characters per second of the typing effect; 0 prints commands at once
     */
    record Options(Mode mode, double delaySeconds, double typingCps) {
        static final Options CHECK = new Options(Mode.CHECK, 0, 0);
    }

    /** One key from the terminal, or -1 at end of input. */
    @FunctionalInterface
    interface Keys {
        int read() throws IOException;
    }

    /** How a recipe went: skipped (with the reason), or how many expectations held and which did not. */
    record Result(Path file, String title, String skipped, int passed, List<String> failures, boolean quit) {
        boolean ok() { return failures.isEmpty(); }
    }

    static final AttributedStyle PASS = AttributedStyle.BOLD.foreground(AttributedStyle.GREEN);
    static final AttributedStyle FAIL = AttributedStyle.BOLD.foreground(AttributedStyle.RED);

    private final Shell shell;
    private final Options options;
    private final Keys keys;
    private volatile boolean stopRequested;

    RecipePlayer(Shell shell, Options options, Keys keys) {
        this.shell = shell;
        this.options = options;
        this.keys = keys;
    }

    /** Asks the player to stop after the current step (Ctrl-C); the cleanup still runs. */
    void stop() { stopRequested = true; }

    /** Whether a stop (q or Ctrl-C) was asked for: no further recipe should start. */
    boolean stopped() { return stopRequested; }

    Result play(Recipe r) {
        List<String> unmet = RecipeRequirements.unmet(r.requires());
        header(r);
        if (!unmet.isEmpty()) {
            String reason = String.join("; ", unmet);
            shell.print(List.of(new AttributedStringBuilder().styled(TextRenderer.NOTE, "  skipped: " + reason)
                    .toAttributedString()));
            return new Result(r.source(), r.title(), reason, 0, List.of(), false);
        }
        Path tmp = null;
        List<String> failures = new ArrayList<>();
        int passed = 0;
        boolean quit = false;
        try {
            tmp = RecipeRequirements.scratchDirectory();
            int i = 0;
            int lastRun = -1;
            while (i < r.steps().size() && !stopRequested) {
                Recipe.Step step = r.steps().get(i);
                if (options.mode() != Mode.CHECK && step.say() != null) narrate(step.say());
                if (options.mode() == Mode.STEP) {
                    int key = waitForKey(i, r.steps().size(), step.run() != null);
                    switch (key) {
                        case 'q' -> {
                            quit = true;
                            stopRequested = true;
                            continue;
                        }
                        case 'b' -> {
                            i = Math.max(0, i - 1);
                            continue;
                        }
                        case 's' -> {
                            shell.println("  (step " + (i + 1) + " skipped)");
                            i++;
                            continue;
                        }
                        case 'r' -> {
                            if (lastRun >= 0) runStep(r, lastRun, r.steps().get(lastRun), tmp, failures);
                            continue;
                        }
                        default -> { }
                    }
                } else if (options.mode() == Mode.AUTO) {
                    pause(step.pause() >= 0 && !Double.isInfinite(step.pause()) ? step.pause() : options.delaySeconds());
                }
                if (step.run() != null) {
                    StepResult sr = runStep(r, i, step, tmp, failures);
                    passed += sr.passed;
                    lastRun = i;
                    if (sr.commandFailed) {
                        shell.print(List.of(new AttributedStringBuilder().styled(FAIL, "  the recipe stops here: step "
                                + (i + 1) + " failed; the cleanup runs").toAttributedString()));
                        break;
                    }
                }
                i++;
            }
        } catch (IOException e) {
            failures.add("could not set up the recipe: " + e.getMessage());
        } finally {
            cleanup(r, tmp);
        }
        summary(r, passed, failures, quit);
        return new Result(r.source(), r.title(), null, passed, failures, quit);
    }

    private record StepResult(int passed, boolean commandFailed) {}

    private StepResult runStep(Recipe r, int index, Recipe.Step step, Path tmp, List<String> failures) {
        String command = substitute(step.run(), r, tmp);
        Shell.Outcome last = null;
        StringBuilder held = new StringBuilder();
        for (String statement : statements(command)) {
            prompt(statement);
            // A check shows the reports only when something went wrong; a replay shows them as they come.
            last = options.mode() == Mode.CHECK ? shell.runHeld(statement, held) : shell.run(statement);
            if (!last.ok()) break;
        }
        if (last == null) return new StepResult(0, false);
        int failuresBefore = failures.size();
        Observations obs = Observations.of(last);
        int passed = 0;
        boolean errorExpected = step.expect().stream().anyMatch(e -> e.key().equals("error")
                || e.key().equals("ok") && e.a() == 0);
        for (Expectation e : step.expect()) {
            Observations.Verdict v = obs.check(e);
            AttributedStringBuilder b = new AttributedStringBuilder().append("    ");
            if (v.passed()) {
                passed++;
                b.styled(PASS, "\u2713 ").append(e.describe());
                if (e.relation() != Expectation.Relation.EQ && e.relation() != Expectation.Relation.BOOL
                        && e.relation() != Expectation.Relation.TRANSITION && e.relation() != Expectation.Relation.TEXT) {
                    b.styled(TextRenderer.DIM, " (" + v.observed() + ")");
                }
            } else {
                b.styled(FAIL, "\u2717 ").append(e.describe()).styled(FAIL, ": got " + v.observed());
                failures.add(e.source() + ": step " + (index + 1) + " (" + command + "): expected " + e.describe()
                        + ", got " + v.observed());
            }
            shell.print(List.of(b.toAttributedString()));
        }
        boolean commandFailed = !last.ok() && !errorExpected;
        if (commandFailed) {
            failures.add(r.source() + ":" + step.line() + ": step " + (index + 1) + " (" + command + ") failed: "
                    + last.error().line());
        }
        if (failures.size() > failuresBefore && !held.isEmpty()) {
            shell.print(List.of(new AttributedStringBuilder().styled(TextRenderer.DIM, "    what the step printed:").toAttributedString()));
            for (String l : held.toString().split("\n")) shell.printRaw("    " + l + "\n");
        }
        return new StepResult(passed, commandFailed);
    }

    private void cleanup(Recipe r, Path tmp) {
        if (!r.cleanup().isEmpty()) {
            shell.print(List.of(new AttributedStringBuilder().styled(TextRenderer.DIM, "  cleanup").toAttributedString()));
        }
        for (Recipe.Step c : r.cleanup()) {
            for (String statement : statements(substitute(c.run(), r, tmp))) {
                prompt(statement);
                StringBuilder held = new StringBuilder();
                Shell.Outcome o = options.mode() == Mode.CHECK ? shell.runHeld(statement, held) : shell.run(statement);
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

    private void summary(Recipe r, int passed, List<String> failures, boolean quit) {
        AttributedStringBuilder b = new AttributedStringBuilder();
        if (failures.isEmpty()) {
            b.styled(PASS, "PASS").append(" " + r.title() + ": " + passed + (passed == 1 ? " expectation held" : " expectations held"));
        } else {
            b.styled(FAIL, "FAIL").append(" " + r.title() + ": " + failures.size() + " of " + (passed + failures.size())
                    + " did not hold");
        }
        if (quit) b.styled(TextRenderer.DIM, " (quit before the end)");
        else if (stopRequested) b.styled(TextRenderer.DIM, " (interrupted)");
        shell.print(List.of(b.toAttributedString()));
        for (String f : failures) shell.print(List.of(new AttributedStringBuilder().styled(FAIL, "  " + f).toAttributedString()));
    }

    private int waitForKey(int i, int n, boolean hasCommand) {
        shell.print(List.of(new AttributedStringBuilder().styled(TextRenderer.DIM, "  [" + (i + 1) + "/" + n + "] "
                + (hasCommand ? "Enter: run" : "Enter: next") + "   b: back   r: repeat last   s: skip   q: quit")
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
                case '\r', '\n', ' ', 'n' -> { return '\n'; }
                case 'b', 'r', 's', 'q' -> { return Character.toLowerCase(k); }
                case 3 -> { return 'q'; }                           // Ctrl-C arrives as a key in raw mode
                default -> { }
            }
        }
    }

    private void prompt(String statement) {
        if (options.mode() == Mode.CHECK) {
            shell.print(List.of(new AttributedStringBuilder().styled(TextRenderer.DIM, "  $ ").append(statement).toAttributedString()));
            return;
        }
        shell.printRaw(shell.color() ? new AttributedStringBuilder().styled(AttributedStyle.BOLD, "pagelab> ").toAttributedString().toAnsi()
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
                    line.styled(code ? TextRenderer.NUM : bold ? TextRenderer.BOLD : AttributedStyle.DEFAULT, String.valueOf(c));
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
