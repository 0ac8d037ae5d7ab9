package dev.pagelab.commands.mapping;

import dev.pagelab.commands.Args;
import dev.pagelab.commands.BaseCommand;
import dev.pagelab.commands.CommandError;
import dev.pagelab.commands.CommandLine;
import dev.pagelab.commands.Completions;
import dev.pagelab.commands.Mapping;
import dev.pagelab.commands.Session;
import dev.pagelab.commands.Sizes;
import dev.pagelab.commands.inspect.KernelCommand;
import dev.pagelab.commands.report.LatencyModes;
import dev.pagelab.commands.report.Report;
import dev.pagelab.commands.report.SlowWithoutFault;
import dev.pagelab.commands.report.StepReport;
import dev.pagelab.linux.LinuxException;
import dev.pagelab.linux.PageGeometry;
import dev.pagelab.linux.measure.LatencyHistogram;
import dev.pagelab.linux.measure.NanoClock;
import dev.pagelab.linux.measure.PageToucher;
import dev.pagelab.linux.proc.KernelProfile;
import dev.pagelab.linux.proc.Machine;
import dev.pagelab.linux.proc.Pagemap;
import dev.pagelab.linux.proc.ProcMeminfo;
import dev.pagelab.linux.proc.ThpSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** {@code touch RANGE [--read|--write] [--stride SIZE] [--order seq|reverse|random] [--timing] [--force]}. */
public final class TouchCommand extends BaseCommand {
    private static final Args.OptionSpec OPTIONS = Args.OptionSpec.of(
                    Set.of("read", "write", "timing", "force"), Set.of("stride", "order"))
            .withChoices("order", "seq", "reverse", "random");

    public TouchCommand() {
        super("touch", OPTIONS);
    }

    @Override
    public List<String> complete(Session session, List<String> before, int wordIndex) {
        String prev = before.isEmpty() ? "" : before.get(before.size() - 1);
        if (prev.equals("--stride")) {
            PageGeometry g = PageGeometry.current();
            return List.of(Sizes.format(g.pageSize()), "64", Sizes.format(g.pmdSize()), "16p");
        }
        return Completions.rangesAndOptions(session, OPTIONS);
    }

    @Override
    public Report run(Session session, CommandLine line) throws CommandError {
        Args a = Args.parse(line, OPTIONS);
        if (a.positional().isEmpty())
            throw CommandError.usage(0, "touch needs a mapping", "e.g. 'touch m1' or 'touch m1[0:64p] --read'");
        a.atMost(1, "touch RANGE [--read|--write] [--stride SIZE] [--order seq|reverse|random] [--timing]");
        a.exclusive("read", "write");
        Target t = session.resolve(a.positional().get(0), false);
        Mapping m = t.mapping();
        boolean write = !a.has("read");
        long stride = m.pageSize();
        if (a.has("stride")) {
            Args.Option o = a.option("stride");
            stride = Sizes.parse(o.value(), m.pageSize(), o.index(), "stride");
            if (stride <= 0) throw CommandError.usage(o.index(), "stride must be more than 0", "e.g. --stride 4K");
        }
        PageToucher.Order order = PageToucher.Order.SEQ;
        if (a.has("order")) {
            Args.Option o = a.option("order");
            order = switch (o.value().toLowerCase(Locale.ROOT)) {
                case "seq", "sequential" -> PageToucher.Order.SEQ;
                case "reverse", "rev" -> PageToucher.Order.REVERSE;
                case "random", "rand" -> PageToucher.Order.RANDOM;
                default ->
                    throw CommandError.usage(
                            o.index(), "'" + o.value() + "' is not an order", OPTIONS.choicesHint("order"));
            };
        }
        AccessCheck.check(t, write);
        long count = t.length() / stride + (t.length() % stride == 0 ? 0 : 1);
        PageGeometry g = m.geometry();
        long rangePages = g.pagesCovering(t.length());
        try {
            long presentInRange = session.present(t);
            // A read of private anonymous memory maps the zero page: no page, but still 8 bytes of page table per
            // page (2 GiB per TiB), which is what an enormous read touch runs out of.
            // (Not where the kernel has no shared zero page: there a read allocates a page like a write.)
            boolean needsPages = write
                    || m.kind() != Mapping.Kind.ANON_PRIVATE
                    || KernelProfile.current().zeroPage() == KernelProfile.ZeroPage.PRIVATE;
            // Each access makes at most one page of the mapping resident (a huge page for hugetlb or a THP), so a
            // sparse stride over a huge range needs only what its accesses touch.
            // Unless it was made --no-thp, a mapping may have been advised hugepage since, or THP may be 'always'.
            boolean thpPossible = !m.creation().contains("no-thp")
                    && !"never".equals(ThpSettings.thpEnabled().orElse("never"));
            long pagesPerAccess = g.pages(Math.max(m.pageSize(), thpPossible ? g.pmdSize() : 0));
            long missing = Math.min(
                    rangePages - presentInRange,
                    count > Long.MAX_VALUE / pagesPerAccess ? Long.MAX_VALUE : count * pagesPerAccess);
            session.checkMemory(
                    t.text(), missing * (needsPages ? g.pageSize() + 8 : 8), a.has("force"), "touching " + t.text());
        } catch (LinuxException e) {
            throw CommandError.kernel(t.text(), e, "reading /proc/self/pagemap failed", null);
        }
        LatencyHistogram histogram = a.has("timing") ? new LatencyHistogram() : null;
        long seed = System.nanoTime();
        final long base = m.base(), length = m.length(), first = t.offset(), n = count, step = stride;
        final PageToucher.Order ord = order;
        // A plain store of 0 into memory only pagelab has written (zeros); a content-keeping write into a user's file.
        final PageToucher.Access access = !write
                ? PageToucher.Access.READ
                : m.kind() == Mapping.Kind.FILE_PRIVATE || m.kind() == Mapping.Kind.FILE_SHARED
                        ? PageToucher.Access.WRITE_KEEP
                        : PageToucher.Access.WRITE_ZERO;
        String action = (write ? "write" : "read") + ", " + order.name().toLowerCase(Locale.ROOT) + ", " + count
                + (count == 1 ? " access" : " accesses")
                + (stride != m.pageSize() ? " every " + Sizes.format(stride) : "");
        List<String> notes = new ArrayList<>();
        // Copy-on-write is counted around the window, never inside it: pages of the range by PAGEMAP_SCAN category.
        boolean watchCow = write && m.kind().privateMapping() && !m.hugetlb();
        long[] cowBefore = watchCow ? categories(t) : null;
        session.meter().toucher().resetCancel();
        // A display on another thread may show how far the loop has got (see StepProgress): set up here, outside
        // the window, from strings that exist already.
        session.progress().begin("touch", t.text(), count, session.meter().toucher());
        StepReport r;
        try {
            r = Steps.run(
                    session,
                    "touch",
                    t.text(),
                    action,
                    m,
                    rangePages,
                    Steps.details(
                            "address",
                            Steps.hex(t.address()),
                            "access",
                            write ? "write" : "read",
                            "order",
                            order.name().toLowerCase(Locale.ROOT),
                            "stride_bytes",
                            stride,
                            "seed",
                            seed),
                    notes,
                    errno -> "",
                    meter -> meter.touch(base, length, first, n, step, access, ord, seed, histogram));
        } finally {
            session.progress().end();
        }
        long done = session.meter().lastTouched();
        if (done < count) notes.add("interrupted: " + done + " of " + count + " accesses made");
        StepReport.Timing timing = null;
        if (histogram != null) {
            // After the window: the timer's figures (measured once per process) and the modes of what it timed.
            NanoClock.Calibration clock = NanoClock.calibration();
            timing = new StepReport.Timing(
                    histogram,
                    LatencyModes.of(
                            histogram, r.sample().minorFaults() + r.sample().majorFaults(), clock.quantumNanos()),
                    clock,
                    Machine.virtualization());
        }
        if (watchCow) cowNote(m, cowBefore, categories(t), notes);
        zeroPageNote(m, write, r, notes);
        shmemMajorNote(m, r, notes);
        // with --timing the modes say it already ("no fault but slow")
        if (histogram == null) {
            SlowWithoutFault.note(r.sample(), done, session.residentTouchNanos(), Machine.virtualization())
                    .ifPresent(notes::add);
        }
        return Steps.withTouch(r, done, count, timing);
    }

    /**
     * Shared anonymous and memfd pages live in shmem, which without swap has nothing to read a page from, yet some
     * kernels count the fault that allocates one as major: Debian's 5.10 counted 16 write faults on 16 fresh pages
     * of either as 16 major (a read: 16 minor); 6.1 and later count them minor. Said where it cannot be I/O.
     */
    static void shmemMajorNote(Mapping m, StepReport r, List<String> notes) {
        if (m.kind() != Mapping.Kind.ANON_SHARED && m.kind() != Mapping.Kind.MEMFD) return;
        long major = r.sample().majorFaults();
        if (major == 0 || ProcMeminfo.swapTotalBytes() > 0) return;
        notes.add("no I/O behind the " + major + " major fault" + (major == 1 ? "" : "s") + ": there is no swap, so a "
                + "shmem page has nothing to be read from; this kernel counts the fault that allocates a shmem page "
                + "as major (Debian's 5.10 does for writes; 6.1 and later count it minor)");
    }

    /**
     * Where this kernel departs from the textbook's zero page, says so: a read of untouched private anonymous memory
     * allocated private pages (RSS grew, and a write will not fault again), or a write found the pages a read had
     * already made private.
     */
    static void zeroPageNote(Mapping m, boolean write, StepReport r, List<String> notes) {
        KernelProfile p = KernelProfile.current();
        if (p.zeroPage() != KernelProfile.ZeroPage.PRIVATE || m.kind() != Mapping.Kind.ANON_PRIVATE || m.hugetlb())
            return;
        long faults = r.sample().minorFaults();
        long presentBefore = r.present().map(StepReport.Present::before).orElse(0L);
        long newlyPresent = r.present().map(StepReport.Present::delta).orElse(0L);
        if (!write && faults > 0 && newlyPresent > 0) {
            notes.add("no shared zero page on this kernel (" + KernelCommand.zeroPageCause(p) + "): each read fault "
                    + "allocated a private zeroed page, so RSS grew and a write to these pages will not fault again");
        } else if (write && presentBefore > 0 && faults < r.pages().orElse(0)) {
            notes.add("pages read before are private already (no shared zero page on this kernel, "
                    + KernelCommand.zeroPageCause(p) + "): writing them took no copy-on-write fault");
        }
    }

    /** Present pages of the range's mapped parts: {present, file (PAGE_IS_FILE), zero page (PAGE_IS_PFNZERO)}. */
    private static long[] categories(Target t) throws CommandError {
        Mapping m = t.mapping();
        long from = m.geometry().alignDown(t.offset());
        long to = Math.min(m.length(), m.geometry().alignUp(t.end()));
        long[] n = new long[3];
        try {
            for (long[] p : m.liveWithin(from, to - from)) {
                Pagemap.scan(
                        m.base() + p[0],
                        m.base() + p[1],
                        Pagemap.PAGE_IS_PRESENT,
                        0,
                        Pagemap.PAGE_IS_PRESENT | Pagemap.PAGE_IS_FILE | Pagemap.PAGE_IS_PFNZERO,
                        r -> {
                            n[0] += r.pages();
                            if ((r.categories() & Pagemap.PAGE_IS_FILE) != 0) n[1] += r.pages();
                            if ((r.categories() & Pagemap.PAGE_IS_PFNZERO) != 0) n[2] += r.pages();
                        });
            }
        } catch (LinuxException e) {
            throw CommandError.kernel(t.text(), e, "reading /proc/self/pagemap failed", null);
        }
        return n;
    }

    /**
     * Says what a write to a private mapping copied. File: pages that were page-cache pages (PAGE_IS_FILE) and
     * are now private anonymous copies, and pages that were not mapped and faulted straight to a copy. Anonymous:
     * mappings of the shared zero page replaced by private pages.
     */
    private static void cowNote(Mapping m, long[] before, long[] after, List<String> notes) {
        long anonBefore = before[0] - before[1], anonAfter = after[0] - after[1];
        if (m.kind() == Mapping.Kind.FILE_PRIVATE) {
            long copies = anonAfter - anonBefore;
            if (copies <= 0) return;
            long fromMapped = Math.max(0, Math.min(copies, before[1] - after[1]));
            String s = copies == 1 ? "" : "s";
            String how = fromMapped == copies
                    ? ""
                    : fromMapped == 0
                            ? " (none was mapped before: each write fault " + "copied from the page cache at once)"
                            : " (" + fromMapped + " were mapped page-cache pages, " + (copies - fromMapped)
                                    + " were not mapped and faulted straight to a copy)";
            notes.add(copies + " file page" + s + " copied on write to anonymous page" + s + " (CoW)" + how
                    + "; the file and its page cache are unchanged");
        } else {
            long replaced = before[2] - after[2];
            if (replaced <= 0) return;
            notes.add(replaced + " zero-page mapping" + (replaced == 1 ? "" : "s") + " replaced on write by private "
                    + "page" + (replaced == 1 ? "" : "s") + " (CoW of the shared zero page)");
        }
    }

    @Override
    public boolean changesState() {
        return true;
    }
}
