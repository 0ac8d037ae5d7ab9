package dev.pagelab.console.recipe;

import dev.pagelab.commands.CommandError;
import dev.pagelab.commands.CommandLine;
import dev.pagelab.commands.Sizes;
import dev.pagelab.commands.report.Figures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.tomlj.Toml;
import org.tomlj.TomlArray;
import org.tomlj.TomlParseError;
import org.tomlj.TomlParseResult;
import org.tomlj.TomlPosition;
import org.tomlj.TomlTable;

/**
 * Reads a recipe file and checks all of it before anything runs: TOML syntax (tomlj reports line and column), the
 * keys and their types, each expectation's relation, each command's name, and the variables used. Every problem is
 * collected, each as {@code file:line:column: what was expected}.
 */
public final class RecipeParser {
    static final Set<String> TOP = Set.of("title", "summary", "author", "requires", "step", "cleanup");
    static final Set<String> REQUIRES = Set.of("root", "thp", "hugetlb", "hugetlb_pages", "memlock", "features");
    static final Set<String> STEP = Set.of("say", "run", "pause", "expect", "requires", "otherwise", "on", "predict");
    static final Set<String> VARIANT = Set.of("say", "run", "pause", "expect");
    static final Set<String> CLEANUP = Set.of("run", "requires");
    static final Set<String> THP_MODES = Set.of("always", "madvise", "never");
    /** Variables a command may use; the player fills them in. */
    static final Set<String> VARIABLES = Set.of("tmpdir", "recipe_dir");
    /** Variables narration may use: the release, and in a variant what the machine showed. */
    static final Set<String> SAY_VARIABLES = Set.of("release", "why");

    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([^}]*)}");
    /** Names an expectation may use (the recipe names of {@link Figures}); others are typos. */
    static final Set<String> KEYS = Figures.recipeNames();

    /** A recipe that cannot run as written: every problem found, each one line. */
    public static final class FormatError extends Exception {
        public final List<String> problems;

        public FormatError(List<String> problems) {
            super(String.join("\n", problems));
            this.problems = List.copyOf(problems);
        }
    }

    private final Path file;
    private final String name;
    private final Predicate<String> knownCommand;
    private final List<String> problems = new ArrayList<>();

    private RecipeParser(Path file, Predicate<String> knownCommand) {
        this.file = file;
        this.name = file.toString();
        this.knownCommand = knownCommand;
    }

    /**
     * @param knownCommand whether a command name (or unique prefix) exists in the console's registry
     */
    public static Recipe parse(Path file, Predicate<String> knownCommand) throws FormatError {
        return new RecipeParser(file, knownCommand).parse();
    }

    private Recipe parse() throws FormatError {
        TomlParseResult toml;
        try {
            if (!Files.isRegularFile(file)) throw new FormatError(List.of(name + ": no such recipe file"));
            toml = Toml.parse(file);
        } catch (IOException e) {
            throw new FormatError(List.of(name + ": cannot read it: " + e.getMessage()));
        }
        if (toml.hasErrors()) {
            for (TomlParseError e : toml.errors()) {
                problems.add(at(e.position()) + "TOML syntax: "
                        + e.getMessage().replaceAll("\\s+", " ").trim());
            }
            throw new FormatError(problems);
        }
        unknownKeys(toml, TOP, "a recipe's top level");
        String title = string(toml, "title", true);
        String summary = string(toml, "summary", true);
        String author = string(toml, "author", false);
        Recipe.Requirements req = requirements(toml);
        List<Recipe.Step> steps = steps(toml, "step", true);
        List<Recipe.Step> cleanup = steps(toml, "cleanup", false);
        if (!problems.isEmpty()) throw new FormatError(problems);
        return new Recipe(file, title, summary, author == null ? "" : author, req, steps, cleanup);
    }

    private Recipe.Requirements requirements(TomlTable toml) {
        if (!toml.contains("requires")) return Recipe.Requirements.NONE;
        return requirements(toml, "requires", "[requires]");
    }

    /**
     * {@code requires} of a recipe or a step: one word, a list of words, or a table of the keys that take values
     * (root, thp, hugetlb, hugetlb_pages, memlock) with the words as {@code features}.
     */
    private Recipe.Requirements requirements(TomlTable parent, String key, String where) {
        if (parent.isString(key) || parent.isArray(key)) {
            return new Recipe.Requirements(false, List.of(), 0, 0, 0, capabilityWords(parent, key));
        }
        if (!parent.isTable(key)) {
            problems.add(
                    at(parent, key) + "requires is a list of capability words, e.g. requires = [\"madv_pageout\"], "
                            + "or a table: [requires]");
            return Recipe.Requirements.NONE;
        }
        TomlTable r = parent.getTable(key);
        if (r.contains("kernel")) {
            problems.add(
                    at(r, "kernel") + "kernel = compares release numbers, and distribution kernels backport features "
                            + "(RHEL's 5.14 has calls upstream added in 6.x): name what is needed instead, e.g. features = "
                            + "[\"madv_guard_install\"] ('help replay' lists the words)");
        }
        for (String k : r.keySet()) {
            if (!k.equals("kernel") && !REQUIRES.contains(k)) {
                problems.add(at(r, k) + "unknown key '" + shown(k) + "' in " + where + suggestion(k, REQUIRES)
                        + " (allowed: "
                        + String.join(", ", REQUIRES.stream().sorted().toList()) + ")");
            }
        }
        boolean root = bool(r, "root");
        List<String> thp = words(r, "thp", THP_MODES);
        long hugetlbSize = 0;
        String h = string(r, "hugetlb", false);
        if (h != null) {
            // a huge page size, e.g. "2M" or "1G" (x86-64), "32M" or "512M" (arm64); whether this kernel has the
            // pool is a requirement checked when the recipe runs
            Matcher size = Pattern.compile("(\\d+)([KMG])(I?B)?").matcher(h.toUpperCase(Locale.ROOT));
            if (size.matches() && size.group(1).length() < 6) {
                hugetlbSize = Long.parseLong(size.group(1))
                        << switch (size.group(2)) {
                            case "K" -> 10;
                            case "M" -> 20;
                            default -> 30;
                        };
            }
            if (hugetlbSize < (64L << 10) || Long.bitCount(hugetlbSize) != 1) {
                problems.add(at(r, "hugetlb") + "hugetlb must be a huge page size such as \"2M\" or \"1G\", not \""
                        + shown(h) + "\"");
                hugetlbSize = 0;
            }
        }
        long pages = 0;
        if (r.contains("hugetlb_pages")) {
            if (!r.isLong("hugetlb_pages") || r.getLong("hugetlb_pages") < 1) {
                problems.add(at(r, "hugetlb_pages") + "hugetlb_pages must be a whole number of pages, at least 1");
            } else {
                pages = r.getLong("hugetlb_pages");
                if (h == null)
                    problems.add(at(r, "hugetlb_pages") + "hugetlb_pages needs hugetlb = SIZE beside it, e.g. \"2M\"");
            }
        }
        long memlock = 0;
        String ml = string(r, "memlock", false);
        if (ml != null) {
            try {
                memlock =
                        Sizes.parse(ml, dev.pagelab.linux.PageGeometry.current().pageSize(), 0, "memlock size");
                if (memlock < 1) throw CommandError.usage(0, "", "");
            } catch (CommandError e) {
                problems.add(
                        at(r, "memlock") + "memlock is the size this process must be able to lock, e.g. \"1M\", not \""
                                + shown(ml) + "\"");
            }
        }
        List<String> features = r.contains("features") ? capabilityWords(r, "features") : List.of();
        return new Recipe.Requirements(root, thp, hugetlbSize, pages, memlock, features);
    }

    /** A capability word or a list of them, each checked against the vocabulary. */
    private List<String> capabilityWords(TomlTable t, String key) {
        List<String> out = stringOrStrings(t, key, "a capability word or an array of them, e.g. [\"madv_pageout\"]");
        for (String w : out) capabilityWord(at(t, key), w);
        return out;
    }

    private void capabilityWord(String where, String w) {
        if (RecipeRequirements.known(w)) return;
        Set<String> all = new java.util.TreeSet<>(RecipeRequirements.WORDS.keySet());
        for (String k : RecipeRequirements.WORDS.keySet()) all.add(RecipeRequirements.NO + k);
        String hint = suggestion(w, all);
        if (hint.isEmpty()) {
            // a word cut short: madv_guard for madv_guard_install
            for (String k : all) {
                if (w.length() >= 4 && k.startsWith(w)) {
                    hint = " (did you mean '" + k + "'?)";
                    break;
                }
            }
        }
        problems.add(where + "'" + shown(w) + "' is not a capability pagelab knows" + hint
                + "; the words are listed by " + "'help replay' (any of them may be negated with no_)");
    }

    private List<Recipe.Step> steps(TomlTable toml, String key, boolean required) {
        List<Recipe.Step> out = new ArrayList<>();
        if (!toml.contains(key)) {
            if (required) problems.add(name + ":1:1: a recipe needs at least one [[step]]");
            return out;
        }
        if (!toml.isArray(key) || !all(toml.getArray(key), true)) {
            problems.add(at(toml, key) + key + " must be an array of tables: write [[" + key + "]]");
            return out;
        }
        boolean cleanup = key.equals("cleanup");
        TomlArray array = toml.getArray(key);
        boolean commandBefore = false;
        for (int i = 0; i < array.size(); i++) {
            TomlTable t = array.getTable(i);
            TomlPosition pos = array.inputPositionOf(i);
            String where = "[[" + key + "]]";
            unknownKeys(t, cleanup ? CLEANUP : STEP, where);
            String say = say(t, false);
            String run = string(t, "run", false);
            if (run == null && say == null) {
                problems.add(at(pos) + where + " needs run = \"COMMAND\" (or say = \"...\" for narration only)");
            }
            if (run == null && cleanup) problems.add(at(pos) + "[[cleanup]] needs run = \"COMMAND\"");
            if (run != null) command(t, run);
            double pause = pause(t);
            List<Expectation> expect = cleanup ? List.of() : expectations(t, run != null, commandBefore);
            Recipe.Requirements requires = t.contains("requires")
                    ? requirements(t, "requires", where + " requires")
                    : Recipe.Requirements.NONE;
            if (cleanup) {
                out.add(new Recipe.Step(
                        pos == null ? 0 : pos.line(), say, run, pause, expect, requires, null, List.of(), List.of()));
                continue;
            }
            Recipe.Variant otherwise = null;
            if (t.contains("otherwise")) {
                if (!t.contains("requires")) {
                    problems.add(
                            at(t, "otherwise") + "otherwise runs when the step's requires are not met: add requires = "
                                    + "[...] beside it");
                }
                otherwise = variant(t, "otherwise", "otherwise", run != null, commandBefore);
            }
            List<Recipe.Variant> on = new ArrayList<>();
            if (t.contains("on")) {
                if (!t.isTable("on")) {
                    problems.add(at(t, "on")
                            + "on is a table of variants by capability word: [step.on.no_shared_zero_page]");
                } else {
                    TomlTable o = t.getTable("on");
                    for (String word : o.keySet()) {
                        capabilityWord(at(o, word), word);
                        Recipe.Variant v = variant(o, word, word, run != null, commandBefore);
                        if (v != null) on.add(v);
                    }
                }
            }
            boolean runs = run != null
                    || otherwise != null && otherwise.run() != null
                    || on.stream().anyMatch(v -> v.run() != null);
            commandBefore |= runs;
            List<Prediction> predict = predictions(t, runs);
            out.add(new Recipe.Step(
                    pos == null ? 0 : pos.line(),
                    say,
                    run,
                    pause,
                    expect,
                    requires,
                    otherwise,
                    List.copyOf(on),
                    predict));
        }
        if (required && out.isEmpty()) problems.add(at(toml, key) + "a recipe needs at least one [[step]]");
        return out;
    }

    /** {@code on.WORD} or {@code otherwise}: say, run, pause and expectations that replace the step's. */
    private Recipe.Variant variant(
            TomlTable parent, String key, String condition, boolean stepRuns, boolean commandBefore) {
        if (!parent.isTable(List.of(key))) {
            problems.add(at(parent, key) + (condition.equals("otherwise") ? "otherwise" : "on." + shown(condition))
                    + " must be a table of say, run, pause and expect.*");
            return null;
        }
        TomlTable v = parent.getTable(List.of(key));
        TomlPosition pos = parent.inputPositionOf(List.of(key));
        unknownKeys(v, VARIANT, condition.equals("otherwise") ? "otherwise" : "on." + condition);
        String say = say(v, true);
        String run = string(v, "run", false);
        if (run != null) command(v, run);
        double pause = pause(v);
        List<Expectation> expect =
                v.contains("expect") ? expectations(v, run != null || stepRuns, commandBefore) : null;
        if (v.isEmpty()) problems.add(at(pos) + "an empty variant changes nothing: give say, run or expect.*");
        return new Recipe.Variant(pos == null ? 0 : pos.line(), condition, say, run, pause, expect);
    }

    /** {@code say}, with its variables checked ({@code ${why}} only where a variant explains itself). */
    private String say(TomlTable t, boolean variant) {
        String say = string(t, "say", false);
        if (say == null) return null;
        Matcher m = VARIABLE.matcher(say);
        while (m.find()) {
            String v = m.group(1);
            if (!SAY_VARIABLES.contains(v) || v.equals("why") && !variant) {
                problems.add(at(t, "say") + "unknown variable ${" + shown(v) + "} in narration: use ${release}"
                        + (variant ? " or ${why}" : " (and ${why} in on.WORD or otherwise)"));
            }
        }
        return say;
    }

    private double pause(TomlTable t) {
        double pause = -1;
        if (t.contains("pause")) {
            if (t.isBoolean("pause")) {
                pause = Boolean.TRUE.equals(t.getBoolean("pause")) ? Double.POSITIVE_INFINITY : 0;
            } else if (t.isDouble("pause") || t.isLong("pause")) {
                pause = t.isLong("pause") ? t.getLong("pause") : t.getDouble("pause");
                if (pause < 0 || pause > 600)
                    problems.add(at(t, "pause") + "pause is seconds from 0 to 600, or true/false");
            } else {
                problems.add(at(t, "pause") + "pause is seconds (e.g. 2.5) or true (wait for a key)");
            }
        }
        return pause;
    }

    private List<Expectation> expectations(TomlTable t, boolean runs, boolean commandBefore) {
        List<Expectation> expect = new ArrayList<>();
        if (!t.contains("expect")) return expect;
        if (!t.isTable("expect")) {
            problems.add(at(t, "expect") + "expect must be a table: expect.minor = 256, or expect = { minor = 256 }");
            return expect;
        }
        if (!runs) {
            problems.add(at(t, "expect") + "expectations need a command to check: add run = \"...\"");
            return expect;
        }
        TomlTable e = t.getTable("expect");
        for (String k : e.keySet()) {
            String src = at(e, k);
            if (!KEYS.contains(k)) {
                problems.add(src + "expect." + shown(k) + " is not a figure pagelab reports" + suggestion(k, KEYS));
                continue;
            }
            try {
                Expectation x = Expectation.of(k, e.get(List.of(k)), src.substring(0, src.length() - 2));
                for (Expectation.Term term : x.terms()) {
                    String f = term.figure();
                    boolean previous = f.startsWith(Expectation.PREVIOUS);
                    String figure = previous ? f.substring(Expectation.PREVIOUS.length()) : f;
                    if (!KEYS.contains(figure) || Expectation.textKey(figure)) {
                        throw new IllegalArgumentException(
                                "'" + f + "' is not a figure pagelab reports" + suggestion(figure, KEYS));
                    }
                    if (previous && !commandBefore) {
                        throw new IllegalArgumentException("'" + f + "': no step before this one runs a command");
                    }
                }
                expect.add(x);
            } catch (IllegalArgumentException ex) {
                problems.add(src + ex.getMessage().replaceAll("\\s+", " "));
            }
        }
        return expect;
    }

    /**
     * {@code predict = ["minor", "present"]} (each within {@value Prediction#DEFAULT_PERCENT}% of the kernel's
     * figure) or {@code predict = { minor = "exact", rss_delta = "± 5%" }}: figures the user is asked for first.
     */
    private List<Prediction> predictions(TomlTable t, boolean runs) {
        if (!t.contains("predict")) return List.of();
        String where = at(t, "predict");
        List<Prediction> out = new ArrayList<>();
        java.util.Map<String, Object> figures = new java.util.LinkedHashMap<>();
        if (t.isArray("predict") && all(t.getArray("predict"), false)) {
            for (Object o : t.getArray("predict").toList()) {
                if (figures.containsKey((String) o))
                    problems.add(where + "predict names '" + shown((String) o) + "' twice");
                figures.put((String) o, null);
            }
        } else if (t.isTable("predict")) {
            TomlTable p = t.getTable("predict");
            for (String k : p.keySet()) figures.put(k, p.get(List.of(k)));
        } else {
            problems.add(where + "predict is a list of figures, e.g. predict = [\"minor\", \"present\"], or a table "
                    + "of tolerances: predict = { minor = \"exact\", rss_delta = \"± 10%\" }");
            return out;
        }
        if (figures.isEmpty()) problems.add(where + "predict names no figure: e.g. predict = [\"minor\"]");
        if (!runs && !figures.isEmpty()) {
            problems.add(where + "a prediction needs a command whose figures it is scored on: add run = \"...\"");
            return out;
        }
        Set<String> allowed = Prediction.predictable();
        for (var e : figures.entrySet()) {
            String f = e.getKey();
            if (!allowed.contains(f)) {
                problems.add(where + "predict: '" + shown(f) + "' "
                        + (KEYS.contains(f) ? "is not a number to predict" : "is not a figure pagelab reports")
                        + suggestion(f, allowed) + " (e.g. minor, major, present, rss_delta)");
                continue;
            }
            try {
                out.add(e.getValue() == null ? Prediction.of(f) : Prediction.of(f, e.getValue()));
            } catch (IllegalArgumentException ex) {
                problems.add(where + ex.getMessage());
            }
        }
        return List.copyOf(out);
    }

    private void command(TomlTable t, String run) {
        Matcher m = VARIABLE.matcher(run);
        while (m.find()) {
            if (!VARIABLES.contains(m.group(1))) {
                problems.add(at(t, "run") + "unknown variable ${" + shown(m.group(1)) + "}: use "
                        + String.join(
                                ", ",
                                VARIABLES.stream()
                                        .sorted()
                                        .map(v -> "${" + v + "}")
                                        .toList()));
            }
        }
        try {
            for (String statement : CommandLine.splitStatements(run)) {
                CommandLine cl = CommandLine.parse(statement);
                if (!cl.isEmpty() && !knownCommand.test(cl.name())) {
                    problems.add(at(t, "run") + "'" + cl.name() + "' is not a pagelab command ('help' lists them)");
                }
            }
        } catch (CommandError e) {
            problems.add(at(t, "run") + e.getMessage());
        }
    }

    /** A word from the file as one short line of a message. */
    private static String shown(String word) {
        String w = word.replaceAll("\\s+", " ");
        return w.length() > 40 ? w.substring(0, 37) + "..." : w;
    }

    private void unknownKeys(TomlTable t, Set<String> allowed, String where) {
        for (String k : t.keySet()) {
            if (!allowed.contains(k)) {
                problems.add(
                        at(t, k) + "unknown key '" + shown(k) + "' in " + where + suggestion(k, allowed) + " (allowed: "
                                + String.join(", ", allowed.stream().sorted().toList()) + ")");
            }
        }
    }

    private String string(TomlTable t, String key, boolean required) {
        if (!t.contains(key)) {
            if (required) problems.add(name + ":1:1: a recipe needs " + key + " = \"...\"");
            return null;
        }
        if (!t.isString(key)) {
            problems.add(at(t, key) + key + " must be a string in quotes");
            return null;
        }
        return t.getString(key);
    }

    private boolean bool(TomlTable t, String key) {
        if (!t.contains(key)) return false;
        if (!t.isBoolean(key)) {
            problems.add(at(t, key) + key + " must be true or false");
            return false;
        }
        return Boolean.TRUE.equals(t.getBoolean(key));
    }

    /** A string or array of strings, each one of {@code allowed}. */
    private List<String> words(TomlTable t, String key, Set<String> allowed) {
        if (!t.contains(key)) return List.of();
        List<String> out = stringOrStrings(t, key, "a string or an array of strings");
        for (String w : out) {
            if (!allowed.contains(w)) {
                problems.add(at(t, key) + "'" + shown(w) + "' is not one of "
                        + String.join(", ", allowed.stream().sorted().toList()));
            }
        }
        return out;
    }

    /** The string at {@code key}, or the strings of its array; else a problem saying it must be {@code what}. */
    private List<String> stringOrStrings(TomlTable t, String key, String what) {
        if (t.isString(key)) return List.of(t.getString(key));
        if (t.isArray(key) && all(t.getArray(key), false)) {
            List<String> out = new ArrayList<>();
            for (Object o : t.getArray(key).toList()) out.add((String) o);
            return out;
        }
        problems.add(at(t, key) + key + " must be " + what);
        return List.of();
    }

    /** Whether every element is a table (or, with {@code tables} false, a string). */
    private static boolean all(TomlArray a, boolean tables) {
        for (int i = 0; i < a.size(); i++) if (tables ? !a.isTable(i) : !a.isString(i)) return false;
        return true;
    }

    private String at(TomlTable t, String key) {
        return at(t.inputPositionOf(List.of(key))); // one key as written, never split at dots
    }

    private String at(TomlPosition p) {
        return p == null ? name + ": " : name + ":" + p.line() + ":" + p.column() + ": ";
    }

    /** " (did you mean 'X'?)" for a key one or two edits from an allowed one. */
    public static String suggestion(String word, Set<String> allowed) {
        String best = null;
        int bestDistance = 3;
        for (String a : allowed) {
            int d = distance(word, a);
            if (d < bestDistance) {
                bestDistance = d;
                best = a;
            }
        }
        return best == null ? "" : " (did you mean '" + best + "'?)";
    }

    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1], cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                cur[j] = Math.min(
                        Math.min(cur[j - 1] + 1, prev[j] + 1),
                        prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
            }
            int[] x = prev;
            prev = cur;
            cur = x;
        }
        return prev[b.length()];
    }
}
