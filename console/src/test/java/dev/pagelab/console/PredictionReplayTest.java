package dev.pagelab.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pagelab.commands.Session;
import dev.pagelab.console.recipe.Predictions;
import dev.pagelab.console.recipe.Recipe;
import dev.pagelab.console.recipe.RecipeParser;
import dev.pagelab.console.recipe.RecipePlayer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Predictions on the real kernel: asked step by step on scripted keys and scored against the step's own figures; never
 * asked (no key read at all) by a check, an automatic replay, JSON output or a replay without a terminal.
 */
class PredictionReplayTest extends ConsoleSessionTest {
    @TempDir
    Path dir;

    /** 16 pages: a first touch faults 16 times, the second not at all. */
    static final String RECIPE = """
            title = "guess"
            summary = "s"
            [[step]]
            run = "map g 64K --no-thp"
            [[step]]
            run = "touch g"
            predict = { minor = "exact", present = "± 10%" }
            expect.minor = 16
            [[step]]
            run = "touch g"
            predict = ["minor"]
            expect.minor = 0
            [[cleanup]]
            run = "unmap g"
            """;

    @BeforeEach
    void clear() {
        for (String n : session.names()) shell.execute("unmap " + n);
        buffer.getBuffer().setLength(0);
    }

    Recipe recipe() throws Exception {
        Path f = dir.resolve("guess.toml");
        Files.writeString(f, RECIPE);
        return RecipeParser.parse(f, n -> true);
    }

    /** Keys that fail the test when read: what a replay that must not wait is given. */
    static int noKey() {
        throw new AssertionError("a replay that cannot ask read a key");
    }

    static int count(String haystack, String needle) {
        int n = 0;
        for (int i = haystack.indexOf(needle); i >= 0; i = haystack.indexOf(needle, i + 1)) n++;
        return n;
    }

    @Test
    void stepByStepAsksScoresAndKeepsARunningScore() throws Exception {
        // step 1: Enter. Step 2: Enter, then minor: "1k" (refused), "abc" (refused), backspaced "17"->"16";
        // present: "14" (within 10% of 16? 14.4 is the bound: no). Step 3: Enter, minor: Enter alone (skipped).
        String typed = "\n" + "\n" + "1k\n" + "abc\n" + "17\u007f6\n" + "14\n" + "\n" + "\n";
        Queue<Integer> q = new ArrayDeque<>();
        typed.chars().forEach(q::add);
        List<Predictions.Scored> sent = new ArrayList<>();
        RecipePlayer player = new RecipePlayer(
                shell,
                session,
                new RecipePlayer.Options(RecipePlayer.Mode.STEP, 0, 0),
                () -> q.isEmpty() ? -1 : q.remove());
        player.onScored(sent::add);
        RecipePlayer.Result r = player.play(recipe(), RecipeTest.machine(Map.of()));
        String out = buffer.toString();
        assertThat(r.failures()).as(out).isEmpty();
        assertThat(q).as("every key was read").isEmpty();
        assertThat(out)
                .contains("Predict before it runs (Enter skips):")
                .contains("    minor: minor faults the step thread took in the measured window (exact)\n")
                .contains("    minor [exact]? 1k\n")
                .contains("'1k' is not a number: write the number itself, e.g. 1024 for 1k")
                .contains("'abc' is not a number: type a number such as 256, or Enter to skip")
                .contains("    present [within \u00b110%]? 14\n")
                .contains("minor: you said 16, the kernel did 16  \u2713 exact   score 1/1")
                .contains("present: you said 14, the kernel did 16  \u2717 off by 2   score 1/2");
        assertThat(count(out, "you said"))
                .as("the skipped answer is not scored")
                .isEqualTo(2);
        assertThat(player.predictions().points()).isEqualTo(1);
        assertThat(player.predictions().scored()).isEqualTo(2);
        assertThat(sent)
                .extracting(Predictions.Scored::recipe, Predictions.Scored::step, Predictions.Scored::figure)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("guess", 2, "minor"),
                        org.assertj.core.groups.Tuple.tuple("guess", 2, "present"));
        assertThat(sent.get(1).actual()).as("the kernel's own figure").isEqualTo(16.0);
        assertThat(sent.get(1).score().within()).isFalse();
        assertThat(out).doesNotContain("skipped:");
    }

    @Test
    void ctrlCSkipsTheRestOfTheQuestionsAndTheStepStillRuns() throws Exception {
        String typed = "\n" + "\n" + "\u0003" + "\n" + "0\n";
        Queue<Integer> q = new ArrayDeque<>();
        typed.chars().forEach(q::add);
        RecipePlayer player = new RecipePlayer(
                shell,
                session,
                new RecipePlayer.Options(RecipePlayer.Mode.STEP, 0, 0),
                () -> q.isEmpty() ? -1 : q.remove());
        RecipePlayer.Result r = player.play(recipe(), RecipeTest.machine(Map.of()));
        String out = buffer.toString();
        assertThat(r.failures()).as(out).isEmpty();
        assertThat(r.passed()).as("both steps ran and held").isEqualTo(2);
        assertThat(out).contains("minor: you said 0, the kernel did 0  \u2713 exact   score 1/1");
        assertThat(count(out, "you said")).isEqualTo(1);
    }

    @Test
    void aStepRunAgainIsNotPredictedAgain() throws Exception {
        // 1; 2 with minor 16 and present skipped; r (step 2 again: no question); 3 with minor 0
        String typed = "\n" + "\n" + "16\n" + "\n" + "r" + "\n" + "0\n";
        Queue<Integer> q = new ArrayDeque<>();
        typed.chars().forEach(q::add);
        RecipePlayer.Result r = new RecipePlayer(
                        shell,
                        session,
                        new RecipePlayer.Options(RecipePlayer.Mode.STEP, 0, 0),
                        () -> q.isEmpty() ? -1 : q.remove())
                .play(recipe(), RecipeTest.machine(Map.of()));
        String out = buffer.toString();
        assertThat(r.failures()).as(out).isEmpty();
        assertThat(q).isEmpty();
        assertThat(count(out, "Predict before it runs")).isEqualTo(2);
        assertThat(out).contains("minor: you said 0, the kernel did 0  \u2713 exact   score 2/2");
    }

    @Test
    void aCheckAndAnAutomaticReplayNeverWaitAndSaySoOnce() throws Exception {
        for (RecipePlayer.Mode mode : List.of(RecipePlayer.Mode.CHECK, RecipePlayer.Mode.AUTO)) {
            buffer.getBuffer().setLength(0);
            RecipePlayer player =
                    new RecipePlayer(shell, session, new RecipePlayer.Options(mode, 0, 0), PredictionReplayTest::noKey);
            RecipePlayer.Result r = player.play(recipe(), RecipeTest.machine(Map.of()));
            String out = buffer.toString();
            assertThat(r.failures()).as(out).isEmpty();
            assertThat(count(out, "(this recipe asks for predictions; skipped: "))
                    .as(mode + ": said once for two steps that ask")
                    .isEqualTo(1);
            assertThat(out)
                    .contains(
                            mode == RecipePlayer.Mode.CHECK
                                    ? "skipped: --check does not ask)"
                                    : "skipped: --auto does not ask (--step does))");
            assertThat(out).doesNotContain("you said").doesNotContain("Predict before");
        }
    }

    @Test
    void jsonOutputAndInputThatIsNoTerminalNeverWait() throws Exception {
        Path f = dir.resolve("guess.toml");
        Files.writeString(f, RECIPE);
        // JSON on a terminal: the keys exist, and step mode would read them, but predictions are not asked
        StringWriter json = new StringWriter();
        try (Session s = new Session();
                Shell js = new Shell(s, new PrintWriter(json), true, false, () -> 80)) {
            Queue<Integer> q = new ArrayDeque<>(List.of((int) '\n', (int) '\n', (int) '\n'));
            js.replays().keys(() -> q.isEmpty() ? -1 : q.remove());
            assertThat(js.execute("replay " + f + " --step"))
                    .as(json.toString())
                    .isTrue();
            assertThat(q).as("only the step keys were read").isEmpty();
        }
        assertThat(json.toString())
                .contains("skipped: JSON output does not ask")
                .doesNotContain("you said");
        // a script (-c, piped stdin): no keys, so replay is automatic and says why it does not ask
        buffer.getBuffer().setLength(0);
        shell.replays().keys(null);
        assertThat(shell.execute("replay " + f)).as(buffer.toString()).isTrue();
        assertThat(count(
                        buffer.toString(),
                        "(this recipe asks for predictions; skipped: not step by step on a terminal)"))
                .isEqualTo(1);
    }
}
