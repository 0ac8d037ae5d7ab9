package dev.pagelab.linux;

import static dev.pagelab.linux.LinuxConstants.*;
import static dev.pagelab.linux.ffm.Libc.LONG;

import dev.pagelab.linux.ffm.Libc;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * A file's pages in the page cache, observed without touching them: mincore(2) on a temporary read-only shared
 * mapping of the file (never accessed, unmapped before returning), and cachestat(2) (Linux 6.5) for the counts
 * mincore cannot give (dirty, under writeback, evicted). glibc 2.36 has no cachestat wrapper, so it is reached
 * through syscall(2); its C contract is the usual one: 0, or -1 with errno set.
 */
public final class PageCache {
    private static final long PAGE = PageGeometry.current().pageSize();
    /** Pages per mincore call: a 64 KiB vector (256 MiB of file with 4 KiB pages), whatever the file's size. */
    public static final long CHUNK_PAGES = 65536;

    /** {@code long syscall(long number, ...);} syscall(2), here cachestat(2) (Linux 6.5; no glibc wrapper). */
    private static final MethodHandle SYSCALL = Libc.LINKER.downcallHandle(
            Libc.LOOKUP.find("syscall").orElseThrow(() -> new UnsatisfiedLinkError("libc has no syscall")),
            FunctionDescriptor.of(LONG, LONG, LONG, LONG, LONG, LONG),
            Linker.Option.firstVariadicArg(1),
            Linker.Option.captureCallState("errno"));

    private PageCache() {}

    /**
     * struct cachestat (include/uapi/linux/mman.h), in pages: in the page cache, dirty, under writeback, evicted
     * (a shadow entry remembers them) and evicted recently enough that reading them again counts as a refault.
     */
    public record CacheStat(long cached, long dirty, long writeback, long evicted, long recentlyEvicted) {}

    /** cachestat(fd, {offset, length}, &amp;cs, 0); a length of 0 means to the end of the file. */
    public static CacheStat cachestat(int fd, long offset, long length) throws LinuxException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment range = arena.allocate(16, 8);
            range.set(ValueLayout.JAVA_LONG, 0, offset);
            range.set(ValueLayout.JAVA_LONG, 8, length);
            MemorySegment out = arena.allocate(40, 8).fill((byte) 0);
            MemorySegment cs = Libc.callState();
            long r;
            try {
                r = (long) SYSCALL.invokeExact(cs, SYS_cachestat, (long) fd, range.address(), out.address(), 0L);
            } catch (Throwable t) {
                throw new AssertionError(t);
            }
            if (r != 0) {
                throw new LinuxException("cachestat(" + fd + ", {" + offset + ", " + length + "}, 0)", Libc.errno(cs));
            }
            return new CacheStat(
                    out.get(ValueLayout.JAVA_LONG, 0),
                    out.get(ValueLayout.JAVA_LONG, 8),
                    out.get(ValueLayout.JAVA_LONG, 16),
                    out.get(ValueLayout.JAVA_LONG, 24),
                    out.get(ValueLayout.JAVA_LONG, 32));
        }
    }

    /** Receives the file's pages as runs of equal residency, in file order, adjacent runs merged. */
    @FunctionalInterface
    public interface RunSink {
        void accept(long firstPage, long pages, boolean resident);
    }

    /**
     * What one scan did.
     *
     * @param pages         pages of the file (its size rounded up to whole pages)
     * @param resident      pages mincore reported resident
     * @param mincorePages  pages actually asked of mincore (the rest were chunks cachestat said hold nothing)
     * @param mincoreCalls  mincore calls made (one per mapped chunk)
     * @param cachestatNote why cachestat could not be used to skip empty chunks, or null
     */
    public record Residency(long pages, long resident, long mincorePages, long mincoreCalls, String cachestatNote) {}

    /**
     * The residency of the first {@code size} bytes of the file open on {@code fd} (open for reading), page by
     * page, reported to {@code sink} as runs. The file is mapped PROT_READ, MAP_SHARED one chunk of
     * {@link #CHUNK_PAGES} pages at a time, asked with mincore, and unmapped; no page is ever accessed, so nothing
     * is read in and no fault is taken. A file larger than one chunk first asks cachestat about each chunk and
     * skips those that hold nothing, so a sparse 1 TiB file costs its cached chunks, not 2^28 page lookups.
     */
    public static Residency scan(int fd, long size, RunSink sink) throws LinuxException {
        long pages = (size + PAGE - 1) / PAGE;
        Runs runs = new Runs(sink);
        long resident = 0, asked = 0, calls = 0;
        boolean useCachestat = pages > CHUNK_PAGES;
        String note = null;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment vec = arena.allocate(CHUNK_PAGES, 8);
            for (long first = 0; first < pages; first += CHUNK_PAGES) {
                long n = Math.min(CHUNK_PAGES, pages - first);
                if (useCachestat) {
                    try {
                        if (cachestat(fd, first * PAGE, n * PAGE).cached() == 0) {
                            runs.add(first, n, false);
                            continue;
                        }
                    } catch (LinuxException e) {
                        // ENOSYS before 6.5; EPERM for a caller who may not write the file (measured on 6.18);
                        // EOPNOTSUPP on hugetlbfs. mincore alone still gives the answer, only slower.
                        useCachestat = false;
                        note = "cachestat: " + e.errnoName() + " (" + e.meaning()
                                + "), so every chunk was asked of mincore";
                    }
                }
                long length = n * PAGE;
                long addr = Mman.mmap(0, length, PROT_READ, MAP_SHARED, fd, first * PAGE);
                try {
                    Mman.mincore(addr, length, vec);
                } finally {
                    Mman.munmap(addr, length);
                }
                calls++;
                asked += n;
                for (long i = 0; i < n; ) {
                    boolean r = (vec.get(ValueLayout.JAVA_BYTE, i) & 1) != 0;
                    long j = i + 1;
                    while (j < n && ((vec.get(ValueLayout.JAVA_BYTE, j) & 1) != 0) == r) j++;
                    runs.add(first + i, j - i, r);
                    if (r) resident += j - i;
                    i = j;
                }
            }
        }
        runs.flush();
        return new Residency(pages, resident, asked, calls, note);
    }

    /** Merges adjacent runs of the same residency before handing them on. */
    private static final class Runs {
        private final RunSink sink;
        private long start = -1, length;
        private boolean resident;

        Runs(RunSink sink) {
            this.sink = sink;
        }

        void add(long first, long pages, boolean r) {
            if (start >= 0 && r == resident && start + length == first) {
                length += pages;
                return;
            }
            flush();
            start = first;
            length = pages;
            resident = r;
        }

        void flush() {
            if (start >= 0 && length > 0) sink.accept(start, length, resident);
            start = -1;
            length = 0;
        }
    }
}
