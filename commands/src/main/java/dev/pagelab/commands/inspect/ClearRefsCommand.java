package dev.pagelab.commands.inspect;

import dev.pagelab.commands.Args;
import dev.pagelab.commands.BaseCommand;
import dev.pagelab.commands.CommandError;
import dev.pagelab.commands.CommandLine;
import dev.pagelab.commands.Completions;
import dev.pagelab.commands.Mapping;
import dev.pagelab.commands.Session;
import dev.pagelab.commands.WriteTracking;
import dev.pagelab.commands.report.ClearRefsReport;
import dev.pagelab.commands.report.Report;
import dev.pagelab.linux.LinuxException;
import dev.pagelab.linux.proc.Pagemap;
import dev.pagelab.linux.proc.ProcMaps;
import dev.pagelab.linux.proc.ProcMeminfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code clear-refs soft-dirty [NAME...] | all | anon | file | peak-rss}: writes /proc/self/clear_refs. For
 * soft-dirty on a kernel without CONFIG_MEM_SOFT_DIRTY it arms userfaultfd write-protect tracking instead (see
 * {@link WriteTracking}), so that "written since" works on every kernel from 6.7 on.
 */
public final class ClearRefsCommand extends BaseCommand {
    private static final Args.OptionSpec OPTIONS = Args.OptionSpec.of(Set.of("force"), Set.of());
    private static final List<String> MODES = List.of("soft-dirty", "all", "anon", "file", "mapped", "peak-rss");

    public ClearRefsCommand() {
        super("clear-refs", OPTIONS);
    }

    @Override
    public List<String> complete(Session session, List<String> before, int wordIndex) {
        if (before.isEmpty()) return MODES;
        if (before.get(0).equals("soft-dirty")) return Completions.namesAndOptions(session, OPTIONS);
        return List.of();
    }

    @Override
    public Report run(Session session, CommandLine line) throws CommandError {
        Args a = Args.parse(line, OPTIONS);
        if (a.positional().isEmpty()) {
            throw CommandError.usage(
                    0, "clear-refs needs what to clear", "one of soft-dirty [NAME...], all, anon, file, peak-rss");
        }
        Args.Positional modeWord = a.positional().get(0);
        String mode = modeWord.text().toLowerCase(Locale.ROOT);
        if (mode.equals("mapped")) mode = "file";
        if (mode.equals("written")) mode = "soft-dirty";
        return switch (mode) {
            case "soft-dirty" -> softDirty(session, a);
            case "all", "anon", "file" -> referenced(session, a, mode);
            case "peak-rss" -> peakRss(a);
            default ->
                throw CommandError.usage(
                        modeWord.index(),
                        "'" + modeWord.text() + "' is not something clear_refs clears",
                        "use soft-dirty, all, anon, file or peak-rss");
        };
    }

    /** 1, 2, 3: the referenced (accessed) bits of all, anonymous or file-mapped pages, process-wide. */
    private static Report referenced(Session session, Args a, String mode) throws CommandError {
        a.atMost(1, "clear-refs all|anon|file (process-wide: it takes no mapping names)");
        int value = switch (mode) {
            case "all" -> 1;
            case "anon" -> 2;
            default -> 3;
        };
        long before = ProcMaps.smapsRollup().getOrDefault("Referenced", -1L);
        long t0 = System.nanoTime();
        clear(value);
        long elapsed = System.nanoTime() - t0;
        long after = ProcMaps.smapsRollup().getOrDefault("Referenced", -1L);
        List<ClearRefsReport.Row> rows = new ArrayList<>();
        for (Mapping m : session.mappings()) {
            long ref = 0;
            for (ProcMaps.SmapsArea area : ProcMaps.smaps(m.base(), m.end()))
                ref += area.kb().getOrDefault("Referenced", 0L);
            rows.add(new ClearRefsReport.Row(m.name(), -1, present(session, m), ref));
        }
        return new ClearRefsReport(
                mode,
                value,
                null,
                rows,
                before,
                after,
                elapsed,
                List.of(
                        "the next access to a page sets its accessed bit again; reclaim treats pages without it as cold"));
    }

    /** 5: VmHWM back to the current RSS. */
    private static Report peakRss(Args a) throws CommandError {
        a.atMost(1, "clear-refs peak-rss");
        long before = ProcMeminfo.statusKb("VmHWM");
        long t0 = System.nanoTime();
        clear(5);
        long elapsed = System.nanoTime() - t0;
        return new ClearRefsReport(
                "peak-rss",
                5,
                null,
                List.of(),
                before,
                ProcMeminfo.statusKb("VmHWM"),
                elapsed,
                List.of("VmHWM in /proc/self/status now starts again from the current RSS"));
    }

    private static Report softDirty(Session session, Args a) throws CommandError {
        WriteTracking.Availability avail = WriteTracking.availability();
        if (avail.mechanism() == null) {
            throw CommandError.refused(
                    "soft-dirty",
                    "written pages cannot be tracked: " + avail.unavailableReason(),
                    "inspect-pagemap still shows which pages are present");
        }
        List<Mapping> targets = new ArrayList<>();
        for (Args.Positional p : a.positional().subList(1, a.positional().size())) {
            Mapping m = session.mappingOf(p);
            if (!targets.contains(m)) targets.add(m);
        }
        List<String> notes = new ArrayList<>();
        if (targets.isEmpty()) targets.addAll(session.mappings());
        if (targets.isEmpty()) {
            throw CommandError.refused(
                    "soft-dirty",
                    "there are no mappings to track",
                    "tracking covers the mappings that exist when it is armed: 'map 4M' first");
        }
        List<ClearRefsReport.Row> rows = new ArrayList<>();
        long t0;
        long elapsed = 0;
        if (avail.mechanism() == WriteTracking.Mechanism.SOFT_DIRTY) {
            if (a.positional().size() > 1)
                notes.add("soft-dirty bits are cleared for the whole process, not only the named mappings");
            t0 = System.nanoTime();
            clear(4);
            elapsed = System.nanoTime() - t0;
            for (Mapping m : session.mappings()) {
                m.writeTracking(WriteTracking.Mechanism.SOFT_DIRTY);
                rows.add(new ClearRefsReport.Row(m.name(), -1, present(session, m), -1));
            }
        } else {
            checkMarkerMemory(session, targets, a.has("force"));
            for (Mapping m : targets) {
                t0 = System.nanoTime();
                long protectedPages;
                try {
                    if (!m.uffdRegistered()) {
                        for (long[] p : m.liveParts())
                            session.userfaultfd().registerWriteProtect(m.base() + p[0], p[1] - p[0]);
                        m.uffdRegistered(true);
                    }
                    protectedPages = 0;
                    for (long[] p : m.liveParts())
                        protectedPages += Pagemap.writeProtect(m.base() + p[0], m.base() + p[1]);
                } catch (LinuxException e) {
                    throw CommandError.kernel(
                            m.name(),
                            e,
                            e.errno() == 22 /* EINVAL */
                                    ? "userfaultfd write-protect does not cover this kind of mapping ("
                                            + m.kind().label()
                                            + "); anonymous, shmem/memfd and hugetlb mappings can be tracked"
                                    : "",
                            null);
                }
                elapsed += System.nanoTime() - t0;
                m.writeTracking(WriteTracking.Mechanism.UFFD_WP_ASYNC);
                rows.add(new ClearRefsReport.Row(m.name(), protectedPages, present(session, m), -1));
            }
            notes.add("the first write to each protected page costs one minor fault, in which the kernel records it;"
                    + " a first write to a page not yet present costs two");
        }
        notes.add("'inspect-pagemap NAME --written' and 'view NAME' show the pages written from now on");
        return new ClearRefsReport(
                "soft-dirty",
                avail.mechanism() == WriteTracking.Mechanism.SOFT_DIRTY ? 4 : -1,
                avail.mechanism().description(),
                rows,
                -1,
                -1,
                elapsed,
                notes);
    }

    /**
     * Protecting pages that are not present yet leaves a PTE marker in each: a page table entry per page, so a 64 GiB
     * --noreserve mapping would cost 128 MiB of page tables (with 4 KiB pages) that nothing else would have allocated.
     */
    private static void checkMarkerMemory(Session session, List<Mapping> targets, boolean force) throws CommandError {
        long bytes = 0;
        for (Mapping m : targets) {
            if (m.hugetlb()) continue;
            bytes += (m.geometry().pages(m.liveBytes()) - present(session, m)) * 8;
        }
        session.checkMemory(
                "soft-dirty", bytes, force, "write-protecting pages not yet present (one page-table entry each)");
    }

    private static long present(Session session, Mapping m) throws CommandError {
        try {
            return session.present(m);
        } catch (LinuxException e) {
            throw CommandError.kernel(m.name(), e, "reading /proc/self/pagemap failed", null);
        }
    }

    private static void clear(int value) throws CommandError {
        try {
            ProcMaps.clearRefs(value);
        } catch (LinuxException e) {
            throw CommandError.kernel("clear_refs", e, "this kernel does not know clear_refs value " + value, null);
        }
    }

    @Override
    public boolean changesState() {
        return true;
    }
}
