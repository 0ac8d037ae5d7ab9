package dev.pagelab.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every shipped recipe checked through the real launcher, as CI runs them; recordings; refusals. */
class RecipeIT {
    static final Path RECIPES = Path.of("..", "recipes").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    @Test
    void everyRecipePassesItsCheckOrSkipsForAStatedReason() throws Exception {
        List<Path> files = RecipeLibrary.tomlFiles(RECIPES);
        ScriptModeIT.Result r = ScriptModeIT.run(null, Map.of("NO_COLOR", "1"), "--recipe", RECIPES.toString(), "--check");
        assertThat(r.out()).doesNotContain("FAIL ");
        assertThat(r.status()).as(r.out() + r.err()).isZero();
        long passed = r.out().lines().filter(l -> l.startsWith("PASS ")).count();
        long skipped = r.out().lines().filter(l -> l.startsWith("  skipped: needs ")).count();
        assertThat(passed + skipped).as(r.out()).isEqualTo(files.size());
        assertThat(r.out()).contains(files.size() + " recipes: " + passed + " passed, 0 failed, " + skipped + " skipped");
        // on the CI machine kind (root, THP madvise, disk /var/tmp, Linux 6.18) every recipe must run
        if (System.getenv("CI") != null) assertThat(skipped).as(r.out()).isZero();
    }

    @Test
    void aReplayCanBeRecordedAsAnAsciinemaCast() throws Exception {
        Path cast = dir.resolve("demo.cast");
        ScriptModeIT.Result r = ScriptModeIT.run(null, Map.of("NO_COLOR", "1"), "--recipe", "zero-page", "--auto",
                "--delay", "0", "--typing=400", "--cast", cast.toString());
        assertThat(r.status()).as(r.out() + r.err()).isZero();
        List<String> lines = Files.readAllLines(cast);
        assertThat(lines.get(0)).startsWith("{\"version\":2,\"width\":").contains("\"title\":\"The shared zero page\"");
        Pattern event = Pattern.compile("\\[(\\d+\\.\\d{6}), \"o\", \"(.*)\"]");
        double last = -1;
        StringBuilder text = new StringBuilder();
        for (String l : lines.subList(1, lines.size())) {
            Matcher m = event.matcher(l);
            assertThat(m.matches()).as(l).isTrue();
            double t = Double.parseDouble(m.group(1));
            assertThat(t).isGreaterThanOrEqualTo(last);
            last = t;
            text.append(m.group(2));
        }
        // typed one character at a time: the command arrives in many events
        assertThat(lines.stream().filter(l -> l.endsWith(", \"o\", \"z\"]")).count()).isPositive();
        assertThat(text.toString()).contains("touch z --read").contains("\\r\\n").contains("PASS The shared zero page");
        assertThat(r.out()).contains("recorded to " + cast);
    }

    @Test
    void aMalformedRecipeRunsNothingAndSaysWhereItIsWrong() throws Exception {
        Path bad = dir.resolve("bad.toml");
        Files.writeString(bad, "title = \"t\"\nsummary = \"s\"\n[[step]]\nrun = \"map m 4K\"\nexpect.minr = 0\n"
                + "[[step]]\nrun = \"touch m\"\nexpect.minor = \"lots\"\n");
        ScriptModeIT.Result r = ScriptModeIT.run(null, Map.of("NO_COLOR", "1"), "--recipe", bad.toString(), "--check");
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.out()).contains(bad + ":5:1: expect.minr is not a figure pagelab reports (did you mean 'minor'?)")
                .contains(bad + ":8:1: 'lots' is not a relation").contains("2 problems in the recipe file")
                .doesNotContain("map m:");
    }

    @Test
    void launcherUsageForRecipes() throws Exception {
        assertThat(ScriptModeIT.run(null, Map.of(), "--check").err()).contains("--check goes with --recipe FILE");
        assertThat(ScriptModeIT.run(null, Map.of(), "--recipe").status()).isEqualTo(2);
        ScriptModeIT.Result none = ScriptModeIT.run(null, Map.of("NO_COLOR", "1"), "--recipe", "no-such-story", "--check");
        assertThat(none.status()).isEqualTo(1);
        assertThat(none.out()).contains("no recipe 'no-such-story'").contains("demand-paging");
    }
}
