package dev.pagelab.console;

import dev.pagelab.console.recipe.Expectation;
import dev.pagelab.console.recipe.RecipeParser;
import dev.pagelab.console.recipe.ReplayState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.tomlj.Toml;
import org.tomlj.TomlParseError;
import org.tomlj.TomlParseResult;
import org.tomlj.TomlPosition;
import org.tomlj.TomlTable;

/**
 * The user's settings from {@code config.toml}: where found, and each value with its default. A bad entry is
 * reported as {@code FILE:LINE:COLUMN: what is wrong} and replaced by its default; the console starts anyway.
 *
 * @param source       the file read, or null when there was none
 * @param feedback     default feedback mode
 * @param color        auto (colour on a capable terminal), always, never — NO_COLOR and --no-color still win
 * @param theme        default (colours) or mono (bold and faint only, for light or colour-poor terminals)
 * @param historySize  lines of history kept in memory and on disk
 * @param recipePath   directories searched for recipes by name, before the bundled recipes/
 * @param replayDelay  seconds between steps of an automatic replay
 * @param typingSpeed  characters per second of replay's typing effect
 * @param problems     what was wrong with the file, one line each
 */
public record Config(
        Path source,
        Feedback feedback,
        String color,
        String theme,
        int historySize,
        List<Path> recipePath,
        double replayDelay,
        double typingSpeed,
        List<String> problems) {
    public static final Config DEFAULTS = new Config(
            null,
            Feedback.NORMAL,
            "auto",
            "default",
            2000,
            List.of(),
            ReplayState.DEFAULT_DELAY,
            ReplayState.DEFAULT_TYPING,
            List.of());

    /** The same settings with recipes looked up in {@code path} (class mode: the class's material and the student's own). */
    public Config withRecipePath(List<Path> path) {
        return new Config(
                source, feedback, color, theme, historySize, List.copyOf(path), replayDelay, typingSpeed, problems);
    }

    private static final Map<String, Set<String>> KEYS = Map.of(
            "", Set.of("feedback", "color", "theme", "history_size", "recipes", "replay"),
            "recipes", Set.of("path"),
            "replay", Set.of("delay", "typing_speed"));

    /**
     * The file to read: {@code explicit} (--config), else $PAGELAB_CONFIG, else $XDG_CONFIG_HOME/pagelab/config.toml,
     * else ~/.config/pagelab/config.toml.
     */
    static Path location(String explicit) {
        if (explicit != null) return Path.of(explicit);
        String env = System.getenv("PAGELAB_CONFIG");
        if (env != null && !env.isBlank()) return Path.of(env);
        String xdg = System.getenv("XDG_CONFIG_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".config");
        return base.resolve("pagelab").resolve("config.toml");
    }

    /** Reads {@code file}; a missing file is normal unless it was named ({@code named}), which is then a problem. */
    static Config load(Path file, boolean named) {
        if (!Files.exists(file)) {
            return named ? withProblems(List.of(file + ": no such file; using the defaults")) : DEFAULTS;
        }
        TomlParseResult toml;
        try {
            toml = Toml.parse(file);
        } catch (IOException e) {
            return withProblems(List.of(file + ": cannot read it (" + e.getMessage() + "); using the defaults"));
        }
        List<String> problems = new ArrayList<>();
        if (toml.hasErrors()) {
            for (TomlParseError e : toml.errors()) {
                problems.add(at(file, e.position()) + "TOML syntax: "
                        + e.getMessage().replaceAll("\\s+", " ").trim());
            }
            problems.add(file + ": not valid TOML, so none of it applies; using the defaults");
            return withProblems(problems);
        }
        Reader r = new Reader(file, problems);
        r.unknown(toml, "");
        Feedback feedback = r.word(toml, "feedback", List.of("verbose", "normal", "concise", "silent"), "normal")
                .transform(w -> Feedback.of(w).orElse(Feedback.NORMAL));
        String color = r.word(toml, "color", List.of("auto", "always", "never"), "auto");
        String theme = r.word(toml, "theme", List.of("default", "mono"), "default");
        // at least 1: JLine saves its history by trimming to the size, and 0 there is not "no history"
        int history = (int) r.integer(toml, "history_size", 1, 1_000_000, 2000);
        List<Path> path = new ArrayList<>();
        if (r.table(toml, "recipes")) {
            TomlTable t = toml.getTable("recipes");
            r.unknown(t, "recipes");
            if (t.contains("path")) {
                if (t.isArray("path")) {
                    for (int i = 0; i < t.getArray("path").size(); i++) {
                        if (t.getArray("path").isString(i)) {
                            path.add(expand(t.getArray("path").getString(i)));
                        } else {
                            problems.add(at(file, t.getArray("path").inputPositionOf(i))
                                    + "recipes.path holds directory names in quotes");
                        }
                    }
                } else if (t.isString("path")) {
                    path.add(expand(t.getString("path")));
                } else {
                    problems.add(at(file, t.inputPositionOf("path"))
                            + "recipes.path must be a directory or a list of them, e.g. [\"~/recipes\"]");
                }
            }
        }
        double delay = ReplayState.DEFAULT_DELAY, typing = ReplayState.DEFAULT_TYPING;
        if (r.table(toml, "replay")) {
            TomlTable t = toml.getTable("replay");
            r.unknown(t, "replay");
            delay = r.number(t, "delay", 0, 600, ReplayState.DEFAULT_DELAY, "replay.delay", "seconds");
            typing = r.number(
                    t,
                    "typing_speed",
                    1,
                    1000,
                    ReplayState.DEFAULT_TYPING,
                    "replay.typing_speed",
                    "characters per second");
        }
        return new Config(
                file, feedback, color, theme, history, List.copyOf(path), delay, typing, List.copyOf(problems));
    }

    private static Config withProblems(List<String> problems) {
        return new Config(
                null,
                DEFAULTS.feedback,
                DEFAULTS.color,
                DEFAULTS.theme,
                DEFAULTS.historySize,
                DEFAULTS.recipePath,
                DEFAULTS.replayDelay,
                DEFAULTS.typingSpeed,
                List.copyOf(problems));
    }

    private static Path expand(String p) {
        return Path.of(p.startsWith("~/") ? System.getProperty("user.home") + p.substring(1) : p);
    }

    private static String at(Path file, TomlPosition p) {
        return p == null ? file + ": " : file + ":" + p.line() + ":" + p.column() + ": ";
    }

    /** Reads typed values, recording each problem and falling back to the default. */
    private record Reader(Path file, List<String> problems) {
        void unknown(TomlTable t, String table) {
            Set<String> allowed = KEYS.get(table);
            for (String k : t.keySet()) {
                if (!allowed.contains(k)) {
                    problems.add(at(file, t.inputPositionOf(k)) + "unknown key '" + (table.isEmpty() ? "" : table + ".")
                            + k
                            + "'" + RecipeParser.suggestion(k, allowed) + " (known: "
                            + String.join(", ", allowed.stream().sorted().toList())
                            + "); ignored");
                }
            }
        }

        boolean table(TomlTable t, String key) {
            if (!t.contains(key)) return false;
            if (!t.isTable(key)) {
                problems.add(at(file, t.inputPositionOf(key)) + key + " must be a table: [" + key + "]; ignored");
                return false;
            }
            return true;
        }

        String word(TomlTable t, String key, List<String> allowed, String dflt) {
            if (!t.contains(key)) return dflt;
            Object v = t.get(key);
            String w = v instanceof String s ? s.toLowerCase(Locale.ROOT) : null;
            if (w == null || !allowed.contains(w)) {
                problems.add(at(file, t.inputPositionOf(key)) + key + " must be one of " + String.join(", ", allowed)
                        + ", not " + (v instanceof String s ? "\"" + s + "\"" : String.valueOf(v)) + "; using \"" + dflt
                        + "\"");
                return dflt;
            }
            return w;
        }

        long integer(TomlTable t, String key, long min, long max, long dflt) {
            if (!t.contains(key)) return dflt;
            Object v = t.get(key);
            if (!(v instanceof Long n) || n < min || n > max) {
                problems.add(at(file, t.inputPositionOf(key)) + key + " must be an integer from " + min + " to " + max
                        + ", not " + (v instanceof String s ? "\"" + s + "\"" : String.valueOf(v)) + "; using " + dflt);
                return dflt;
            }
            return n;
        }

        double number(TomlTable t, String key, double min, double max, double dflt, String name, String unit) {
            if (!t.contains(key)) return dflt;
            Object v = t.get(key);
            double d = v instanceof Long n ? n : v instanceof Double x ? x : Double.NaN;
            if (!(d >= min && d <= max)) {
                problems.add(at(file, t.inputPositionOf(key)) + name + " must be " + unit + " from "
                        + Expectation.Num.format(min) + " to " + Expectation.Num.format(max) + ", not "
                        + (v instanceof String s ? "\"" + s + "\"" : String.valueOf(v)) + "; using "
                        + Expectation.Num.format(dflt));
                return dflt;
            }
            return d;
        }
    }
}
