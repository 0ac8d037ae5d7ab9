package dev.pagelab.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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

    @ParameterizedTest
    @ValueSource(ints = {60, 80})
    void noLineIsWiderThanTheTerminal(int width) throws Exception {
        // PAGER=cat: a manual page taller than the screen is printed, not held in less, so it is on the capture too
        String cmd =
                "env NO_COLOR=1 PAGER=cat PAGELAB_NO_BUILD=1 XDG_CONFIG_HOME=/nonexistent/pagelab-test-config XDG_STATE_HOME="
                        + state + " " + ROOT.resolve("pagelab");
        assertThat(pane.tmux("new-session", "-d", "-s", tmuxSession, "-x", Integer.toString(width), "-y", "50", cmd))
                .isZero();
        pane.tmux("set-option", "-t", tmuxSession, "history-limit", "20000");
        pane.waitFor("pagelab>", 60);
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
            pane.type(line, "Enter");
            pane.waitForPrompt(60);
        }
        String all = pane.scrollback(true);
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
        pane.type("exit", "Enter");
        pane.waitForExit(20);
    }
}
