package dev.pagelab.commands.mapping;

import static dev.pagelab.linux.LinuxConstants.MADV_HUGEPAGE;
import static dev.pagelab.linux.LinuxConstants.MADV_NOHUGEPAGE;
import static dev.pagelab.linux.LinuxConstants.MAP_ANONYMOUS;
import static dev.pagelab.linux.LinuxConstants.MAP_FIXED;
import static dev.pagelab.linux.LinuxConstants.MAP_HUGETLB;
import static dev.pagelab.linux.LinuxConstants.MAP_LOCKED;
import static dev.pagelab.linux.LinuxConstants.MAP_NORESERVE;
import static dev.pagelab.linux.LinuxConstants.MAP_POPULATE;
import static dev.pagelab.linux.LinuxConstants.MAP_PRIVATE;
import static dev.pagelab.linux.LinuxConstants.MAP_SHARED;
import static dev.pagelab.linux.LinuxConstants.O_CREAT;
import static dev.pagelab.linux.LinuxConstants.O_RDONLY;
import static dev.pagelab.linux.LinuxConstants.O_RDWR;
import static dev.pagelab.linux.LinuxConstants.PROT_EXEC;
import static dev.pagelab.linux.LinuxConstants.PROT_NONE;
import static dev.pagelab.linux.LinuxConstants.PROT_READ;
import static dev.pagelab.linux.LinuxConstants.PROT_WRITE;

import dev.pagelab.commands.Advice;
import dev.pagelab.commands.Args;
import dev.pagelab.commands.BaseCommand;
import dev.pagelab.commands.CommandError;
import dev.pagelab.commands.CommandLine;
import dev.pagelab.commands.Completions;
import dev.pagelab.commands.Mapping;
import dev.pagelab.commands.Session;
import dev.pagelab.commands.Sizes;
import dev.pagelab.commands.report.Report;
import dev.pagelab.commands.report.StepReport;
import dev.pagelab.commands.report.SystemActivity;
import dev.pagelab.linux.FileIo;
import dev.pagelab.linux.LinuxException;
import dev.pagelab.linux.Mman;
import dev.pagelab.linux.PageGeometry;
import dev.pagelab.linux.measure.FaultSample;
import dev.pagelab.linux.measure.PageToucher;
import dev.pagelab.linux.proc.HugetlbPool;
import dev.pagelab.linux.proc.KernelProfile;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** {@code map [NAME] SIZE [options]}: creates a named mapping with mmap(2). */
public final class MapCommand extends BaseCommand {
    public static final Args.OptionSpec OPTIONS = new Args.OptionSpec(
                    Set.of("shared", "create", "memfd", "populate", "noreserve", "locked", "thp", "no-thp", "force"),
                    Set.of("file", "align", "prot"),
                    Set.of("hugetlb"))
            .withChoices("prot", "r", "rw", "rx", "none");

    public MapCommand() {
        super("map", OPTIONS);
    }

    @Override
    public List<String> complete(Session session, List<String> before, int wordIndex, String partial) {
        // --file PATH completes paths, as cache and evict do
        if (!before.isEmpty() && before.get(before.size() - 1).equals("--file")) {
            return Completions.paths(partial == null ? "" : partial);
        }
        return super.complete(session, before, wordIndex, partial);
    }

    @Override
    public List<String> complete(Session session, List<String> before, int wordIndex) {
        String prev = before.isEmpty() ? "" : before.get(before.size() - 1);
        if (prev.equals("--align")) {
            return java.util.stream.Stream.of(
                            Sizes.format(PageGeometry.current().pmdSize()), "1G", "64K")
                    .distinct()
                    .toList();
        }
        List<String> out = new ArrayList<>(Completions.options(OPTIONS));
        out.remove("--hugetlb");
        out.add("--hugetlb");
        for (long size : HugetlbPool.sizes()) out.add("--hugetlb=" + Sizes.format(size));
        out.addAll(List.of("4K", "64K", "1M", "2M", "4M", "64M", "1G", "256p"));
        return out;
    }

    @Override
    public Report run(Session session, CommandLine line) throws CommandError {
        Args a = Args.parse(line, OPTIONS);
        List<Args.Positional> pos = a.positional();
        if (pos.isEmpty())
            throw CommandError.usage(0, "map needs a SIZE", "e.g. 'map 4M' or 'map buf 256p --populate'");
        a.atMost(2, "map [NAME] SIZE [options]");
        String name;
        Args.Positional sizeWord;
        if (pos.size() == 2) {
            name = pos.get(0).text();
            sizeWord = pos.get(1);
            if (!Session.validName(name)) {
                throw CommandError.usage(
                        pos.get(0).index(),
                        "'" + name + "' is not a valid name",
                        "a name is a letter then letters, digits, _ or - (at most 32)");
            }
            if (session.mapping(name) != null) {
                throw CommandError.usage(
                        pos.get(0).index(),
                        "'" + name + "' already exists",
                        "choose another name, or 'unmap " + name + "' first");
            }
        } else {
            name = session.nextName();
            sizeWord = pos.get(0);
        }

        a.exclusive("thp", "no-thp");
        a.exclusive("file", "memfd");
        a.exclusive("memfd", "shared");
        if (a.has("create") && !a.has("file")) {
            throw CommandError.usage(
                    a.option("create").index(), "--create goes with --file PATH", "e.g. map 4M --file /tmp/f --create");
        }
        PageGeometry g = PageGeometry.current();
        long hugeSize = g.pageSize();
        if (a.has("hugetlb")) {
            hugeSize = hugetlbSize(a.value("hugetlb"), a.option("hugetlb").index(), g, HugetlbPool.sizes());
            if (a.has("file")) {
                throw CommandError.usage(
                        a.option("hugetlb").index(),
                        "--hugetlb maps anonymous memory",
                        "for a hugetlbfs file, map a file under a hugetlbfs mount with --file");
            }
            if (a.has("thp") || a.has("no-thp")) {
                throw CommandError.usage(
                        a.option("hugetlb").index(),
                        "--hugetlb and THP advice exclude each other",
                        "hugetlb pages are huge already; drop --thp");
            }
        }
        long size = Sizes.parse(sizeWord.text(), hugeSize, sizeWord.index(), "size");
        if (size <= 0) throw CommandError.usage(sizeWord.index(), "size must be more than 0", "e.g. map 4M");
        List<String> notes = new ArrayList<>();
        size = roundedSize(size, hugeSize, notes);
        int prot = parseProt(a);
        long align = alignment(a, g, hugeSize, notes);

        Mapping.Kind kind;
        int flags;
        if (a.has("memfd")) {
            kind = Mapping.Kind.MEMFD;
            flags = MAP_SHARED;
        } else if (a.has("file")) {
            kind = a.has("shared") ? Mapping.Kind.FILE_SHARED : Mapping.Kind.FILE_PRIVATE;
            flags = a.has("shared") ? MAP_SHARED : MAP_PRIVATE;
        } else {
            kind = a.has("shared") ? Mapping.Kind.ANON_SHARED : Mapping.Kind.ANON_PRIVATE;
            flags = (a.has("shared") ? MAP_SHARED : MAP_PRIVATE) | MAP_ANONYMOUS;
        }
        List<String> creation = new ArrayList<>();
        if (a.has("populate")) {
            flags |= MAP_POPULATE;
            creation.add("populate");
        }
        if (a.has("noreserve")) {
            flags |= MAP_NORESERVE;
            creation.add("noreserve");
        }
        if (a.has("locked")) {
            flags |= MAP_LOCKED;
            creation.add("locked");
            session.lockingUsed(true);
        }
        if (hugeSize != g.pageSize()) {
            flags |= MAP_HUGETLB | Mman.mapHuge(hugeSize);
            creation.add("hugetlb=" + Sizes.format(hugeSize));
        }
        if (a.has("thp")) creation.add("thp");
        if (a.has("no-thp")) creation.add("no-thp");
        if (align > 0) creation.add("align=" + Sizes.format(align));
        if (prot != (PROT_READ | PROT_WRITE)) creation.add("prot=" + a.value("prot"));

        String subject = name;
        if (a.has("populate") || a.has("locked")) {
            session.checkMemory(subject, size, a.has("force"), a.has("locked") ? "MAP_LOCKED" : "MAP_POPULATE");
        } else if (session.futureMappingsPopulated()) {
            session.checkMemory(
                    subject, size, a.has("force"), "mapping under mlockall(MCL_FUTURE), which faults it all in,");
        }
        // THP advice must come before the pages are faulted in: with MAP_POPULATE or MAP_LOCKED the kernel fills
        // the range inside mmap, before MADV_HUGEPAGE exists, and THP in madvise mode would not apply. So the
        // populate (or lock) is done after the advice, as MADV_POPULATE_WRITE (or mlock), in the same step.
        boolean populateAfterAdvice = (a.has("thp") || a.has("no-thp")) && (flags & (MAP_POPULATE | MAP_LOCKED)) != 0;
        final boolean lockAfter = populateAfterAdvice && (flags & MAP_LOCKED) != 0;
        final boolean populateAfter = populateAfterAdvice && (flags & MAP_POPULATE) != 0 && !lockAfter;
        // MADV_POPULATE_READ/WRITE arrived in Linux 5.14. Before it, the populate is a touch of every page, after the
        // advice and in the same window: the page size comes out as advised, and the faults count on this step, as
        // MAP_POPULATE's do. (Falling back to MAP_POPULATE itself would fill the range before the advice.)
        Advice populateAdvice = (prot & PROT_WRITE) != 0 ? Advice.POPULATE_WRITE : Advice.POPULATE_READ;
        final boolean populateByTouch =
                populateAfter && !KernelProfile.current().madvise(populateAdvice.value());
        if (populateAfterAdvice) {
            flags &= ~(MAP_POPULATE | MAP_LOCKED);
            notes.add((lockAfter
                            ? "MAP_LOCKED done as mlock"
                            : populateByTouch
                                    ? "MAP_POPULATE done by touching every page (" + populateAdvice.constant()
                                            + " needs Linux 5.14; this is "
                                            + KernelProfile.current().release() + ")"
                                    : "MAP_POPULATE done as " + populateAdvice.constant())
                    + " after the THP advice, so that it applies");
        }
        if (session.futureMappingsPopulated() && a.has("thp")) {
            notes.add("mlockall(MCL_FUTURE) fills the mapping inside mmap, before MADV_HUGEPAGE: expect "
                    + Sizes.exact(g.pageSize()) + " pages");
        }
        thpNote(a.has("thp"), a.has("no-thp") || hugeSize != g.pageSize(), kind, size, notes);

        int fd = -1;
        String path = null;
        // What a populate may touch: the whole mapping, but for a file only the pages it has (past its end is SIGBUS)
        long[] populateBytes = {size};
        try {
            if (kind == Mapping.Kind.MEMFD) {
                fd = Mman.memfdCreate("pagelab:" + name);
                FileIo.ftruncate(fd, size);
                path = "memfd:pagelab:" + name;
            } else if (kind.fileBacked()) {
                path = a.value("file");
                java.nio.file.Path p = java.nio.file.Path.of(path);
                if (java.nio.file.Files.exists(p) && !java.nio.file.Files.isRegularFile(p)) {
                    // Device and /proc files map to memory whose accesses can fault in ways pagelab cannot
                    // check beforehand (or change the hardware): only regular files are mapped.
                    throw CommandError.usage(
                            a.option("file").index(),
                            path + " is not a regular file",
                            "map a regular file, or use --memfd / --shared for shared memory");
                }
                boolean writable = kind == Mapping.Kind.FILE_SHARED && (prot & PROT_WRITE) != 0;
                int oflags = (writable || a.has("create") ? O_RDWR : O_RDONLY) | (a.has("create") ? O_CREAT : 0);
                fd = FileIo.open(path, oflags, 0644);
                long fileSize = FileIo.size(fd);
                if (a.has("create") && fileSize < size) {
                    FileIo.ftruncate(fd, size);
                    notes.add("extended " + path + " to " + Sizes.format(size) + " (sparse)");
                    populateBytes[0] = size;
                } else if (fileSize < size) {
                    populateBytes[0] = g.alignUp(fileSize);
                    notes.add(path + " is " + Sizes.human(fileSize) + ": pages past its end cannot be touched "
                            + "(they would raise SIGBUS); --create extends it");
                }
            }
        } catch (LinuxException e) {
            closeQuietly(fd);
            String hint = switch (e.errnoName()) {
                case "ENOENT" -> "the file does not exist; add --create to make it";
                case "EACCES" -> "no permission to open it that way";
                case "EISDIR" -> "that is a directory";
                default -> "";
            };
            throw CommandError.kernel(path == null ? name : path, e, hint, null);
        }

        final int mmapFlags = flags, mmapProt = prot, mmapFd = fd;
        final long length = size, alignment = align;
        final long huge = hugeSize;
        final long populatePages = g.pages(populateBytes[0]), page = g.pageSize();
        long[] where = new long[1];
        if (populateByTouch) session.meter().toucher().resetCancel();
        String thpAdvice = a.has("thp") ? "MADV_HUGEPAGE" : a.has("no-thp") ? "MADV_NOHUGEPAGE" : null;
        StepReport r;
        try {
            boolean hugetlb = hugeSize != g.pageSize();
            r = Steps.run(
                    session,
                    "map",
                    name,
                    "mmap " + sizeWords(size, hugeSize, hugetlb) + " " + kind.label() + " " + protWord(prot),
                    null,
                    new SystemActivity.Scope(kind, hugetlb ? hugeSize : 0),
                    g.pages(size),
                    null,
                    notes,
                    errno -> hugetlb
                            ? KernelHints.hugetlb(errno, huge)
                            : errno == dev.pagelab.linux.Errno.ENOMEM && (mmapFlags & MAP_NORESERVE) != 0
                                    ? "no room in the address space: x86-64 gives a process 128 TiB (47 bits) and the JVM "
                                            + "already holds parts of it"
                                    : KernelHints.mmap(errno),
                    meter -> {
                        FaultSample s;
                        if (alignment > 0) {
                            long reserve = reserve(length + alignment);
                            long aligned = (reserve + alignment - 1) & -alignment;
                            try {
                                s = meter.mmap(aligned, length, mmapProt, mmapFlags | MAP_FIXED, mmapFd, 0);
                            } catch (dev.pagelab.linux.measure.StepMeter.MeasuredFailure f) {
                                unmapQuietly(reserve, length + alignment);
                                throw f;
                            }
                            unmapQuietly(reserve, aligned - reserve);
                            unmapQuietly(aligned + length, reserve + length + alignment - (aligned + length));
                        } else {
                            s = meter.mmap(0, length, mmapProt, mmapFlags, mmapFd, 0);
                        }
                        where[0] = meter.lastAddress();
                        if (thpAdvice != null) {
                            s = s.plus(meter.madvise(
                                    where[0],
                                    length,
                                    thpAdvice.equals("MADV_HUGEPAGE") ? MADV_HUGEPAGE : MADV_NOHUGEPAGE,
                                    thpAdvice));
                        }
                        if (lockAfter) s = s.plus(meter.mlock(where[0], length, false));
                        if (populateAfter && !populateByTouch) {
                            s = s.plus(
                                    meter.madvise(where[0], length, populateAdvice.value(), populateAdvice.constant()));
                        } else if (populateAfter && mmapProt != PROT_NONE) {
                            boolean w = (mmapProt & PROT_WRITE) != 0;
                            s = s.plus(meter.touch(
                                    where[0],
                                    length,
                                    0,
                                    populatePages,
                                    page,
                                    !w
                                            ? PageToucher.Access.READ
                                            : mmapFd >= 0
                                                    ? PageToucher.Access.WRITE_KEEP
                                                    : PageToucher.Access.WRITE_ZERO,
                                    PageToucher.Order.SEQ,
                                    0,
                                    null));
                        }
                        return s;
                    });
        } catch (CommandError e) {
            closeQuietly(fd);
            if (where[0] != 0) unmapQuietly(where[0], size);
            throw e;
        }
        Mapping m = new Mapping(name, where[0], size, kind, hugeSize, g, flags, path, 0, fd, creation);
        session.add(m);
        long present;
        try {
            present = session.present(m);
        } catch (LinuxException e) {
            present = -1;
        }
        Map<String, Object> details = Steps.details(
                "address",
                Steps.hex(m.base()),
                "end",
                Steps.hex(m.end()),
                "size_bytes",
                size,
                "kind",
                kind.label(),
                "prot",
                Mman.protName(prot),
                "flags",
                Mman.mapFlagsName(flags));
        if (present >= 0) Steps.presentSource(session, m, details, notes);
        if (thpAdvice != null) details.put("advice", thpAdvice);
        if (path != null) details.put("path", path);
        if (fd >= 0) details.put("fd", fd);
        // before the map there was nothing of it: 0 present
        return new StepReport(
                "map",
                name,
                r.action() + " at " + Steps.hex(m.base()),
                r.sample(),
                r.pages(),
                present < 0 ? Optional.empty() : Optional.of(new StepReport.Present(0, present)),
                r.rss(),
                Optional.empty(),
                Optional.empty(),
                details,
                notes,
                r.system());
    }

    /**
     * The hugetlb page size {@code --hugetlb[=SIZE]} asks for: SIZE, or without one the PMD size (2M on x86-64);
     * it must be one this kernel offers ({@code offered}: /sys/kernel/mm/hugepages/hugepages-*kB).
     */
    public static long hugetlbSize(String value, int index, PageGeometry g, long[] offered) throws CommandError {
        long size = value == null ? g.pmdSize() : Sizes.parse(value, g.pageSize(), index, "huge page size");
        for (long o : offered) if (o == size) return size;
        List<String> sizes = new ArrayList<>();
        for (long o : offered) sizes.add(Sizes.format(o));
        if (sizes.isEmpty()) {
            throw CommandError.usage(
                    index,
                    "this kernel offers no hugetlb pages (/sys/kernel/mm/hugepages is empty or absent)",
                    "leave out --hugetlb; --thp asks for transparent huge pages");
        }
        String list = sizes.size() == 1
                ? sizes.get(0)
                : String.join(", ", sizes.subList(0, sizes.size() - 1)) + " and " + sizes.get(sizes.size() - 1);
        throw CommandError.usage(
                index,
                "--hugetlb" + (value == null ? "" : "=" + value) + ": this kernel offers " + list
                        + " hugetlb pages, not " + Sizes.format(size),
                "write --hugetlb=" + sizes.get(0));
    }

    /**
     * The alignment asked for with {@code --align}, or for {@code --thp} the PMD size, so that whole huge pages fit
     * (noted in {@code notes}); 0 for none.
     */
    public static long alignment(Args a, PageGeometry g, long hugeSize, List<String> notes) throws CommandError {
        if (a.has("align")) {
            Args.Option o = a.option("align");
            long align = Sizes.parse(o.value(), hugeSize, o.index(), "alignment");
            if (align < g.pageSize() || Long.bitCount(align) != 1) {
                throw CommandError.usage(
                        o.index(),
                        "--align " + o.value() + " is not a power of two of at least " + Sizes.format(g.pageSize()),
                        "e.g. --align " + Sizes.format(g.pmdSize()));
            }
            return align;
        }
        if (a.has("thp")) {
            notes.add("aligned to " + Sizes.format(g.pmdSize()) + " so that whole huge pages fit (--align to choose)");
            return g.pmdSize();
        }
        return 0;
    }

    /** {@code size} rounded up to whole pages of {@code pageSize}, said in {@code notes} when it changes. */
    public static long roundedSize(long size, long pageSize, List<String> notes) {
        long rounded = (size + pageSize - 1) / pageSize * pageSize;
        if (rounded != size) {
            notes.add("size rounded up to " + Sizes.format(rounded) + " (a whole number of " + Sizes.format(pageSize)
                    + " pages)");
        }
        return rounded;
    }

    /** {@code 4000K (1000p)}, or for hugetlb {@code 4M (2 huge pages)}: the size and its pages of {@code pageSize}. */
    public static String sizeWords(long size, long pageSize, boolean hugetlb) {
        return Sizes.format(size) + " (" + size / pageSize + (hugetlb ? " huge pages" : "p") + ")";
    }

    /**
     * Where the kernel's THP mode departs from what the user asked or expects, says so before the first fault: --thp
     * under "never" gets base pages; a large private anonymous mapping under "always" may get huge pages unasked.
     */
    static void thpNote(boolean thp, boolean noThp, Mapping.Kind kind, long size, List<String> notes) {
        KernelProfile p = KernelProfile.current();
        String mode = p.thp().enabled();
        String cause = p.bootParameters().stream()
                .filter(b -> b.startsWith("transparent_hugepage="))
                .findFirst()
                .map(b -> " (boot parameter " + b + ")")
                .orElse("");
        if (thp && !p.thpAvailable()) {
            notes.add("this kernel has no transparent huge pages (CONFIG_TRANSPARENT_HUGEPAGE): --thp gets base pages");
        } else if (thp && mode.equals("never")) {
            notes.add("THP is 'never' on this kernel" + cause + ": MADV_HUGEPAGE is accepted but the pages will be "
                    + Sizes.format(p.pageSize()) + " pages, one fault each");
        } else if (!thp
                && !noThp
                && mode.equals("always")
                && kind == Mapping.Kind.ANON_PRIVATE
                && size >= p.pmdSize()) {
            notes.add("THP is 'always' on this kernel" + cause + ": aligned " + Sizes.format(p.pmdSize())
                    + " blocks may be backed by huge pages unasked (one fault each); --no-thp for base pages");
        }
    }

    /** Address space to carve an aligned mapping from: PROT_NONE and unreserved, so it costs nothing. */
    private static long reserve(long length) throws CommandError {
        try {
            return Mman.mmap(0, length, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        } catch (LinuxException e) {
            throw CommandError.kernel("alignment", e, "no room in the address space for that alignment", null);
        }
    }

    private static void unmapQuietly(long addr, long len) {
        if (len <= 0) return;
        try {
            Mman.munmap(addr, len);
        } catch (LinuxException ignored) {
            // only pagelab's own reservation: nothing else can be there
        }
    }

    private static void closeQuietly(int fd) {
        if (fd < 0) return;
        try {
            FileIo.close(fd);
        } catch (LinuxException ignored) {
            // the descriptor was never shared
        }
    }

    static int parseProt(Args a) throws CommandError {
        if (!a.has("prot")) return PROT_READ | PROT_WRITE;
        Args.Option o = a.option("prot");
        return protOf(o.value(), o.index());
    }

    static int protOf(String word, int index) throws CommandError {
        return switch (word) {
            case "r" -> PROT_READ;
            case "rw" -> PROT_READ | PROT_WRITE;
            case "rx" -> PROT_READ | PROT_EXEC;
            case "none" -> PROT_NONE;
            default ->
                throw CommandError.usage(index, "'" + word + "' is not a protection", OPTIONS.choicesHint("prot"));
        };
    }

    static String protWord(int prot) {
        if (prot == PROT_NONE) return "none";
        return ((prot & PROT_READ) != 0 ? "r" : "")
                + ((prot & PROT_WRITE) != 0 ? "w" : "")
                + ((prot & PROT_EXEC) != 0 ? "x" : "");
    }

    @Override
    public boolean changesState() {
        return true;
    }
}
