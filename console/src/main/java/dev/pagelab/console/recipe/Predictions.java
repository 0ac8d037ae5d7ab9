package dev.pagelab.console.recipe;

import dev.pagelab.console.ConsoleIO;
import dev.pagelab.console.render.TextRenderer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.jline.utils.AttributedStringBuilder;

/**
 * The predictions of one replay: before a step that asks for them, each figure's question and the user's answer
 * (typed on the step-by-step keys, one line each); after it, each answer against the kernel's figure and the running
 * score. A replay that cannot ask — a check, an automatic replay, JSON, input that is not a terminal — never waits
 * for an answer: it says once that the predictions were skipped, and why.
 */
public final class Predictions {
    /**
     * One answer scored against the kernel.
     *
     * @param recipe    the recipe's file name without .toml
     * @param step      1-based
     * @param tolerance as shown ("exact", "±10%")
     */
    public record Scored(
            String recipe,
            int step,
            String figure,
            double predicted,
            double actual,
            String tolerance,
            Prediction.Score score) {}

    /** An answer given before a step ran. */
    record Guess(Prediction prediction, double value) {}

    private final ConsoleIO shell;
    private final RecipePlayer.Keys keys;
    /** Why predictions are not asked here, or null when they are. */
    private final String skippedBecause;

    private Consumer<Scored> sink = s -> {};
    private boolean toldSkipped;
    private int points, scored;

    /**
     * @param skippedBecause why this replay does not ask (shown once), or null to ask on {@code keys}
     */
    Predictions(ConsoleIO shell, RecipePlayer.Keys keys, String skippedBecause) {
        this.shell = shell;
        this.keys = keys;
        this.skippedBecause =
                keys == null && skippedBecause == null ? "not step by step on a terminal" : skippedBecause;
    }

    /** Where each scored answer goes besides the screen: the class's results in class mode. */
    void sink(Consumer<Scored> s) {
        sink = s;
    }

    public int points() {
        return points;
    }

    public int scored() {
        return scored;
    }

    /**
     * Asks for each figure of {@code step}, or says once that it does not; returns the answers given (none skipped is
     * also none given). Enter alone skips a figure; Ctrl-C or the end of input skips the rest.
     */
    List<Guess> ask(List<Prediction> step) {
        List<Guess> out = new ArrayList<>();
        if (step.isEmpty()) return out;
        if (skippedBecause != null) {
            if (!toldSkipped) {
                toldSkipped = true;
                note("  (this recipe asks for predictions; skipped: " + skippedBecause + ")");
            }
            return out;
        }
        note("  Predict before it runs (Enter skips):");
        for (Prediction p : step) {
            // the question on a line of its own, wrapped to the terminal; the answer after a short prompt
            note("    " + p.figure() + ": " + p.question());
            while (true) {
                shell.printRaw("    " + p.figure() + " ["
                        + (p.tolerance() == 0 ? "exact" : "within " + p.toleranceText()) + "]? ");
                String typed = line();
                if (typed == null) return out; // Ctrl-C, or input ended: no more questions
                Prediction.Answer a = Prediction.parse(typed);
                if (a.skipped()) break;
                if (a.problem() != null) {
                    shell.print(List.of(new AttributedStringBuilder()
                            .styled(RecipePlayer.FAIL, "    " + a.problem())
                            .toAttributedString()));
                    continue;
                }
                out.add(new Guess(p, a.value()));
                break;
            }
        }
        return out;
    }

    /** Scores the answers against the figures of the step that ran; prints each and the running score. */
    void score(Recipe r, int index, List<Guess> guesses, Observations obs) {
        if (guesses.isEmpty()) return;
        String recipe = r.source() == null
                ? r.title()
                : r.source().getFileName().toString().replaceFirst("\\.toml$", "");
        for (Guess g : guesses) {
            Double actual = obs == null ? null : obs.numbers.get(g.prediction().figure());
            if (actual == null) {
                note("    " + g.prediction().figure() + ": the step reported no such figure; not scored");
                continue;
            }
            Prediction.Score s = g.prediction().score(g.value(), actual);
            scored++;
            points += s.points();
            AttributedStringBuilder b = new AttributedStringBuilder()
                    .append("    " + g.prediction().figure() + ": you said " + Observations.format(g.value())
                            + ", the kernel did " + Observations.format(actual) + "  ");
            if (s.exact()) b.styled(RecipePlayer.PASS, "\u2713 exact");
            else if (s.within())
                b.styled(RecipePlayer.PASS, "\u2713 within " + g.prediction().toleranceText());
            else b.styled(RecipePlayer.FAIL, "\u2717 off by " + Observations.format(Math.abs(g.value() - actual)));
            b.styled(TextRenderer.DIM, "   score " + points + "/" + scored);
            shell.print(List.of(b.toAttributedString()));
            sink.accept(new Scored(
                    recipe,
                    index + 1,
                    g.prediction().figure(),
                    g.value(),
                    actual,
                    g.prediction().toleranceText(),
                    s));
        }
    }

    private void note(String text) {
        shell.print(List.of(
                new AttributedStringBuilder().styled(TextRenderer.DIM, text).toAttributedString()));
    }

    /** One line typed on the single-key input, echoed; null on Ctrl-C or at the end of input. */
    private String line() {
        StringBuilder b = new StringBuilder();
        while (true) {
            int k;
            try {
                k = keys.read();
            } catch (IOException e) {
                return null;
            }
            switch (k) {
                case -1, 3, 4 -> {
                    shell.printRaw("\n");
                    return null;
                }
                case '\r', '\n' -> {
                    shell.printRaw("\n");
                    return b.toString();
                }
                case 127, 8 -> {
                    if (!b.isEmpty()) {
                        b.setLength(b.length() - 1);
                        shell.printRaw("\b \b");
                    }
                }
                default -> {
                    // printable characters only, and a bound: a pasted page is not an answer
                    if (k >= ' ' && k != 127 && b.length() < 40) {
                        b.append((char) k);
                        shell.printRaw(String.valueOf((char) k));
                    }
                }
            }
        }
    }
}
