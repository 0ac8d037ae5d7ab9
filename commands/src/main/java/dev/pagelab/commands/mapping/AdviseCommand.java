package dev.pagelab.commands.mapping;

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
import dev.pagelab.linux.Errno;
import dev.pagelab.linux.PageGeometry;
import dev.pagelab.linux.proc.KernelProfile;
import dev.pagelab.linux.proc.Pagemap;
import dev.pagelab.linux.proc.ProcMaps;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** {@code advise RANGE ADVICE}: madvise(2). */
public final class AdviseCommand extends BaseCommand {
    private static final Args.OptionSpec OPTIONS = Args.OptionSpec.of(Set.of("force"), Set.of());

    /** Advice the kernel refuses with EINVAL on VM_LOCKED areas (mm/madvise.c: can_madv_lru_vma, dontneed). */
    private static final java.util.Set<Advice> LOCKED_REFUSES =
            java.util.EnumSet.of(Advice.DONTNEED, Advice.FREE, Advice.COLD, Advice.PAGEOUT, Advice.REMOVE);

    public AdviseCommand() {
        super("advise", OPTIONS);
    }

    @Override
    public List<String> complete(Session session, List<String> before, int wordIndex) {
        if (wordIndex == 1) return Completions.ranges(session);
        List<String> out = new ArrayList<>(Advice.words());
        out.add("--force");
        return out;
    }

    @Override
    public Report run(Session session, CommandLine line) throws CommandError {
        Args a = Args.parse(line, OPTIONS);
        if (a.positional().size() < 2) {
            throw CommandError.usage(
                    a.positional().isEmpty() ? 0 : a.positional().get(0).index(),
                    "advise needs a mapping and an advice",
                    "e.g. 'advise m1 dontneed'; advices: " + String.join(" ", Advice.words()));
        }
        a.atMost(2, "advise RANGE ADVICE");
        Args.Positional adviceWord = a.positional().get(1);
        Advice advice = Advice.of(adviceWord.text())
                .orElseThrow(() -> CommandError.usage(
                        adviceWord.index(),
                        "'" + adviceWord.text() + "' is not an advice",
                        "advices: " + String.join(" ", Advice.words())));
        Target t = session.resolve(a.positional().get(0), true);
        Mapping m = t.mapping();
        PageGeometry g = m.geometry();
        KernelProfile profile = KernelProfile.current();
        if (!profile.madvise(advice.value())) {
            // Decided by what the kernel accepts (a zero-length madvise), not by its version: distribution kernels
            // backport advices, and a configuration can leave KSM or THP out of any version.
            throw CommandError.refused(t.text(), unsupported(advice, profile), alternative(advice));
        }
        long hole = m.firstHole(t.offset(), t.length());
        if (hole >= 0) {
            throw CommandError.refused(
                    t.text(),
                    "offset " + Sizes.format(hole) + " was unmapped",
                    "advise only mapped parts: 'list' shows them");
        }
        if (advice == Advice.POPULATE_WRITE || advice == Advice.POPULATE_READ || advice == Advice.WILLNEED) {
            try {
                long present = session.present(t);
                boolean needsPages = advice == Advice.POPULATE_WRITE || m.kind() != Mapping.Kind.ANON_PRIVATE;
                long missing = g.pages(t.length()) - present;
                // zero-page reads still cost page tables: 8 bytes per page
                session.checkMemory(
                        t.text(), missing * (needsPages ? g.pageSize() + 8 : 8), a.has("force"), advice.constant());
            } catch (dev.pagelab.linux.LinuxException e) {
                throw CommandError.kernel(t.text(), e, "reading /proc/self/pagemap failed", null);
            }
        }
        if (advice == Advice.COLLAPSE) {
            // MADV_COLLAPSE ignores khugepaged's max_ptes_none: every PMD-sized block with one present page (the zero
            // page counts) gets a new huge page. Found by the soak test: populate_read then collapse of a 1 TiB
            // --noreserve mapping had the kernel allocate huge pages until the OOM killer ended the JVM.
            try {
                long blocks = collapsibleBlocks(t);
                session.checkMemory(
                        t.text(),
                        blocks * g.pmdSize(),
                        a.has("force"),
                        "MADV_COLLAPSE of " + blocks + " " + Sizes.exact(g.pmdSize()) + " blocks with pages present");
            } catch (dev.pagelab.linux.LinuxException e) {
                throw CommandError.kernel(t.text(), e, "reading /proc/self/pagemap failed", null);
            }
        }
        StepReport r = Steps.run(
                session,
                "advise",
                t.text(),
                advice.constant(),
                m,
                g.pages(t.length()),
                Steps.details(
                        "address",
                        Steps.hex(t.address()),
                        "length_bytes",
                        t.length(),
                        "advice",
                        advice.constant(),
                        "advice_value",
                        advice.value()),
                null,
                errno -> hint(advice, errno, m),
                meter -> meter.madvise(t.address(), t.length(), advice.value(), advice.constant()));
        if (advice == Advice.GUARD_INSTALL) m.markGuardsInstalled();
        if (advice == Advice.PAGEOUT && session.mappings().contains(m)) pageoutNote(session, t, r.notes());
        return r;
    }

    /**
     * MADV_PAGEOUT reclaims only what it can take off the LRU right now; what stays mapped is said, with why. Measured
     * on Debian's 6.12 in a 2-CPU guest: 2 of 1024 freshly written file pages stayed after a pageout, once in a few
     * runs (a page still in another CPU's LRU batch cannot be isolated; lru_add_drain empties only this CPU's).
     */
    private static void pageoutNote(Session session, Target t, List<String> notes) {
        long left;
        try {
            left = session.present(t);
        } catch (dev.pagelab.linux.LinuxException e) {
            return;
        }
        if (left == 0) return;
        notes.add(left + " page" + (left == 1 ? "" : "s") + " stayed mapped: MADV_PAGEOUT skips a page it cannot take "
                + "off the LRU now (still in a CPU's LRU batch, locked, under writeback) and a page another mapping "
                + "maps too; advise again, or 'evict' a file's pages");
    }

    /**
     * PMD-sized blocks (2 MiB on x86-64) of the range that hold a present page but are not a huge page yet: what a
     * collapse allocates.
     */
    static long collapsibleBlocks(Target t) throws dev.pagelab.linux.LinuxException {
        long from = t.address(), to = t.address() + t.length();
        Blocks blocks = new Blocks(from, t.mapping().geometry().pmdSize());
        Pagemap.scan(from, to, Pagemap.PAGE_IS_PRESENT, 0, Pagemap.PAGE_IS_PRESENT | Pagemap.PAGE_IS_HUGE, r -> {
            if ((r.categories() & Pagemap.PAGE_IS_HUGE) == 0) blocks.add(r.start(), r.end());
        });
        return blocks.count();
    }

    /** The distinct blocks of {@code blockSize} bytes (a power of two) that runs [start, end) from {@code from} on touch. */
    public static final class Blocks {
        private final java.util.BitSet set = new java.util.BitSet();
        private final long first, blockSize;

        public Blocks(long from, long blockSize) {
            this.first = from / blockSize;
            this.blockSize = blockSize;
        }

        public void add(long start, long end) {
            long a = start / blockSize - first, b = (end - 1) / blockSize - first;
            if (b - a < Integer.MAX_VALUE)
                set.set((int) Math.min(a, Integer.MAX_VALUE - 1), (int) Math.min(b + 1, Integer.MAX_VALUE));
        }

        public long count() {
            return set.cardinality();
        }
    }

    private static boolean locked(Mapping m) {
        for (ProcMaps.SmapsArea s : ProcMaps.smaps(m.base(), m.end())) {
            if (s.vmFlags().contains("lo")) return true;
        }
        return false;
    }

    /** "MADV_COLLAPSE needs Linux 6.1; this is 5.10.0-32-amd64", or the configuration option it lacks. */
    public static String unsupported(Advice advice, KernelProfile p) {
        return switch (advice) {
            case MERGEABLE, UNMERGEABLE ->
                advice.constant() + " needs KSM, and this kernel (" + p.release()
                        + ") was built without it (CONFIG_KSM)";
            case HUGEPAGE, NOHUGEPAGE, COLLAPSE ->
                p.thpAvailable()
                        ? advice.constant() + " needs Linux " + advice.since() + "; this is " + p.release()
                        : advice.constant() + " needs transparent huge pages, and this kernel (" + p.release()
                                + ") was built without them (CONFIG_TRANSPARENT_HUGEPAGE)";
            default -> advice.constant() + " needs Linux " + advice.since() + "; this is " + p.release();
        };
    }

    /** What to do instead on a kernel without the advice. */
    private static String alternative(Advice advice) {
        return switch (advice) {
            case POPULATE_READ -> "touch the range with 'touch R --read' to fault it in";
            case POPULATE_WRITE -> "touch the range with 'touch R' to fault it in, or map it with --populate";
            case COLLAPSE -> "'advise R hugepage' lets khugepaged collapse it in the background";
            case GUARD_INSTALL, GUARD_REMOVE -> "'protect R none' forbids access too (it splits the VMA)";
            case DONTNEED_LOCKED -> "'unlock R' first, then 'advise R dontneed'";
            case PAGEOUT, COLD -> "'evict FILE' drops a file's pages from the page cache";
            case FREE -> "'advise R dontneed' drops the pages at once";
            default -> "'kernel' lists what this kernel offers";
        };
    }

    static String hint(Advice advice, int errno, Mapping m) {
        return reason(advice, errno, m);
    }

    private static String reason(Advice advice, int errno, Mapping m) {
        if (errno == Errno.EINVAL) {
            if (locked(m) && LOCKED_REFUSES.contains(advice)) {
                return "part of the range is locked (mlock): " + advice.constant()
                        + " does not apply to locked memory; 'unlock " + m.name() + "' first";
            }
            return switch (advice) {
                case DONTNEED, FREE ->
                    m.kind() != Mapping.Kind.ANON_PRIVATE && advice == Advice.FREE
                            ? "MADV_FREE works only on private anonymous memory"
                            : "the range is locked (mlock) or hugetlb-misaligned; 'unlock' first, or use dontneed_locked";
                case MERGEABLE, UNMERGEABLE ->
                    "the kernel was built without KSM (CONFIG_KSM), or the range cannot be merged";
                case HUGEPAGE, NOHUGEPAGE ->
                    "THP is not available here (CONFIG_TRANSPARENT_HUGEPAGE off, or a special mapping)";
                case COLLAPSE ->
                    "collapse needs THP-eligible memory with pages present: touch part of the range first "
                            + "(and THP must not be 'never')";
                case REMOVE -> "MADV_REMOVE needs shared memory that supports hole punching (shmem, tmpfs, hugetlbfs)";
                case GUARD_INSTALL, GUARD_REMOVE ->
                    "guard regions need private or anonymous memory that is not locked or hugetlb";
                case POPULATE_READ, POPULATE_WRITE ->
                    "populate needs memory the access allows: not PROT_NONE, and " + "writable for populate_write";
                default -> "the kernel rejects this advice for this range";
            };
        }
        return switch (errno) {
            case Errno.ENOMEM ->
                advice == Advice.POPULATE_READ || advice == Advice.POPULATE_WRITE
                        ? "out of memory while populating"
                        : "part of the range is not mapped";
            case Errno.EFAULT ->
                "populating hit a page an access would die on (SIGBUS/SIGSEGV): past the end of a "
                        + "file, a guard region, or an empty hugetlb pool";
            case Errno.EAGAIN -> "a transient kernel resource shortage; try again";
            case Errno.EPERM -> "not permitted (e.g. MADV_HWPOISON needs CAP_SYS_ADMIN)";
            case Errno.EBUSY -> "the pages are in use (e.g. collapse while pages are pinned)";
            case Errno.EACCES -> "MADV_REMOVE needs a shared, writable mapping";
            case Errno.EIO -> "paging in failed (I/O error reading the file)";
            default -> "";
        };
    }

    @Override
    public boolean changesState() {
        return true;
    }
}
