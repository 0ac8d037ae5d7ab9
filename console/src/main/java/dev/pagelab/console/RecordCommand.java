package dev.pagelab.console;

import dev.pagelab.commands.Advice;
import dev.pagelab.commands.Args;
import dev.pagelab.commands.BaseCommand;
import dev.pagelab.commands.CommandError;
import dev.pagelab.commands.CommandLine;
import dev.pagelab.commands.Session;
import dev.pagelab.commands.report.PageState;
import dev.pagelab.commands.report.PagemapReport;
import dev.pagelab.commands.report.Report;
import dev.pagelab.commands.report.ResidencyReport;
import dev.pagelab.commands.report.StepReport;
import dev.pagelab.commands.report.TextReport;
import dev.pagelab.console.recipe.Observations;
import dev.pagelab.console.render.Json;
import dev.pagelab.linux.proc.KPageFlags;
import dev.pagelab.linux.proc.KernelProfile;
import dev.pagelab.linux.proc.Machine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;

/**
 * {@code record FILE [--title TEXT] [--force]} … {@code record stop}: turns what is typed into a recipe. Each
 * command that ran becomes a step whose expectations are what was observed (faults, present pages, pagemap totals,
 * pages per state, or the error), for the user to edit; the mappings still alive at the stop are unmapped in the
 * cleanup. Console-only commands (help, set, history, watch, replay, record) are not recorded.
 */
final class RecordCommand extends BaseCommand {
    static final Args.OptionSpec OPTIONS = Args.OptionSpec.of(Set.of("force"), Set.of("title"));
    private static final Set<String> NOT_RECORDED =
            Set.of("help", "history", "set", "exit", "watch", "unwatch", "replay", "record", "bench");
    private final ConsoleIO shell;
    private Recording recording;

    RecordCommand(ConsoleIO shell) {
        super("record", OPTIONS);
        this.shell = shell;
    }

    @Override
    public boolean runsOnStepThread() {
        return false;
    }

    @Override
    public List<String> complete(Session session, List<String> before, int wordIndex) {
        if (recording != null) return List.of("stop");
        return List.of("--title", "--force", "session.toml");
    }

    private final class Recording implements Consumer<Outcome> {
        final Path file;
        final String title;
        final List<Outcome> outcomes = new ArrayList<>();
        final Set<String> mappingsBefore;

        Recording(Path file, String title, Set<String> mappingsBefore) {
            this.file = file;
            this.title = title;
            this.mappingsBefore = mappingsBefore;
        }

        @Override
        public void accept(Outcome o) {
            if (o.verb().isEmpty() || NOT_RECORDED.contains(o.verb())) return;
            outcomes.add(o);
        }
    }

    @Override
    public Report run(Session session, CommandLine line) throws CommandError {
        Args a = Args.parse(line, OPTIONS);
        List<String> lines = new ArrayList<>();
        if (a.positional().isEmpty()) {
            lines.add(
                    recording == null
                            ? "not recording: 'record FILE' starts"
                            : "recording to " + recording.file + ": " + recording.outcomes.size()
                                    + " steps so far; 'record stop' writes it");
            return new TextReport("record", lines);
        }
        a.atMost(1, "record FILE [--title TEXT] [--force], or record stop");
        Args.Positional word = a.positional().get(0);
        if (word.text().equals("stop")) {
            if (recording == null)
                throw CommandError.usage(word.index(), "nothing is being recorded", "'record FILE' starts");
            Recording r = recording;
            shell.stopObserving(r);
            recording = null;
            int steps = write(r, session);
            lines.add("wrote " + r.file + ": " + steps + (steps == 1 ? " step" : " steps")
                    + " with the observed figures as expectations; 'replay --check " + r.file + "' checks them");
            return new TextReport("record", lines);
        }
        if (recording != null) {
            throw CommandError.usage(word.index(), "already recording to " + recording.file, "'record stop' first");
        }
        Path file = Path.of(word.text().endsWith(".toml") ? word.text() : word.text() + ".toml");
        if (Files.exists(file) && !a.has("force")) {
            throw CommandError.usage(
                    word.index(), file + " exists", "choose another name, or add --force to overwrite it");
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            throw CommandError.usage(word.index(), "no directory " + parent, "create it first, or record elsewhere");
        }
        String title = a.has("title")
                ? a.value("title")
                : file.getFileName().toString().replaceFirst("\\.toml$", "");
        recording = new Recording(file, title, new LinkedHashSet<>(session.names()));
        shell.observe(recording);
        lines.add("recording to " + file + ": every command from now on is a step; 'record stop' writes the recipe");
        return new TextReport("record", lines);
    }

    private int write(Recording r, Session session) throws CommandError {
        StringBuilder b = new StringBuilder();
        b.append("# Recorded by pagelab ")
                .append(Main.VERSION)
                .append(" on ")
                .append(Instant.now().truncatedTo(ChronoUnit.SECONDS))
                .append(", Linux ")
                .append(Machine.kernelRelease())
                .append(KPageFlags.availability().isEmpty() ? ", as root" : "")
                .append(".\n")
                .append("# The expectations are what was observed then: edit them into the claims the story makes\n")
                .append("# (e.g. \"> 0\", \"<= 1.05\", \"256 \u00b1 2\"), and add say = \"...\" to narrate a step.\n");
        b.append("title = ").append(Json.encode(r.title)).append('\n');
        b.append("summary = ")
                .append(Json.encode("A session recorded with 'record'."))
                .append('\n');
        String user = System.getProperty("user.name", "");
        if (!user.isEmpty()) b.append("author = ").append(Json.encode(user)).append('\n');
        // What a step needs is decided by probing where it is replayed: an advice this kernel has, root for figures
        // only /proc/kpageflags gives. No release number: kernels backport features.
        KernelProfile profile = KernelProfile.current();
        b.append("# Here: ")
                .append(
                        profile.zeroPage() == KernelProfile.ZeroPage.PRIVATE
                                ? "no shared zero page (a read fault allocated a private page)"
                                : "a read fault maps the shared zero page")
                .append(", THP ")
                .append(
                        profile.thp().enabled().isEmpty()
                                ? "absent"
                                : profile.thp().enabled())
                .append(profile.swapTotalBytes() > 0 ? ", swap" : ", no swap")
                .append(". Figures that depend on these may need a [step.on.WORD] variant ('help replay').\n");
        int steps = 0;
        for (Outcome o : r.outcomes) {
            b.append("\n[[step]]\n");
            b.append("run = ").append(Json.encode(o.statement().trim())).append('\n');
            List<String> expect = expectations(o);
            List<String> needs = requirements(o, expect);
            if (!needs.isEmpty()) {
                b.append("requires = [")
                        .append(String.join(
                                ", ", needs.stream().map(Json::encode).toList()))
                        .append("]\n");
            }
            for (String e : expect) b.append(e).append('\n');
            steps++;
        }
        List<String> created = new ArrayList<>(session.names());
        created.removeAll(r.mappingsBefore);
        for (String name : created)
            b.append("\n[[cleanup]]\nrun = ")
                    .append(Json.encode("unmap " + name))
                    .append('\n');
        try {
            Files.writeString(r.file, b.toString());
        } catch (IOException e) {
            throw CommandError.refused(
                    r.file.toString(),
                    "could not write the recipe: " + e.getMessage(),
                    "the recording is lost; check the directory's permissions");
        }
        return steps;
    }

    /**
     * The capability words a recorded step needs wherever it is replayed: the advice it gives, and root where its
     * expectations are figures only /proc/kpageflags gives.
     */
    static List<String> requirements(Outcome o, List<String> expect) {
        List<String> out = new ArrayList<>();
        if (o.verb().equals("advise")) {
            try {
                List<CommandLine.Word> words = CommandLine.parse(o.statement()).words();
                for (CommandLine.Word w :
                        words.subList(Math.min(2, words.size()), words.size())) { // advise RANGE ADVICE
                    Advice.of(w.text()).ifPresent(a -> out.add("madv_" + a.word()));
                }
            } catch (CommandError e) {
                // recorded as it ran: it parsed then
            }
        }
        if (o.report() instanceof PagemapReport
                && KPageFlags.availability().isEmpty()
                && expect.stream().anyMatch(e -> e.matches("expect\\.(zero_page|thp|hugetlb|locked) = .*"))) {
            out.add("root");
        }
        return out;
    }

    /** The observed figures worth claiming, as {@code expect.KEY = VALUE} lines. */
    static List<String> expectations(Outcome o) {
        List<String> out = new ArrayList<>();
        if (!o.ok()) {
            String errno = o.error().errnoName();
            String text = errno != null ? errno : words(o.error().getMessage(), 6);
            out.add("expect.error = " + Json.encode(text));
            return out;
        }
        Observations obs = Observations.of(o);
        switch (o.report()) {
            case StepReport s -> {
                add(out, obs, "minor");
                add(out, obs, "major");
                s.present().ifPresent(p -> out.add("expect.present = " + Json.encode(p.before() + " -> " + p.after())));
            }
            case PagemapReport p -> {
                add(out, obs, "present");
                for (String k : List.of(
                        "swapped", "file", "exclusive", "zero_page", "thp", "hugetlb", "locked", "guard", "written")) {
                    Double v = obs.numbers.get(k);
                    if (v != null && v != 0) add(out, obs, k);
                }
            }
            case ResidencyReport v -> {
                for (PageState st : PageState.values()) {
                    if (v.count(st) > 0) add(out, obs, st.name().toLowerCase(Locale.ROOT));
                }
            }
            default -> {}
        }
        return out;
    }

    private static void add(List<String> out, Observations obs, String key) {
        Double v = obs.numbers.get(key);
        if (v != null) out.add("expect." + key + " = " + Observations.format(v));
    }

    private static String words(String s, int n) {
        String[] w = s.split("\\s+");
        return String.join(" ", java.util.Arrays.copyOf(w, Math.min(n, w.length)));
    }
}
