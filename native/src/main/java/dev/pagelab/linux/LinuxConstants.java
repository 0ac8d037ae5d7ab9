package dev.pagelab.linux;

/**
 * The numbers pagelab passes to the kernel, in one place, each group under the header it comes from (Linux
 * x86-64; the uapi headers of the kernel source, which glibc's own headers mirror). errno values are in
 * {@link Errno}. The bit layouts of what the kernel hands back (pagemap entries, PAGEMAP_SCAN categories,
 * /proc/kpageflags, struct stat) stay with their decoders: {@link dev.pagelab.linux.proc.PagemapEntry PagemapEntry}, {@link dev.pagelab.linux.proc.Pagemap Pagemap},
 * {@link dev.pagelab.linux.proc.KPageFlags KPageFlags}, {@link FileStat}.
 */
public final class LinuxConstants {
    private LinuxConstants() {}

    // ---- sys/mman.h: asm-generic/mman-common.h, asm-generic/mman.h, asm/mman.h (x86-64) -------------------------
    public static final int PROT_NONE = 0, PROT_READ = 1, PROT_WRITE = 2, PROT_EXEC = 4;
    public static final int MAP_SHARED = 0x01,
            MAP_PRIVATE = 0x02,
            MAP_FIXED = 0x10,
            MAP_ANONYMOUS = 0x20,
            MAP_LOCKED = 0x2000,
            MAP_NORESERVE = 0x4000,
            MAP_POPULATE = 0x8000,
            MAP_HUGETLB = 0x40000,
            MAP_FIXED_NOREPLACE = 0x100000;
    /** MAP_HUGETLB's size bits, log2 of the huge page size (asm-generic/hugetlb_encode.h). */
    public static final int MAP_HUGE_SHIFT = 26;

    public static final int MAP_HUGE_2MB = 21 << MAP_HUGE_SHIFT, MAP_HUGE_1GB = 30 << MAP_HUGE_SHIFT;
    /** mlock2(2) flags. */
    public static final int MLOCK_ONFAULT = 1;
    /** mlockall(2) flags. */
    public static final int MCL_CURRENT = 1, MCL_FUTURE = 2, MCL_ONFAULT = 4;
    /** memfd_create(2) flags (linux/memfd.h). */
    public static final int MFD_CLOEXEC = 1;

    /**
     * madvise(2) advice (asm-generic/mman-common.h), with the upstream release that added each. Whether this kernel
     * has one is probed ({@link dev.pagelab.linux.proc.KernelProfile#madvise KernelProfile.madvise}), not decided from these releases.
     */
    public static final int MADV_NORMAL = 0,
            MADV_RANDOM = 1,
            MADV_SEQUENTIAL = 2,
            MADV_WILLNEED = 3,
            MADV_DONTNEED = 4,
            MADV_FREE = 8, // 4.5
            MADV_REMOVE = 9,
            MADV_DONTFORK = 10,
            MADV_DOFORK = 11, // 2.6.16
            MADV_MERGEABLE = 12,
            MADV_UNMERGEABLE = 13, // 2.6.32
            MADV_HUGEPAGE = 14,
            MADV_NOHUGEPAGE = 15, // 2.6.38
            MADV_DONTDUMP = 16,
            MADV_DODUMP = 17, // 3.4
            MADV_WIPEONFORK = 18,
            MADV_KEEPONFORK = 19, // 4.14
            MADV_COLD = 20,
            MADV_PAGEOUT = 21, // 5.4
            MADV_POPULATE_READ = 22,
            MADV_POPULATE_WRITE = 23, // 5.14
            MADV_DONTNEED_LOCKED = 24, // 5.18
            MADV_COLLAPSE = 25, // 6.1
            MADV_GUARD_INSTALL = 102,
            MADV_GUARD_REMOVE = 103; // 6.13

    // ---- fcntl.h: asm-generic/fcntl.h ---------------------------------------------------------------------------
    public static final int O_RDONLY = 0,
            O_WRONLY = 1,
            O_RDWR = 2,
            O_CREAT = 0100,
            O_NOCTTY = 0400,
            O_NONBLOCK = 04000,
            O_CLOEXEC = 02000000;
    /** unistd.h: lseek(2) whence. */
    public static final int SEEK_END = 2;
    /** linux/fadvise.h (x86-64; s390x numbers DONTNEED and NOREUSE 6 and 7). */
    public static final int POSIX_FADV_NORMAL = 0,
            POSIX_FADV_RANDOM = 1,
            POSIX_FADV_SEQUENTIAL = 2,
            POSIX_FADV_WILLNEED = 3,
            POSIX_FADV_DONTNEED = 4,
            POSIX_FADV_NOREUSE = 5;

    // ---- sys/resource.h: asm-generic/resource.h, linux/resource.h ---------------------------------------------
    public static final int RLIMIT_MEMLOCK = 8;
    public static final long RLIM_INFINITY = -1L;
    public static final int RUSAGE_SELF = 0, RUSAGE_THREAD = 1;

    // ---- linux/capability.h -------------------------------------------------------------------------------------
    public static final int CAP_IPC_LOCK = 14, CAP_SYS_ADMIN = 21;
    /** The header version capget/capset take: two 32-bit words per set. */
    public static final int _LINUX_CAPABILITY_VERSION_3 = 0x20080522;

    // ---- unistd.h: sysconf(3) names (bits/confname.h, glibc and musl alike) --------------------------------------
    public static final int _SC_PAGESIZE = 30;

    // ---- syscall numbers with no glibc wrapper: arch/x86/entry/syscalls/syscall_64.tbl ----------------------------
    public static final long SYS_userfaultfd = 323, SYS_cachestat = 451;
}
