package dev.pagelab.console.classroom;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jline.terminal.Terminal;

/**
 * The pager of class mode: less, started directly (no sh -c, no $PAGER) with a fresh environment in which
 * {@code LESSSECURE=1} turns off every way out of it — {@code !} (shell), {@code |} (pipe), {@code v} (editor),
 * {@code :e} and globbing (other files), {@code s} (log file), the history file. Nothing the student's environment holds
 * reaches it: not LESSOPEN (an input preprocessor runs a command), LESSKEY, LESSSECURE_ALLOW (less 643 re-enables
 * features with it), EDITOR, VISUAL or SHELL.
 */
public final class SecurePager {
    private SecurePager() {}

    /** The environment variables kept from the console's own: what less needs to draw and decode text. */
    private static final List<String> KEPT = List.of("TERM", "LANG", "LC_ALL", "LC_CTYPE", "COLUMNS", "LINES");

    /** less, from the system's own directories only; null when it is not installed. */
    static Path less() {
        for (String dir : List.of("/usr/bin", "/bin")) {
            Path p = Path.of(dir, "less");
            if (Files.isExecutable(p)) return p;
        }
        return null;
    }

    /** The command line: colours kept, quit at once when the text fits, leave it on screen (as the console's default). */
    static List<String> command(Path less) {
        return List.of(less.toString(), "-R", "-F", "-X");
    }

    /** The pager's whole environment, built from {@code current}. */
    static Map<String, String> environment(Map<String, String> current) {
        Map<String, String> env = new LinkedHashMap<>();
        for (String k : KEPT) if (current.containsKey(k)) env.put(k, current.get(k));
        env.put("LESSSECURE", "1");
        env.put("LESSHISTFILE", "-");
        env.put("LESSKEYIN", "/dev/null");
        env.put("LESSKEY", "/dev/null");
        env.put("PATH", "/usr/bin:/bin");
        return env;
    }

    /** Pages {@code lines} on {@code terminal}; false when less is not there (the text is then printed as is). */
    public static boolean page(Terminal terminal, List<String> lines) {
        Path less = less();
        if (less == null) return false;
        try {
            terminal.writer().flush();
            terminal.pause(true);
            try {
                ProcessBuilder pb = new ProcessBuilder(command(less))
                        .redirectOutput(ProcessBuilder.Redirect.INHERIT)
                        .redirectError(ProcessBuilder.Redirect.INHERIT);
                Map<String, String> env = environment(System.getenv());
                pb.environment().clear();
                pb.environment().putAll(env);
                Process p = pb.start();
                try (PrintStream in = new PrintStream(p.getOutputStream(), true, StandardCharsets.UTF_8)) {
                    for (String l : lines) in.println(l);
                }
                p.waitFor();
            } finally {
                terminal.resume();
            }
            return true;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }
}
