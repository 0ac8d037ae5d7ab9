package dev.pagelab.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real launcher in a real pseudo-terminal (tmux): the prompt, Tab completion, a step report, an error,
 * Ctrl-C at the prompt, and Ctrl-D leaving with the history saved.
 */
class TerminalEndToEndIT {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final String SOCKET = "pagelab-e2e-" + ProcessHandle.current().pid();
    final String tmuxSession = "pagelab-e2e";
    final TmuxPane pane = new TmuxPane(SOCKET, tmuxSession);

    @TempDir
    Path state;

    @BeforeEach
    void needTmux() {
        assumeTrue(
                Files.isExecutable(Path.of("/usr/bin/tmux")) || Files.isExecutable(Path.of("/bin/tmux")),
                "tmux is not installed: the pseudo-terminal test needs it");
    }

    @AfterEach
    void kill() throws Exception {
        pane.tmux("kill-server");
    }

    @Test
    void interactiveSession() throws Exception {
        String cmd =
                "env NO_COLOR=1 PAGELAB_NO_BUILD=1 XDG_CONFIG_HOME=/nonexistent/pagelab-test-config XDG_STATE_HOME="
                        + state + " " + ROOT.resolve("pagelab");
        assertThat(pane.tmux("new-session", "-d", "-s", tmuxSession, "-x", "100", "-y", "40", cmd))
                .isZero();
        pane.waitFor("pagelab>", 60);
        assertThat(pane.screen()).contains("Type 'help' for the commands");

        pane.type("map 64p --no-thp", "Enter");
        pane.waitFor("present  0 \u2192 0 pages", 20);

        // Tab completes the command name, then the mapping name.
        pane.type("tou", "Tab");
        pane.waitFor("pagelab> touch", 10);
        pane.type("m", "Tab");
        pane.waitFor("pagelab> touch m1", 10);
        pane.type("Enter");
        pane.waitFor("faults   minor 64  major 0", 20);
        assertThat(pane.screen()).contains("touch m1: write, seq, 64 accesses").contains("present  0 \u2192 64 pages");

        pane.type("touch m1[1M:4K]", "Enter");
        pane.waitFor("offset 1M is outside m1", 10);

        // Ctrl-C at the prompt clears the line and does not exit.
        pane.type("half a line");
        pane.type("C-c");
        pane.type("list", "Enter");
        pane.waitFor("anon private", 10);

        // A manual page longer than the screen goes through the pager; q returns to the prompt.
        if (Files.isExecutable(Path.of("/usr/bin/less"))) {
            pane.waitForPrompt(20);
            pane.type("help touch", "Enter");
            pane.waitFor("SYNOPSIS", 10);
            assertThat(pane.screen()).doesNotContain("SEE ALSO");
            pane.type("q");
            pane.type("set", "Enter");
            pane.waitFor("feedback normal", 10);
        }

        pane.waitForPrompt(20);
        pane.type("C-d");
        pane.waitForExit(20);
        Path history = state.resolve("pagelab").resolve("history");
        assertThat(Files.readString(history)).contains("touch m1").contains("map 64p --no-thp");
    }

    @Test
    void ctrlCStopsALongTouchBetweenPages() throws Exception {
        String cmd =
                "env NO_COLOR=1 PAGELAB_NO_BUILD=1 XDG_CONFIG_HOME=/nonexistent/pagelab-test-config XDG_STATE_HOME="
                        + state + " " + ROOT.resolve("pagelab");
        assertThat(pane.tmux("new-session", "-d", "-s", tmuxSession, "-x", "100", "-y", "40", cmd))
                .isZero();
        pane.waitFor("pagelab>", 60);
        // 8 GiB of 4 KiB pages takes seconds to fault in: long enough to interrupt.
        pane.type("map big 8G --noreserve --no-thp", "Enter");
        pane.waitFor("present  0 \u2192 0 pages", 20);
        pane.type("touch big", "Enter");
        Thread.sleep(700);
        pane.type("C-c");
        pane.waitFor("note: interrupted:", 30);
        String s = pane.screen();
        assertThat(s).containsPattern("interrupted: \\d+ of 2097152 accesses made");
        pane.type("list", "Enter");
        pane.waitFor("big ", 10);
        pane.waitForPrompt(20);
        pane.type("exit", "Enter");
        pane.waitForExit(20);
    }

    @Test
    void watchShowsPagesLightingUpOnAnEightyByTwentyFourScreen() throws Exception {
        String cmd =
                "env NO_COLOR=1 PAGELAB_NO_BUILD=1 XDG_CONFIG_HOME=/nonexistent/pagelab-test-config XDG_STATE_HOME="
                        + state + " " + ROOT.resolve("pagelab");
        assertThat(pane.tmux("new-session", "-d", "-s", tmuxSession, "-x", "80", "-y", "24", cmd))
                .isZero();
        pane.waitFor("pagelab>", 60);
        pane.type("map 8M --no-thp; watch m1", "Enter");
        pane.waitFor("watching m1", 20);
        pane.waitForPrompt(20);
        pane.type("touch m1[0:2M]", "Enter");
        pane.waitFor("P present 512", 20);
        pane.waitForPrompt(20);
        pane.type("advise m1[0:1M] dontneed", "Enter");
        pane.waitFor("P present 256", 20);
        pane.waitForPrompt(20);
        // the whole step report, the picture and the prompt are on the screen together
        List<String> lines = pane.screen().lines().toList();
        assertThat(lines).hasSize(24);
        int head = -1;
        for (int i = 0; i < lines.size(); i++) if (lines.get(i).startsWith("advise m1[0:1M]: MADV_DONTNEED")) head = i;
        assertThat(head).as("the step report's first line is still on screen").isNotNegative();
        assertThat(lines.subList(head, lines.size()))
                .contains(
                        "watch m1: 2048 pages (8M), 1 cell = 4 pages (16K)",
                        "     0 " + ".".repeat(64),
                        "    1M " + "P".repeat(64),
                        "  . not present 1792   P present 256",
                        "pagelab>");
        pane.type("exit", "Enter");
        pane.waitForExit(20);
    }

    @Test
    void aRecipeStepByStepAtEightyByTwentyFour() throws Exception {
        // the shell stays after pagelab exits, so that its last screen and exit status can be read
        String cmd =
                "sh -c 'env NO_COLOR=1 PAGELAB_NO_BUILD=1 XDG_CONFIG_HOME=/nonexistent/pagelab-test-config XDG_STATE_HOME="
                        + state + " " + ROOT.resolve("pagelab") + " --recipe demand-paging; echo EXIT=$?; sleep 60'";
        assertThat(pane.tmux("new-session", "-d", "-s", tmuxSession, "-x", "80", "-y", "24", cmd))
                .isZero();
        pane.waitFor("[1/4] Enter: run", 60);
        String first = pane.screen();
        assertThat(first).contains("recipe: Demand paging").contains("Map 1 MiB of anonymous memory");
        assertThat(first.lines()).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(80));
        pane.type("Enter");
        pane.waitFor("[2/4] Enter: run", 20);
        assertThat(pane.screen()).contains("pagelab> map buf 1M --no-thp").contains("\u2713 minor = 0");
        pane.type("Enter");
        // step 2 asks for predictions first: typed on the pty, a bad answer refused and asked again
        pane.waitFor("minor [exact]?", 20);
        pane.type("256", "Enter");
        pane.waitFor("present [exact]?", 20);
        pane.type("1k", "Enter");
        pane.waitFor("'1k' is not a number: write the number itself, e.g. 1024 for 1k", 20);
        pane.type("200", "Enter");
        pane.waitFor("[3/4] Enter: run", 20);
        assertThat(pane.screen())
                .contains("\u2713 minor = 256")
                .contains("minor: you said 256, the kernel did 256  \u2713 exact   score 1/1")
                .contains("present: you said 200, the kernel did 256  \u2717 off by 56   score 1/2");
        // back: step 2's narration again (s skips it: nothing is replayed, the pages touched stay as they are)
        pane.type("b");
        pane.waitFor("[2/4] Enter: run", 20);
        pane.type("s");
        pane.waitFor("(step 2 skipped)", 20);
        pane.waitFor("[3/4] Enter: run", 20);
        pane.type("q");
        pane.waitFor("EXIT=0", 20);
        assertThat(pane.screen())
                .contains("pagelab> unmap buf")
                .contains("PASS Demand paging")
                .contains("(quit before the end)");
    }

    @Test
    void goingBackInARecipeRunsTheStepAgainOnFreshMemoryAndCountsItOnce() throws Exception {
        String cmd =
                "sh -c 'env NO_COLOR=1 PAGELAB_NO_BUILD=1 XDG_CONFIG_HOME=/nonexistent/pagelab-test-config XDG_STATE_HOME="
                        + state + " " + ROOT.resolve("pagelab") + " --recipe demand-paging; echo EXIT=$?; sleep 60'";
        assertThat(pane.tmux("new-session", "-d", "-s", tmuxSession, "-x", "100", "-y", "50", cmd))
                .isZero();
        pane.waitFor("[1/4] Enter: run", 60);
        pane.type("Enter");
        pane.waitFor("[2/4] Enter: run", 20);
        pane.type("Enter");
        // Enter alone skips each prediction
        pane.waitFor("minor [exact]?", 20);
        pane.type("Enter");
        pane.waitFor("present [exact]?", 20);
        pane.type("Enter");
        pane.waitFor("[3/4] Enter: run", 20);
        assertThat(pane.screen()).contains("\u2713 minor = 256").doesNotContain("you said");
        pane.type("b");
        pane.waitFor("[2/4] Enter: run", 20);
        // Enter: the recipe is undone and step 1 replayed quietly, then step 2 runs on fresh pages again
        pane.type("Enter");
        pane.waitFor("(back to step 2 in fresh mappings: replaying step 1 quietly)", 20);
        // the [3/4] of the first pass is still on the screen: wait for the one after going back
        String after = "";
        for (long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                System.nanoTime() < deadline;
                Thread.sleep(100)) {
            String again = pane.screen();
            after = again.substring(again.lastIndexOf("(back to step 2"));
            if (after.contains("[3/4] Enter: run")) break;
        }
        assertThat(after)
                .contains("pagelab> touch buf --timing")
                .contains("\u2713 minor = 256")
                .contains("\u2713 present 0 -> 256")
                .doesNotContain("pagelab> map buf")
                .doesNotContain("\u2717");
        // step 2 ran again without asking again; step 3 asks: a re-touch faults not at all
        assertThat(after).doesNotContain("minor [exact]?");
        pane.type("Enter");
        // step 2's skipped question is still on the screen: wait for step 3's, after the way back
        for (long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                System.nanoTime() < deadline;
                Thread.sleep(100)) {
            String again = pane.screen();
            if (again.substring(again.lastIndexOf("(back to step 2")).contains("minor [exact]?")) break;
        }
        pane.type("0", "Enter");
        pane.waitFor("[4/4] Enter: run", 20);
        assertThat(pane.screen()).contains("minor: you said 0, the kernel did 0  \u2713 exact   score 1/1");
        pane.type("Enter");
        pane.waitFor("EXIT=0", 30);
        // every expectation of the 4 steps once (2 + 4 + 2 + 2), although step 2 ran twice
        assertThat(pane.screen())
                .contains("PASS Demand paging: 10 expectations held")
                .doesNotContain("\u2717");
    }

    @Test
    void aLongTouchDrawsItsProgressThenErasesIt() throws Exception {
        String cmd =
                "env NO_COLOR=1 PAGELAB_NO_BUILD=1 XDG_CONFIG_HOME=/nonexistent/pagelab-test-config XDG_STATE_HOME="
                        + state + " " + ROOT.resolve("pagelab");
        assertThat(pane.tmux("new-session", "-d", "-s", tmuxSession, "-x", "100", "-y", "40", cmd))
                .isZero();
        pane.waitFor("pagelab>", 60);
        pane.type("map t 32M --no-thp; touch t", "Enter");
        pane.waitFor("faults   minor 8192", 20);
        pane.waitForPrompt(20);
        // 33 554 432 timed accesses of resident memory: seconds here (~140 ns each), with no memory to find
        pane.type("touch t --stride 1 --timing", "Enter");
        pane.waitFor("Ctrl-C stops", 20);
        String during = pane.screen();
        assertThat(during)
                .containsPattern(
                        "touch t: \\[[#\\-\u2588\u2591]+\\] +\\d+% +[\\d,]+ of 33,554,432 accesses +\\d+\\.\\d s  Ctrl-C stops");
        assertThat(during.lines()).allSatisfy(l -> assertThat(l.length()).isLessThan(100));
        pane.waitFor("touch t: write, seq, 33554432 accesses every 1", 60);
        pane.waitForPrompt(20);
        List<String> lines = pane.screen().lines().toList();
        assertThat(lines).noneMatch(l -> l.contains("Ctrl-C stops"));
        int at = lines.indexOf("pagelab> touch t --stride 1 --timing");
        assertThat(at).isNotNegative();
        assertThat(lines.get(at + 1))
                .as("the report where the progress line was")
                .startsWith("touch t: write, seq, 33554432 accesses");
        assertThat(lines.get(at + 2)).contains("faults   minor 0  major 0");
        // a short step draws nothing
        pane.type("touch t", "Enter");
        pane.waitFor("touch t: write, seq, 8192 accesses", 20);
        pane.waitForPrompt(20);
        pane.type("exit", "Enter");
        pane.waitForExit(20);
    }

    @Test
    void aScriptDrawsProgressOnATerminalAndNeverIntoAPipe() throws Exception {
        String script = "map t 32M --no-thp; touch t; touch t --stride 1 --timing";
        String env =
                "env NO_COLOR=1 PAGELAB_NO_BUILD=1 XDG_CONFIG_HOME=/nonexistent/pagelab-test-config XDG_STATE_HOME="
                        + state + " ";
        String cmd = "sh -c '" + env + ROOT.resolve("pagelab") + " -c \"" + script + "\"; echo EXIT=$?; sleep 60'";
        assertThat(pane.tmux("new-session", "-d", "-s", tmuxSession, "-x", "100", "-y", "40", cmd))
                .isZero();
        // a script lays its text out in 80 columns (or $COLUMNS): the bar leaves "Ctrl-C stops" out there
        pane.waitFor(" of 33,554,432 accesses", 60);
        pane.waitFor("EXIT=0", 60);
        assertThat(pane.screen())
                .doesNotContain(" of 33,554,432 accesses")
                .contains("touch t: write, seq, 33554432 accesses every 1");
        // the same script into a pipe: the report only
        ProcessBuilder pb = new ProcessBuilder("sh", "-c", env + ROOT.resolve("pagelab") + " -c \"" + script + "\"")
                .redirectErrorStream(true);
        Process p = pb.start();
        String piped = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(piped)
                .contains("touch t: write, seq, 33554432 accesses every 1")
                .doesNotContain(" of 33,554,432 accesses")
                .doesNotContain("\r")
                .doesNotContain("\u001b[K");
    }
}
