package dev.pagelab.commands.report;

import static dev.pagelab.commands.report.Figure.Type.BOOLEAN;
import static dev.pagelab.commands.report.Figure.Type.FREE;
import static dev.pagelab.commands.report.Figure.Type.INTEGER;
import static dev.pagelab.commands.report.Figure.Type.INTEGERS;
import static dev.pagelab.commands.report.Figure.Type.MAP;
import static dev.pagelab.commands.report.Figure.Type.NUMBER;
import static dev.pagelab.commands.report.Figure.Type.OBJECT;
import static dev.pagelab.commands.report.Figure.Type.STRING;
import static dev.pagelab.commands.report.Figure.Type.STRINGS;

import dev.pagelab.commands.CommandError;
import dev.pagelab.commands.report.Figure.Type;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Every report's named figures, declared once, in the order JSON writes them: the JSON renderer writes these and no
 * others, recipe expectations compare those with a recipe name (and "did you mean" suggests among them), and the
 * JSON Schema of the output is generated from them. A new figure goes here, beside the record component it reads.
 */
public final class Figures {
    private Figures() {}

    /** The kinds of object {@code --json} writes: one per report record, and one for an error. */
    public enum Kind {
        STEP(
                "step",
                "a step that changed memory and was measured (map, touch, advise, protect, lock, unlock, "
                        + "lockall, unlockall, unmap...): the step thread's faults in the measured window, exact"),
        VIEW(
                "view",
                "a residency picture's data (view, watch): pages per state, as runs; it reads pagemap and "
                        + "makes no access to the memory, so it has no fault figures"),
        PAGEMAP("pagemap", "inspect-pagemap: /proc/self/pagemap decoded, runs of pages in one state and totals"),
        MAPS("maps", "/proc/self/maps lines, and with a NAME its areas' smaps figures"),
        LIST("list", "the session's mappings"),
        CACHE("cache", "page-cache residency of files (mincore, cachestat)"),
        EVICT("evict", "what evict did to a file's page cache"),
        CLEAR_REFS("clear-refs", "what clear-refs reset"),
        KERNEL("kernel", "what this kernel does, as probed"),
        BENCH("bench", "a benchmark's timed cases and the ratios between them"),
        SWEEP("sweep", "bench sweep: prefetch against fault, per size and strategy"),
        TEXT("text", "plain lines (history, set)"),
        MANUAL("manual", "a manual page or overview as lines (help)"),
        ERROR(
                "error",
                "a statement that failed: what was wrong and what to do; the fault figures are those of the "
                        + "measured window when the kernel refused inside it, null when it failed before any measurement");
        private final String key, description;

        Kind(String key, String description) {
            this.key = key;
            this.description = description;
        }

        /** The value of the JSON field {@code report}. */
        public String key() {
            return key;
        }

        public String description() {
            return description;
        }

        /** The figures of this kind, after the {@link #COMMON} ones. */
        public List<Figure> figures() {
            return switch (this) {
                case STEP -> Figures.STEP;
                case VIEW -> Figures.VIEW;
                case PAGEMAP -> Figures.PAGEMAP;
                case MAPS -> Figures.MAPS;
                case LIST -> Figures.LIST;
                case CACHE -> Figures.CACHE;
                case EVICT -> Figures.EVICT;
                case CLEAR_REFS -> Figures.CLEAR_REFS;
                case KERNEL -> Figures.KERNEL;
                case BENCH -> Figures.BENCH;
                case SWEEP -> Figures.SWEEP;
                case TEXT -> Figures.TEXT;
                case MANUAL -> Figures.MANUAL;
                case ERROR -> Figures.ERROR;
            };
        }

        /** The kind of a report, or of a {@link CommandError}. */
        public static Kind of(Object subject) {
            if (subject instanceof CommandError) return ERROR;
            return switch ((Report) subject) {
                case StepReport s -> STEP;
                case ResidencyReport v -> VIEW;
                case PagemapReport p -> PAGEMAP;
                case MapsReport m -> MAPS;
                case ListReport l -> LIST;
                case CacheReport c -> CACHE;
                case EvictReport e -> EVICT;
                case ClearRefsReport c -> CLEAR_REFS;
                case KernelReport k -> KERNEL;
                case BenchReport b -> BENCH;
                case SweepReport w -> SWEEP;
                case TextReport t -> TEXT;
                case ManualReport m -> MANUAL;
            };
        }
    }

    /** Declares figures read from subjects of type {@code R}. */
    private record On<R>(Class<R> type) {
        Figure json(String name, Type t, String unit, String description, Function<? super R, ?> read) {
            return new Figure(
                    name, null, t, Figure.Presence.ALWAYS, unit, description, x -> read.apply(type.cast(x)), List.of());
        }

        /** A figure only recipes compare (JSON carries what it is computed from). */
        Figure recipeOnly(String name, Type t, String unit, String description, Function<? super R, ?> read) {
            return new Figure(
                    null,
                    name,
                    t,
                    Figure.Presence.OPTIONAL,
                    unit,
                    description,
                    x -> read.apply(type.cast(x)),
                    List.of());
        }
    }

    private static final On<Object> ANY_SUBJECT = new On<>(Object.class);
    private static final On<StepReport> S = new On<>(StepReport.class);
    private static final On<ResidencyReport> V = new On<>(ResidencyReport.class);
    private static final On<PagemapReport> P = new On<>(PagemapReport.class);
    private static final On<PagemapReport.Run> PR = new On<>(PagemapReport.Run.class);
    private static final On<MapsReport> M = new On<>(MapsReport.class);
    private static final On<MapsReport.Area> MA = new On<>(MapsReport.Area.class);
    private static final On<MapsReport.Line> ML = new On<>(MapsReport.Line.class);
    private static final On<ListReport.Row> LR = new On<>(ListReport.Row.class);
    private static final On<CacheReport.FileResidency> F = new On<>(CacheReport.FileResidency.class);
    private static final On<EvictReport> E = new On<>(EvictReport.class);
    private static final On<ClearRefsReport> C = new On<>(ClearRefsReport.class);
    private static final On<ClearRefsReport.Row> CR = new On<>(ClearRefsReport.Row.class);
    private static final On<KernelReport.Fact> KF = new On<>(KernelReport.Fact.class);
    private static final On<BenchReport.Row> BR = new On<>(BenchReport.Row.class);
    private static final On<SweepReport.Cell> SC = new On<>(SweepReport.Cell.class);
    private static final On<CommandError> ERR = new On<>(CommandError.class);

    /** Fields of every object, first. {@code command} and {@code verb} of an error come from the console. */
    public static final Figure COMMAND = ANY_SUBJECT.json("command", STRING, null, "the statement as typed", x -> null);

    public static final Figure OK = ANY_SUBJECT
            .json("ok", BOOLEAN, null, "whether the statement succeeded", x -> !(x instanceof CommandError))
            .recipe("ok");
    public static final Figure REPORT = ANY_SUBJECT.json(
            "report",
            STRING,
            null,
            "which kind of object this is: the rest of its fields follow from it",
            x -> Kind.of(x).key());
    public static final Figure VERB = ANY_SUBJECT.json("verb", STRING, null, "the command that ran", Figures::verb);
    /** Not a figure of the report: the CPUs this process may run on, for tolerances that grow with them. */
    public static final Figure CPUS = ANY_SUBJECT.recipeOnly(
            "cpus",
            INTEGER,
            "CPUs",
            "CPUs this process may run on " + "(per-CPU batches of pages the kernel has not moved yet grow with them)",
            x -> Runtime.getRuntime().availableProcessors());

    public static final List<Figure> COMMON = List.of(COMMAND, OK, VERB, REPORT, CPUS);

    private static String verb(Object subject) {
        return switch (subject) {
            case StepReport s -> s.verb();
            case TextReport t -> t.verb();
            case ManualReport m -> m.verb();
            case SweepReport w -> "bench";
            case ResidencyReport v -> "view";
            case PagemapReport p -> "inspect-pagemap";
            case Report r -> Kind.of(r).key();
            default -> null;
        };
    }

    private static Long elapsed(StepReport s) {
        return s.sample().elapsedNanos();
    }

    /** touch: pages the accesses could have faulted in, at least 1 (the denominator of the per-page figures). */
    private static long touched(StepReport s, long accesses) {
        long pages = s.pages().orElse(0);
        return Math.max(1, Math.min(accesses, pages > 0 ? pages : accesses));
    }

    public static final List<Figure> STEP = List.of(
            S.json("target", STRING, null, "the mapping or range acted on, as written", StepReport::target)
                    .nullable(),
            S.json("action", STRING, null, "what was done, e.g. MADV_DONTNEED", StepReport::action),
            S.json(
                            "minor_faults",
                            INTEGER,
                            "faults",
                            "minor faults the step thread took in the measured window (exact)",
                            s -> s.sample().minorFaults())
                    .recipe("minor"),
            S.json(
                            "major_faults",
                            INTEGER,
                            "faults",
                            "major faults the step thread took in the measured window (exact)",
                            s -> s.sample().majorFaults())
                    .recipe("major"),
            S.recipeOnly(
                    "faults",
                    INTEGER,
                    "faults",
                    "minor + major faults",
                    s -> s.sample().minorFaults() + s.sample().majorFaults()),
            S.json(
                            "present_before",
                            INTEGER,
                            "pages",
                            "present pages of the target mapping just before the step",
                            s -> s.present().map(StepReport.Present::before).orElse(null))
                    .nullable()
                    .recipe("present_before"),
            S.json(
                            "present_after",
                            INTEGER,
                            "pages",
                            "present pages of the target mapping just after the step",
                            s -> s.present().map(StepReport.Present::after).orElse(null))
                    .nullable()
                    .recipe("present_after"),
            S.recipeOnly(
                    "present",
                    INTEGER,
                    "pages",
                    "present pages after (\"A -> B\" compares before and after)",
                    s -> s.present().map(StepReport.Present::after).orElse(null)),
            S.json(
                            "present_estimated",
                            BOOLEAN,
                            null,
                            "the present figures are smaps Rss estimates, not counted " + "page by page",
                            s -> s.presentEstimated() ? true : null)
                    .optional(),
            S.json(
                    "rss_before_bytes",
                    INTEGER,
                    "bytes",
                    "process RSS before (/proc/self/statm)",
                    s -> s.rss().before()),
            S.json(
                    "rss_after_bytes",
                    INTEGER,
                    "bytes",
                    "process RSS after",
                    s -> s.rss().after()),
            S.json(
                            "rss_delta_bytes",
                            INTEGER,
                            "bytes",
                            "process RSS after minus before",
                            s -> s.rss().delta())
                    .recipe("rss_delta"),
            S.json("elapsed_ns", INTEGER, "ns", "time the measured window took", Figures::elapsed)
                    .recipe("elapsed_ns"),
            S.json(
                            "process_minor_faults",
                            INTEGER,
                            "faults",
                            "minor faults of the whole process over the window (the " + "JVM's other threads included)",
                            s -> s.sample().processMinorFaults())
                    .recipe("process_minor"),
            S.json(
                    "process_major_faults",
                    INTEGER,
                    "faults",
                    "major faults of the whole process over the window",
                    s -> s.sample().processMajorFaults()),
            S.json(
                            "pages",
                            INTEGER,
                            "pages",
                            "base pages in the target range",
                            s -> s.pages().isPresent() ? s.pages().getAsLong() : null)
                    .optional()
                    .recipe("pages"),
            S.json(
                            "accesses",
                            INTEGER,
                            "accesses",
                            "touch: accesses made",
                            s -> s.accesses().map(StepReport.Accesses::made).orElse(null))
                    .optional()
                    .recipe("accesses"),
            S.json(
                            "accesses_asked",
                            INTEGER,
                            "accesses",
                            "touch: accesses asked for",
                            s -> s.accesses().map(StepReport.Accesses::asked).orElse(null))
                    .optional(),
            S.json(
                            "interrupted",
                            BOOLEAN,
                            null,
                            "touch: Ctrl-C stopped it before all accesses were made",
                            s -> s.accesses()
                                    .map(StepReport.Accesses::interrupted)
                                    .orElse(null))
                    .optional(),
            S.recipeOnly(
                    "minor_per_page",
                    NUMBER,
                    "faults",
                    "touch: minor faults per page touched",
                    s -> s.accesses()
                            .map(a -> (double) s.sample().minorFaults() / touched(s, a.made()))
                            .orElse(null)),
            S.recipeOnly(
                    "faults_per_page",
                    NUMBER,
                    "faults",
                    "touch: faults per page touched",
                    s -> s.accesses()
                            .map(a -> (double) (s.sample().minorFaults()
                                            + s.sample().majorFaults())
                                    / touched(s, a.made()))
                            .orElse(null)),
            S.recipeOnly(
                    "ns_per_access",
                    NUMBER,
                    "ns",
                    "touch: time per access",
                    s -> s.accesses()
                            .filter(a -> a.made() > 0)
                            .map(a -> (double) s.sample().elapsedNanos() / a.made())
                            .orElse(null)),
            S.json(
                            "latency",
                            FREE,
                            null,
                            "touch --timing: the per-access latency histogram (count, min_ns, p50_ns, "
                                    + "p90_ns, p99_ns, max_ns, mean_ns, buckets), its modes with the faults attributed to them, and "
                                    + "the timer's own figures",
                            s -> s.timing().orElse(null))
                    .optional(),
            S.json(
                    "details",
                    FREE,
                    null,
                    "further figures of the step, by name (address, flags, syscall, " + "present_via...)",
                    StepReport::details),
            S.json("notes", STRINGS, null, "remarks the user should see", StepReport::notes)
                    .recipe("note"),
            S.json(
                            "system",
                            FREE,
                            null,
                            "system-wide context (verbose feedback): vmstat and meminfo changes over the "
                                    + "step, settings",
                            s -> s.system().orElse(null))
                    .optional());

    private static String stateKey(PageState st) {
        return st.name().toLowerCase(Locale.ROOT);
    }

    private static List<Figure> view() {
        List<Figure> counts = new ArrayList<>();
        List<Figure> perState = new ArrayList<>();
        for (PageState st : PageState.values()) {
            counts.add(
                    V.json(stateKey(st), INTEGER, "pages", st.description(), v -> v.count(st) > 0 ? v.count(st) : null)
                            .optional());
            perState.add(V.recipeOnly(stateKey(st), INTEGER, "pages", st.description(), v -> v.count(st)));
        }
        On<ResidencyReport.Run> run = new On<>(ResidencyReport.Run.class);
        List<Figure> all = new ArrayList<>(List.of(
                V.json("target", STRING, null, "the range as written", ResidencyReport::target),
                V.json("address", STRING, null, "address of its first page, hex", v -> hex(v.start())),
                V.json("pages", INTEGER, "pages", "base pages in the range", ResidencyReport::pages)
                        .recipe("pages"),
                V.json("page_size_bytes", INTEGER, "bytes", "bytes in a base page", ResidencyReport::pageSize),
                V.json(
                        "method",
                        STRING,
                        null,
                        "PAGEMAP_SCAN or pread (of /proc/self/pagemap)",
                        ResidencyReport::method),
                V.json("elapsed_ns", INTEGER, "ns", "time reading pagemap took", ResidencyReport::elapsedNanos),
                V.json(
                                "written_tracking",
                                STRING,
                                null,
                                "how written pages are told (see clear-refs)",
                                ResidencyReport::tracking)
                        .optional(),
                V.json("counts", OBJECT, "pages", "pages per state, states with none left out", v -> v)
                        .of(counts),
                V.json("runs", Type.LIST, null, "consecutive pages in one state", ResidencyReport::runList)
                        .of(List.of(
                                run.json(
                                        "page",
                                        INTEGER,
                                        "pages",
                                        "first page of the run, from the range's start",
                                        ResidencyReport.Run::page),
                                run.json("pages", INTEGER, "pages", "pages in the run", ResidencyReport.Run::pages),
                                run.json("state", STRING, null, "their state", r -> stateKey(r.state())))),
                V.json("notes", STRINGS, null, "remarks", v -> v.notes().isEmpty() ? null : v.notes())
                        .optional()));
        all.addAll(perState);
        all.add(V.recipeOnly(
                "in_use", INTEGER, "pages", "pages backed by memory or swap (not holes, not absent)", v -> {
                    long n = 0;
                    for (PageState st : PageState.values()) if (st.inUse()) n += v.count(st);
                    return n;
                }));
        return List.copyOf(all);
    }

    public static final List<Figure> VIEW = view();

    private static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }

    public static final List<Figure> PAGEMAP = List.of(
            P.json("target", STRING, null, "the range as written", PagemapReport::target),
            P.json("start", STRING, null, "address of its first page, hex", p -> hex(p.start())),
            P.json("pages", INTEGER, "pages", "base pages in the range", PagemapReport::pages)
                    .recipe("pages"),
            P.json(
                    "page_size_bytes",
                    INTEGER,
                    "bytes",
                    "bytes in a page: runs count pages of this size",
                    PagemapReport::pageSize),
            P.json(
                    "method",
                    STRING,
                    null,
                    "how entries were found: PAGEMAP_SCAN + pread, or pread",
                    PagemapReport::method),
            P.json(
                    "pfns_visible",
                    BOOLEAN,
                    null,
                    "whether PFNs were readable (CAP_SYS_ADMIN)",
                    PagemapReport::pfnsVisible),
            P.json(
                            "kpageflags_unavailable",
                            STRING,
                            null,
                            "why /proc/kpageflags was not used",
                            PagemapReport::kpageflagsNote)
                    .optional(),
            P.json(
                            "written_tracking",
                            STRING,
                            null,
                            "how written pages are told (see clear-refs)",
                            PagemapReport::tracking)
                    .optional(),
            P.json(
                            "written_only",
                            BOOLEAN,
                            null,
                            "--written: only pages written since tracking was armed are listed",
                            p -> p.writtenOnly() ? true : null)
                    .optional(),
            P.json(
                            "runs",
                            Type.LIST,
                            null,
                            "consecutive pages in one state (one per page with --pages)",
                            PagemapReport::runs)
                    .recipe("runs")
                    .of(List.of(
                            PR.json("offset", INTEGER, "bytes", "from the mapping's base", PagemapReport.Run::offset),
                            PR.json("pages", INTEGER, "pages", "pages in the run", PagemapReport.Run::pages),
                            PR.json(
                                    "state",
                                    STRINGS,
                                    null,
                                    "pagemap words: present, swapped, file/shared, exclusive, "
                                            + "soft-dirty, written, uffd-wp, guard",
                                    PagemapReport.Run::state),
                            PR.json(
                                    "flags",
                                    STRINGS,
                                    null,
                                    "kpageflags words (root), zero_page for the shared zero page",
                                    PagemapReport.Run::flags),
                            PR.json(
                                    "pfn",
                                    INTEGER,
                                    null,
                                    "PFN of the first page, 0 when hidden or not present",
                                    PagemapReport.Run::firstPfn),
                            PR.json(
                                    "pfn_contiguous",
                                    BOOLEAN,
                                    null,
                                    "PFNs run consecutively through the run",
                                    PagemapReport.Run::contiguous),
                            PR.json(
                                    "pfn_same",
                                    BOOLEAN,
                                    null,
                                    "every page maps the same PFN (the shared zero page does)",
                                    PagemapReport.Run::samePfn),
                            PR.json(
                                    "huge_pages",
                                    INTEGER,
                                    null,
                                    "heads of huge pages that start inside the run",
                                    PagemapReport.Run::hugeHeads),
                            PR.json(
                                            "mapcount",
                                            INTEGER,
                                            null,
                                            "/proc/kpagecount of the first page, null when unknown",
                                            r -> r.mapCount() < 0 ? null : r.mapCount())
                                    .nullable())),
            P.json("truncated", BOOLEAN, null, "more runs existed than were kept", PagemapReport::truncated),
            P.json("totals", OBJECT, "pages", "pages of the range by property", p -> p)
                    .of(List.of(
                            total("present", "present", "present pages", PagemapReport.Totals::present),
                            total("swapped", "swapped", "swapped-out pages", PagemapReport.Totals::swapped),
                            total("file_or_shared", "file", "page cache or shared pages", PagemapReport.Totals::file),
                            total(
                                    "exclusive",
                                    "exclusive",
                                    "pages mapped exclusively",
                                    PagemapReport.Totals::exclusive),
                            total("soft_dirty", "soft_dirty", "soft-dirty pages", PagemapReport.Totals::softDirty),
                            total(
                                    "zero_page",
                                    "zero_page",
                                    "present pages that are the shared zero page",
                                    PagemapReport.Totals::zeroPage),
                            total("thp", "thp", "pages in transparent huge pages", PagemapReport.Totals::thp),
                            total("hugetlb", "hugetlb", "pages in hugetlb pages", PagemapReport.Totals::hugetlb),
                            total("locked", "locked", "locked pages", PagemapReport.Totals::locked),
                            total("guard", "guard", "pages in guard regions", PagemapReport.Totals::guard),
                            // in JSON only when the mapping is tracked (a recipe reads it always: see below)
                            P.json(
                                            "written",
                                            INTEGER,
                                            "pages",
                                            "pages written since tracking was armed; only when the mapping is tracked",
                                            p -> p.tracking() == null
                                                    ? null
                                                    : p.totals().written())
                                    .optional())),
            // totals.written is meaningful only with tracking, so JSON writes it then; recipes have always read it
            // (0 untracked), and keep doing so
            P.recipeOnly(
                    "written",
                    INTEGER,
                    "pages",
                    "pages written since clear-refs armed tracking",
                    p -> p.totals().written()),
            P.recipeOnly(
                    "same_pfn",
                    INTEGER,
                    null,
                    "1 when every present run of more than one page maps one PFN "
                            + "throughout (what the shared zero page looks like)",
                    p -> {
                        boolean same = !p.runs().isEmpty();
                        for (PagemapReport.Run r : p.runs()) {
                            if (r.state().contains("present") && r.pages() > 1 && !r.samePfn()) same = false;
                        }
                        return same ? 1 : 0;
                    }),
            P.json(
                    "elapsed_ns",
                    INTEGER,
                    "ns",
                    "time the reads took (PAGEMAP_SCAN, pagemap, kpageflags, kpagecount) " + "with decoding them",
                    PagemapReport::elapsedNanos));

    private static Figure total(
            String json, String recipe, String description, Function<PagemapReport.Totals, Long> read) {
        return P.json(json, INTEGER, "pages", description, p -> read.apply(p.totals()))
                .recipe(recipe);
    }

    /** The smaps lines (Linux 5.10 to 7.2) a {@code maps NAME} offers, each in kB. */
    public static final List<String> SMAPS = List.of(
            "Size",
            "KernelPageSize",
            "MMUPageSize",
            "Rss",
            "Pss",
            "Pss_Dirty",
            "Pss_Anon",
            "Pss_File",
            "Pss_Shmem",
            "Shared_Clean",
            "Shared_Dirty",
            "Private_Clean",
            "Private_Dirty",
            "Referenced",
            "Anonymous",
            "KSM",
            "LazyFree",
            "AnonHugePages",
            "ShmemPmdMapped",
            "FilePmdMapped",
            "Shared_Hugetlb",
            "Private_Hugetlb",
            "Swap",
            "SwapPss",
            "Locked");

    /** "AnonHugePages" → "anon_huge_pages", "MMUPageSize" → "mmu_page_size", "Private_Dirty" → "private_dirty". */
    public static String smapsName(String smaps) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < smaps.length(); i++) {
            char c = smaps.charAt(i);
            boolean boundary = i > 0
                    && Character.isUpperCase(c)
                    && (Character.isLowerCase(smaps.charAt(i - 1))
                            || i + 1 < smaps.length()
                                    && Character.isLowerCase(smaps.charAt(i + 1))
                                    && Character.isUpperCase(smaps.charAt(i - 1)));
            if (boundary && b.charAt(b.length() - 1) != '_') b.append('_');
            b.append(Character.toLowerCase(c));
        }
        return b.toString();
    }

    /** One mapping's smaps line, summed over its areas (a partial mprotect or mlock splits it); null without areas. */
    private static Long smapsSum(MapsReport m, String line) {
        if (m.areas().isEmpty()) return null;
        long sum = 0;
        for (MapsReport.Area a : m.areas()) sum += a.kb().getOrDefault(line, 0L);
        return sum;
    }

    private static List<Figure> maps() {
        List<Figure> all = new ArrayList<>(List.of(
                M.json(
                        "scope",
                        STRING,
                        null,
                        "the mapping named, or pagelab (the session's mappings) or all",
                        MapsReport::scope),
                M.json("lines", Type.LIST, null, "/proc/self/maps lines", MapsReport::lines)
                        .of(List.of(
                                ML.json(
                                        "label",
                                        STRING,
                                        null,
                                        "pagelab's name for it (\"\" for the JVM's own)",
                                        MapsReport.Line::label),
                                ML.json(
                                        "line",
                                        STRING,
                                        null,
                                        "the line as the kernel wrote it",
                                        MapsReport.Line::text))),
                M.json(
                                "areas",
                                Type.LIST,
                                null,
                                "smaps of the named mapping's areas (empty without a NAME)",
                                MapsReport::areas)
                        .recipe("areas")
                        .of(List.of(
                                MA.json("label", STRING, null, "the mapping's name", MapsReport.Area::label),
                                MA.json("start", STRING, null, "hex", a -> hex(a.start())),
                                MA.json("end", STRING, null, "hex", a -> hex(a.end())),
                                MA.json("perms", STRING, null, "as /proc/self/maps shows them", MapsReport.Area::perms),
                                MA.json("kb", MAP, "kB", "each smaps line by its name", MapsReport.Area::kb),
                                MA.json("vm_flags", STRINGS, null, "smaps VmFlags codes", MapsReport.Area::vmFlags),
                                MA.json(
                                        "vm_flag_words",
                                        STRINGS,
                                        null,
                                        "the same in words",
                                        MapsReport.Area::vmFlagWords),
                                MA.json("thp_eligible", STRING, null, "smaps THPeligible", MapsReport.Area::thpEligible)
                                        .nullable()))));
        for (String line : SMAPS) {
            all.add(M.recipeOnly(
                    smapsName(line) + "_kb",
                    INTEGER,
                    "kB",
                    "smaps " + line + " of the named mapping",
                    m -> smapsSum(m, line)));
        }
        all.add(M.recipeOnly(
                "thp_eligible",
                INTEGER,
                null,
                "1 when every area of the named mapping is THP eligible",
                m -> m.areas().isEmpty()
                        ? null
                        : m.areas().stream().allMatch(a -> "1".equals(a.thpEligible())) ? 1 : 0));
        all.add(M.recipeOnly("vm_flags", STRING, null, "VmFlags codes of the named mapping's areas", m -> {
            if (m.areas().isEmpty()) return null;
            Set<String> flags = new LinkedHashSet<>();
            for (MapsReport.Area a : m.areas()) flags.addAll(a.vmFlags());
            return String.join(" ", flags);
        }));
        all.add(M.json(
                "elapsed_ns", INTEGER, "ns", "time reading /proc/self/maps (or smaps) took", MapsReport::elapsedNanos));
        return List.copyOf(all);
    }

    public static final List<Figure> MAPS = maps();

    public static final List<Figure> LIST = List.of(
            new On<>(ListReport.class)
                    .json("mappings", Type.LIST, null, "one per mapping", ListReport::rows)
                    .of(List.of(
                            LR.json("name", STRING, null, "its name", ListReport.Row::name),
                            LR.json("start", STRING, null, "hex", r -> hex(r.start())),
                            LR.json("end", STRING, null, "hex", r -> hex(r.end())),
                            LR.json("size_bytes", INTEGER, "bytes", "its length", ListReport.Row::size),
                            LR.json(
                                    "mapped_bytes",
                                    INTEGER,
                                    "bytes",
                                    "what is still mapped of it",
                                    ListReport.Row::mappedBytes),
                            LR.json(
                                    "kind",
                                    STRING,
                                    null,
                                    "anon private, anon shared, file, memfd...",
                                    ListReport.Row::kind),
                            LR.json(
                                    "prot",
                                    STRING,
                                    null,
                                    "protections of its areas, as /proc/self/maps shows them",
                                    ListReport.Row::prot),
                            LR.json("locked_bytes", INTEGER, "bytes", "smaps Locked", ListReport.Row::locked),
                            LR.json(
                                    "present_pages",
                                    INTEGER,
                                    "pages",
                                    "present base pages, -1 when unreadable",
                                    ListReport.Row::present),
                            LR.json("options", STRING, null, "how it was made", ListReport.Row::creation))),
            new On<>(ListReport.class)
                    .json(
                            "elapsed_ns",
                            INTEGER,
                            "ns",
                            "time reading their smaps and present pages " + "took",
                            ListReport::elapsedNanos));

    /** One file's residency: an element of cache's files, evict's before and after. */
    public static final List<Figure> FILE = List.of(
            F.json(
                    "label",
                    STRING,
                    null,
                    "what was named: the path, or the mapping name",
                    CacheReport.FileResidency::label),
            F.json("path", STRING, null, "the file", CacheReport.FileResidency::path),
            F.json("mapping", STRING, null, "the session mapping it was named by", CacheReport.FileResidency::mapping)
                    .nullable(),
            F.json("fs", STRING, null, "its file system", CacheReport.FileResidency::fsType),
            F.json("size_bytes", INTEGER, "bytes", "st_size", CacheReport.FileResidency::size),
            F.json("allocated_bytes", INTEGER, "bytes", "st_blocks * 512", CacheReport.FileResidency::allocated),
            F.json("pages", INTEGER, "pages", "its size in pages, rounded up", CacheReport.FileResidency::pages),
            F.json("page_size_bytes", INTEGER, "bytes", "bytes in a page", CacheReport.FileResidency::pageSize),
            F.json(
                    "resident_pages",
                    INTEGER,
                    "pages",
                    "pages mincore reported resident",
                    CacheReport.FileResidency::resident),
            F.json(
                            "resident_percent",
                            NUMBER,
                            "%",
                            "resident share, null for an empty file",
                            f -> f.pages() == 0 ? null : f.percent())
                    .nullable(),
            F.json(
                            "runs",
                            Type.LIST,
                            null,
                            "runs of resident and non-resident pages, in file order",
                            CacheReport.FileResidency::runs)
                    .of(List.of(
                            new On<>(CacheReport.Run.class)
                                    .json(
                                            "first_page",
                                            INTEGER,
                                            "pages",
                                            "first page of the run",
                                            CacheReport.Run::firstPage),
                            new On<>(CacheReport.Run.class)
                                    .json("pages", INTEGER, "pages", "pages in the run", CacheReport.Run::pages),
                            new On<>(CacheReport.Run.class)
                                    .json(
                                            "resident",
                                            BOOLEAN,
                                            null,
                                            "whether they are resident",
                                            CacheReport.Run::resident))),
            F.json(
                    "runs_truncated",
                    BOOLEAN,
                    null,
                    "more runs existed than were kept",
                    CacheReport.FileResidency::runsTruncated),
            F.json("strip", OBJECT, null, "the residency strip", f -> f)
                    .of(List.of(
                            F.json(
                                    "cell_pages",
                                    INTEGER,
                                    "pages",
                                    "pages per cell",
                                    CacheReport.FileResidency::cellPages),
                            F.json(
                                    "resident",
                                    INTEGERS,
                                    "pages",
                                    "resident pages in each cell",
                                    CacheReport.FileResidency::cellResident))),
            F.json(
                            "cachestat",
                            OBJECT,
                            "pages",
                            "cachestat(2) of the whole file, null when the kernel refused it",
                            CacheReport.FileResidency::cachestat)
                    .nullable()
                    .of(cachestat()),
            F.json(
                            "cachestat_unavailable",
                            STRING,
                            null,
                            "why cachestat is missing",
                            f -> f.cachestat() != null
                                    ? null
                                    : java.util.Objects.requireNonNullElse(
                                            f.cachestatNote(), "cachestat(2) gave no figures"))
                    .optional(),
            F.json(
                    "mincore_pages",
                    INTEGER,
                    "pages",
                    "pages asked of mincore",
                    CacheReport.FileResidency::mincorePages),
            F.json("elapsed_ns", INTEGER, "ns", "time the measurement took", CacheReport.FileResidency::elapsedNanos));

    private static List<Figure> cachestat() {
        On<dev.pagelab.linux.PageCache.CacheStat> cs = new On<>(dev.pagelab.linux.PageCache.CacheStat.class);
        return List.of(
                cs.json("cached", INTEGER, "pages", "in the page cache", dev.pagelab.linux.PageCache.CacheStat::cached),
                cs.json("dirty", INTEGER, "pages", "dirty", dev.pagelab.linux.PageCache.CacheStat::dirty),
                cs.json(
                        "writeback",
                        INTEGER,
                        "pages",
                        "under writeback",
                        dev.pagelab.linux.PageCache.CacheStat::writeback),
                cs.json("evicted", INTEGER, "pages", "evicted", dev.pagelab.linux.PageCache.CacheStat::evicted),
                cs.json(
                        "recently_evicted",
                        INTEGER,
                        "pages",
                        "evicted recently",
                        dev.pagelab.linux.PageCache.CacheStat::recentlyEvicted));
    }

    public static final List<Figure> CACHE = List.of(
            new On<>(CacheReport.class)
                    .json("files", Type.LIST, null, "one per file, in the order named", CacheReport::files)
                    .of(FILE),
            new On<>(CacheReport.class)
                    .json("total_pages", INTEGER, "pages", "pages of all files", CacheReport::totalPages),
            new On<>(CacheReport.class)
                    .json(
                            "total_resident_pages",
                            INTEGER,
                            "pages",
                            "resident pages of all files",
                            CacheReport::totalResident),
            new On<>(CacheReport.class).json("notes", STRINGS, null, "remarks", CacheReport::notes));

    private static Long known(long v) {
        return v < 0 ? null : v;
    }

    public static final List<Figure> EVICT = List.of(
            E.json("target", STRING, null, "what was named", e -> e.before().label()),
            E.json("path", STRING, null, "the file", e -> e.before().path()),
            E.json("fs", STRING, null, "its file system", e -> e.before().fsType()),
            E.json(
                            "pages",
                            INTEGER,
                            "pages",
                            "its size in pages",
                            e -> e.before().pages())
                    .recipe("pages"),
            E.json(
                    "resident_before",
                    INTEGER,
                    "pages",
                    "resident before",
                    e -> e.before().resident()),
            E.json(
                    "resident_after",
                    INTEGER,
                    "pages",
                    "resident after",
                    e -> e.after().resident()),
            E.json("dropped", INTEGER, "pages", "pages that left the cache", EvictReport::dropped),
            E.json("fsync", BOOLEAN, null, "whether fsync was called", EvictReport::synced),
            E.json("dirty_before", INTEGER, "pages", "dirty before (cachestat)", e -> known(e.dirtyBefore()))
                    .nullable(),
            E.json("writeback_before", INTEGER, "pages", "under writeback before", e -> known(e.writebackBefore()))
                    .nullable(),
            E.json("dirty_after_fsync", INTEGER, "pages", "dirty after fsync", e -> known(e.dirtyAfterSync()))
                    .nullable(),
            E.json("fsync_ns", INTEGER, "ns", "time fsync took (0 when not called)", EvictReport::syncNanos),
            E.json("fadvise_ns", INTEGER, "ns", "time posix_fadvise took", EvictReport::fadviseNanos),
            E.json(
                            "mapped_here",
                            Type.LIST,
                            null,
                            "who in this process maps pages of the file",
                            EvictReport::mappedHere)
                    .of(List.of(
                            new On<>(EvictReport.Holder.class)
                                    .json("label", STRING, null, "the holder", EvictReport.Holder::label),
                            new On<>(EvictReport.Holder.class)
                                    .json("mapping", STRING, null, "the session mapping", EvictReport.Holder::mapping)
                                    .nullable(),
                            new On<>(EvictReport.Holder.class)
                                    .json("pages", INTEGER, "pages", "pages it maps", EvictReport.Holder::pages))),
            E.json(
                    "mapped_pages",
                    INTEGER,
                    "pages",
                    "distinct file pages mapped in this process",
                    EvictReport::mappedPages),
            E.json(
                    "unexplained_pages",
                    INTEGER,
                    "pages",
                    "resident pages after that no mapping explains",
                    EvictReport::unexplained),
            E.json("dirty_or_writeback_after", INTEGER, "pages", "dirty pages after", e -> known(e.dirtyAfter()))
                    .nullable(),
            E.json("before", OBJECT, null, "the file's residency before", EvictReport::before)
                    .of(FILE),
            E.json("after", OBJECT, null, "the file's residency after", EvictReport::after)
                    .of(FILE),
            E.json("notes", STRINGS, null, "why pages stayed, and what to do", EvictReport::notes));

    private static boolean peak(ClearRefsReport c) {
        return c.mode().equals("peak-rss");
    }

    public static final List<Figure> CLEAR_REFS = List.of(
            C.json("mode", STRING, null, "soft-dirty, all, anon, file or peak-rss", ClearRefsReport::mode),
            C.json(
                            "clear_refs_value",
                            INTEGER,
                            null,
                            "the value written to /proc/self/clear_refs",
                            c -> c.written() < 0 ? null : c.written())
                    .optional(),
            C.json(
                            "written_tracking",
                            STRING,
                            null,
                            "soft-dirty: how written pages are tracked from now on",
                            ClearRefsReport::mechanism)
                    .optional(),
            C.json(
                            "referenced_kb_before",
                            INTEGER,
                            "kB",
                            "process-wide Referenced before",
                            c -> c.before() < 0 || peak(c) ? null : c.before())
                    .optional(),
            C.json(
                            "referenced_kb_after",
                            INTEGER,
                            "kB",
                            "process-wide Referenced after",
                            c -> c.before() < 0 || peak(c) ? null : c.after())
                    .optional(),
            C.json(
                            "vmhwm_kb_before",
                            INTEGER,
                            "kB",
                            "peak-rss: VmHWM before",
                            c -> c.before() < 0 || !peak(c) ? null : c.before())
                    .optional(),
            C.json(
                            "vmhwm_kb_after",
                            INTEGER,
                            "kB",
                            "peak-rss: VmHWM after",
                            c -> c.before() < 0 || !peak(c) ? null : c.after())
                    .optional(),
            C.recipeOnly(
                    "before_kb",
                    INTEGER,
                    "kB",
                    "the figure the mode resets, before",
                    c -> c.before() < 0 ? null : c.before()),
            C.recipeOnly(
                    "after_kb",
                    INTEGER,
                    "kB",
                    "the figure the mode resets, after",
                    c -> c.before() < 0 ? null : c.after()),
            C.json("mappings", Type.LIST, null, "per session mapping, what changed", ClearRefsReport::mappings)
                    .of(List.of(
                            CR.json("name", STRING, null, "the mapping", ClearRefsReport.Row::name),
                            CR.json(
                                            "write_protected_pages",
                                            INTEGER,
                                            "pages",
                                            "soft-dirty via userfaultfd: pages newly " + "write-protected",
                                            r -> known(r.protectedPages()))
                                    .optional(),
                            CR.json("present", INTEGER, "pages", "present pages", ClearRefsReport.Row::present),
                            CR.json(
                                            "referenced_kb",
                                            INTEGER,
                                            "kB",
                                            "smaps Referenced after",
                                            r -> known(r.referencedKb()))
                                    .optional())),
            C.recipeOnly(
                    "protected",
                    INTEGER,
                    "pages",
                    "pages newly write-protected, all mappings",
                    c -> c.mappings().stream()
                            .mapToLong(r -> Math.max(0, r.protectedPages()))
                            .sum()),
            C.recipeOnly(
                    "present",
                    INTEGER,
                    "pages",
                    "present pages, all mappings",
                    c -> c.mappings().stream()
                            .mapToLong(ClearRefsReport.Row::present)
                            .sum()),
            C.json("elapsed_ns", INTEGER, "ns", "time it took", ClearRefsReport::elapsedNanos),
            C.json("notes", STRINGS, null, "remarks", ClearRefsReport::notes));

    public static final List<Figure> KERNEL = List.of(
            new On<>(KernelReport.class).json("release", STRING, null, "uname -r", KernelReport::release),
            new On<>(KernelReport.class).json("version", STRING, null, "/proc/version", KernelReport::version),
            new On<>(KernelReport.class)
                    .json("probe_ns", INTEGER, "ns", "how long the probe took", KernelReport::probeNanos),
            new On<>(KernelReport.class)
                    .json("facts", MAP, null, "each fact under its key", k -> {
                        Map<String, KernelReport.Fact> m = new LinkedHashMap<>();
                        for (KernelReport.Fact f : k.facts()) m.put(f.key(), f);
                        return m;
                    })
                    .of(List.of(
                            KF.json(
                                            "value",
                                            Type.ANY,
                                            null,
                                            "the value: text, number, true/false or a list of them",
                                            KernelReport.Fact::value)
                                    .nullable(),
                            KF.json("shown", STRING, null, "the value as text", KernelReport.Fact::shown),
                            KF.json(
                                    "standing",
                                    STRING,
                                    null,
                                    "usual, differs or missing, against the textbook",
                                    f -> f.standing().name().toLowerCase(Locale.ROOT)),
                            KF.json(
                                    "meaning",
                                    STRING,
                                    null,
                                    "what it changes for the user",
                                    KernelReport.Fact::meaning))));

    public static final List<Figure> BENCH = List.of(
            new On<>(BenchReport.class).json("title", STRING, null, "what was benchmarked", BenchReport::title),
            new On<>(BenchReport.class)
                    .json(
                            "context",
                            STRINGS,
                            null,
                            "the machine and settings the figures " + "depend on",
                            BenchReport::context),
            new On<>(BenchReport.class)
                    .json("rows", Type.LIST, null, "one per scenario, operation and method", BenchReport::rows)
                    .of(List.of(
                            BR.json("scenario", STRING, null, "the scenario", BenchReport.Row::scenario),
                            BR.json("operation", STRING, null, "the operation", BenchReport.Row::operation),
                            BR.json("method", STRING, null, "the method", BenchReport.Row::method),
                            BR.json("median_ns", INTEGER, "ns", "median time", BenchReport.Row::medianNs),
                            BR.json("min_ns", INTEGER, "ns", "fastest repetition", BenchReport.Row::minNs),
                            BR.json("max_ns", INTEGER, "ns", "slowest repetition", BenchReport.Row::maxNs),
                            BR.json("reps", INTEGER, null, "repetitions", BenchReport.Row::reps),
                            BR.json(
                                    "result",
                                    STRING,
                                    null,
                                    "what the operation found (checked equal)",
                                    BenchReport.Row::result))),
            new On<>(BenchReport.class)
                    .json("ratios", Type.LIST, null, "comparisons measured side by side", BenchReport::ratios)
                    .of(List.of(
                            new On<>(BenchReport.Ratio.class)
                                    .json("label", STRING, null, "what is compared", BenchReport.Ratio::label),
                            new On<>(BenchReport.Ratio.class)
                                    .json(
                                            "value",
                                            NUMBER,
                                            null,
                                            "the ratio, null when not finite",
                                            BenchReport.Ratio::value)
                                    .nullable())),
            new On<>(BenchReport.class).json("notes", STRINGS, null, "remarks", BenchReport::notes));

    public static final List<Figure> SWEEP = List.of(
            new On<>(SweepReport.class).json("benchmark", STRING, null, "sweep", w -> "sweep"),
            new On<>(SweepReport.class)
                    .json("context", STRINGS, null, "kernel, THP mode, VM or bare metal", SweepReport::context),
            new On<>(SweepReport.class).json("reps", INTEGER, null, "repetitions per cell", SweepReport::reps),
            new On<>(SweepReport.class)
                    .json("complete", BOOLEAN, null, "false when Ctrl-C stopped it", SweepReport::complete),
            new On<>(SweepReport.class)
                    .json("cells", Type.LIST, null, "one per measured size and strategy", SweepReport::cells)
                    .of(List.of(
                            SC.json("size_bytes", INTEGER, "bytes", "the size", SweepReport.Cell::size),
                            SC.json(
                                    "strategy",
                                    STRING,
                                    null,
                                    "the way memory was made ready",
                                    SweepReport.Cell::strategy),
                            SC.json(
                                    "median_ns",
                                    INTEGER,
                                    "ns",
                                    "median of prepare + first use",
                                    SweepReport.Cell::medianNs),
                            SC.json("min_ns", INTEGER, "ns", "fastest repetition", SweepReport.Cell::minNs),
                            SC.json("max_ns", INTEGER, "ns", "slowest repetition", SweepReport.Cell::maxNs),
                            SC.json("ns_per_page", NUMBER, "ns", "median per page", SweepReport.Cell::nsPerPage),
                            SC.json(
                                    "faults",
                                    INTEGER,
                                    "faults",
                                    "faults of the median repetition",
                                    SweepReport.Cell::faults),
                            SC.json(
                                    "faults_per_page",
                                    NUMBER,
                                    "faults",
                                    "the same per page",
                                    SweepReport.Cell::faultsPerPage))),
            new On<>(SweepReport.class)
                    .json("csv", STRING, null, "the CSV file written", SweepReport::csv)
                    .optional(),
            new On<>(SweepReport.class).json("notes", STRINGS, null, "remarks", SweepReport::notes));

    public static final List<Figure> TEXT =
            List.of(new On<>(TextReport.class).json("lines", STRINGS, null, "the lines", TextReport::lines));

    public static final List<Figure> MANUAL = List.of(new On<>(ManualReport.class)
            .json("lines", STRINGS, null, "the lines, without emphasis", ManualReport::texts));

    public static final List<Figure> ERROR = List.of(
            ERR.json("error", STRING, null, "what was wrong, one line", CommandError::line),
            ERR.recipeOnly(
                    "error",
                    STRING,
                    null,
                    "the errno name (if any) and what was wrong",
                    e -> (e.errnoName() == null ? "" : e.errnoName() + " ") + e.line()),
            ERR.json("errno", STRING, null, "the kernel's errno name, when a call failed", CommandError::errnoName)
                    .optional(),
            ERR.json("errno_meaning", STRING, null, "what it means", e -> e.errnoName() == null ? null : e.meaning())
                    .optional(),
            ERR.json("call", STRING, null, "the call that failed", e -> e.errnoName() == null ? null : e.getMessage())
                    .optional(),
            ERR.json(
                            "hint",
                            STRING,
                            null,
                            "what to do",
                            e -> e.hint() == null || e.hint().isEmpty() ? null : e.hint())
                    .optional(),
            ERR.json(
                            "minor_faults",
                            INTEGER,
                            "faults",
                            "minor faults in the measured window, null when it failed " + "before any measurement",
                            e -> e.sample() == null ? null : e.sample().minorFaults())
                    .nullable()
                    .recipe("minor"),
            ERR.json(
                            "major_faults",
                            INTEGER,
                            "faults",
                            "major faults in the measured window, null when it failed " + "before any measurement",
                            e -> e.sample() == null ? null : e.sample().majorFaults())
                    .nullable()
                    .recipe("major"),
            ERR.json(
                            "elapsed_ns",
                            INTEGER,
                            "ns",
                            "time the measured window took, null when it failed before any " + "measurement",
                            e -> e.sample() == null ? null : e.sample().elapsedNanos())
                    .nullable());

    /** Every name a recipe expectation may use: those of every kind, nested ones included. */
    public static Set<String> recipeNames() {
        return RECIPE.keySet();
    }

    /** The figure recipes call {@code name}, or null: its unit and description, e.g. for a prediction's question. */
    public static Figure recipeFigure(String name) {
        return RECIPE.get(name);
    }

    /** Whether recipes compare figure {@code name} as text. */
    public static boolean recipeText(String name) {
        Figure f = RECIPE.get(name);
        return f != null && f.text();
    }

    private static final Map<String, Figure> RECIPE = recipe();

    private static Map<String, Figure> recipe() {
        Map<String, Figure> out = new java.util.TreeMap<>();
        List<Figure> todo = new ArrayList<>(COMMON);
        for (Kind k : Kind.values()) todo.addAll(k.figures());
        while (!todo.isEmpty()) {
            Figure f = todo.removeFirst();
            if (f.recipe() != null) out.putIfAbsent(f.recipe(), f);
            todo.addAll(f.fields());
        }
        return Collections.unmodifiableMap(out);
    }
}
