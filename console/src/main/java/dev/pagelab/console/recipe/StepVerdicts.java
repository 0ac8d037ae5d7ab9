package dev.pagelab.console.recipe;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What each step of a replay was judged, once: a step run again (after going back, or repeated) replaces what it
 * said before, so the summary counts every expectation of a step one time, however often the step was shown.
 * Index -1 holds what went wrong before any step (the recipe could not be set up).
 */
public final class StepVerdicts {
    /** One step's judgement: how many of its expectations held, and a line for each that did not. */
    public record Judged(int passed, List<String> failures) {}

    private final Map<Integer, Judged> byStep = new TreeMap<>();

    /** Records (or replaces) the judgement of step {@code step}. */
    public void judge(int step, int passed, List<String> failures) {
        byStep.put(step, new Judged(passed, List.copyOf(failures)));
    }

    /** Whether step {@code step} was run and judged in this replay. */
    public boolean judged(int step) {
        return byStep.containsKey(step);
    }

    /** Expectations that held, over the latest judgement of every step. */
    public int passed() {
        return byStep.values().stream().mapToInt(Judged::passed).sum();
    }

    /** What did not hold, in step order, each from the latest judgement of its step. */
    public List<String> failures() {
        List<String> all = new ArrayList<>();
        for (Judged j : byStep.values()) all.addAll(j.failures());
        return all;
    }

    /** The steps judged, in order, before step {@code step}: what a replay up to it runs again. */
    public List<Integer> judgedBefore(int step) {
        return byStep.keySet().stream().filter(k -> k >= 0 && k < step).toList();
    }
}
