package dev.pagelab.commands.inspect;

import dev.pagelab.commands.Mapping;
import dev.pagelab.commands.Session;
import dev.pagelab.commands.report.EvictReport;
import dev.pagelab.linux.FileStat;
import dev.pagelab.linux.LinuxException;
import dev.pagelab.linux.PageGeometry;
import dev.pagelab.linux.proc.Pagemap;
import dev.pagelab.linux.proc.PagemapEntry;
import dev.pagelab.linux.proc.ProcMaps;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which pages of a file this process maps right now: every VMA of /proc/self/maps on the file's device and
 * inode (pagelab's mappings, and the JVM's own, e.g. of a jar or libjvm.so), walked with PAGEMAP_SCAN for
 * present page-cache pages (PAGE_IS_FILE: a private copy made by copy-on-write is anonymous and not counted).
 * The kernel never drops a mapped page from the page cache on posix_fadvise(POSIX_FADV_DONTNEED).
 */
public final class MappedPages {
    private MappedPages() {}

    /**
     * @param holders  who maps pages of the file, with the file pages each maps (a page two holders map counts
     *                 for both)
     * @param distinct file pages mapped at least once
     */
    public record Result(List<EvictReport.Holder> holders, long distinct) {}

    public static Result of(Session session, FileStat.Stat file) throws LinuxException {
        PageGeometry g = PageGeometry.current(); // of this process's VMAs
        Map<String, long[]> perHolder = new LinkedHashMap<>();
        Map<String, String> mappingOf = new LinkedHashMap<>();
        List<long[]> intervals = new ArrayList<>();
        for (ProcMaps.VmArea v : ProcMaps.maps()) {
            if (v.inode() != file.ino() || !sameDevice(v.device(), file)) continue;
            Mapping owner = null;
            for (Mapping m : session.mappings()) {
                if (v.start() >= m.base() && v.start() < m.end() && m.firstHole(v.start() - m.base(), 1) < 0) owner = m;
            }
            String label = owner != null
                    ? owner.name()
                    : "this JVM (" + (v.path().isEmpty() ? "an unnamed mapping" : v.path()) + ")";
            if (owner != null) mappingOf.put(label, owner.name());
            long firstFilePage = g.pages(v.offset());
            long[] count = perHolder.computeIfAbsent(label, k -> new long[1]);
            if (Pagemap.scanSupported()) {
                Pagemap.scan(
                        v.start(),
                        v.end(),
                        Pagemap.PAGE_IS_PRESENT | Pagemap.PAGE_IS_FILE,
                        0,
                        Pagemap.PAGE_IS_PRESENT | Pagemap.PAGE_IS_FILE,
                        r -> {
                            long from = firstFilePage + g.pages(r.start() - v.start());
                            intervals.add(new long[] {from, from + r.pages()});
                            count[0] += r.pages();
                        });
            } else {
                // before Linux 6.7: entry by entry (bit 63 present, bit 61 file page or shmem)
                for (long a = v.start(); a < v.end(); a += 65536 * g.pageSize()) {
                    int n = (int) Math.min(65536, g.pages(v.end() - a));
                    long[] raw = Pagemap.read(a, n);
                    for (int i = 0; i < n; i++) {
                        PagemapEntry e = new PagemapEntry(raw[i]);
                        if (!e.present() || !e.fileOrSharedAnon()) continue;
                        long page = firstFilePage + g.pages(a - v.start()) + i;
                        intervals.add(new long[] {page, page + 1});
                        count[0]++;
                    }
                }
            }
        }
        List<EvictReport.Holder> holders = new ArrayList<>();
        for (Map.Entry<String, long[]> e : perHolder.entrySet()) {
            if (e.getValue()[0] > 0)
                holders.add(new EvictReport.Holder(e.getKey(), mappingOf.get(e.getKey()), e.getValue()[0]));
        }
        intervals.sort((x, y) -> Long.compare(x[0], y[0]));
        long distinct = 0, end = Long.MIN_VALUE;
        for (long[] i : intervals) {
            if (i[1] <= end) continue;
            distinct += i[1] - Math.max(i[0], end);
            end = i[1];
        }
        return new Result(holders, distinct);
    }

    /** /proc/self/maps prints the device as "%02x:%02x" (major, minor). */
    private static boolean sameDevice(String device, FileStat.Stat file) {
        int colon = device.indexOf(':');
        if (colon < 0) return false;
        try {
            return Long.parseLong(device.substring(0, colon), 16) == file.devMajor()
                    && Long.parseLong(device.substring(colon + 1), 16) == file.devMinor();
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
