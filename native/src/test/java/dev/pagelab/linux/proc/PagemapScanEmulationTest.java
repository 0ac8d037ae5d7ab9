package dev.pagelab.linux.proc;

import static dev.pagelab.linux.LinuxConstants.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.pagelab.linux.FileIo;
import dev.pagelab.linux.LinuxException;
import dev.pagelab.linux.Mman;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Kernels before 6.7 get PAGEMAP_SCAN's answers computed from pagemap entries. Where the ioctl exists, both answer
 * the same questions about the same memory here and must agree run for run; the rules themselves are also checked
 * on entries whose bits are known.
 */
class PagemapScanEmulationTest {
    private static final long PAGE = Pagemap.PAGE_SIZE;
    private final List<long[]> mappings = new ArrayList<>();

    private long map(long length, int prot, int flags, int fd) throws LinuxException {
        long a = Mman.mmap(0, length, prot, flags, fd, 0);
        mappings.add(new long[] {a, length});
        return a;
    }

    @AfterEach
    void unmap() throws LinuxException {
        for (long[] m : mappings) Mman.munmap(m[0], m[1]);
    }

    /** 64 pages: 16 read (zero page where the kernel has one), 16 written, 16 untouched, 16 read then written. */
    private long anonymousMix() throws LinuxException {
        long a = map(64 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
        Mman.madvise(a, 64 * PAGE, MADV_NOHUGEPAGE, "MADV_NOHUGEPAGE");
        MemorySegment s = MemorySegment.ofAddress(a).reinterpret(64 * PAGE);
        for (int i = 0; i < 16; i++) s.get(ValueLayout.JAVA_BYTE, i * PAGE);
        for (int i = 16; i < 32; i++) s.set(ValueLayout.JAVA_BYTE, i * PAGE, (byte) 1);
        for (int i = 48; i < 64; i++) {
            s.get(ValueLayout.JAVA_BYTE, i * PAGE);
            s.set(ValueLayout.JAVA_BYTE, i * PAGE, (byte) 1);
        }
        return a;
    }

    private static List<Pagemap.Region> viaIoctl(long from, long to, long required, long anyOf, long returned)
            throws LinuxException {
        List<Pagemap.Region> out = new ArrayList<>();
        Pagemap.scan(from, to, required, anyOf, returned, out::add);
        return out;
    }

    private static List<Pagemap.Region> viaEntries(long from, long to, long required, long anyOf, long returned)
            throws LinuxException {
        List<Pagemap.Region> out = new ArrayList<>();
        Pagemap.scanByEntries(from, to, required, anyOf, returned, out::add);
        return out;
    }

    /** As an ordinary user sees it: no /proc/kpageflags, the zero page inferred from the exclusive bit. */
    private static List<Pagemap.Region> viaEntriesUnprivileged(
            long from, long to, long required, long anyOf, long returned) throws LinuxException {
        List<Pagemap.Region> out = new ArrayList<>();
        Pagemap.scanByEntries(from, to, required, anyOf, returned, out::add, false);
        return out;
    }

    @Test
    void agreesWithTheIoctlOnAnonymousMemory() throws LinuxException {
        assumeTrue(Pagemap.scanSupported(), "needs the PAGEMAP_SCAN ioctl (Linux 6.7) to compare with");
        long a = anonymousMix(), end = a + 64 * PAGE;
        long cats = Pagemap.PAGE_IS_PRESENT | Pagemap.PAGE_IS_FILE | Pagemap.PAGE_IS_PFNZERO | Pagemap.PAGE_IS_SWAPPED;
        assertThat(viaEntries(a, end, 0, 0, cats)).isEqualTo(viaIoctl(a, end, 0, 0, cats));
        assertThat(viaEntriesUnprivileged(a, end, 0, 0, cats)).isEqualTo(viaIoctl(a, end, 0, 0, cats));
        assertThat(viaEntries(a, end, Pagemap.PAGE_IS_PRESENT, 0, cats))
                .isEqualTo(viaIoctl(a, end, Pagemap.PAGE_IS_PRESENT, 0, cats));
        assertThat(viaEntries(a, end, 0, Pagemap.PAGE_IS_PFNZERO, Pagemap.PAGE_IS_PFNZERO))
                .isEqualTo(viaIoctl(a, end, 0, Pagemap.PAGE_IS_PFNZERO, Pagemap.PAGE_IS_PFNZERO));
        // 48 pages present: 16 read, 16 written, 16 read then written
        long[] present = {0};
        Pagemap.scanByEntries(
                a, end, Pagemap.PAGE_IS_PRESENT, 0, Pagemap.PAGE_IS_PRESENT, r -> present[0] += r.pages());
        assertThat(present[0]).isEqualTo(48);
    }

    @Test
    void agreesWithTheIoctlOnFileAndSharedMemory(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        assumeTrue(Pagemap.scanSupported(), "needs the PAGEMAP_SCAN ioctl (Linux 6.7) to compare with");
        Path f = dir.resolve("data");
        Files.write(f, new byte[(int) (32 * PAGE)]);
        int fd = FileIo.open(f.toString(), O_RDONLY, 0);
        try {
            long a = map(32 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd);
            MemorySegment s = MemorySegment.ofAddress(a).reinterpret(32 * PAGE);
            for (int i = 0; i < 16; i++) s.get(ValueLayout.JAVA_BYTE, i * PAGE); // page-cache pages
            for (int i = 8; i < 24; i++) s.set(ValueLayout.JAVA_BYTE, i * PAGE, (byte) 2); // private copies
            long shared = map(16 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1);
            MemorySegment t = MemorySegment.ofAddress(shared).reinterpret(16 * PAGE);
            for (int i = 0; i < 8; i++) t.set(ValueLayout.JAVA_BYTE, i * PAGE, (byte) 3);
            long cats = Pagemap.PAGE_IS_PRESENT | Pagemap.PAGE_IS_FILE | Pagemap.PAGE_IS_PFNZERO;
            assertThat(viaEntries(a, a + 32 * PAGE, 0, 0, cats)).isEqualTo(viaIoctl(a, a + 32 * PAGE, 0, 0, cats));
            assertThat(viaEntriesUnprivileged(a, a + 32 * PAGE, 0, 0, cats))
                    .isEqualTo(viaIoctl(a, a + 32 * PAGE, 0, 0, cats));
            assertThat(viaEntries(shared, shared + 16 * PAGE, 0, 0, cats))
                    .isEqualTo(viaIoctl(shared, shared + 16 * PAGE, 0, 0, cats));
        } finally {
            FileIo.close(fd);
        }
    }

    @Test
    void hugePagesAgreeAsRoot() throws LinuxException {
        assumeTrue(Pagemap.scanSupported(), "needs the PAGEMAP_SCAN ioctl (Linux 6.7) to compare with");
        assumeTrue(KPageFlags.availability().isEmpty(), "needs /proc/kpageflags (root) to tell huge pages by entry");
        KernelProfile p = KernelProfile.current();
        assumeTrue(p.thpAvailable() && !p.thp().enabled().equals("never"), "needs transparent huge pages");
        long len = 2 * p.pmdSize();
        long r = map(2 * len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1);
        long a = (r + p.pmdSize() - 1) & -p.pmdSize();
        Mman.madvise(a, len, MADV_HUGEPAGE, "MADV_HUGEPAGE");
        MemorySegment s = MemorySegment.ofAddress(a).reinterpret(len);
        s.set(ValueLayout.JAVA_BYTE, 0, (byte) 1); // one write: a whole THP if one can be had
        s.get(ValueLayout.JAVA_BYTE, p.pmdSize()); // one read: the huge zero page where there is one
        long cats = Pagemap.PAGE_IS_PRESENT | Pagemap.PAGE_IS_HUGE | Pagemap.PAGE_IS_PFNZERO;
        assertThat(viaEntries(a, a + len, 0, 0, cats)).isEqualTo(viaIoctl(a, a + len, 0, 0, cats));
    }

    @Test
    void categoriesFollowTheEntryBits() {
        long present = 1L << 63, swapped = 1L << 62, file = 1L << 61, exclusive = 1L << 56, softDirty = 1L << 55;
        assertThat(Pagemap.categoriesOf(new PagemapEntry(present | exclusive), -1))
                .isEqualTo(Pagemap.PAGE_IS_PRESENT | Pagemap.PAGE_IS_WRITTEN);
        assertThat(Pagemap.categoriesOf(new PagemapEntry(present), -1))
                .isEqualTo(Pagemap.PAGE_IS_PRESENT | Pagemap.PAGE_IS_PFNZERO | Pagemap.PAGE_IS_WRITTEN);
        assertThat(Pagemap.categoriesOf(new PagemapEntry(present | file), -1))
                .isEqualTo(Pagemap.PAGE_IS_PRESENT | Pagemap.PAGE_IS_FILE | Pagemap.PAGE_IS_WRITTEN);
        assertThat(Pagemap.categoriesOf(new PagemapEntry(swapped | (7L << 5) | 1), -1))
                .isEqualTo(Pagemap.PAGE_IS_SWAPPED | Pagemap.PAGE_IS_WRITTEN);
        assertThat(Pagemap.categoriesOf(new PagemapEntry(softDirty), -1)).isEqualTo(Pagemap.PAGE_IS_SOFT_DIRTY);
        assertThat(Pagemap.categoriesOf(new PagemapEntry(0), -1)).isZero();
        long thp = 1L << KPageFlags.THP;
        assertThat(Pagemap.categoriesOf(new PagemapEntry(present | exclusive | 0x1234), thp) & Pagemap.PAGE_IS_HUGE)
                .isEqualTo(Pagemap.PAGE_IS_HUGE);
        // the huge zero page as 6.18 shows it: file bit, not exclusive; kpageflags say ZERO_PAGE
        long zero = 1L << KPageFlags.ZERO_PAGE | thp;
        assertThat(Pagemap.categoriesOf(new PagemapEntry(present | file | 0x192000), zero))
                .isEqualTo(Pagemap.PAGE_IS_PRESENT
                        | Pagemap.PAGE_IS_PFNZERO
                        | Pagemap.PAGE_IS_HUGE
                        | Pagemap.PAGE_IS_WRITTEN);
    }

    @BeforeEach
    void nothingLeftFromBefore() {
        assertThat(mappings).isEmpty();
    }

    /**
     * Where a range is too large to read entry by entry on a kernel without PAGEMAP_SCAN, the present count is smaps
     * Rss: written pages exactly (here in a VMA of 256 MiB and, in proportion, a quarter of it), the zero page not.
     */
    @Test
    void presentEstimateFromSmapsCountsWrittenPagesAndLeavesOutTheZeroPage() throws LinuxException {
        long length = 65536 * PAGE;
        long a = map(length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1);
        Mman.madvise(a, length, MADV_NOHUGEPAGE, "MADV_NOHUGEPAGE");
        MemorySegment s = MemorySegment.ofAddress(a).reinterpret(length);
        for (int i = 0; i < 4096; i++) s.set(ValueLayout.JAVA_BYTE, i * 16 * PAGE, (byte) 1); // spread evenly
        long written = Pagemap.countPresent(a, a + length);
        assertThat(written).isEqualTo(4096);
        assertThat(Pagemap.estimatePresent(a, a + length)).isEqualTo(4096);
        assertThat(Pagemap.estimatePresent(a, a + length / 4))
                .as("a quarter of the VMA, in proportion")
                .isEqualTo(1024);
        for (int i = 0; i < 100; i++) s.get(ValueLayout.JAVA_BYTE, (i * 16 + 8) * PAGE);
        long reads = Pagemap.countPresent(a, a + length) - written;
        assertThat(reads).isEqualTo(100);
        assumeTrue(
                KernelProfile.current().zeroPage() != KernelProfile.ZeroPage.UNKNOWN,
                "the probe could not tell how reads are backed");
        long zeroPages = KernelProfile.current().zeroPage() == KernelProfile.ZeroPage.SHARED ? 100 : 0;
        assertThat(Pagemap.estimatePresent(a, a + length))
                .as("smaps leaves out the zero page")
                .isEqualTo(4096 + 100 - zeroPages);
    }
}
