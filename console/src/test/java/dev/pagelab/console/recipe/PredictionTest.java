package dev.pagelab.console.recipe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code predict} key as a recipe writes it, and how an answer is read and scored. */
class PredictionTest {
    @TempDir
    Path dir;

    static final String HEAD = """
            title = "t"
            summary = "s"
            """;

    Recipe parse(String steps) throws Exception {
        Path f = dir.resolve("p.toml");
        Files.writeString(f, HEAD + steps);
        return RecipeParser.parse(f, name -> true);
    }

    List<String> problems(String steps) {
        try {
            parse(steps);
        } catch (RecipeParser.FormatError e) {
            return e.problems;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("parsed without a problem: " + steps);
    }

    @Test
    void aListTakesTheDefaultToleranceAndATableItsOwn() throws Exception {
        Recipe r = parse("""
                [[step]]
                run = "touch b"
                predict = ["minor", "present"]
                [[step]]
                run = "touch b"
                predict = { minor = "exact", rss_delta = "± 5%", major = "+- 2", present = 3 }
                [[step]]
                run = "touch b"
                """);
        assertThat(r.steps().get(0).predict())
                .containsExactly(new Prediction("minor", 10, true), new Prediction("present", 10, true));
        assertThat(r.steps().get(1).predict())
                .containsExactly(
                        new Prediction("minor", 0, false),
                        new Prediction("rss_delta", 5, true),
                        new Prediction("major", 2, false),
                        new Prediction("present", 3, false));
        assertThat(r.steps().get(2).predict()).isEmpty();
        assertThat(r.steps().get(1).predict().get(0).toleranceText()).isEqualTo("exact");
        assertThat(r.steps().get(1).predict().get(1).toleranceText()).isEqualTo("\u00b15%");
    }

    @Test
    void anUnknownFigureIsAProblemWithDidYouMean() {
        assertThat(problems("""
                        [[step]]
                        run = "touch b"
                        predict = ["minr"]
                        """))
                .singleElement()
                .satisfies(p -> assertThat(p)
                        .contains("p.toml:5:")
                        .contains("predict: 'minr' is not a figure pagelab reports (did you mean 'minor'?)"));
        assertThat(problems("""
                        [[step]]
                        run = "touch b"
                        predict = { presnt = "exact" }
                        """)).singleElement().satisfies(p -> assertThat(p).contains("(did you mean 'present'?)"));
    }

    @Test
    void textFiguresAndBadTolerancesAndMisplacedPredictionsAreProblems() {
        assertThat(problems("""
                        [[step]]
                        run = "touch b"
                        predict = ["error"]
                        """))
                .singleElement()
                .satisfies(p -> assertThat(p).contains("'error' is not a number to predict"));
        assertThat(problems("""
                        [[step]]
                        run = "touch b"
                        predict = { minor = "about right" }
                        """))
                .singleElement()
                .satisfies(p -> assertThat(p)
                        .contains("the tolerance of predict.minor is \"exact\", \"± N\" or \"± N%\"")
                        .contains("not \"about right\""));
        assertThat(problems("""
                        [[step]]
                        run = "touch b"
                        predict = { minor = "± 150%" }
                        """)).singleElement().satisfies(p -> assertThat(p).contains("at most 100%"));
        assertThat(problems("""
                        [[step]]
                        say = "narration only"
                        predict = ["minor"]
                        """))
                .singleElement()
                .satisfies(p -> assertThat(p).contains("a prediction needs a command"));
        assertThat(problems("""
                        [[step]]
                        run = "touch b"
                        predict = "minor"
                        """))
                .singleElement()
                .satisfies(p -> assertThat(p).contains("predict is a list of figures"));
        assertThat(problems("""
                        [[step]]
                        run = "touch b"
                        predict = ["minor", "minor"]
                        """)).singleElement().satisfies(p -> assertThat(p).contains("predict names 'minor' twice"));
        assertThat(problems("""
                        [[step]]
                        run = "touch b"
                        predict = []
                        """)).singleElement().satisfies(p -> assertThat(p).contains("predict names no figure"));
        assertThat(problems("""
                        [[step]]
                        run = "touch b"
                        predikt = ["minor"]
                        """))
                .singleElement()
                .satisfies(p -> assertThat(p).contains("unknown key 'predikt'").contains("(did you mean 'predict'?)"));
    }

    @Test
    void anAnswerIsRightWithinItsToleranceAndExactOnlyWhenEqual() {
        Prediction tenPercent = Prediction.of("minor");
        assertThat(tenPercent.score(256, 256)).isEqualTo(new Prediction.Score(true, true));
        assertThat(tenPercent.score(231, 256).within()).as("256 - 25.6 = 230.4").isTrue();
        assertThat(tenPercent.score(230, 256).within()).isFalse();
        assertThat(tenPercent.score(281, 256).within()).isTrue();
        assertThat(tenPercent.score(282, 256).within()).isFalse();
        assertThat(tenPercent.score(1, 0).within())
                .as("10% of nothing is nothing")
                .isFalse();
        assertThat(tenPercent.score(0, 0)).isEqualTo(new Prediction.Score(true, true));
        Prediction exact = Prediction.of("minor", "exact");
        assertThat(exact.score(255, 256)).isEqualTo(new Prediction.Score(false, false));
        assertThat(exact.score(255, 256).points()).isZero();
        assertThat(exact.score(256, 256).points()).isEqualTo(1);
        Prediction two = Prediction.of("major", "± 2");
        assertThat(two.score(-2, 0).within()).isTrue();
        assertThat(two.score(-3, 0).within()).isFalse();
        assertThat(Prediction.of("rss_delta", "+-5%")
                        .score(-1_000_000, -1_040_000)
                        .within())
                .as("negative figures too")
                .isTrue();
        assertThatThrownBy(() -> Prediction.of("minor", "-1")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void answersArePlainNumbersOrNothing() {
        assertThat(Prediction.parse("256").value()).isEqualTo(256.0);
        assertThat(Prediction.parse("  -4096 ").value()).isEqualTo(-4096.0);
        assertThat(Prediction.parse("0.5").value()).isEqualTo(0.5);
        assertThat(Prediction.parse("1_000").value()).isEqualTo(1000.0);
        assertThat(Prediction.parse("").skipped()).isTrue();
        assertThat(Prediction.parse("   ").skipped()).isTrue();
        assertThat(Prediction.parse("1k").problem())
                .isEqualTo("'1k' is not a number: write the number itself, e.g. 1024 for 1k");
        assertThat(Prediction.parse("lots").problem())
                .isEqualTo("'lots' is not a number: type a number such as 256, or Enter to skip");
        assertThat(Prediction.parse("256 pages").problem()).contains("is not a number");
        assertThat(Prediction.parse("1e9").problem()).contains("is not a number");
        assertThat(Prediction.parse("9".repeat(30)).problem()).contains("...");
        assertThat(Prediction.parse("NaN").problem()).contains("is not a number");
    }

    @Test
    void everyFigureOfferedIsANumberOfTheFigureTable() {
        assertThat(Prediction.predictable())
                .contains("minor", "major", "faults", "present", "rss_delta")
                .doesNotContain("error", "note", "vm_flags", "ok");
    }
}
