package dev.pagelab.linux.proc;

import static dev.pagelab.linux.LinuxConstants.*;

import dev.pagelab.linux.Errno;
import dev.pagelab.linux.Limits;
import dev.pagelab.linux.LinuxException;
import dev.pagelab.linux.Mman;
import dev.pagelab.linux.PageCache;
import dev.pagelab.linux.PageGeometry;
import dev.pagelab.linux.Userfaultfd;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What this kernel does, probed once per process from what it <em>does</em> — a fresh page read and its pagemap
 * entry, a call tried with arguments that cannot change anything — rather than from its version number:
 * distribution kernels backport features (RHEL's 5.14 has calls upstream added in 6.x), and hypervisors change
 * textbook behaviour (a PVM guest booted with {@code pvm_no_zero_page=1} backs a read fault with a private page).
 * In the spirit of {@code bpftool feature probe} and CRIU's kerndat.
 *
 * <p>Probing maps and faults a few pages of its own, so it must run outside every measured window; it takes a few
 * milliseconds and is done on first use, never on the way to the console's first prompt.
 */
public final class KernelProfile {
    /** What a read fault on never-written private anonymous memory maps. */
    public enum ZeroPage {
        /** The shared zero page: present, costs no memory, the first write faults again to copy it. */
        SHARED,
        /** A private zeroed page of its own: RSS grows on the read, and the write after it takes no fault. */
        PRIVATE,
        /** The probe could not tell (the page was not present after the read, or pagemap was unreadable). */
        UNKNOWN
    }

    /** What a read fault in a THP-eligible, huge-page-aligned range maps. */
    public enum HugeZeroPage {
        /** The huge zero page: one read fault maps a whole PMD of zeros, allocating nothing. */
        SHARED,
        /** A transparent huge page of its own (use_zero_page is 0, or the kernel has no huge zero page). */
        PRIVATE_HUGE,
        /** Base pages only: THP did not apply to the read (THP never, or no huge page could be had). */
        BASE_PAGES,
        /** The kernel has no transparent huge pages, or the probe could not tell. */
        UNKNOWN
    }

    /** How the zero page was recognised: the strongest evidence this process can get. */
    public enum Evidence {
        PFNZERO("PAGEMAP_SCAN's PFNZERO category"),
        PFN("the same PFN behind two fresh mappings (root reads PFNs)"),
        EXCLUSIVE_BIT("pagemap's exclusive bit (56): the zero page is mapped by everyone, a private page by one"),
        NONE("no evidence: pagemap gave no present entry");

        private final String text;

        Evidence(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }
    }

    /** madvise(2) values probed (asm-generic/mman-common.h); the probe covers every value up to this bound. */
    private static final int MADVISE_PROBE_LIMIT = 128;

    private static volatile KernelProfile current;

    private final String release;
    private final String version;
    private final long pageSize;
    private final long pmdSize;
    private final ZeroPage zeroPage;
    private final Evidence zeroPageEvidence;
    private final long zeroPfn;
    private final HugeZeroPage hugeZeroPage;
    private final boolean thpAvailable;
    private final boolean pagemapScan;
    private final long scanCategories;
    private final long[] madviseSupported; // a bit set over advice values 0..127
    private final boolean cachestat;
    private final String uffdWpAsync; // null when available, else why not
    private final boolean softDirty;
    private final String cgroup;
    private final String hypervisor;
    private final List<String> bootParameters;
    private final boolean pfnsVisible;
    private final String kpageflags; // null when readable, else why not
    private final long probeNanos;

    private KernelProfile(Prober p) {
        release = p.release;
        version = p.version;
        pageSize = p.pageSize;
        pmdSize = p.pmdSize;
        zeroPage = p.zeroPage;
        zeroPageEvidence = p.zeroPageEvidence;
        zeroPfn = p.zeroPfn;
        hugeZeroPage = p.hugeZeroPage;
        thpAvailable = !p.thp.enabled().isEmpty();
        pagemapScan = p.pagemapScan;
        scanCategories = p.scanCategories;
        madviseSupported = p.madviseSupported;
        cachestat = p.cachestat;
        uffdWpAsync = p.uffdWpAsync;
        softDirty = p.softDirty;
        cgroup = p.cgroup;
        hypervisor = p.hypervisor;
        bootParameters = List.copyOf(p.bootParameters);
        pfnsVisible = p.pfnsVisible;
        kpageflags = p.kpageflags;
        probeNanos = p.nanos;
    }

    /**
     * This kernel's profile, probed on the first call (a few milliseconds; it maps and faults pages of its own, so
     * call it outside any measured window) and kept for the life of the process.
     */
    public static KernelProfile current() {
        KernelProfile p = current;
        if (p == null) {
            synchronized (KernelProfile.class) {
                p = current;
                if (p == null) {
                    p = new KernelProfile(new Prober().run());
                    current = p;
                }
            }
        }
        return p;
    }

    /** Whether the profile has been probed in this process (so that asking costs nothing). */
    public static boolean probed() {
        return current != null;
    }

    /** {@code uname -r}, e.g. {@code 6.18.44-fc-v1300}. */
    public String release() {
        return release;
    }

    /** /proc/version: the build, compiler and date. */
    public String version() {
        return version;
    }

    /** The base page size in bytes. */
    public long pageSize() {
        return pageSize;
    }

    /** The PMD-mapped huge page size: a THP, and the default hugetlb size on x86-64. */
    public long pmdSize() {
        return pmdSize;
    }

    public ZeroPage zeroPage() {
        return zeroPage;
    }

    /** How {@link #zeroPage()} was told. */
    public Evidence zeroPageEvidence() {
        return zeroPageEvidence;
    }

    /** The zero page's PFN, or -1 when PFNs are hidden (not root) or there is no shared zero page. */
    public long zeroPfn() {
        return zeroPfn;
    }

    public HugeZeroPage hugeZeroPage() {
        return hugeZeroPage;
    }

    /** /sys/kernel/mm/transparent_hugepage/use_zero_page now, or "" when the file does not exist. */
    public String thpUseZeroPage() {
        return firstLine(ThpSettings.DIR + "/use_zero_page");
    }

    /** Whether the PAGEMAP_SCAN ioctl exists (Linux 6.7, or a backport). */
    public boolean pagemapScan() {
        return pagemapScan;
    }

    /** The PAGEMAP_SCAN categories this kernel knows ({@link Pagemap#PAGE_IS_PRESENT}…), 0 without the ioctl. */
    public long scanCategories() {
        return scanCategories;
    }

    /** Whether madvise(2) accepts {@code advice} on this kernel (built in, and not too old). */
    public boolean madvise(int advice) {
        return advice >= 0 && advice < MADVISE_PROBE_LIMIT && (madviseSupported[advice >>> 6] & (1L << advice)) != 0;
    }

    /** Whether the cachestat(2) system call exists (Linux 6.5). */
    public boolean cachestat() {
        return cachestat;
    }

    /** Empty when userfaultfd's async write-protect (6.7) can be used here, else why not. */
    public Optional<String> uffdWpAsyncUnavailable() {
        return Optional.ofNullable(uffdWpAsync);
    }

    /** Whether the kernel tracks soft-dirty bits (CONFIG_MEM_SOFT_DIRTY). */
    public boolean softDirty() {
        return softDirty;
    }

    // Settings an administrator (or pagelab's own limit and hugepages commands) can change while the session runs
    // are read when asked, not kept from the probe: each is one small sysfs or procfs read.

    /** THP settings now: enabled, defrag, shmem_enabled and the multi-size THP (mTHP) settings per size. */
    public ThpSettings thp() {
        return ThpSettings.read(true, true);
    }

    /** Whether the kernel has transparent huge pages at all (CONFIG_TRANSPARENT_HUGEPAGE). */
    public boolean thpAvailable() {
        return thpAvailable;
    }

    /** The hugetlb pools now, smallest size first. */
    public List<HugetlbPool> hugetlbPools() {
        List<HugetlbPool> out = new ArrayList<>();
        for (long size : HugetlbPool.sizes()) HugetlbPool.of(size).ifPresent(out::add);
        return out;
    }

    public long swapTotalBytes() {
        return ProcMeminfo.swapTotalBytes();
    }

    /** /proc/swaps now, one line per swap area: "FILE type size kB". */
    public List<String> swapDevices() {
        List<String> out = new ArrayList<>();
        for (String line : linesOrEmpty("/proc/swaps")) {
            if (line.startsWith("Filename")) continue;
            String[] f = line.trim().split("\\s+");
            if (f.length >= 3) out.add(f[0] + " " + f[1] + " " + f[2] + " kB");
        }
        return out;
    }

    /** zswap's enabled parameter now (Y/N), or "" when the kernel has no zswap. */
    public String zswap() {
        return firstLine("/sys/module/zswap/parameters/enabled");
    }

    /** KSM's run state now ("0" stopped, "1" running, "2" unmerging), or "" without CONFIG_KSM. */
    public String ksm() {
        return firstLine("/sys/kernel/mm/ksm/run");
    }

    /** "v2 PATH (memory.max M)", "v1", or "" when none is mounted. */
    public String cgroup() {
        return cgroup;
    }

    /** The hypervisor's name, "" on bare metal. */
    public String hypervisor() {
        return hypervisor;
    }

    /**
     * The kind of machine in one line, for the headers of benchmarks, whose figures are read against it: the hypervisor
     * (or bare metal), what a read fault maps (the shared zero page, or a private page as on a PVM guest booted with
     * {@code pvm_no_zero_page=1}) and the THP mode now, e.g. {@code KVM guest, shared zero page, THP madvise}.
     */
    public String machineKind() {
        String zero = switch (zeroPage) {
            case SHARED -> "shared zero page";
            case PRIVATE -> "no shared zero page (a read allocates)";
            case UNKNOWN -> "zero page unknown";
        };
        String mode = ThpSettings.thpEnabled().orElse("");
        return (hypervisor.isEmpty() ? "bare metal" : hypervisor + " guest") + ", " + zero + ", THP "
                + (mode.isEmpty() ? "absent" : mode);
    }

    /** The boot parameters (from /proc/cmdline) that change memory behaviour. */
    public List<String> bootParameters() {
        return bootParameters;
    }

    /** Whether pagemap shows PFNs to this process (CAP_SYS_ADMIN). */
    public boolean pfnsVisible() {
        return pfnsVisible;
    }

    /** Empty when /proc/kpageflags is readable, else why not. */
    public Optional<String> kpageflagsUnavailable() {
        return Optional.ofNullable(kpageflags);
    }

    /** RLIMIT_MEMLOCK in bytes now, -1 for unlimited. */
    public long memlockLimit() {
        return Limits.memlockLimit();
    }

    /** Whether the calling thread holds CAP_IPC_LOCK now ('limit ipc_lock off' drops it on the step thread). */
    public boolean capIpcLock() {
        return Capabilities.has(CAP_IPC_LOCK);
    }

    /** vm.overcommit_memory now: 0 heuristic, 1 always, 2 never. */
    public String overcommit() {
        return firstLine("/proc/sys/vm/overcommit_memory");
    }

    /** /sys/kernel/mm/lru_gen/enabled now (multi-gen LRU, 6.1), or "" without it. */
    public String multiGenLru() {
        return firstLine("/sys/kernel/mm/lru_gen/enabled");
    }

    /** How long the probe took. */
    public long probeNanos() {
        return probeNanos;
    }

    /** Boot parameters whose name starts with one of these change how memory is backed or measured. */
    static final List<String> MEMORY_BOOT_PARAMETERS = List.of(
            "transparent_hugepage",
            "thp_anon",
            "hugepages",
            "hugepagesz",
            "default_hugepagesz",
            "hugetlb_free_vmemmap",
            "pvm_no_zero_page",
            "init_on_alloc",
            "init_on_free",
            "page_alloc.shuffle",
            "mem=",
            "memmap",
            "movablecore",
            "kernelcore",
            "numa",
            "zswap",
            "swapaccount",
            "cgroup_no_v1",
            "systemd.unified_cgroup_hierarchy",
            "cgroup_disable",
            "nohugeiomap",
            "nopti",
            "page_poison",
            "page_owner",
            "slub_debug",
            "lru_gen",
            "ksm",
            "userfaultfd",
            "norandmaps",
            "mitigations",
            "mem_encrypt",
            "crashkernel",
            "deferred_init",
            "page_reporting");

    public static List<String> memoryBootParameters(String cmdline) {
        List<String> out = new ArrayList<>();
        for (String word : cmdline.trim().split("\\s+")) {
            if (word.equals("--")) break; // what follows belongs to init
            for (String p : MEMORY_BOOT_PARAMETERS) {
                if (word.equals(p)
                        || word.startsWith(p.endsWith("=") ? p : p + "=")
                        || (p.endsWith(".") && word.startsWith(p))) {
                    out.add(word);
                    break;
                }
            }
        }
        return out;
    }

    /** The probe itself: each part independent, none allowed to fail the whole. */
    private static final class Prober {
        String release = "", version = "";
        long pageSize, pmdSize;
        ZeroPage zeroPage = ZeroPage.UNKNOWN;
        Evidence zeroPageEvidence = Evidence.NONE;
        long zeroPfn = -1;
        HugeZeroPage hugeZeroPage = HugeZeroPage.UNKNOWN;
        boolean pagemapScan;
        long scanCategories;
        final long[] madviseSupported = new long[MADVISE_PROBE_LIMIT / 64];
        boolean cachestat;
        String uffdWpAsync;
        boolean softDirty, softDirtyKnown;
        ThpSettings thp;
        String cgroup = "", hypervisor = "";
        List<String> bootParameters = List.of();
        boolean pfnsVisible;
        String kpageflags;
        long nanos;

        Prober run() {
            long t0 = System.nanoTime();
            release = Machine.kernelRelease();
            version = firstLine("/proc/version");
            PageGeometry geometry = PageGeometry.current();
            pageSize = geometry.pageSize();
            pmdSize = geometry.pmdSize();
            thp = ThpSettings.read(true, true);
            pagemapScan = Pagemap.scanSupported();
            if (pagemapScan) scanCategories = scanCategories();
            probeMadvise();
            probeZeroPage();
            probeHugeZeroPage();
            cachestat = probeCachestat();
            if (!softDirtyKnown) softDirty = ProcMaps.softDirtyAvailable();
            uffdWpAsync = probeUffd();
            cgroup = cgroup();
            hypervisor = Machine.virtualization().orElse("");
            bootParameters = memoryBootParameters(firstLine("/proc/cmdline"));
            kpageflags = KPageFlags.availability().orElse(null);
            nanos = System.nanoTime() - t0;
            return this;
        }

        /**
         * A madvise of length 0 at an aligned address returns 0 for every advice the kernel knows and EINVAL for
         * the rest: the advice is validated before the range (mm/madvise.c, madvise_behavior_valid, 5.10 to 6.18),
         * and a zero-length range then does nothing at all. So each value is tried without touching memory.
         */
        void probeMadvise() {
            long addr;
            try {
                addr = Mman.mmap(0, pageSize, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
            } catch (LinuxException e) {
                return;
            }
            try {
                for (int advice = 0; advice < MADVISE_PROBE_LIMIT; advice++) {
                    try {
                        Mman.madvise(addr, 0, advice, "probe");
                        madviseSupported[advice >>> 6] |= 1L << advice;
                    } catch (LinuxException e) {
                        // EINVAL: unknown to this kernel, or compiled out (KSM, THP)
                    }
                }
            } finally {
                unmap(addr, pageSize);
            }
        }

        /**
         * Reads one byte of two fresh private anonymous pages and asks pagemap what backs them. The zero page is
         * never "exclusively mapped" (bit 56: vm_normal_page() is NULL for it), a page allocated for the fault is.
         */
        void probeZeroPage() {
            long a = 0, b = 0;
            try {
                a = Mman.mmap(0, pageSize, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
                b = Mman.mmap(0, pageSize, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
                read(a);
                read(b);
                PagemapEntry ea = Pagemap.entry(a), eb = Pagemap.entry(b);
                pfnsVisible = ea.pfn() != 0;
                if (!ea.present()) return;
                // A new VMA carries VM_SOFTDIRTY when the kernel has CONFIG_MEM_SOFT_DIRTY, and pagemap reports bit
                // 55 for every page of such a VMA: cheaper than reading smaps for the "sd" flag.
                softDirty = ea.softDirty();
                softDirtyKnown = true;
                if (pagemapScan) {
                    long[] zero = {0};
                    Pagemap.scan(a, a + pageSize, Pagemap.PAGE_IS_PRESENT, 0, Pagemap.PAGE_IS_PFNZERO, r -> {
                        if ((r.categories() & Pagemap.PAGE_IS_PFNZERO) != 0) zero[0]++;
                    });
                    zeroPage = zero[0] > 0 ? ZeroPage.SHARED : ZeroPage.PRIVATE;
                    zeroPageEvidence = Evidence.PFNZERO;
                } else if (pfnsVisible && eb.present()) {
                    zeroPage = ea.pfn() == eb.pfn() ? ZeroPage.SHARED : ZeroPage.PRIVATE;
                    zeroPageEvidence = Evidence.PFN;
                } else {
                    zeroPage = ea.exclusive() ? ZeroPage.PRIVATE : ZeroPage.SHARED;
                    zeroPageEvidence = Evidence.EXCLUSIVE_BIT;
                }
                if (zeroPage == ZeroPage.SHARED && pfnsVisible) zeroPfn = ea.pfn();
            } catch (LinuxException | RuntimeException e) {
                zeroPage = ZeroPage.UNKNOWN;
            } finally {
                unmap(a, pageSize);
                unmap(b, pageSize);
            }
        }

        /**
         * Reads one byte of a PMD-aligned range advised MADV_HUGEPAGE. The huge zero page maps the whole PMD and is
         * not exclusively mapped; a THP allocated for the read is; with neither, one base page appears.
         */
        void probeHugeZeroPage() {
            if (thp.enabled().isEmpty() || thp.enabled().equals("never") || !madvise(MADV_HUGEPAGE)) {
                hugeZeroPage = thp.enabled().equals("never") ? HugeZeroPage.BASE_PAGES : HugeZeroPage.UNKNOWN;
                return;
            }
            long reserve = 0, span = 2 * pmdSize;
            try {
                reserve = Mman.mmap(0, span, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
                long aligned = (reserve + pmdSize - 1) & -pmdSize;
                Mman.madvise(aligned, pmdSize, MADV_HUGEPAGE, "MADV_HUGEPAGE");
                read(aligned);
                long present = Pagemap.countPresent(aligned, aligned + pmdSize);
                PagemapEntry e = Pagemap.entry(aligned);
                if (present * pageSize >= pmdSize) {
                    hugeZeroPage = e.exclusive() ? HugeZeroPage.PRIVATE_HUGE : HugeZeroPage.SHARED;
                } else {
                    hugeZeroPage = HugeZeroPage.BASE_PAGES;
                }
            } catch (LinuxException | RuntimeException e) {
                hugeZeroPage = HugeZeroPage.UNKNOWN;
            } finally {
                unmap(reserve, span);
            }
        }

        boolean madvise(int advice) {
            return (madviseSupported[advice >>> 6] & (1L << advice)) != 0;
        }

        /** Each category asked alone: a kernel that does not know one refuses the scan with EINVAL. */
        long scanCategories() {
            long known = 0;
            long addr = 0;
            try {
                addr = Mman.mmap(0, pageSize, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
                for (int bit = 0; bit < 16; bit++) {
                    try {
                        Pagemap.scan(addr, addr + pageSize, 0, 1L << bit, 1L << bit, r -> {});
                        known |= 1L << bit;
                    } catch (LinuxException e) {
                        // EINVAL: a category this kernel does not know
                    }
                }
            } catch (LinuxException e) {
                return known;
            } finally {
                unmap(addr, pageSize);
            }
            return known;
        }

        /** cachestat on a descriptor that cannot be open: EBADF means the call exists, ENOSYS that it does not. */
        static boolean probeCachestat() {
            try {
                PageCache.cachestat(-1, 0, 0);
                return true;
            } catch (LinuxException e) {
                return e.errno() != Errno.ENOSYS;
            }
        }

        static String probeUffd() {
            try (Userfaultfd u = Userfaultfd.openAsyncWriteProtect()) {
                return null;
            } catch (LinuxException e) {
                return e.getMessage();
            }
        }

        static String cgroup() {
            List<String> lines = linesOrEmpty("/proc/self/cgroup");
            if (Files.exists(Path.of("/sys/fs/cgroup/cgroup.controllers"))) {
                String path = "/";
                for (String l : lines) if (l.startsWith("0::")) path = l.substring(3);
                String max = firstLine("/sys/fs/cgroup" + path + (path.endsWith("/") ? "" : "/") + "memory.max");
                return "v2 " + path + (max.isEmpty() ? "" : " (memory.max " + max + ")");
            }
            for (String l : lines) if (l.contains(":memory:")) return "v1";
            return lines.isEmpty() ? "" : "v1";
        }

        private static void read(long address) {
            MemorySegment.ofAddress(address).reinterpret(1).get(ValueLayout.JAVA_BYTE, 0);
        }

        private static void unmap(long address, long length) {
            if (address == 0) return;
            try {
                Mman.munmap(address, length);
            } catch (LinuxException ignored) {
                // the probe's own mapping: nothing else can be there
            }
        }
    }

    static String firstLine(String path) {
        try {
            String s = Files.readString(Path.of(path)).trim();
            int nl = s.indexOf('\n');
            return nl < 0 ? s : s.substring(0, nl).trim();
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    static List<String> linesOrEmpty(String path) {
        try {
            return Files.readAllLines(Path.of(path));
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }
}
