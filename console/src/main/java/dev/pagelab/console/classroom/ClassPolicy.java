package dev.pagelab.console.classroom;

import dev.pagelab.commands.Advice;
import dev.pagelab.commands.Args;
import dev.pagelab.commands.Command;
import dev.pagelab.commands.CommandError;
import dev.pagelab.commands.CommandLine;
import dev.pagelab.commands.Mapping;
import dev.pagelab.commands.Session;
import dev.pagelab.commands.Sizes;
import dev.pagelab.linux.PageGeometry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a student's console may do in class mode, consulted by the shell before every statement ({@link #admit}) and
 * after it ({@link #settled}):
 * <ul>
 * <li>machine-wide commands are refused: they change the machine every student shares (or, for bench, load it);
 * <li>every file a command reads must resolve (symbolic links followed) into the student's private directory or the
 *     class's shared material, every file it writes into the private directory; relative names are taken from the
 *     private directory, and the command is handed the resolved path, not the word typed;
 * <li>a step that may commit memory (map --populate/--locked, touch, lock, advise willneed/populate-*) first claims
 *     it in the class {@link Ledger}, and is refused when the class's budget would be exceeded.
 * </ul>
 * Unix permissions stay the real wall between students (each console runs under its student's uid); this is what keeps
 * a student inside the lesson and the class inside the machine.
 */
public final class ClassPolicy implements AutoCloseable {
    private static volatile ClassPolicy active;

    /** Commands that change or load the whole machine, each with the reason given when refused. */
    static final Map<String, String> MACHINE_WIDE = Map.of(
            "hugepages", "it resizes the machine's huge page pool, which every student shares",
            "limit", "it changes the console's resource limits, which class mode keeps as the administrator set them",
            "lockall", "it locks every page of the console, present and future, outside the class's memory budget",
            "bench",
                    "it maps and sweeps up to gigabytes to measure the machine, which would skew every student's figures");

    private final ClassLayout layout;
    private final String id;
    private final Path work;
    private final Path shared;
    private final Ledger ledger;
    /** What this console has claimed, by mapping name: byte ranges [start, end) within the mapping. */
    private final Map<String, Ranges> claims = new HashMap<>();

    ClassPolicy(ClassLayout layout, String id, Path work, Path shared, Ledger ledger) throws IOException {
        this.layout = layout;
        this.id = id;
        this.work = work.toRealPath();
        this.shared = Files.isDirectory(shared) ? shared.toRealPath() : shared;
        this.ledger = ledger;
    }

    /** The policy in force in this process (class join), if any. */
    public static Optional<ClassPolicy> active() {
        return Optional.ofNullable(active);
    }

    static void activate(ClassPolicy p) {
        active = p;
    }

    /** Following a live teacher: statements wait for the student's turn. */
    private volatile Follow follow;

    void follow(Follow f) {
        follow = f;
    }

    public ClassLayout layout() {
        return layout;
    }

    public String id() {
        return id;
    }

    /** The student's private directory (real path). */
    public Path work() {
        return work;
    }

    public Path shared() {
        return shared;
    }

    /** The console's line history, in the private directory. */
    public Path historyFile() {
        return work.resolve(".pagelab-history");
    }

    /** Where 'replay NAME' looks for recipes before the bundled ones: the class's material, then the student's own. */
    public List<Path> recipeDirs() {
        return List.of(shared, work);
    }

    // ---- before a statement -----------------------------------------------------------------------------------

    /**
     * Refuses {@code line} in one line, or returns it with every file word replaced by the path it resolves to, after
     * claiming the memory it may commit.
     */
    public CommandLine admit(Command command, CommandLine line, Session session) throws CommandError {
        String verb = command.name();
        Follow f = follow;
        if (f != null) f.admit(verb);
        String reason = MACHINE_WIDE.get(verb);
        if (reason != null) {
            throw CommandError.refused(null, "not available in class mode: " + reason, "ask your teacher to show it");
        }
        List<CommandLine.Word> words = new ArrayList<>(line.words());
        Args a;
        try {
            a = Args.parse(line, command.options());
        } catch (CommandError e) {
            return line; // the command itself reports what is wrong with its words; nothing runs
        }
        switch (verb) {
            case "map" -> {
                if (a.has("file")) {
                    boolean write = a.has("create") || a.has("shared");
                    confineOption(words, a.option("file"), "file", write);
                }
            }
            case "cache", "evict" -> {
                for (Args.Positional p : a.positional()) {
                    if (isMapping(session, p.text())) continue;
                    replace(words, p.index(), confine(p.text(), false).toString());
                }
            }
            case "record" -> {
                if (a.positional().size() == 1
                        && !a.positional().getFirst().text().equals("stop")) {
                    Args.Positional p = a.positional().getFirst();
                    String name = p.text().endsWith(".toml") ? p.text() : p.text() + ".toml";
                    replace(words, p.index(), confine(name, true).toString());
                }
            }
            case "replay" -> {
                if (a.has("cast")) confineOption(words, a.option("cast"), "cast", true);
                for (Args.Positional p : a.positional()) {
                    if (pathLike(p.text()))
                        replace(words, p.index(), confine(p.text(), false).toString());
                }
            }
            default -> {}
        }
        CommandLine admitted = new CommandLine(line.text(), List.copyOf(words));
        claimMemory(verb, a, session);
        return admitted;
    }

    /**
     * A recipe word is a path (confined) when it looks like one or names something that exists where it would be read
     * from; otherwise it is a recipe name, looked up only in {@link #recipeDirs()} and the bundled recipes.
     */
    private boolean pathLike(String word) {
        return word.contains("/")
                || word.startsWith("~")
                || word.startsWith(".")
                || word.endsWith(".toml")
                || Files.exists(Path.of(word), LinkOption.NOFOLLOW_LINKS)
                || Files.exists(work.resolve(word), LinkOption.NOFOLLOW_LINKS);
    }

    private static boolean isMapping(Session session, String word) {
        int bracket = word.indexOf('[');
        String name = bracket < 0 ? word : word.substring(0, bracket);
        return Session.validName(name) && session.mapping(name) != null;
    }

    private void confineOption(List<CommandLine.Word> words, Args.Option o, String name, boolean write)
            throws CommandError {
        String resolved = confine(o.value(), write).toString();
        boolean joined = words.get(o.index()).text().startsWith("--" + name + "=");
        replace(words, o.index(), joined ? "--" + name + "=" + resolved : resolved);
    }

    private static void replace(List<CommandLine.Word> words, int index, String text) {
        words.set(index, new CommandLine.Word(text, words.get(index).column()));
    }

    /**
     * The real path {@code word} names, taken from the private directory when relative, if it lies in the private
     * directory (or, to read, in the shared material); else a one-line refusal. A file to be written that does not exist
     * yet is judged by its directory's real path; a dangling symbolic link is refused (writing through it would create
     * its target wherever it points).
     */
    public Path confine(String word, boolean write) throws CommandError {
        if (word.isEmpty() || word.indexOf('\0') >= 0) throw refusal(word, write);
        Path p = word.equals("~") ? work : word.startsWith("~/") ? work.resolve(word.substring(2)) : work.resolve(word);
        Path real;
        try {
            if (Files.exists(p)) {
                real = p.toRealPath();
            } else if (Files.isSymbolicLink(p)) {
                throw refusal(word, write);
            } else {
                Path parent = p.toAbsolutePath().normalize().getParent();
                Path file = p.toAbsolutePath().normalize().getFileName();
                if (parent == null || file == null || !Files.isDirectory(parent)) throw refusal(word, write);
                real = parent.toRealPath().resolve(file.toString());
            }
        } catch (IOException e) {
            throw refusal(word, write);
        }
        if (real.startsWith(work) || !write && real.startsWith(shared)) return real;
        throw refusal(word, write);
    }

    /**
     * Whether Tab may offer {@code candidate}: a word that is no path, a path into the allowed directories, or a
     * directory on the way to one (so that Tab walks down to the shared material); never a listing of elsewhere.
     */
    public boolean completable(String candidate) {
        if (!candidate.contains("/")) return true;
        Path p = work.resolve(candidate.startsWith("~/") ? candidate.substring(2) : candidate)
                .normalize();
        try {
            Path real = Files.exists(p) ? p.toRealPath() : p;
            return real.startsWith(work) || real.startsWith(shared) || work.startsWith(real) || shared.startsWith(real);
        } catch (IOException e) {
            return false;
        }
    }

    private CommandError refusal(String word, boolean write) {
        return CommandError.refused(
                word,
                "is outside your class directories",
                write
                        ? "in class mode files are written in " + work + " (relative names go there)"
                        : "in class mode files are read from " + work + " or " + shared
                                + " (relative names are taken from the first)");
    }

    // ---- the memory budget ------------------------------------------------------------------------------------

    /** Claims what the step may commit, in PMD-sized blocks (a THP fault brings in a whole one); refuses past the budget. */
    private void claimMemory(String verb, Args a, Session session) throws CommandError {
        String name;
        long from, to;
        try {
            switch (verb) {
                case "map" -> {
                    if (!a.has("populate") && !a.has("locked") || a.positional().isEmpty()) return;
                    List<Args.Positional> pos = a.positional();
                    name = pos.size() == 2 ? pos.get(0).text() : session.nextName();
                    long unit = PageGeometry.current().pageSize();
                    if (a.has("hugetlb")) {
                        String v = a.value("hugetlb");
                        unit = v == null || v.isEmpty()
                                ? PageGeometry.current().pmdSize()
                                : Sizes.parse(v, unit, 0, "page size");
                    }
                    from = 0;
                    to = Sizes.parse(pos.getLast().text(), unit, pos.getLast().index(), "size");
                }
                case "touch", "lock" -> {
                    if (a.positional().isEmpty()) return;
                    long[] r = range(session, a.positional().getFirst().text());
                    if (r == null) return;
                    name = nameOf(a.positional().getFirst().text());
                    from = r[0];
                    to = r[1];
                }
                case "advise" -> {
                    if (a.positional().size() < 2) return;
                    Advice advice = Advice.of(a.positional().get(1).text()).orElse(null);
                    if (advice != Advice.WILLNEED && advice != Advice.POPULATE_READ && advice != Advice.POPULATE_WRITE)
                        return;
                    long[] r = range(session, a.positional().getFirst().text());
                    if (r == null) return;
                    name = nameOf(a.positional().getFirst().text());
                    from = r[0];
                    to = r[1];
                }
                default -> {
                    return;
                }
            }
        } catch (CommandError e) {
            return; // a word the command will refuse itself, before it commits anything
        }
        if (to <= from) return;
        long block = PageGeometry.current().pmdSize();
        from = from / block * block;
        to = (to + block - 1) / block * block;
        Mapping m = session.mapping(name);
        if (m != null) to = Math.min(to, (m.length() + block - 1) / block * block);
        Ranges r = claims.computeIfAbsent(name, k -> new Ranges());
        long more = r.uncovered(from, to);
        if (more == 0) return;
        Ledger.Refusal no;
        try {
            no = ledger.claim(total() + more);
        } catch (IOException e) {
            throw CommandError.refused(
                    null,
                    "the class's memory ledger cannot be read (" + e.getMessage() + ")",
                    "tell your teacher; steps that commit memory wait until it can");
        }
        if (no != null) {
            if (r.empty()) claims.remove(name);
            throw CommandError.refused(
                    null,
                    "the class's memory budget is " + Sizes.human(no.budget()) + ", of which "
                            + Sizes.human(no.others() + no.mine()) + " is held (" + Sizes.human(no.mine())
                            + " by you); this step may bring in "
                            + Sizes.human(more),
                    "unmap what you no longer need ('list' shows it), or work on a smaller range");
        }
        r.add(from, to);
    }

    private static String nameOf(String word) {
        int bracket = word.indexOf('[');
        return bracket < 0 ? word : word.substring(0, bracket);
    }

    /**
     * The byte range [start, end) of a mapping that {@code m1}, {@code m1[OFF:LEN]}, {@code m1[OFF:]} or {@code m1[:LEN]}
     * names, clipped to the mapping; null when there is no such mapping or the words are not a range (the command
     * refuses those itself, before committing anything).
     */
    static long[] range(Session session, String word) throws CommandError {
        Mapping m = session.mapping(nameOf(word));
        if (m == null) return null;
        int bracket = word.indexOf('[');
        if (bracket < 0) return new long[] {0, m.length()};
        int colon = word.indexOf(':', bracket);
        if (colon < 0 || !word.endsWith("]")) return null;
        String offText = word.substring(bracket + 1, colon).trim(),
                lenText = word.substring(colon + 1, word.length() - 1).trim();
        long off = offText.isEmpty() ? 0 : Sizes.parse(offText, m.pageSize(), 0, "offset");
        long len = lenText.isEmpty() ? m.length() - off : Sizes.parse(lenText, m.pageSize(), 0, "length");
        if (off < 0 || off >= m.length() || len <= 0) return null;
        return new long[] {off, Math.min(m.length(), off + len)};
    }

    private long total() {
        long t = 0;
        for (Ranges r : claims.values()) t += r.bytes();
        return t;
    }

    // ---- after a statement ------------------------------------------------------------------------------------

    /** Drops the claims of memory no longer mapped (unmap, a map that failed) and tells the ledger. */
    public void settled(Session session) {
        for (var it = claims.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            Mapping m = session.mapping(e.getKey());
            if (m == null) {
                it.remove();
                continue;
            }
            long block = PageGeometry.current().pmdSize();
            List<long[]> live = new ArrayList<>();
            for (long[] p : m.liveParts())
                live.add(new long[] {p[0] / block * block, (p[1] + block - 1) / block * block});
            e.getValue().retain(live);
            if (e.getValue().empty()) it.remove();
        }
        if (total() != ledger.claimed()) {
            try {
                ledger.claim(total());
            } catch (IOException ignored) {
                // lowering a claim: the next step's claim, or our exit, corrects the file
            }
        }
    }

    Ledger ledgerForTest() {
        return ledger;
    }

    @Override
    public void close() {
        ledger.close();
        if (active == this) active = null;
    }

    /** Disjoint byte ranges [start, end), kept sorted. */
    static final class Ranges {
        private final java.util.TreeMap<Long, Long> ranges = new java.util.TreeMap<>();

        long bytes() {
            long b = 0;
            for (var e : ranges.entrySet()) b += e.getValue() - e.getKey();
            return b;
        }

        boolean empty() {
            return ranges.isEmpty();
        }

        /** Bytes of [from, to) not yet held. */
        long uncovered(long from, long to) {
            long covered = 0;
            for (var e : ranges.entrySet())
                covered += Math.max(0, Math.min(to, e.getValue()) - Math.max(from, e.getKey()));
            return to - from - covered;
        }

        void add(long from, long to) {
            var before = ranges.floorEntry(from);
            if (before != null && before.getValue() >= from) {
                from = before.getKey();
                to = Math.max(to, before.getValue());
            }
            for (var e = ranges.ceilingEntry(from); e != null && e.getKey() <= to; e = ranges.ceilingEntry(from)) {
                to = Math.max(to, e.getValue());
                ranges.remove(e.getKey());
            }
            ranges.put(from, to);
        }

        /** Keeps only what lies within {@code parts}. */
        void retain(List<long[]> parts) {
            java.util.TreeMap<Long, Long> kept = new java.util.TreeMap<>();
            for (var e : ranges.entrySet()) {
                for (long[] p : parts) {
                    long s = Math.max(e.getKey(), p[0]), t = Math.min(e.getValue(), p[1]);
                    if (s < t) kept.merge(s, t, Math::max);
                }
            }
            ranges.clear();
            for (var e : kept.entrySet()) add(e.getKey(), e.getValue());
        }
    }

    /** The commands class mode refuses outright, for the manual and tests. */
    public static Set<String> machineWide() {
        return MACHINE_WIDE.keySet();
    }
}
