package dev.pagelab.linux;

import static dev.pagelab.linux.LinuxConstants.*;
import static dev.pagelab.linux.ffm.Libc.INT;
import static dev.pagelab.linux.ffm.Libc.LONG;

import dev.pagelab.linux.ffm.Libc;
import java.io.IOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A kernel's page sizes, and the arithmetic that depends on them: the base page ({@code sysconf(_SC_PAGESIZE)}: 4 KiB
 * on x86-64; 4, 16 or 64 KiB on arm64) and the huge page one PMD entry maps ({@code
 * /sys/kernel/mm/transparent_hugepage/hpage_pmd_size}: 2 MiB, 32 MiB or 512 MiB for those base pages).
 *
 * <p>{@link #current()} is this kernel's, read once on first use (one sysconf call and one small sysfs read). Code
 * that talks to this kernel about this process's memory uses it; code whose figures a test checks at other page
 * sizes takes a geometry as a value (a mapping carries the one it was made with), so that a test can make one with
 * {@link #of} and run the same arithmetic as on an arm64 kernel. Both sizes are powers of two.
 */
public record PageGeometry(long pageSize, long pmdSize) {
    public PageGeometry {
        if (pageSize < 1024 || Long.bitCount(pageSize) != 1)
            throw new IllegalArgumentException("page size " + pageSize);
        if (pmdSize <= pageSize || Long.bitCount(pmdSize) != 1)
            throw new IllegalArgumentException("PMD size " + pmdSize);
    }

    /**
     * Base pages of {@code pageSize} with the PMD size one page table spans: a page table is one page of 8-byte
     * entries, so a PMD entry maps {@code pageSize / 8} pages (2 MiB for 4 KiB pages, 32 MiB for 16 KiB, 512 MiB
     * for 64 KiB). What hpage_pmd_size says wherever the kernel has THP.
     */
    public static PageGeometry of(long pageSize) {
        return new PageGeometry(pageSize, pageSize * (pageSize / 8));
    }

    /** This kernel's, read once. */
    public static PageGeometry current() {
        return Kernel.GEOMETRY;
    }

    /**
     * The geometry of base pages of {@code pageSize} and the contents of hpage_pmd_size ({@code null} when the file
     * is absent: a kernel without THP); a PMD size it cannot read is derived as in {@link #of}.
     */
    static PageGeometry parse(long pageSize, String hpagePmdSize) {
        if (hpagePmdSize != null) {
            try {
                long pmd = Long.parseLong(hpagePmdSize.trim());
                if (pmd > pageSize && Long.bitCount(pmd) == 1) return new PageGeometry(pageSize, pmd);
            } catch (NumberFormatException e) {
                // derived below
            }
        }
        return of(pageSize);
    }

    /** log2 of the page size: 12, 14 or 16. */
    public int pageShift() {
        return Long.numberOfTrailingZeros(pageSize);
    }

    /** Base pages one PMD huge page holds: 512, 2048 or 8192. */
    public long pagesPerPmd() {
        return pmdSize / pageSize;
    }

    /** Whole pages in {@code bytes} (rounded down). */
    public long pages(long bytes) {
        return bytes / pageSize;
    }

    /** Pages {@code bytes} spans from a page boundary (rounded up). */
    public long pagesCovering(long bytes) {
        return (bytes + pageSize - 1) / pageSize;
    }

    /** {@code v} rounded down to a page boundary. */
    public long alignDown(long v) {
        return v & -pageSize;
    }

    /** {@code v} rounded up to a page boundary. */
    public long alignUp(long v) {
        return (v + pageSize - 1) & -pageSize;
    }

    public boolean aligned(long v) {
        return (v & (pageSize - 1)) == 0;
    }

    /**
     * Where the /proc/self/pagemap entry of the page holding {@code address} is: one 8-byte entry per virtual page
     * (Documentation/admin-guide/mm/pagemap.rst).
     */
    public long entryOffset(long address) {
        return (address >>> pageShift()) * 8;
    }

    /** Index of the PMD-sized block holding {@code address}. */
    public long pmdIndex(long address) {
        return address / pmdSize;
    }

    /** This kernel's sizes, read on first use (the linking of sysconf stays off the start-up path). */
    private static final class Kernel {
        private static final String HPAGE_PMD_SIZE = "/sys/kernel/mm/transparent_hugepage/hpage_pmd_size";
        /** {@code long sysconf(int name);} sysconf(3): the value, or -1 with errno set (never for _SC_PAGESIZE). */
        private static final MethodHandle SYSCONF = Libc.withErrno("sysconf", FunctionDescriptor.of(LONG, INT));

        static final PageGeometry GEOMETRY = parse(sysconfPageSize(), readPmdSize());

        private static long sysconfPageSize() {
            MemorySegment cs = Libc.callState();
            long r;
            try {
                r = (long) SYSCONF.invokeExact(cs, _SC_PAGESIZE);
            } catch (Throwable t) {
                throw new AssertionError(t);
            }
            if (r <= 0) {
                throw new IllegalStateException(new LinuxException("sysconf(_SC_PAGESIZE)", Libc.errno(cs)));
            }
            return r;
        }

        private static String readPmdSize() {
            try {
                return new String(Files.readAllBytes(Path.of(HPAGE_PMD_SIZE)), StandardCharsets.US_ASCII);
            } catch (IOException e) {
                return null; // absent without THP (CONFIG_TRANSPARENT_HUGEPAGE): derived
            }
        }
    }
}
