package dev.pagelab.commands;

import dev.pagelab.linux.FileIo;
import dev.pagelab.linux.LinuxException;
import dev.pagelab.linux.PageGeometry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One named mapping of the session: where it is, how it was made, and which parts of it are still mapped.
 * Offsets stay relative to the original base after a partial unmap, so {@code m1[3M:1M]} keeps meaning the same
 * memory; the unmapped parts are holes that no command may touch (another mapping may since live there).
 * The mapping owns its file descriptor (file and memfd mappings) and closes it when the last part is unmapped.
 */
public final class Mapping {
    public enum Kind {
        ANON_PRIVATE("anon private"),
        ANON_SHARED("anon shared"),
        FILE_PRIVATE("file private"),
        FILE_SHARED("file shared"),
        MEMFD("memfd shared");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        public boolean fileBacked() {
            return this == FILE_PRIVATE || this == FILE_SHARED || this == MEMFD;
        }

        public boolean privateMapping() {
            return this == ANON_PRIVATE || this == FILE_PRIVATE;
        }
    }

    private final String name;
    private final long base;
    private final long length;
    private final Kind kind;
    private final long pageSize;
    private final PageGeometry geometry;
    private final int mmapFlags;
    private final String path;
    private final long fileOffset;
    private int fd;
    private final TreeMap<Long, Long> live = new TreeMap<>();
    private boolean guardsInstalled;
    private WriteTracking.Mechanism writeTracking;
    private boolean uffdRegistered;
    private final List<String> creation;

    /**
     * @param pageSize its page size: the base page size, or the huge page size of a hugetlb mapping
     * @param geometry the page sizes of the kernel it was made on (a test's simulated ones)
     */
    public Mapping(
            String name,
            long base,
            long length,
            Kind kind,
            long pageSize,
            PageGeometry geometry,
            int mmapFlags,
            String path,
            long fileOffset,
            int fd,
            List<String> creation) {
        this.name = name;
        this.base = base;
        this.length = length;
        this.kind = kind;
        this.pageSize = pageSize;
        this.geometry = geometry;
        this.mmapFlags = mmapFlags;
        this.path = path;
        this.fileOffset = fileOffset;
        this.fd = fd;
        this.creation = List.copyOf(creation);
        live.put(0L, length);
    }

    public String name() {
        return name;
    }

    public long base() {
        return base;
    }

    public long length() {
        return length;
    }

    public long end() {
        return base + length;
    }

    public Kind kind() {
        return kind;
    }

    /** The base page size, or the huge page size of a hugetlb mapping. */
    public long pageSize() {
        return pageSize;
    }

    /**
     * The page sizes of the kernel it was made on: its offsets, pagemap entries and present pages are in base pages
     * of {@code geometry().pageSize()} whatever {@link #pageSize()} is.
     */
    public PageGeometry geometry() {
        return geometry;
    }

    public boolean hugetlb() {
        return pageSize != geometry.pageSize();
    }

    public int mmapFlags() {
        return mmapFlags;
    }

    public String path() {
        return path;
    }

    public int fd() {
        return fd;
    }

    /** Options it was made with, e.g. {@code populate}, {@code thp}, {@code align=2M}. */
    public List<String> creation() {
        return creation;
    }

    public boolean guardsInstalled() {
        return guardsInstalled;
    }

    public void markGuardsInstalled() {
        guardsInstalled = true;
    }

    /** How written pages are told apart since the last {@code clear-refs soft-dirty} that covered it, or null. */
    public WriteTracking.Mechanism writeTracking() {
        return writeTracking;
    }

    public void writeTracking(WriteTracking.Mechanism m) {
        writeTracking = m;
    }

    /** Whether its live parts are registered with the session's userfaultfd (for async write-protect). */
    public boolean uffdRegistered() {
        return uffdRegistered;
    }

    public void uffdRegistered(boolean on) {
        uffdRegistered = on;
    }

    /** The parts still mapped, as [offset, end) pairs in offset order. */
    public List<long[]> liveParts() {
        List<long[]> out = new ArrayList<>();
        for (Map.Entry<Long, Long> e : live.entrySet()) out.add(new long[] {e.getKey(), e.getValue()});
        return out;
    }

    public long liveBytes() {
        long n = 0;
        for (Map.Entry<Long, Long> e : live.entrySet()) n += e.getValue() - e.getKey();
        return n;
    }

    /** The first offset in [off, off+len) that is not mapped, or -1 if all of it is. */
    public long firstHole(long off, long len) {
        long at = off, end = off + len;
        while (at < end) {
            Map.Entry<Long, Long> e = live.floorEntry(at);
            if (e == null || e.getValue() <= at) return at;
            at = e.getValue();
        }
        return -1;
    }

    /** The mapped parts of [off, off+len), as [offset, end) pairs. */
    public List<long[]> liveWithin(long off, long len) {
        List<long[]> out = new ArrayList<>();
        long end = off + len;
        for (Map.Entry<Long, Long> e : live.entrySet()) {
            long s = Math.max(off, e.getKey()), t = Math.min(end, e.getValue());
            if (s < t) out.add(new long[] {s, t});
        }
        return out;
    }

    /** Records that [off, off+len) was unmapped. */
    public void removeLive(long off, long len) {
        long end = off + len;
        List<long[]> keep = new ArrayList<>();
        for (Map.Entry<Long, Long> e : live.entrySet()) {
            long s = e.getKey(), t = e.getValue();
            if (t <= off || s >= end) {
                keep.add(new long[] {s, t});
                continue;
            }
            if (s < off) keep.add(new long[] {s, off});
            if (t > end) keep.add(new long[] {end, t});
        }
        live.clear();
        for (long[] k : keep) live.put(k[0], k[1]);
    }

    public boolean fullyUnmapped() {
        return live.isEmpty();
    }

    /** For a file mapping: how many bytes of [off, off+len) lie at or past the file's end (a SIGBUS there). */
    public long bytesPastEof(long off, long len) throws LinuxException {
        if (!kind.fileBacked() || fd < 0) return 0;
        return bytesPastEof(FileIo.size(fd), off, len);
    }

    /** {@link #bytesPastEof(long, long)} for a file of {@code fileSize} bytes. */
    long bytesPastEof(long fileSize, long off, long len) {
        // Pages are backed up to the end of the page that holds the file's last byte.
        long backedEnd = geometry.alignUp(fileSize) - fileOffset;
        return Math.max(0, off + len - Math.max(off, backedEnd));
    }

    public long fileSize() throws LinuxException {
        return fd < 0 ? -1 : FileIo.size(fd);
    }

    void closeFile() {
        if (fd >= 0) {
            try {
                FileIo.close(fd);
            } catch (LinuxException ignored) {
                // close(2) errors on a descriptor only pagelab used cannot be acted on
            }
            fd = -1;
        }
    }

    /** The range covering all of it, as written in commands. */
    public String label() {
        return name;
    }
}
