package dev.pagelab.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pagelab.console.recipe.RecipeLibrary;
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
        ScriptModeIT.Result r =
                ScriptModeIT.run(null, Map.of("NO_COLOR", "1"), "--recipe", RECIPES.toString(), "--check");
        assertThat(r.out()).doesNotContain("FAIL ");
        assertThat(r.status()).as(r.out() + r.err()).isZero();
        long passed = r.out().lines().filter(l -> l.startsWith("PASS ")).count();
        long skipped =
                r.out().lines().filter(l -> l.startsWith("  skipped: needs ")).count();
        assertThat(passed + skipped).as(r.out()).isEqualTo(files.size());
        assertThat(r.out())
                .contains(files.size() + " recipes: " + passed + " passed, 0 failed, " + skipped + " skipped");
        // swapping is the one story whose subject may be missing here: it says so, and runs nothing
        if (dev.pagelab.linux.proc.ProcMeminfo.swapTotalBytes() == 0) {
            assertThat(r.out())
                    .containsPattern("recipe: Swapping[^\n]*\n  skipped: needs swap: this machine has no swap");
        }
        // on the CI machine kind (root, THP madvise, disk /var/tmp, Linux 6.18) every other recipe must run
        if (System.getenv("CI") != null) assertThat(skipped).as(r.out()).isLessThanOrEqualTo(1);
    }

    static boolean root() throws Exception {
        return "0"
                .equals(new String(new ProcessBuilder("id", "-u")
                                .start()
                                .getInputStream()
                                .readAllBytes())
                        .trim());
    }

    /** The launcher as nobody (every student is an ordinary user), optionally under prlimit. */
    static ScriptModeIT.Result asNobody(List<String> prlimit, String... args) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                root() && Files.isExecutable(Path.of("/usr/bin/setpriv")),
                "dropping to an unprivileged user needs root and setpriv(1)");
        List<String> cmd = new java.util.ArrayList<>(prlimit);
        cmd.addAll(List.of(
                "/usr/bin/setpriv",
                "--reuid=nobody",
                "--regid=nogroup",
                "--clear-groups",
                "--inh-caps=-all",
                "env",
                "-u",
                "LC_ALL",
                "-u",
                "LC_CTYPE",
                "LANG=C.UTF-8",
                "HOME=/tmp",
                "NO_COLOR=1",
                "PAGELAB_NO_BUILD=1",
                "XDG_CONFIG_HOME=/nonexistent/pagelab-test-config",
                ScriptModeIT.LAUNCHER.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        return new ScriptModeIT.Result(p.exitValue(), out, err);
    }

    /**
     * As an ordinary user no recipe fails: steps that need root (sizing a hugetlb pool) are skipped or shown another
     * way (an empty pool refusing the mapping; RLIMIT_MEMLOCK set without CAP_IPC_LOCK to drop).
     */
    @Test
    void asAnOrdinaryUserNoRecipeFails() throws Exception {
        ScriptModeIT.Result r = asNobody(List.of(), "--recipe", RECIPES.toString(), "--check");
        assertThat(r.out())
                .as(r.err())
                .doesNotContain("FAIL ")
                .contains("recipes: ")
                .contains(" passed, 0 failed, ");
        assertThat(r.status()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("$ limit memlock 64K   (on no_cap_ipc_lock)");
    }

    /**
     * RLIMIT_MEMLOCK at 64 KiB (the default before Linux 5.16) and no way to raise it: the locking story fits under it,
     * mlockall(MCL_FUTURE), which would lock the JVM's own new mappings too, is skipped with that reason, and the
     * limit's own story runs.
     */
    @Test
    void anOldDefaultMemlockLimitShapesTheLockingSteps() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                Files.isExecutable(Path.of("/usr/bin/prlimit")), "needs prlimit(1)");
        ScriptModeIT.Result r = asNobody(
                List.of("/usr/bin/prlimit", "--memlock=65536:65536"),
                "--recipe",
                RECIPES.resolve("05-mlock.toml").toString(),
                "--check");
        assertThat(r.status()).as(r.out() + r.err()).isZero();
        assertThat(r.out())
                .contains("$ lock o --onfault")
                .contains("\u2713 locked_kb = 32")
                .contains(
                        "steps 9\u201311 skipped: needs to lock 8.0 MiB: RLIMIT_MEMLOCK is 64.0 KiB and this user has "
                                + "no CAP_IPC_LOCK")
                .contains("\u2713 error ~ \"RLIMIT_MEMLOCK is 64.0 KiB\"")
                .contains("\u2713 error ~ \"EPERM\"")
                .containsPattern(
                        "PASS mlock and mlockall: what gets faulted when: \\d+ expectations held; 3 steps skipped");
    }

    @Test
    void aReplayCanBeRecordedAsAnAsciinemaCast() throws Exception {
        Path cast = dir.resolve("demo.cast");
        ScriptModeIT.Result r = ScriptModeIT.run(
                null,
                Map.of("NO_COLOR", "1"),
                "--recipe",
                "zero-page",
                "--auto",
                "--delay",
                "0",
                "--typing=400",
                "--cast",
                cast.toString());
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
        assertThat(lines.stream().filter(l -> l.endsWith(", \"o\", \"z\"]")).count())
                .isPositive();
        assertThat(text.toString())
                .contains("touch z --read")
                .contains("\\r\\n")
                .contains("PASS The shared zero page");
        assertThat(r.out()).contains("recorded to " + cast);
    }

    @Test
    void aMalformedRecipeRunsNothingAndSaysWhereItIsWrong() throws Exception {
        Path bad = dir.resolve("bad.toml");
        Files.writeString(
                bad,
                "title = \"t\"\nsummary = \"s\"\n[[step]]\nrun = \"map m 4K\"\nexpect.minr = 0\n"
                        + "[[step]]\nrun = \"touch m\"\nexpect.minor = \"lots\"\n");
        ScriptModeIT.Result r = ScriptModeIT.run(null, Map.of("NO_COLOR", "1"), "--recipe", bad.toString(), "--check");
        assertThat(r.status())
                .as("a recipe that cannot be read is a usage error")
                .isEqualTo(2);
        assertThat(r.err())
                .contains(bad + ":5:1: expect.minr is not a figure pagelab reports (did you mean 'minor'?)")
                .contains(bad + ":8:1: 'lots' is not a relation")
                .contains("2 problems in the recipe file");
        assertThat(r.out()).doesNotContain("map m:");
    }

    @Test
    void launcherUsageForRecipes() throws Exception {
        assertThat(ScriptModeIT.run(null, Map.of(), "--check").err()).contains("--check goes with --recipe FILE");
        assertThat(ScriptModeIT.run(null, Map.of(), "--recipe").status()).isEqualTo(2);
        ScriptModeIT.Result none =
                ScriptModeIT.run(null, Map.of("NO_COLOR", "1"), "--recipe", "no-such-story", "--check");
        assertThat(none.status()).isEqualTo(2);
        assertThat(none.err())
                .contains("pagelab: --recipe no-such-story: no such recipe")
                .contains("demand-paging");
        assertThat(none.out()).isEmpty();
    }
}
