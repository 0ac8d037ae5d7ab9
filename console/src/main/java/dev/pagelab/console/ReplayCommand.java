package dev.pagelab.console;

import dev.pagelab.commands.Args;
import dev.pagelab.commands.BaseCommand;
import dev.pagelab.commands.CommandError;
import dev.pagelab.commands.CommandLine;
import dev.pagelab.commands.CommandRegistry;
import dev.pagelab.commands.Completions;
import dev.pagelab.commands.Session;
import dev.pagelab.commands.report.Report;
import dev.pagelab.commands.report.TextReport;
import dev.pagelab.console.recipe.Expectation;
import dev.pagelab.console.recipe.Recipe;
import dev.pagelab.console.recipe.RecipeLibrary;
import dev.pagelab.console.recipe.RecipeParser;
import dev.pagelab.console.recipe.RecipePlayer;
import dev.pagelab.console.recipe.ReplayState;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code replay [RECIPE...] [--check | --auto | --step] [--delay SECONDS] [--typing[=CPS]] [--cast FILE]}: plays
 * recipes (files, directories of them, or names from the recipe path). Without a recipe, lists those it can find.
 */
final class ReplayCommand extends BaseCommand {
    static final Args.OptionSpec OPTIONS =
            new Args.OptionSpec(Set.of("check", "auto", "step"), Set.of("delay", "cast"), Set.of("typing"));
    private final ConsoleIO io;
    private final ReplayState replays;
    private final CommandRegistry registry;

    ReplayCommand(ConsoleIO io, ReplayState replays, CommandRegistry registry) {
        super("replay", OPTIONS);
        this.io = io;
        this.replays = replays;
        this.registry = registry;
    }

    @Override
    public boolean runsOnStepThread() {
        return false;
    }

    @Override
    public List<String> complete(Session session, List<String> before, int wordIndex) {
        String prev = before.isEmpty() ? "" : before.get(before.size() - 1);
        if (prev.equals("--delay")) return List.of("0", "1", "2.5");
        if (prev.equals("--cast")) return List.of("demo.cast");
        List<String> out = new ArrayList<>(library().names());
        out.addAll(Completions.options(OPTIONS));
        return out;
    }

    RecipeLibrary library() {
        return new RecipeLibrary(replays.recipePath());
    }

    @Override
    public Report run(Session session, CommandLine line) throws CommandError {
        Args a = Args.parse(line, OPTIONS);
        RecipeLibrary lib = library();
        if (a.positional().isEmpty()) return list(lib);
        int modes = (a.has("check") ? 1 : 0) + (a.has("auto") ? 1 : 0) + (a.has("step") ? 1 : 0);
        if (modes > 1)
            throw CommandError.usage(0, "--check, --auto and --step are different paces", "give one of them");
        RecipePlayer.Mode mode = a.has("check")
                ? RecipePlayer.Mode.CHECK
                : a.has("auto")
                        ? RecipePlayer.Mode.AUTO
                        : a.has("step")
                                ? RecipePlayer.Mode.STEP
                                : replays.keys() != null ? RecipePlayer.Mode.STEP : RecipePlayer.Mode.AUTO;
        if (mode == RecipePlayer.Mode.STEP && replays.keys() == null) {
            throw CommandError.usage(
                    0, "--step needs keys from a terminal, and input is not one", "use --auto or --check");
        }
        double delay =
                mode == RecipePlayer.Mode.AUTO && replays.keys() == null && !a.has("delay") ? 0 : replays.delay();
        if (a.has("delay")) delay = seconds(a.option("delay"));
        double typing = 0;
        if (a.has("typing")) {
            Args.Option o = a.option("typing");
            typing = o.value() == null || o.value().isEmpty()
                    ? replays.typingSpeed()
                    : number(o, 1, 1000, "characters per second");
        }
        if (mode == RecipePlayer.Mode.CHECK) typing = 0;

        List<Path> files = new ArrayList<>();
        for (Args.Positional p : a.positional()) {
            List<Path> found = lib.resolve(p.text());
            if (found.isEmpty()) {
                throw CommandError.usage(
                        p.index(),
                        "no recipe '" + p.text() + "'",
                        lib.names().isEmpty()
                                ? "give the path of a .toml file"
                                : "recipes: " + String.join(", ", lib.names()));
            }
            files.addAll(found);
        }
        // Every file is read and checked before anything runs.
        List<Recipe> recipes = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (Path f : files) {
            try {
                recipes.add(RecipeParser.parse(f, this::known));
            } catch (RecipeParser.FormatError e) {
                problems.addAll(e.problems);
            }
        }
        if (!problems.isEmpty()) {
            for (String p : problems) io.warn(p);
            throw CommandError.usage(
                    -1,
                    (files.size() == 1 ? files.get(0).toString() : files.size() + " recipes") + ": "
                            + problems.size() + (problems.size() == 1 ? " problem" : " problems")
                            + " in the recipe file, listed above;"
                            + " nothing was run",
                    "the format is in 'help replay'");
        }

        CastWriter cast = null;
        if (a.has("cast")) {
            Args.Option o = a.option("cast");
            try {
                int h = io.height() > 0 ? io.height() : 24;
                cast = new CastWriter(
                        Path.of(o.value()),
                        io.width(),
                        h,
                        recipes.size() == 1 ? recipes.get(0).title() : "pagelab recipes");
            } catch (IOException e) {
                throw CommandError.usage(
                        o.index(), "cannot write " + o.value() + ": " + e.getMessage(), "give a writable path");
            }
            io.copyOutputTo(cast);
        }
        RecipePlayer player =
                new RecipePlayer(io, session, new RecipePlayer.Options(mode, delay, typing), replays.keys());
        if (io.json()) player.predictionsSkipped("JSON output does not ask");
        dev.pagelab.console.classroom.ClassPolicy.active()
                .ifPresent(p -> player.onScored(dev.pagelab.console.classroom.ClassResults.writer(p, io::println)));
        List<RecipePlayer.Result> results = new ArrayList<>();
        replays.playing(player);
        try {
            for (Recipe r : recipes) {
                results.add(player.play(r));
                if (player.stopped()) break;
            }
        } finally {
            replays.playing(null);
            if (cast != null) {
                io.copyOutputTo(null);
                try {
                    cast.close();
                } catch (IOException e) {
                    io.println("note: the recording " + cast.path() + " may be incomplete: " + e.getMessage());
                }
            }
        }
        List<String> lines = new ArrayList<>();
        long failed = results.stream().filter(r -> !r.ok()).count();
        long skipped = results.stream().filter(r -> r.skipped() != null).count();
        int stepsSkipped =
                results.stream().mapToInt(RecipePlayer.Result::skippedSteps).sum();
        long recipesWithSkips =
                results.stream().filter(r -> r.skippedSteps() > 0).count();
        if (results.size() > 1) {
            lines.add(results.size() + " recipes: " + (results.size() - failed - skipped) + " passed, " + failed
                    + " failed, "
                    + skipped + " skipped"
                    + (stepsSkipped == 0
                            ? ""
                            : "; " + stepsSkipped + (stepsSkipped == 1 ? " step" : " steps")
                                    + " skipped on this machine in " + recipesWithSkips
                                    + (recipesWithSkips == 1 ? " recipe" : " recipes")));
        }
        if (cast != null)
            lines.add("recorded to " + cast.path() + " (asciinema v2: 'asciinema play " + cast.path() + "')");
        if (failed > 0) {
            if (!lines.isEmpty())
                io.print(lines.stream()
                        .map(org.jline.utils.AttributedString::new)
                        .toList());
            throw CommandError.refused(
                    failed == 1
                            ? results.stream()
                                    .filter(r -> !r.ok())
                                    .findFirst()
                                    .get()
                                    .file()
                                    .toString()
                            : failed + " recipes",
                    "expectations did not hold (listed above)",
                    "the recipe's claims and this machine disagree: read the FAIL lines");
        }
        return new TextReport("replay", lines);
    }

    private boolean known(String name) {
        try {
            registry.lookup(name);
            return true;
        } catch (CommandError e) {
            return false;
        }
    }

    private TextReport list(RecipeLibrary lib) {
        List<String> lines = new ArrayList<>();
        if (lib.all().isEmpty()) {
            lines.add("no recipes found in "
                    + String.join(
                            ", ", lib.directories().stream().map(Path::toString).toList())
                    + ": 'replay FILE.toml' plays one by path");
            return new TextReport("replay", lines);
        }
        for (Path f : lib.all()) {
            String title;
            try {
                title = RecipeParser.parse(f, this::known).title();
            } catch (RecipeParser.FormatError e) {
                title = "(cannot be read: " + e.problems.get(0) + ")";
            }
            String file = f.getFileName().toString();
            lines.add(String.format(
                    "%-22s %s", file.substring(0, file.length() - 5).replaceFirst("^\\d+-", ""), title));
        }
        lines.add("'replay NAME' plays one step by step; --auto, --check, --typing, --cast FILE");
        return new TextReport("replay", lines);
    }

    private static double seconds(Args.Option o) throws CommandError {
        return number(o, 0, 600, "seconds");
    }

    private static double number(Args.Option o, double min, double max, String unit) throws CommandError {
        double v;
        try {
            v = Double.parseDouble(o.value());
        } catch (NumberFormatException | NullPointerException e) {
            v = Double.NaN;
        }
        if (!(v >= min && v <= max)) {
            throw CommandError.usage(
                    o.index(),
                    "--" + o.name() + " takes " + unit + " from " + Expectation.Num.format(min) + " to "
                            + Expectation.Num.format(max) + ", not '" + o.value() + "'",
                    "e.g. --" + o.name() + " " + (unit.equals("seconds") ? "1.5" : "30"));
        }
        return v;
    }

    /** A replay maps, touches and unmaps: by its full name only, like the commands it runs. */
    @Override
    public boolean changesState() {
        return true;
    }
}
