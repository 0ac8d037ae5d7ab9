package dev.pagelab.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The recipe format, its expectations, and replay/record through the console's engine on the real kernel. */
class RecipeTest extends ConsoleSessionTest {
    static final Path RECIPES = Path.of("..", "recipes").toAbsolutePath().normalize();

    @TempDir
    Path dir;


    @BeforeEach
    void clear() {
        for (String n : session.names()) shell.execute("unmap " + n);
        buffer.getBuffer().setLength(0);
    }

    Recipe parse(String toml) throws Exception {
        Path f = dir.resolve("r.toml");
        Files.writeString(f, toml);
        return RecipeParser.parse(f, name -> {
            try {
                shell.registry().lookup(name);
                return true;
            } catch (Exception e) {
                return false;
            }
        });
    }

    List<String> problems(String toml) {
        try {
            parse(toml);
        } catch (RecipeParser.FormatError e) {
            return e.problems;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("expected the recipe to be refused:\n" + toml);
    }

    static final String HEAD = "title = \"t\"\nsummary = \"s\"\n";

    @Test
    void malformedRecipesAreRefusedWithFileLineAndColumn() {
        String f = dir.resolve("r.toml").toString();
        assertThat(problems(HEAD + "[[step]]\nrun = \"map 4K\nexpect.minor = 0\n"))
                .singleElement().asString().startsWith(f + ":4:14: TOML syntax");
        assertThat(problems(HEAD + "titel = \"x\"\n[[step]]\nrun = \"map 4K\"\n"))
                .singleElement().asString().startsWith(f + ":3:1: unknown key 'titel'").contains("did you mean 'title'?");
        assertThat(problems(HEAD + "[[step]]\nrun = \"map 4K\"\nexpect.minr = 0\n"))
                .singleElement().asString().startsWith(f + ":5:1: expect.minr is not a figure").contains("did you mean 'minor'?");
        assertThat(problems(HEAD + "[[step]]\nrun = \"map 4K\"\nexpect.minor = \"about 5\"\n"))
                .singleElement().asString().startsWith(f + ":5:1: 'about 5' is not a relation");
        assertThat(problems(HEAD + "[[step]]\nrun = \"mapp 4K\"\n"))
                .singleElement().asString().startsWith(f + ":4:1: 'mapp' is not a pagelab command");
        assertThat(problems(HEAD + "[[step]]\nrun = \"map 4K --file ${tmp}/x\"\n"))
                .singleElement().asString().contains("unknown variable ${tmp}");
        assertThat(problems(HEAD + "[requires]\nthp = \"sometimes\"\nkernel = 6\n[[step]]\nrun = \"list\"\n"))
                .hasSize(2).anySatisfy(p -> assertThat(p).contains("'sometimes' is not one of always, madvise, never"))
                .anySatisfy(p -> assertThat(p).contains(":5:1: kernel must be a string"));
        assertThat(problems("summary = \"s\"\n[[step]]\nrun = \"list\"\n")).singleElement().asString()
                .contains("a recipe needs title");
        assertThat(problems(HEAD)).singleElement().asString().contains("at least one [[step]]");
        assertThat(problems(HEAD + "[[step]]\npause = 2\n")).singleElement().asString().contains("needs run = \"COMMAND\"");
        assertThat(problems(HEAD + "[[step]]\nrun = \"touch m1\"\nexpect.present = \"5 -> \"\n")).hasSize(1);
        assertThat(problems(HEAD + "[[step]]\nrun = \"touch m1\"\nexpect.minor = \"1 -> 2\"\n")).singleElement().asString()
                .contains("only present takes BEFORE -> AFTER");
        assertThat(problems(HEAD + "[[step]]\nrun = \"touch m1\"\nexpect.ok = 1\n")).singleElement().asString()
                .contains("expect.ok takes true or false");
        // all problems at once, not just the first
        assertThat(problems(HEAD + "colour = 1\n[[step]]\nrun = \"nope\"\nexpect.x = 1\n")).hasSize(3);
    }

    @Test
    void relationsHoldAsWritten() {
        assertThat(Expectation.of("minor", 256L, "f:1:1").holds(0, 256)).isTrue();
        assertThat(Expectation.of("minor", 256L, "f:1:1").holds(0, 255)).isFalse();
        assertThat(Expectation.of("major", "> 0", "f:1:1").holds(0, 1)).isTrue();
        assertThat(Expectation.of("major", "> 0", "f:1:1").holds(0, 0)).isFalse();
        assertThat(Expectation.of("minor_per_page", "<= 1.05", "f:1:1").holds(0, 1.05)).isTrue();
        assertThat(Expectation.of("minor_per_page", "\u2264 1.05", "f:1:1").holds(0, 1.06)).isFalse();
        assertThat(Expectation.of("minor", "256 \u00b1 2", "f:1:1").holds(0, 258)).isTrue();
        assertThat(Expectation.of("minor", "256 +- 2", "f:1:1").holds(0, 259)).isFalse();
        assertThat(Expectation.of("minor", "200 +- 5%", "f:1:1").holds(0, 210)).isTrue();
        assertThat(Expectation.of("minor", "200 +- 5%", "f:1:1").holds(0, 211)).isFalse();
        assertThat(Expectation.of("minor", "250..260", "f:1:1").holds(0, 260)).isTrue();
        assertThatThrownBy(() -> Expectation.of("minor", "1_000", "f:1:1")).as("a string needs an operator")
                .hasMessageContaining("is not a relation");
        assertThat(Expectation.of("minor", "= 1_000", "f:1:1").holds(0, 1000)).isTrue();
        assertThat(Expectation.of("present", "0 -> 256", "f:1:1").holds(0, 256)).isTrue();
        assertThat(Expectation.of("present", "0 -> 256", "f:1:1").holds(1, 256)).isFalse();
        assertThat(Expectation.of("present", 256L, "f:1:1").holds(7, 256)).isTrue();
        assertThatThrownBy(() -> Expectation.of("minor", "260..250", "f:1:1")).hasMessageContaining("runs backwards");
    }

    @Test
    void everyShippedRecipeParses() throws Exception {
        List<Path> files = RecipeLibrary.tomlFiles(RECIPES);
        assertThat(files).as("recipes/ ships the ten stories").hasSizeGreaterThanOrEqualTo(10);
        for (Path f : files) {
            Recipe r = RecipeParser.parse(f, name -> {
                try {
                    shell.registry().lookup(name);
                    return true;
                } catch (Exception e) {
                    return false;
                }
            });
            assertThat(r.title()).as(f.toString()).isNotBlank();
            assertThat(r.steps()).as(f.toString()).isNotEmpty();
            assertThat(r.steps().stream().mapToInt(s -> s.expect().size()).sum()).as(f + " checks its claims").isPositive();
        }
    }

    @Test
    void aFailedExpectationFailsTheCheckAndTheCleanupStillRuns() throws Exception {
        Path f = dir.resolve("wrong.toml");
        Files.writeString(f, HEAD + "[[step]]\nrun = \"map w 64K --no-thp\"\n[[step]]\nrun = \"touch w\"\nexpect.minor = 17\n"
                + "expect.major = 0\n[[cleanup]]\nrun = \"unmap w\"\n");
        assertThat(shell.execute("replay " + f + " --check")).isFalse();
        String out = buffer.toString();
        assertThat(out).contains("\u2717 minor = 17: got 16").contains("\u2713 major = 0")
                .contains(f + ":7:1: step 2 (touch w): expected minor = 17, got 16")
                .contains("what the step printed:").contains("touch w: write, seq, 16 accesses")
                .contains("FAIL t: 1 of 2 did not hold");
        assertThat(session.names()).as("cleanup ran").isEmpty();
    }

    @Test
    void aFailingStepStopsTheRecipeButNotTheCleanup() throws Exception {
        Path f = dir.resolve("stops.toml");
        Files.writeString(f, HEAD + "[[step]]\nrun = \"map s 64K --no-thp\"\n[[step]]\nrun = \"touch s[1M:4K]\"\n"
                + "[[step]]\nrun = \"touch s\"\nexpect.minor = 16\n[[cleanup]]\nrun = \"unmap s\"\n");
        assertThat(shell.execute("replay " + f + " --check")).isFalse();
        assertThat(buffer.toString()).contains("the recipe stops here: step 2 failed").doesNotContain("$ touch s\n")
                .contains("$ unmap s");
        assertThat(session.names()).isEmpty();
    }

    @Test
    void unmetNeedsSkipWithTheReasonAndRunNothing() throws Exception {
        Path f = dir.resolve("future.toml");
        Files.writeString(f, HEAD + "[requires]\nkernel = \"99.0\"\n[[step]]\nrun = \"map x 4K\"\nexpect.minor = 0\n");
        assertThat(shell.execute("replay " + f + " --check")).isTrue();
        assertThat(buffer.toString()).contains("skipped: needs Linux 99.0 or later, this is ");
        assertThat(session.names()).isEmpty();
    }

    @Test
    void aRecordedSessionReplaysToTheSameExpectations() throws Exception {
        Path f = dir.resolve("rec.toml");
        shell.execute("record " + f + " --title \"recorded\"");
        shell.execute("map r1 256K --no-thp");
        shell.execute("touch r1 --read");
        shell.execute("inspect-pagemap r1");
        shell.execute("touch r1");
        shell.execute("view r1");
        shell.execute("advise r1[0:64K] dontneed");
        shell.execute("touch r1[1M:4K]");                           // fails: recorded as an expected error
        shell.execute("help touch");                                // not recorded
        buffer.getBuffer().setLength(0);
        assertThat(shell.execute("record stop")).isTrue();
        assertThat(buffer.toString()).contains("wrote " + f + ": 7 steps");
        String toml = Files.readString(f);
        assertThat(toml).contains("title = \"recorded\"").contains("run = \"touch r1 --read\"").contains("expect.minor = 64")
                .contains("expect.present = \"0 -> 64\"").contains("expect.error = \"offset 1M is outside")
                .contains("[[cleanup]]\nrun = \"unmap r1\"").doesNotContain("help touch");
        shell.execute("unmap r1");
        buffer.getBuffer().setLength(0);
        assertThat(shell.execute("replay " + f + " --check")).as(buffer.toString()).isTrue();
        assertThat(buffer.toString()).contains("PASS recorded:");
        assertThat(session.names()).isEmpty();
    }

    @Test
    void recordRefusesWhatItCannotDo() throws Exception {
        Path f = dir.resolve("exists.toml");
        Files.writeString(f, "x");
        assertThat(shell.execute("record " + f)).isFalse();
        assertThat(buffer.toString()).contains("exists").contains("--force");
        assertThat(shell.execute("record stop")).isFalse();
        assertThat(buffer.toString()).contains("nothing is being recorded");
        assertThat(shell.execute("record " + dir.resolve("no/such/dir/x.toml"))).isFalse();
        assertThat(shell.execute("replay no-such-recipe")).isFalse();
        assertThat(buffer.toString()).contains("no recipe 'no-such-recipe'");
    }

    @Test
    void replayListsTheRecipesItFinds() {
        String home = System.getProperty("pagelab.home");
        System.setProperty("pagelab.home", RECIPES.getParent().toString());
        try {
            shell.execute("replay");
            assertThat(buffer.toString()).contains("demand-paging").contains("Demand paging").contains("zero-page");
        } finally {
            if (home == null) System.clearProperty("pagelab.home");
            else System.setProperty("pagelab.home", home);
        }
    }
}
