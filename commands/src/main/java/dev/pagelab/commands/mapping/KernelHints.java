package dev.pagelab.commands.mapping;

import static dev.pagelab.linux.LinuxConstants.CAP_IPC_LOCK;

import dev.pagelab.commands.Sizes;
import dev.pagelab.linux.Errno;
import dev.pagelab.linux.Limits;
import dev.pagelab.linux.proc.Capabilities;
import dev.pagelab.linux.proc.ProcMeminfo;

/** What to do about an errno, per kind of call: the hint half of every kernel error line. */
public final class KernelHints {
    private KernelHints() {}

    public static String memlock(int errno) {
        long limit = Limits.memlockLimit();
        String lim = limit < 0 ? "unlimited" : Sizes.human(limit);
        boolean cap = Capabilities.has(CAP_IPC_LOCK);
        return switch (errno) {
            case Errno.ENOMEM ->
                cap
                        ? "the kernel could not lock that much (CAP_IPC_LOCK lifts RLIMIT_MEMLOCK, " + lim
                                + ", so memory itself ran short)"
                        : "RLIMIT_MEMLOCK is " + lim
                                + " and this thread lacks CAP_IPC_LOCK; lock less, or raise it ('ulimit -l', 'limit memlock')";
            case Errno.EPERM -> "locking needs CAP_IPC_LOCK or a non-zero RLIMIT_MEMLOCK (now " + lim + ")";
            case Errno.EAGAIN -> "some of the range could not be locked (pages busy); try again";
            case Errno.EINVAL -> "the range or flags are invalid for this kernel";
            default -> "";
        };
    }

    public static String hugetlb(int errno, long hugePageSize) {
        if (errno != Errno.ENOMEM && errno != Errno.EINVAL) return "";
        var mi = ProcMeminfo.meminfo();
        long free = mi.getOrDefault("HugePages_Free", 0L), total = mi.getOrDefault("HugePages_Total", 0L);
        String sizeDir = "/sys/kernel/mm/hugepages/hugepages-" + (hugePageSize >> 10) + "kB/nr_hugepages";
        if (errno == Errno.EINVAL) {
            return "this kernel has no " + Sizes.format(hugePageSize) + " huge page pool (" + sizeDir + ")";
        }
        return "the hugetlb pool has " + free + " free of " + total + " pages; as root: 'hugepages "
                + Sizes.format(hugePageSize) + " N' (or echo N > " + sizeDir + ")";
    }

    public static String mmap(int errno) {
        return switch (errno) {
            case Errno.ENOMEM ->
                "not enough address space or memory for that size (check overcommit: "
                        + "/proc/sys/vm/overcommit_memory), or --noreserve it";
            case Errno.EACCES -> "the file's open mode does not allow that protection";
            case Errno.EINVAL -> "a size, offset or alignment the kernel rejects";
            case Errno.ENODEV -> "that file system does not support mmap";
            case Errno.EAGAIN -> "the mapping is locked and RLIMIT_MEMLOCK would be exceeded";
            case Errno.EPERM -> "not permitted (sealed memfd, or PROT_EXEC on a noexec mount)";
            default -> "";
        };
    }

    public static String protect(int errno) {
        return switch (errno) {
            case Errno.EACCES -> "a shared file mapping cannot get write access when its file was opened read-only";
            case Errno.ENOMEM ->
                "part of the range is not mapped, or the change would exceed the VMA limit "
                        + "(/proc/sys/vm/max_map_count)";
            case Errno.EINVAL -> "the start must be page aligned and the protection valid";
            default -> "";
        };
    }

    public static String unmap(int errno) {
        return switch (errno) {
            case Errno.EINVAL -> "the start must be aligned to the mapping's page size (huge page size for hugetlb)";
            case Errno.ENOMEM -> "splitting the mapping would exceed /proc/sys/vm/max_map_count";
            default -> "";
        };
    }
}
