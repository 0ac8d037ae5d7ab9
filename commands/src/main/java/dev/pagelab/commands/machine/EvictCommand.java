package dev.pagelab.commands.machine;

import static dev.pagelab.linux.LinuxConstants.POSIX_FADV_DONTNEED;

import dev.pagelab.commands.Args;
import dev.pagelab.commands.BaseCommand;
import dev.pagelab.commands.CommandError;
import dev.pagelab.commands.CommandLine;
import dev.pagelab.commands.Completions;
import dev.pagelab.commands.Mapping;
import dev.pagelab.commands.Session;
import dev.pagelab.commands.Sizes;
import dev.pagelab.commands.inspect.MappedPages;
import dev.pagelab.commands.report.CacheReport;
import dev.pagelab.commands.report.EvictReport;
import dev.pagelab.commands.report.Report;
import dev.pagelab.linux.FileIo;
import dev.pagelab.linux.FileStat;
import dev.pagelab.linux.LinuxException;
import dev.pagelab.linux.proc.ProcMeminfo;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code evict PATH|NAME}: drops a file's clean, unmapped pages from the page cache with
 * posix_fadvise(POSIX_FADV_DONTNEED), after an fsync when cachestat shows dirty pages (or cannot tell), and
 * reports residency before and after, and why any page stayed.
 */
public final class EvictCommand extends BaseCommand {
    private static final Args.OptionSpec OPTIONS = Args.OptionSpec.NONE;

    public EvictCommand() {
        super("evict", OPTIONS);
    }

    @Override
    public List<String> complete(Session session, List<String> before, int wordIndex) {
        return complete(session, before, wordIndex, "");
    }

    @Override
    public List<String> complete(Session session, List<String> before, int wordIndex, String partial) {
        return wordIndex == 1 ? Completions.fileMappingsAndPaths(session, partial) : List.of();
    }

    @Override
    public Report run(Session session, CommandLine line) throws CommandError {
        Args a = Args.parse(line, OPTIONS);
        if (a.positional().isEmpty()) {
            throw CommandError.usage(0, "evict needs a file", "e.g. 'evict /tmp/data', or a file mapping: 'evict m1'");
        }
        a.atMost(1, "evict PATH|NAME (one file)");
        Args.Positional word = a.positional().get(0);
        FileTarget target;
        if (FileTarget.namesMapping(session, word.text())) {
            target = FileTarget.ofMapping(session, word, name());
        } else {
            target = FileTarget.ofPath(session, word.text(), FileTarget.statPath(session, word), name());
        }
        try (FileTarget t = target) {
            refuseMemoryOnly(t);
            return evict(session, t);
        }
    }

    /** tmpfs, ramfs and hugetlbfs pages are the file: there is nothing to write them back to but swap. */
    private static void refuseMemoryOnly(FileTarget t) throws CommandError {
        FileStat.FsStat fs = t.fs();
        if (!fs.memoryOnly()) return;
        String what = t.mapping() != null && t.mapping().kind() == Mapping.Kind.MEMFD
                ? "a memfd's pages are tmpfs (shmem) pages, and "
                : "";
        long swap = ProcMeminfo.swapTotalBytes();
        String adviseHint = t.mapping() != null
                ? "'advise " + t.mapping().name() + " remove' frees them (a hole punch)"
                : "truncating or deleting the file frees them";
        if (fs.type() == FileStat.HUGETLBFS_MAGIC) {
            throw CommandError.refused(
                    t.label(),
                    what + "hugetlbfs pages belong to the huge page pool and are never " + "evicted",
                    "truncating or deleting the file returns them to the pool");
        }
        if (fs.type() == FileStat.RAMFS_MAGIC) {
            throw CommandError.refused(
                    t.label(),
                    "ramfs pages have no backing store at all (not even swap): they " + "cannot be evicted",
                    "truncating or deleting the file frees them");
        }
        if (swap == 0) {
            throw CommandError.refused(
                    t.label(),
                    what + "tmpfs pages have no backing store other than swap; this " + "machine has no swap",
                    adviseHint);
        }
        throw CommandError.refused(
                t.label(),
                what + "tmpfs pages leave memory only by being swapped out, and "
                        + "posix_fadvise(POSIX_FADV_DONTNEED) does not swap (this machine has " + Sizes.human(swap)
                        + " of swap)",
                t.mapping() != null
                        ? "'advise " + t.mapping().name() + " pageout' swaps out the pages it maps"
                        : adviseHint);
    }

    private Report evict(Session session, FileTarget t) throws CommandError {
        CacheReport.FileResidency before = FileCacheResidency.measure(t);
        long dirtyBefore = before.cachestat() == null ? -1 : before.cachestat().dirty();
        long writebackBefore =
                before.cachestat() == null ? -1 : before.cachestat().writeback();
        // Dirty pages are not dropped (POSIX_FADV_DONTNEED only starts their writeback), and pages under writeback
        // are not dropped either: fsync writes them and waits. Without cachestat pagelab cannot tell, so it syncs.
        boolean sync = before.cachestat() == null || dirtyBefore + writebackBefore > 0;
        long syncNanos = 0, dirtyAfterSync = -1;
        if (sync) {
            long t0 = System.nanoTime();
            try {
                FileIo.fsync(t.fd());
            } catch (LinuxException e) {
                throw CommandError.kernel(
                        t.label(),
                        e,
                        switch (e.errnoName()) {
                            case "EIO" ->
                                "writeback failed: the dirty pages stay in the page cache, nothing was evicted";
                            case "EINVAL", "EROFS" -> "this file system does not support fsync";
                            case "ENOSPC", "EDQUOT" -> "no space to write the dirty pages back; nothing was evicted";
                            default -> "";
                        },
                        null);
            }
            syncNanos = System.nanoTime() - t0;
            dirtyAfterSync = dirtyNow(t, before);
        }
        long t1 = System.nanoTime();
        try {
            FileIo.posixFadvise(t.fd(), 0, 0, POSIX_FADV_DONTNEED);
        } catch (LinuxException e) {
            throw CommandError.kernel(
                    t.label(), e, e.errnoName().equals("ESPIPE") ? "not a file with a page cache" : "", null);
        }
        long fadviseNanos = System.nanoTime() - t1;
        CacheReport.FileResidency after = FileCacheResidency.measure(t);
        MappedPages.Result mapped;
        try {
            mapped = MappedPages.of(session, t.stat());
        } catch (LinuxException e) {
            throw CommandError.kernel(t.label(), e, "reading /proc/self/pagemap failed", null);
        }
        long dirtyAfter = after.cachestat() == null
                ? -1
                : after.cachestat().dirty() + after.cachestat().writeback();
        List<String> notes = new ArrayList<>();
        if (after.resident() > 0) explain(t, after, mapped, dirtyAfter, notes);
        if (before.cachestat() == null && before.cachestatNote() != null) {
            notes.add("dirty pages unknown (" + before.cachestatNote() + "), so fsync was called anyway");
        }
        return new EvictReport(
                before,
                after,
                dirtyBefore,
                writebackBefore,
                sync,
                dirtyAfterSync,
                syncNanos,
                fadviseNanos,
                mapped.holders(),
                mapped.distinct(),
                dirtyAfter,
                notes);
    }

    private static long dirtyNow(FileTarget t, CacheReport.FileResidency before) {
        if (before.cachestat() == null) return -1;
        try {
            return dev.pagelab.linux.PageCache.cachestat(t.fd(), 0, 0).dirty();
        } catch (LinuxException e) {
            return -1;
        }
    }

    /** Says why the pages still resident stayed, from what can be measured here, and what would drop them. */
    private static void explain(
            FileTarget t,
            CacheReport.FileResidency after,
            MappedPages.Result mapped,
            long dirtyAfter,
            List<String> notes) {
        List<String> sessionNames = new ArrayList<>();
        boolean jvm = false;
        for (EvictReport.Holder h : mapped.holders()) {
            if (h.mapping() != null) sessionNames.add(h.mapping());
            else jvm = true;
        }
        if (!sessionNames.isEmpty()) {
            String first = sessionNames.get(0);
            notes.add("mapped pages are never dropped by POSIX_FADV_DONTNEED: 'advise " + first + " pageout' reclaims "
                    + "the clean pages " + first + " maps (if nothing else maps them), or 'unmap " + first
                    + "'; then evict again");
        }
        if (jvm) {
            notes.add("the JVM maps this file itself (code or a jar): those pages stay while pagelab runs");
        }
        long unexplained = Math.max(0, after.resident() - mapped.distinct());
        if (unexplained > 0) {
            String why = dirtyAfter > 0
                    ? dirtyAfter + " pages are dirty or under writeback again (written since the fsync)"
                    : "not mapped in this process: another process maps them, they were being read or written, or "
                            + "they share a large folio with a mapped page (the kernel drops whole folios)";
            notes.add(unexplained + " resident page" + (unexplained == 1 ? "" : "s") + " stayed that this process does "
                    + "not map: " + why);
        }
    }

    @Override
    public boolean changesState() {
        return true;
    }
}
