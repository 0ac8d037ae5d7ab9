package dev.pagelab.linux.proc;

/**
 * One 64-bit entry of /proc/PID/pagemap (Documentation/admin-guide/mm/pagemap.rst). It describes one virtual
 * page: whether it is present or swapped, and where. It carries no protection bits.
 */
public record PagemapEntry(long raw) {
    static final long PFN_MASK = (1L << 55) - 1;
    static final long EXCLUSIVE = 1L << 56;

    public boolean present() {
        return (raw & (1L << 63)) != 0;
    }

    /**
     * Bit 62, except for guard regions: a guard is a PTE marker, a kind of swap entry, so the kernel sets bit 62
     * for it too (measured: 0x4400...9f), though nothing is in swap.
     */
    public boolean swapped() {
        return (raw & (1L << 62)) != 0 && !guard() && !marker();
    }

    /**
     * A PTE marker: a swap entry of the reserved type 31 that holds no data. userfaultfd write-protect leaves one
     * on a page not faulted in yet (measured: 0x420000000000003f, bits 62 and 57, offset 1 = PTE_MARKER_UFFD_WP);
     * a guard region is one too (offset 4).
     */
    public boolean marker() {
        return (raw & (1L << 62)) != 0 && (raw & (1L << 63)) == 0 && (raw & 0x1f) == 0x1f;
    }

    /** Bit 61: a file page, or shared anonymous memory (shmem). */
    public boolean fileOrSharedAnon() {
        return (raw & (1L << 61)) != 0;
    }

    /** Bit 58 (Linux 6.15): the page is a guard region installed with MADV_GUARD_INSTALL. */
    public boolean guard() {
        return (raw & (1L << 58)) != 0;
    }

    /** Bit 57 (Linux 5.13; userfaultfd write-protect itself is 5.7): write-protected by userfaultfd. */
    public boolean uffdWriteProtected() {
        return (raw & (1L << 57)) != 0;
    }

    /** Bit 56 (Linux 4.2): mapped by exactly one process. */
    public boolean exclusive() {
        return (raw & EXCLUSIVE) != 0;
    }

    /** Bit 55: written since the last write of 4 to /proc/PID/clear_refs. */
    public boolean softDirty() {
        return (raw & (1L << 55)) != 0;
    }

    /** Bits 0–54 when present; 0 without CAP_SYS_ADMIN (Linux 4.2+ hides PFNs from the unprivileged). */
    public long pfn() {
        return present() ? raw & PFN_MASK : 0;
    }

    /** Bits 0–4 when swapped. */
    public int swapType() {
        return swapped() ? (int) (raw & 0x1f) : 0;
    }

    /** Bits 5–54 when swapped. */
    public long swapOffset() {
        return swapped() ? (raw & PFN_MASK) >>> 5 : 0;
    }
}
