package dev.pagelab.console.recipe;

import java.nio.file.Path;
import java.util.List;

/**
 * What replaying recipes needs to know across statements: where recipes are looked up and at what pace they play
 * (from the user's settings), the single keys step-by-step replay reads, and the replay in progress, which Ctrl-C
 * stops after its current step.
 */
public final class ReplayState {
    /** Seconds between steps of an automatic replay when neither the recipe nor the user says. */
    public static final double DEFAULT_DELAY = 1.5;
    /** Characters per second of the typing effect. */
    public static final double DEFAULT_TYPING = 30;

    private List<Path> recipePath = List.of();
    private double delay = DEFAULT_DELAY, typingSpeed = DEFAULT_TYPING;
    private RecipePlayer.Keys keys;
    private volatile RecipePlayer playing;

    /** Recipe directories searched before the bundled ones, seconds between auto-replay steps, typing speed. */
    public void settings(List<Path> path, double delay, double typingSpeed) {
        this.recipePath = List.copyOf(path);
        this.delay = delay;
        this.typingSpeed = typingSpeed;
    }

    public List<Path> recipePath() {
        return recipePath;
    }

    public double delay() {
        return delay;
    }

    public double typingSpeed() {
        return typingSpeed;
    }

    /** Single keys from the terminal for step-by-step replay; null when input is not a terminal. */
    public RecipePlayer.Keys keys() {
        return keys;
    }

    public void keys(RecipePlayer.Keys k) {
        keys = k;
    }

    public void playing(RecipePlayer p) {
        playing = p;
    }

    /** Ctrl-C during a replay: stop it after its current step. */
    public void interrupt() {
        RecipePlayer p = playing;
        if (p != null) p.stop();
    }
}
