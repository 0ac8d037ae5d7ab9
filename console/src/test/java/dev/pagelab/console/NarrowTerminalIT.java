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
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The launcher in a pseudo-terminal (tmux) 60 and 80 columns wide: the help overview, a manual page, step reports,
 * a residency map and its legend, inspect-pagemap, a sweep and an error all fit the width, so the terminal never
 * breaks a line (and so never splits a word). tmux's {@code capture-pane -J} joins the lines the terminal wrapped:
 * a joined line wider than the pane is one the console failed to wrap itself.
 */
class NarrowTerminalIT {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final String SOCKET = "pagelab-narrow-" + ProcessHandle.current().pid();
    final String tmuxSession = "pagelab-narrow";

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

    @ParameterizedTest
    @ValueSource(ints = {60, 80})
    void noLineIsWiderThanTheTerminal(int width) throws Exception {
        // PAGER=cat: a manual page taller than the screen is printed, not held in less, so it is on the capture too
        String cmd =
                "env NO_COLOR=1 PAGER=cat PAGELAB_NO_BUILD=1 XDG_CONFIG_HOME=/nonexistent/pagelab-test-config XDG_STATE_HOME="
                        + state + " " + ROOT.resolve("pagelab");
        assertThat(tmux("new-session", "-d", "-s", tmuxSession, "-x", Integer.toString(width), "-y", "50", cmd))
                .isZero();
        tmux("set-option", "-t", tmuxSession, "history-limit", "20000");
        waitFor("pagelab>", 60);
        for (String line : List.of(
                "help",
                "help clear-refs",
                "map m1 8M --no-thp",
                "touch m1[0:1M]",
                "view m1",
                "inspect-pagemap m1",
                "watch m1",
                "advise m1[0:512K] dontneed",
                "unwatch",
                "touch m1[1M:4K] --bogus",
                "bench sweep --sizes 4K,64K --reps 1")) {
            type(line, "Enter");
            waitForPrompt();
        }
        String all = capture(true);
        assertThat(all)
                .contains("/proc/self/clear_refs")
                .contains("bench sweep")
                .contains("not present");
        // (what the user typed is theirs: the line editor scrolls or wraps it)
        List<String> tooWide = all.lines()
                .filter(l -> !l.startsWith("pagelab> "))
                .filter(l -> l.stripTrailing().length() > width)
                .toList();
        assertThat(tooWide)
                .as("lines the terminal had to break at " + width + " columns")
                .isEmpty();
        type("exit", "Enter");
        waitForExit(20);
    }

    private void type(String... keys) throws Exception {
        for (String k : keys) {
            boolean key = k.equals("Enter") || k.equals("Tab") || k.startsWith("C-");
            if (key) tmux("send-keys", "-t", tmuxSession, k);
            else tmux("send-keys", "-t", tmuxSession, "-l", k);
        }
    }

    /** The whole scrollback; with {@code joined}, the lines the terminal wrapped joined again. */
    private String capture(boolean joined) throws Exception {
        List<String> cmd = new ArrayList<>(
                List.of("tmux", "-u", "-L", SOCKET, "capture-pane", "-p", "-S", "-", "-t", tmuxSession));
        if (joined) cmd.add("-J");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("LANG", "C.UTF-8");
        pb.environment().put("LC_ALL", "C.UTF-8");
        Process p = pb.start();
        String s = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        p.waitFor(10, TimeUnit.SECONDS);
        return s;
    }

    private String screen() throws Exception {
        ProcessBuilder pb = new ProcessBuilder("tmux", "-u", "-L", SOCKET, "capture-pane", "-p", "-t", tmuxSession)
                .redirectErrorStream(true);
        pb.environment().put("LANG", "C.UTF-8");
        pb.environment().put("LC_ALL", "C.UTF-8");
        Process p = pb.start();
        String s = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
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

    /** Until the console is back at an empty prompt. */
    private void waitForPrompt() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        Thread.sleep(200);
        while (System.nanoTime() < deadline) {
            List<String> lines = screen().lines().filter(l -> !l.isBlank()).toList();
            if (!lines.isEmpty() && lines.get(lines.size() - 1).equals("pagelab>")) {
                Thread.sleep(100);
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
        throw new AssertionError("pagelab did not exit:\n" + screen());
    }

    private static int tmux(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("tmux", "-u", "-L", SOCKET));
        cmd.addAll(List.of(args));
        ProcessBuilder pb =
                new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("LANG", "C.UTF-8");
        pb.environment().put("LC_ALL", "C.UTF-8");
        Process p = pb.start();
        return p.waitFor(10, TimeUnit.SECONDS) ? p.exitValue() : -1;
    }
}
