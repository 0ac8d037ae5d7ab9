package dev.pagelab.commands.mapping;

import static dev.pagelab.linux.LinuxConstants.MAP_NORESERVE;

import dev.pagelab.commands.CommandError;
import dev.pagelab.commands.Mapping;
import dev.pagelab.commands.Sizes;
import dev.pagelab.linux.LinuxException;
import dev.pagelab.linux.PageGeometry;
import dev.pagelab.linux.proc.HugetlbPool;
import dev.pagelab.linux.proc.Pagemap;
import dev.pagelab.linux.proc.PagemapEntry;
import dev.pagelab.linux.proc.ProcMaps;
import java.util.List;

/**
 * Decides, before any access, whether touching a range would fault fatally: SIGSEGV (not mapped, PROT_NONE,
 * write to read-only, guard region) or SIGBUS (file mapping past EOF, hugetlb without pages). The JVM would
 * die of either, so such a touch is refused with the reason. /proc/self/maps is the authority on what is
 * mapped and how; the session's own bookkeeping decides which addresses are the user's to touch at all.
 */
final class AccessCheck {
    private AccessCheck() {}

    static void check(Target t, boolean write) throws CommandError {
        Mapping m = t.mapping();
        String subject = t.text();
        long hole = m.firstHole(t.offset(), t.length());
        if (hole >= 0) {
            throw CommandError.refused(
                    subject,
                    "offset " + Sizes.format(hole) + " of " + m.name()
                            + " was unmapped; touching it would be SIGSEGV (or hit another mapping now there)",
                    "touch only mapped parts: 'list' shows them");
        }
        long start = t.address(), end = start + t.length();
        List<ProcMaps.VmArea> areas = ProcMaps.maps();
        long at = start;
        for (ProcMaps.VmArea v : areas) {
            if (v.end() <= at || v.start() >= end) continue;
            if (v.start() > at) break;
            String where = rangeText(m, v.start(), Math.min(v.end(), end));
            if (!v.readable() && !v.writable() && !v.executable()) {
                throw CommandError.refused(
                        subject,
                        where + " is PROT_NONE: any access would be SIGSEGV",
                        "'protect " + m.name() + " rw' first (or r to read)");
            }
            if (write && !v.writable()) {
                throw CommandError.refused(
                        subject,
                        where + " is read-only (" + v.perms() + "): a write would be SIGSEGV",
                        "touch --read, or 'protect " + m.name() + " rw' first");
            }
            if (!write && !v.readable()) {
                throw CommandError.refused(
                        subject,
                        where + " is not readable (" + v.perms() + "): a read would be SIGSEGV",
                        "'protect " + m.name() + " r' first");
            }
            at = v.end();
            if (at >= end) break;
        }
        if (at < end) {
            throw CommandError.refused(
                    subject,
                    "the kernel has nothing mapped at " + Steps.hex(at) + " (offset " + Sizes.format(at - m.base())
                            + "): an access would be SIGSEGV",
                    "the mapping changed behind pagelab's back; 'maps " + m.name() + "' shows what is there");
        }
        try {
            long past = m.bytesPastEof(t.offset(), t.length());
            if (past > 0) {
                long size = m.fileSize();
                long backed = m.geometry().alignUp(size);
                String grow =
                        m.kind() == Mapping.Kind.MEMFD ? "grow the memfd (ftruncate)" : "extend the file (truncate -s)";
                throw CommandError.refused(
                        subject,
                        "the last " + Sizes.format(past) + " lie past the end of " + m.path() + " (" + Sizes.human(size)
                                + "): an access there would be SIGBUS",
                        backed > t.offset()
                                ? "touch " + m.name() + "[" + Sizes.format(t.offset()) + ":"
                                        + Sizes.format(backed - t.offset()) + "], or " + grow
                                : grow + " first");
            }
            if (m.kind() == Mapping.Kind.FILE_SHARED || m.kind() == Mapping.Kind.FILE_PRIVATE) {
                checkFileSpace(t, write);
            }
            if (m.guardsInstalled()) {
                long first = firstGuard(t);
                if (first >= 0) {
                    throw CommandError.refused(
                            subject,
                            "offset " + Sizes.format(first) + " is a guard region "
                                    + "(MADV_GUARD_INSTALL): an access would be SIGSEGV",
                            "'advise " + m.name() + "[" + Sizes.format(first) + ":"
                                    + Sizes.format(m.geometry().pageSize()) + "] guard_remove' first");
                }
            }
            if (m.hugetlb() && (m.mmapFlags() & MAP_NORESERVE) != 0) {
                long presentHuge =
                        Pagemap.countPresent(start, end) / m.geometry().pages(m.pageSize());
                long needed = t.pages() - presentHuge;
                long free = HugetlbPool.freePages(m.pageSize());
                if (needed > free) {
                    throw CommandError.refused(
                            subject,
                            "needs " + needed + " huge pages of " + Sizes.format(m.pageSize()) + " but that pool has "
                                    + free + " free; this MAP_NORESERVE hugetlb mapping would get SIGBUS",
                            "as root: echo N > /sys/kernel/mm/hugepages/hugepages-" + (m.pageSize() >> 10)
                                    + "kB/nr_hugepages");
                }
            }
        } catch (LinuxException e) {
            throw CommandError.kernel(subject, e, "could not check the range", null);
        }
    }

    /**
     * A shared write to a page with no block behind it (sparse file, tmpfs) needs space; if the file system has
     * none the kernel answers with SIGBUS. On tmpfs even a read of a hole allocates a page.
     */
    private static void checkFileSpace(Target t, boolean write) throws CommandError, LinuxException {
        Mapping m = t.mapping();
        java.nio.file.FileStore store;
        try {
            store = java.nio.file.Files.getFileStore(java.nio.file.Path.of(m.path()));
        } catch (java.io.IOException e) {
            return; // the path was renamed or removed; the descriptor still works and the size check stands
        }
        boolean tmpfs = store.type().equals("tmpfs");
        boolean allocates = tmpfs || (write && m.kind() == Mapping.Kind.FILE_SHARED);
        if (!allocates) return;
        PageGeometry g = m.geometry();
        long missing =
                (g.pagesCovering(t.length()) - Pagemap.countPresent(g.alignDown(t.address()), t.address() + t.length()))
                        * g.pageSize();
        long usable;
        try {
            usable = store.getUsableSpace();
        } catch (java.io.IOException e) {
            return;
        }
        if (missing > usable) {
            throw CommandError.refused(
                    t.text(),
                    "may need " + Sizes.human(missing) + " of " + (tmpfs ? "tmpfs" : store.type())
                            + " space for " + m.path() + " but " + Sizes.human(usable)
                            + " is free: a page the file system "
                            + "cannot back is SIGBUS",
                    "free space there, or touch a smaller range");
        }
    }

    private static long firstGuard(Target t) throws LinuxException {
        long base = t.address(), page = t.mapping().geometry().pageSize();
        long pages = t.mapping().geometry().pagesCovering(t.length());
        for (long p = 0; p < pages; p += 65536) {
            int n = (int) Math.min(65536, pages - p);
            long[] e = Pagemap.read(base + p * page, n);
            for (int i = 0; i < e.length; i++) {
                if (new PagemapEntry(e[i]).guard()) return t.offset() + (p + i) * page;
            }
        }
        return -1;
    }

    private static String rangeText(Mapping m, long from, long to) {
        return m.name() + "[" + Sizes.format(from - m.base()) + ":" + Sizes.format(to - from) + "]";
    }
}
