package dev.pagelab.console;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A pane of a tmux server of the test's own: a real pseudo-terminal the console draws in, keys typed into it, and
 * its screen read back. The pty tests share it, so that how they type and wait is written once.
 */
final class TmuxPane {
    private final String socket;
    private final String session;

    TmuxPane(String socket, String session) {
        this.socket = socket;
        this.session = session;
    }

    String session() {
        return session;
    }

    /** Runs a tmux command against this server; its exit status, -1 when it hung. */
    int tmux(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("tmux", "-u", "-L", socket));
        cmd.addAll(List.of(args));
        ProcessBuilder pb =
                new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        // in a UTF-8 locale whatever the caller's (CI may have none)
        pb.environment().put("LANG", "C.UTF-8");
        pb.environment().put("LC_ALL", "C.UTF-8");
        Process p = pb.start();
        return p.waitFor(10, TimeUnit.SECONDS) ? p.exitValue() : -1;
    }

    /** Types each key: Enter, Tab and C-x as keys, anything else as literal text. */
    void type(String... keys) throws Exception {
        for (String k : keys) {
            boolean key = k.equals("Enter") || k.equals("Tab") || k.startsWith("C-");
            if (key) tmux("send-keys", "-t", session, k);
            else tmux("send-keys", "-t", session, "-l", k);
        }
    }

    /** What the screen shows now. */
    String screen() throws Exception {
        return capture("capture-pane", "-p", "-t", session);
    }

    /** The whole scrollback; with {@code joined}, the lines the terminal wrapped joined again. */
    String scrollback(boolean joined) throws Exception {
        return joined
                ? capture("capture-pane", "-p", "-S", "-", "-J", "-t", session)
                : capture("capture-pane", "-p", "-S", "-", "-t", session);
    }

    private String capture(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("tmux", "-u", "-L", socket));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("LANG", "C.UTF-8");
        pb.environment().put("LC_ALL", "C.UTF-8");
        Process p = pb.start();
        String s = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(10, TimeUnit.SECONDS);
        return s;
    }

    void waitFor(String text, int seconds) throws Exception {
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
    void waitForPrompt(int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        Thread.sleep(200);
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

    void waitForExit(int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            if (tmux("has-session", "-t", session) != 0) return;
            Thread.sleep(100);
        }
        throw new AssertionError("pagelab did not exit:\n" + screen());
    }
}
