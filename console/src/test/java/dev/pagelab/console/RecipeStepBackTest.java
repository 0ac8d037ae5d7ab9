package dev.pagelab.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pagelab.console.recipe.Recipe;
import dev.pagelab.console.recipe.RecipeParser;
import dev.pagelab.console.recipe.RecipePlayer;
import dev.pagelab.console.recipe.StepVerdicts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Going back (b) and repeating (r) in a step-by-step replay, driven by scripted keys on the real kernel: the step
 * shown again runs on the memory its recipe prepared for it, and the summary judges each expectation once.
 */
class RecipeStepBackTest extends ConsoleSessionTest {
    @TempDir
    Path dir;

    @BeforeEach
    void clear() {
        for (String n : session.names()) shell.execute("unmap " + n);
        buffer.getBuffer().setLength(0);
    }

    /** Map, first touch (every page faults), re-touch (none does): a re-run of step 2 on used memory fails. */
    static final String RECIPE = """
            title = "back"
            summary = "s"
            [[step]]
            run = "map w 64K --no-thp"
            expect.minor = 0
            [[step]]
            say = "first touch"
            run = "touch w"
            expect.minor = 16
            expect.present = "0 -> 16"
            [[step]]
            run = "touch w"
            expect.minor = 0
            expect.present = "16 -> 16"
            [[cleanup]]
            run = "unmap w"
            """;

    RecipePlayer.Result play(String keys) throws Exception {
        Path f = dir.resolve("back.toml");
        Files.writeString(f, RECIPE);
        Recipe r = RecipeParser.parse(f, n -> {
            try {
                shell.registry().lookup(n);
                return true;
            } catch (Exception e) {
                return false;
            }
        });
        Queue<Integer> q = new ArrayDeque<>();
        keys.chars().forEach(q::add);
        RecipePlayer.Options step = new RecipePlayer.Options(RecipePlayer.Mode.STEP, 0, 0);
        return new RecipePlayer(shell, session, step, () -> q.isEmpty() ? -1 : q.remove())
                .play(r, RecipeTest.machine(Map.of()));
    }

    static int count(String haystack, String needle) {
        int n = 0;
        for (int i = haystack.indexOf(needle); i >= 0; i = haystack.indexOf(needle, i + 1)) n++;
        return n;
    }

    @Test
    void backReplaysTheEarlierStepsQuietlyAndJudgesTheStepAgainOnFreshMemory() throws Exception {
        shell.execute("map keep 16K --no-thp; touch keep");
        buffer.getBuffer().setLength(0);
        // 1, 2, back from 3 to 2, 2 again, 3
        RecipePlayer.Result r = play("\n\nb\n\n");
        String out = buffer.toString();
        assertThat(r.failures()).as(out).isEmpty();
        assertThat(r.passed()).as("each of the 5 expectations judged once").isEqualTo(5);
        assertThat(out)
                .contains("(back to step 2 in fresh mappings: replaying step 1 quietly)")
                .contains("PASS back: 5 expectations held");
        assertThat(count(out, "first touch"))
                .as("step 2's narration shown again")
                .isEqualTo(2);
        assertThat(count(out, "pagelab> touch w"))
                .as("the quiet replay shows no prompt")
                .isEqualTo(3);
        assertThat(count(out, "pagelab> map w")).isEqualTo(1);
        assertThat(count(out, "\u2713 minor = 16"))
                .as("the step shown again holds on fresh memory")
                .isEqualTo(2);
        assertThat(out).doesNotContain("\u2717");
        assertThat(session.names())
                .as("what was there before the recipe is left alone")
                .containsExactly("keep");
        assertThat(session.present(session.mapping("keep"))).isEqualTo(4);
    }

    @Test
    void repeatRunsTheLastStepAgainWhereItRanAndCountsItOnce() throws Exception {
        // 1, 2, r (step 2 again), 3
        RecipePlayer.Result r = play("\n\nr\n");
        String out = buffer.toString();
        assertThat(r.failures()).as(out).isEmpty();
        assertThat(r.passed()).isEqualTo(5);
        assertThat(count(out, "\u2713 minor = 16")).isEqualTo(2);
        assertThat(count(out, "\u2713 minor = 0"))
                .as("step 1 once, step 3 once: the replay is quiet")
                .isEqualTo(2);
        assertThat(session.names()).isEmpty();
    }

    @Test
    void backTwiceThenForwardReplaysOnlyWhenAStepRuns() throws Exception {
        // 1, 2, b (to 2), b (to 1), Enter runs 1 again (fresh: nothing replayed), 2, 3
        RecipePlayer.Result r = play("\n\nbb\n\n\n");
        String out = buffer.toString();
        assertThat(r.failures()).as(out).isEmpty();
        assertThat(r.passed()).isEqualTo(5);
        assertThat(count(out, "(back to step")).isEqualTo(1);
        assertThat(out).contains("(back to step 1 in fresh mappings quietly)");
    }

    @Test
    void aStepThatStillFailsAfterGoingBackIsListedOnce() throws Exception {
        Path f = dir.resolve("fails.toml");
        Files.writeString(f, RECIPE.replace("expect.minor = 16", "expect.minor = 17"));
        Recipe recipe = RecipeParser.parse(f, n -> true);
        Queue<Integer> q = new ArrayDeque<>(List.of((int) '\n', (int) '\n', (int) 'b', (int) '\n', (int) '\n'));
        RecipePlayer.Result r = new RecipePlayer(
                        shell,
                        session,
                        new RecipePlayer.Options(RecipePlayer.Mode.STEP, 0, 0),
                        () -> q.isEmpty() ? -1 : q.remove())
                .play(recipe, RecipeTest.machine(Map.of()));
        assertThat(r.failures())
                .hasSize(1)
                .allSatisfy(l -> assertThat(l).contains("step 2 (touch w): expected minor = 17, got 16"));
        assertThat(r.passed()).isEqualTo(4);
        assertThat(buffer.toString()).contains("FAIL back: 1 of 5 did not hold");
    }

    @Test
    void verdictsOfAStepRunAgainReplaceTheEarlierOnes() {
        StepVerdicts v = new StepVerdicts();
        v.judge(0, 1, List.of());
        v.judge(3, 5, List.of("step 4: a", "step 4: b"));
        v.judge(1, 2, List.of("step 2: c"));
        assertThat(v.passed()).isEqualTo(8);
        assertThat(v.failures()).as("in step order").containsExactly("step 2: c", "step 4: a", "step 4: b");
        v.judge(3, 7, List.of());
        assertThat(v.passed()).isEqualTo(10);
        assertThat(v.failures()).containsExactly("step 2: c");
        assertThat(v.judgedBefore(3)).containsExactly(0, 1);
        assertThat(v.judged(2)).isFalse();
        v.judge(-1, 0, List.of("could not set up"));
        assertThat(v.judgedBefore(3)).as("the setup is not a step").containsExactly(0, 1);
        assertThat(v.failures()).first().isEqualTo("could not set up");
    }
}
