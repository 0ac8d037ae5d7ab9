package dev.pagelab.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
        tmux("kill-server");
    }

    @Test
    void interactiveSession() throws Exception {
        String cmd =
                "env NO_COLOR=1 PAGELAB_NO_BUILD=1 XDG_CONFIG_HOME=/nonexistent/pagelab-test-config XDG_STATE_HOME="
                        + state + " " + ROOT.resolve("pagelab");
        assertThat(tmux("new-session", "-d", "-s", tmuxSession, "-x", "100", "-y", "40", cmd))
                .isZero();
        waitFor("pagelab>", 60);
        assertThat(screen()).contains("Type 'help' for the commands");

        type("map 64p --no-thp", "Enter");
        waitFor("present  0 \u2192 0 pages", 20);

        // Tab completes the command name, then the mapping name.
        type("tou", "Tab");
        waitFor("pagelab> touch", 10);
        type("m", "Tab");
        waitFor("pagelab> touch m1", 10);
        type("Enter");
        waitFor("faults   minor 64  major 0", 20);
        assertThat(screen()).contains("touch m1: write, seq, 64 accesses").contains("present  0 \u2192 64 pages");

        type("touch m1[1M:4K]", "Enter");
        waitFor("offset 1M is outside m1", 10);

        // Ctrl-C at the prompt clears the line and does not exit.
        type("half a line");
        type("C-c");
        type("list", "Enter");
        waitFor("anon private", 10);

        // A manual page longer than the screen goes through the pager; q returns to the prompt.
        if (Files.isExecutable(Path.of("/usr/bin/less"))) {
            waitForPrompt();
            type("help touch", "Enter");
            waitFor("SYNOPSIS", 10);
            assertThat(screen()).doesNotContain("SEE ALSO");
            type("q");
            type("set", "Enter");
            waitFor("feedback normal", 10);
        }

        waitForPrompt();
        type("C-d");
        waitForExit(20);
        Path history = state.resolve("pagelab").resolve("history");
        assertThat(Files.readString(history)).contains("touch m1").contains("map 64p --no-thp");
    }

    @Test
    void ctrlCStopsALongTouchBetweenPages() throws Exception {
        String cmd =
                "env NO_COLOR=1 PAGELAB_NO_BUILD=1 XDG_CONFIG_HOME=/nonexistent/pagelab-test-config XDG_STATE_HOME="
                        + state + " " + ROOT.resolve("pagelab");
        assertThat(tmux("new-session", "-d", "-s", tmuxSession, "-x", "100", "-y", "40", cmd))
                .isZero();
        waitFor("pagelab>", 60);
        // 8 GiB of 4 KiB pages takes seconds to fault in: long enough to interrupt.
        type("map big 8G --noreserve --no-thp", "Enter");
        waitFor("present  0 \u2192 0 pages", 20);
        type("touch big", "Enter");
        Thread.sleep(700);
        type("C-c");
        waitFor("note: interrupted:", 30);
        String s = screen();
        assertThat(s).containsPattern("interrupted: \\d+ of 2097152 accesses made");
        type("list", "Enter");
        waitFor("big ", 10);
        waitForPrompt();
        type("exit", "Enter");
        waitForExit(20);
    }

    @Test
    void watchShowsPagesLightingUpOnAnEightyByTwentyFourScreen() throws Exception {
        String cmd =
                "env NO_COLOR=1 PAGELAB_NO_BUILD=1 XDG_CONFIG_HOME=/nonexistent/pagelab-test-config XDG_STATE_HOME="
                        + state + " " + ROOT.resolve("pagelab");
        assertThat(tmux("new-session", "-d", "-s", tmuxSession, "-x", "80", "-y", "24", cmd))
                .isZero();
        waitFor("pagelab>", 60);
        type("map 8M --no-thp; watch m1", "Enter");
        waitFor("watching m1", 20);
        waitForPrompt();
        type("touch m1[0:2M]", "Enter");
        waitFor("P present 512", 20);
        waitForPrompt();
        type("advise m1[0:1M] dontneed", "Enter");
        waitFor("P present 256", 20);
        waitForPrompt();
        // the whole step report, the picture and the prompt are on the screen together
        List<String> lines = screen().lines().toList();
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
        type("exit", "Enter");
        waitForExit(20);
    }

    @Test
    void aRecipeStepByStepAtEightyByTwentyFour() throws Exception {
        // the shell stays after pagelab exits, so that its last screen and exit status can be read
        String cmd =
                "sh -c 'env NO_COLOR=1 PAGELAB_NO_BUILD=1 XDG_CONFIG_HOME=/nonexistent/pagelab-test-config XDG_STATE_HOME="
                        + state + " " + ROOT.resolve("pagelab") + " --recipe demand-paging; echo EXIT=$?; sleep 60'";
        assertThat(tmux("new-session", "-d", "-s", tmuxSession, "-x", "80", "-y", "24", cmd))
                .isZero();
        waitFor("[1/4] Enter: run", 60);
        String first = screen();
        assertThat(first).contains("recipe: Demand paging").contains("Map 1 MiB of anonymous memory");
        assertThat(first.lines()).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(80));
        type("Enter");
        waitFor("[2/4] Enter: run", 20);
        assertThat(screen()).contains("pagelab> map buf 1M --no-thp").contains("\u2713 minor = 0");
        type("Enter");
        waitFor("[3/4] Enter: run", 20);
        assertThat(screen()).contains("\u2713 minor = 256");
        // back: step 2's narration again (s skips it: nothing is replayed, the pages touched stay as they are)
        type("b");
        waitFor("[2/4] Enter: run", 20);
        type("s");
        waitFor("(step 2 skipped)", 20);
        waitFor("[3/4] Enter: run", 20);
        type("q");
        waitFor("EXIT=0", 20);
        assertThat(screen())
                .contains("pagelab> unmap buf")
                .contains("PASS Demand paging")
                .contains("(quit before the end)");
    }

    @Test
    void goingBackInARecipeRunsTheStepAgainOnFreshMemoryAndCountsItOnce() throws Exception {
        String cmd =
                "sh -c 'env NO_COLOR=1 PAGELAB_NO_BUILD=1 XDG_CONFIG_HOME=/nonexistent/pagelab-test-config XDG_STATE_HOME="
                        + state + " " + ROOT.resolve("pagelab") + " --recipe demand-paging; echo EXIT=$?; sleep 60'";
        assertThat(tmux("new-session", "-d", "-s", tmuxSession, "-x", "100", "-y", "50", cmd))
                .isZero();
        waitFor("[1/4] Enter: run", 60);
        type("Enter");
        waitFor("[2/4] Enter: run", 20);
        type("Enter");
        waitFor("[3/4] Enter: run", 20);
        assertThat(screen()).contains("\u2713 minor = 256");
        type("b");
        waitFor("[2/4] Enter: run", 20);
        // Enter: the recipe is undone and step 1 replayed quietly, then step 2 runs on fresh pages again
        type("Enter");
        waitFor("(back to step 2 in fresh mappings: replaying step 1 quietly)", 20);
        // the [3/4] of the first pass is still on the screen: wait for the one after going back
        String after = "";
        for (long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                System.nanoTime() < deadline;
                Thread.sleep(100)) {
            String again = screen();
            after = again.substring(again.lastIndexOf("(back to step 2"));
            if (after.contains("[3/4] Enter: run")) break;
        }
        assertThat(after)
                .contains("pagelab> touch buf --timing")
                .contains("\u2713 minor = 256")
                .contains("\u2713 present 0 -> 256")
                .doesNotContain("pagelab> map buf")
                .doesNotContain("\u2717");
        type("Enter");
        waitFor("[4/4] Enter: run", 20);
        type("Enter");
        waitFor("EXIT=0", 30);
        // every expectation of the 4 steps once (2 + 4 + 2 + 2), although step 2 ran twice
        assertThat(screen())
                .contains("PASS Demand paging: 10 expectations held")
                .doesNotContain("\u2717");
    }

    @Test
    void aLongTouchDrawsItsProgressThenErasesIt() throws Exception {
        String cmd =
                "env NO_COLOR=1 PAGELAB_NO_BUILD=1 XDG_CONFIG_HOME=/nonexistent/pagelab-test-config XDG_STATE_HOME="
                        + state + " " + ROOT.resolve("pagelab");
        assertThat(tmux("new-session", "-d", "-s", tmuxSession, "-x", "100", "-y", "40", cmd))
                .isZero();
        waitFor("pagelab>", 60);
        type("map t 32M --no-thp; touch t", "Enter");
        waitFor("faults   minor 8192", 20);
        waitForPrompt();
        // 33 554 432 timed accesses of resident memory: seconds here (~140 ns each), with no memory to find
        type("touch t --stride 1 --timing", "Enter");
        waitFor("Ctrl-C stops", 20);
        String during = screen();
        assertThat(during)
                .containsPattern(
                        "touch t: \\[[#\\-\u2588\u2591]+\\] +\\d+% +[\\d,]+ of 33,554,432 accesses +\\d+\\.\\d s  Ctrl-C stops");
        assertThat(during.lines()).allSatisfy(l -> assertThat(l.length()).isLessThan(100));
        waitFor("touch t: write, seq, 33554432 accesses every 1", 60);
        waitForPrompt();
        List<String> lines = screen().lines().toList();
        assertThat(lines).noneMatch(l -> l.contains("Ctrl-C stops"));
        int at = lines.indexOf("pagelab> touch t --stride 1 --timing");
        assertThat(at).isNotNegative();
        assertThat(lines.get(at + 1))
                .as("the report where the progress line was")
                .startsWith("touch t: write, seq, 33554432 accesses");
        assertThat(lines.get(at + 2)).contains("faults   minor 0  major 0");
        // a short step draws nothing
        type("touch t", "Enter");
        waitFor("touch t: write, seq, 8192 accesses", 20);
        waitForPrompt();
        type("exit", "Enter");
        waitForExit(20);
    }

    @Test
    void aScriptDrawsProgressOnATerminalAndNeverIntoAPipe() throws Exception {
        String script = "map t 32M --no-thp; touch t; touch t --stride 1 --timing";
        String env =
                "env NO_COLOR=1 PAGELAB_NO_BUILD=1 XDG_CONFIG_HOME=/nonexistent/pagelab-test-config XDG_STATE_HOME="
                        + state + " ";
        String cmd = "sh -c '" + env + ROOT.resolve("pagelab") + " -c \"" + script + "\"; echo EXIT=$?; sleep 60'";
        assertThat(tmux("new-session", "-d", "-s", tmuxSession, "-x", "100", "-y", "40", cmd))
                .isZero();
        // a script lays its text out in 80 columns (or $COLUMNS): the bar leaves "Ctrl-C stops" out there
        waitFor(" of 33,554,432 accesses", 60);
        waitFor("EXIT=0", 60);
        assertThat(screen())
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

    private void type(String... keys) throws Exception {
        List<String> args = new ArrayList<>(List.of("send-keys", "-t", tmuxSession));
        for (String k : keys) {
            args.add(k.equals("Enter") || k.equals("Tab") || k.startsWith("C-") ? k : "-l");
            if (!(k.equals("Enter") || k.equals("Tab") || k.startsWith("C-"))) {
                args.add(k);
            }
            tmux(args.toArray(String[]::new));
            args = new ArrayList<>(List.of("send-keys", "-t", tmuxSession));
        }
    }

    private String screen() throws Exception {
        ProcessBuilder pb = new ProcessBuilder("tmux", "-u", "-L", SOCKET, "capture-pane", "-p", "-t", tmuxSession)
                .redirectErrorStream(true);
        pb.environment().put("LANG", "C.UTF-8");
        pb.environment().put("LC_ALL", "C.UTF-8");
        Process p = pb.start();
        String s = new String(p.getInputStream().readAllBytes());
        p.waitFor(10, TimeUnit.SECONDS);
        return s;
    }

    private void waitFor(String text, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        String s = "";
        while (System.nanoTime() < deadline) {
            s = screen();
            if (s.contains(text)) return;
            Thread.sleep(100);
        }
        throw new AssertionError("screen never showed '" + text + "':\n" + s);
    }

    /** Until the console is back at an empty prompt (keys typed earlier would reach a cooked-mode tty). */
    private void waitForPrompt() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            List<String> lines = screen().lines().filter(l -> !l.isBlank()).toList();
            if (!lines.isEmpty() && lines.get(lines.size() - 1).equals("pagelab>")) {
                Thread.sleep(200);
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no prompt:\n" + screen());
    }

    private void waitForExit(int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            if (tmux("has-session", "-t", tmuxSession) != 0) return;
            Thread.sleep(100);
        }
        throw new AssertionError("pagelab did not exit on Ctrl-D:\n" + screen());
    }

    private static int tmux(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.addAll(List.of("tmux", "-u", "-L", SOCKET));
        cmd.addAll(List.of(args));
        ProcessBuilder pb =
                new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        // A tmux server of its own, in a UTF-8 locale whatever the caller's (CI may have none).
        pb.environment().put("LANG", "C.UTF-8");
        pb.environment().put("LC_ALL", "C.UTF-8");
        Process p = pb.start();
        return p.waitFor(10, TimeUnit.SECONDS) ? p.exitValue() : -1;
    }
}
