package dev.pagelab.linux.proc;

import static dev.pagelab.linux.LinuxConstants.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pagelab.linux.Errno;
import dev.pagelab.linux.LinuxException;
import dev.pagelab.linux.Mman;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

/** The profile's claims, each checked against the kernel by a second, independent route. */
class KernelProfileTest {
    private final KernelProfile p = KernelProfile.current();

    @Test
    void probedOnce() {
        // how long the probe takes is shown by the kernel command, not asserted here: 0.1 s on a 6.18 guest, 1.6 to
        // 2.6 s under QEMU TCG, and it runs off the prompt path either way
        assertThat(KernelProfile.current()).isSameAs(p);
        assertThat(p.probeNanos()).isPositive();
        assertThat(p.release()).isEqualTo(Machine.kernelRelease());
        assertThat(p.pageSize()).isEqualTo(Pagemap.PAGE_SIZE);
        assertThat(Long.bitCount(p.pmdSize())).isEqualTo(1);
        assertThat(p.pmdSize()).isGreaterThan(p.pageSize());
    }

    /**
     * A read of a fresh page, then a write: with the shared zero page the write faults again (copy-on-write) and
     * the page becomes exclusive; with a private page the write finds it writable already.
     */
    @Test
    void zeroPageClaimMatchesWhatAReadThenWriteDoes() throws LinuxException {
        assertThat(p.zeroPage()).isNotEqualTo(KernelProfile.ZeroPage.UNKNOWN);
        long pages = 16, len = pages * p.pageSize();
        long a = Mman.mmap(0, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        try {
            Mman.madvise(a, len, MADV_NOHUGEPAGE, "MADV_NOHUGEPAGE");
            MemorySegment seg = MemorySegment.ofAddress(a).reinterpret(len);
            for (long i = 0; i < pages; i++) seg.get(ValueLayout.JAVA_BYTE, i * p.pageSize());
            long[] afterRead = Pagemap.read(a, (int) pages);
            int exclusive = 0;
            for (long raw : afterRead) if (new PagemapEntry(raw).exclusive()) exclusive++;
            if (p.zeroPage() == KernelProfile.ZeroPage.SHARED) {
                assertThat(exclusive)
                        .as("pages exclusively mapped after a read")
                        .isZero();
                if (p.pfnsVisible()) {
                    for (long raw : afterRead)
                        assertThat(new PagemapEntry(raw).pfn()).isEqualTo(p.zeroPfn());
                }
            } else {
                assertThat(exclusive)
                        .as("pages exclusively mapped after a read")
                        .isEqualTo((int) pages);
            }
        } finally {
            Mman.munmap(a, len);
        }
    }

    @Test
    void madviseProbeAgreesWithRealCalls() throws LinuxException {
        long len = 4 * p.pageSize();
        long a = Mman.mmap(0, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        try {
            // MADV_DONTNEED (4) and MADV_NORMAL (0) exist on every kernel; 127 is no advice at all
            assertThat(p.madvise(MADV_DONTNEED)).isTrue();
            assertThat(p.madvise(MADV_NORMAL)).isTrue();
            assertThat(p.madvise(127)).isFalse();
            assertThatThrownBy(() -> Mman.madvise(a, len, 127, "127"))
                    .isInstanceOf(LinuxException.class)
                    .satisfies(e -> assertThat(((LinuxException) e).errno()).isEqualTo(Errno.EINVAL));
            // MADV_POPULATE_WRITE (23, Linux 5.14): the probe's answer is what a real call on real memory does
            boolean populate;
            try {
                Mman.madvise(a, len, MADV_POPULATE_WRITE, "MADV_POPULATE_WRITE");
                populate = true;
            } catch (LinuxException e) {
                populate = false;
            }
            assertThat(p.madvise(MADV_POPULATE_WRITE)).isEqualTo(populate);
            // MADV_COLD (20, 5.4): harmless on any range
            boolean cold;
            try {
                Mman.madvise(a, len, MADV_COLD, "MADV_COLD");
                cold = true;
            } catch (LinuxException e) {
                cold = false;
            }
            assertThat(p.madvise(MADV_COLD)).isEqualTo(cold);
        } finally {
            Mman.munmap(a, len);
        }
    }

    @Test
    void scanCategoriesMatchTheIoctl() {
        assertThat(p.pagemapScan()).isEqualTo(Pagemap.scanSupported());
        if (p.pagemapScan()) {
            assertThat(p.scanCategories() & Pagemap.PAGE_IS_PRESENT).isNotZero();
            assertThat(p.scanCategories() & Pagemap.PAGE_IS_PFNZERO).isNotZero();
        } else {
            assertThat(p.scanCategories()).isZero();
        }
    }

    @Test
    void softDirtyClaimMatchesTheVmaFlags() {
        assertThat(p.softDirty()).isEqualTo(ProcMaps.softDirtyAvailable());
    }

    @Test
    void pfnVisibilityMatchesPrivilege() {
        assertThat(p.pfnsVisible()).isEqualTo(Capabilities.has(CAP_SYS_ADMIN));
        assertThat(p.kpageflagsUnavailable().isEmpty())
                .isEqualTo(KPageFlags.availability().isEmpty());
    }

    @Test
    void bootParametersKeepOnlyMemoryOnesAndStopAtInitsArguments() {
        assertThat(KernelProfile.memoryBootParameters("BOOT_IMAGE=/vmlinuz root=/dev/vda ro quiet "
                        + "transparent_hugepage=never hugepages=4 hugepagesz=2M pvm_no_zero_page=1 init_on_alloc=1 "
                        + "page_alloc.shuffle=1 mem=2G console=ttyS0 -- --hugepages=9"))
                .containsExactly(
                        "transparent_hugepage=never",
                        "hugepages=4",
                        "hugepagesz=2M",
                        "pvm_no_zero_page=1",
                        "init_on_alloc=1",
                        "page_alloc.shuffle=1",
                        "mem=2G");
        assertThat(KernelProfile.memoryBootParameters("")).isEmpty();
    }
}
