package dev.pagelab.console.recipe;

import java.nio.file.Path;
import java.util.List;

/**
 * A narrated, self-checking memory story read from a TOML file (see {@code man pagelab-replay}): what it needs,
 * its steps in order, and the cleanup that always runs.
 *
 * @param requires what the story's subject needs: unmet, the whole recipe is skipped (swapping without swap)
 */
public record Recipe(
        Path source,
        String title,
        String summary,
        String author,
        Requirements requires,
        List<Step> steps,
        List<Step> cleanup) {
    /**
     * What the machine must offer, all optional; the words are those of {@link RecipeRequirements#WORDS}.
     *
     * @param root          CAP_SYS_ADMIN (the word {@code root})
     * @param thp           THP "enabled" modes under which it works (empty: any)
     * @param hugetlbSize   a hugetlb pool of this size (bytes) must exist, 0: none needed
     * @param hugetlbPages  pages that pool must have free, or that this user must be able to reserve
     * @param memlock       bytes this process must be able to mlock (CAP_IPC_LOCK or RLIMIT_MEMLOCK), 0: none
     * @param features      capability words, each possibly negated with {@code no_}
     */
    public record Requirements(
            boolean root, List<String> thp, long hugetlbSize, long hugetlbPages, long memlock, List<String> features) {
        static final Requirements NONE = new Requirements(false, List.of(), 0, 0, 0, List.of());

        boolean none() {
            return equals(NONE);
        }
    }

    /**
     * One step: narration shown before it, the command, whether replay pauses before it, its expectations, and
     * how it depends on the machine.
     *
     * @param line      where the step starts in the file (1-based), for messages
     * @param pause     seconds to wait after the narration in auto mode (-1: the default delay); in step mode every
     *                  step waits for a key anyway
     * @param requires  what the step needs; unmet, it is skipped with the reason (or {@code otherwise} runs)
     * @param otherwise what runs instead when {@code requires} is not met, or null
     * @param on        variants for machines where a condition holds ({@code [step.on.no_shared_zero_page]}), in
     *                  file order
     * @param predict   figures the user is asked to predict before the step runs (step by step only), in file order
     */
    public record Step(
            int line,
            String say,
            String run,
            double pause,
            List<Expectation> expect,
            Requirements requires,
            Variant otherwise,
            List<Variant> on,
            List<Prediction> predict) {
        public Step(int line, String say, String run, double pause, List<Expectation> expect) {
            this(line, say, run, pause, expect, Requirements.NONE, null, List.of(), List.of());
        }

        /** Whether some expectation compares with the step before ({@code previous.minor}). */
        boolean usesPrevious() {
            return expect.stream().anyMatch(Expectation::usesPrevious)
                    || on.stream()
                            .anyMatch(v ->
                                    v.expect() != null && v.expect().stream().anyMatch(Expectation::usesPrevious))
                    || otherwise != null
                            && otherwise.expect() != null
                            && otherwise.expect().stream().anyMatch(Expectation::usesPrevious);
        }
    }

    /**
     * What a step says, runs and expects on some machines instead: each part given replaces the step's own, whole
     * (the expectations too: a variant lists every claim it makes).
     *
     * @param condition the capability word that selects it ({@code no_shared_zero_page}), or "otherwise"
     * @param say       narration, or null to keep the step's; {@code ${why}} in it is what the machine showed
     * @param run       command, or null to keep the step's
     * @param pause     seconds, or -1 to keep the step's
     * @param expect    claims, or null to keep the step's
     */
    public record Variant(int line, String condition, String say, String run, double pause, List<Expectation> expect) {}
}
