package dev.pagelab.linux;

import static dev.pagelab.linux.ffm.Libc.INT;
import static dev.pagelab.linux.ffm.Libc.LONG;

import dev.pagelab.linux.ffm.Libc;
import dev.pagelab.linux.proc.ProcText;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * What a file is and where it lives: stat(2), fstat(2) (sys/stat.h) and fstatfs(2) (sys/statfs.h). C contract
 * of each: 0 on success, -1 with errno set. The structs are read at their x86-64 offsets (the kernel's
 * {@code struct stat} and {@code struct statfs}, which glibc uses unchanged on x86-64).
 */
public final class FileStat {
    // sys/stat.h
    public static final int S_IFMT = 0170000,
            S_IFSOCK = 0140000,
            S_IFLNK = 0120000,
            S_IFREG = 0100000,
            S_IFBLK = 0060000,
            S_IFDIR = 0040000,
            S_IFCHR = 0020000,
            S_IFIFO = 0010000;

    // include/uapi/linux/magic.h (and fs/*/ for the few it lacks)
    public static final long TMPFS_MAGIC = 0x01021994L,
            RAMFS_MAGIC = 0x858458f6L,
            HUGETLBFS_MAGIC = 0x958458f6L,
            PROC_SUPER_MAGIC = 0x9fa0L,
            SYSFS_MAGIC = 0x62656572L,
            DEBUGFS_MAGIC = 0x64626720L,
            TRACEFS_MAGIC = 0x74726163L,
            CGROUP_SUPER_MAGIC = 0x27e0ebL,
            CGROUP2_SUPER_MAGIC = 0x63677270L,
            SECURITYFS_MAGIC = 0x73636673L,
            CONFIGFS_MAGIC = 0x62656570L,
            BPF_FS_MAGIC = 0xcafe4a11L,
            EFIVARFS_MAGIC = 0xde5e81e4L,
            PSTOREFS_MAGIC = 0x6165676cL,
            DEVPTS_SUPER_MAGIC = 0x1cd1L,
            EXT4_SUPER_MAGIC = 0xef53L,
            XFS_SUPER_MAGIC = 0x58465342L,
            BTRFS_SUPER_MAGIC = 0x9123683eL,
            NFS_SUPER_MAGIC = 0x6969L,
            OVERLAYFS_SUPER_MAGIC = 0x794c7630L,
            FUSE_SUPER_MAGIC = 0x65735546L,
            SQUASHFS_MAGIC = 0x73717368L,
            F2FS_SUPER_MAGIC = 0xf2f52010L,
            ZFS_SUPER_MAGIC = 0x2fc12fc1L,
            V9FS_MAGIC = 0x01021997L,
            CIFS_SUPER_MAGIC = 0xff534d42L,
            SMB2_SUPER_MAGIC = 0xfe534d42L,
            EROFS_SUPER_MAGIC_V1 = 0xe0f5e1e2L,
            ISOFS_SUPER_MAGIC = 0x9660L,
            MSDOS_SUPER_MAGIC = 0x4d44L,
            EXFAT_SUPER_MAGIC = 0x2011bab0L,
            CEPH_SUPER_MAGIC = 0x00c36400L,
            ANON_INODE_FS_MAGIC = 0x09041934L;

    // struct stat (x86-64): st_dev 0, st_ino 8, st_nlink 16, st_mode 24, st_uid 28, st_gid 32, st_rdev 40,
    // st_size 48, st_blksize 56, st_blocks 64 (512-byte units); 144 bytes in all.
    private static final long STAT_SIZE = 144;
    // struct statfs (x86-64): f_type 0, f_bsize 8, f_blocks 16, f_bfree 24, f_bavail 32; 120 bytes in all.
    private static final long STATFS_SIZE = 120;

    // One holder class per function (see Mman): linked on first call.
    /** {@code int stat(const char *pathname, struct stat *statbuf);} stat(2) */
    private static final class StatCall {
        static final MethodHandle HANDLE = Libc.withErrno("stat", FunctionDescriptor.of(INT, Libc.PTR, LONG));
    }
    /** {@code int fstat(int fd, struct stat *statbuf);} stat(2) */
    private static final class FstatCall {
        static final MethodHandle HANDLE = Libc.withErrno("fstat", FunctionDescriptor.of(INT, INT, LONG));
    }
    /** {@code int fstatfs(int fd, struct statfs *buf);} statfs(2) */
    private static final class FstatfsCall {
        static final MethodHandle HANDLE = Libc.withErrno("fstatfs", FunctionDescriptor.of(INT, INT, LONG));
    }

    private FileStat() {}

    /** The fields of struct stat pagelab uses. {@code blocks} is in 512-byte units, as the kernel counts them. */
    public record Stat(long dev, long ino, int mode, long nlink, int uid, long size, long blocks) {
        public int type() {
            return mode & S_IFMT;
        }

        public boolean regular() {
            return type() == S_IFREG;
        }

        public boolean directory() {
            return type() == S_IFDIR;
        }

        /** The file type in words: "regular file", "directory", "FIFO", ... */
        public String typeName() {
            return switch (type()) {
                case S_IFREG -> "regular file";
                case S_IFDIR -> "directory";
                case S_IFLNK -> "symbolic link";
                case S_IFIFO -> "FIFO";
                case S_IFSOCK -> "socket";
                case S_IFCHR -> "character device";
                case S_IFBLK -> "block device";
                default -> "file of type 0" + Integer.toOctalString(type());
            };
        }

        /** major(st_dev) as glibc's sys/sysmacros.h computes it. */
        public long devMajor() {
            return ((dev >>> 8) & 0xfff) | ((dev >>> 32) & ~0xfffL);
        }

        /** minor(st_dev). */
        public long devMinor() {
            return (dev & 0xff) | ((dev >>> 12) & ~0xffL);
        }

        /** Whether {@code o} is the same inode on the same device. */
        public boolean sameFile(Stat o) {
            return o != null && dev == o.dev && ino == o.ino;
        }
    }

    /** The fields of struct statfs pagelab uses; {@code type} is the file system's magic number. */
    public record FsStat(long type, long blockSize, long blocks, long freeBlocks, long availableBlocks) {
        /** The file system's usual name, e.g. {@code ext4}, {@code tmpfs}, or its magic number in hex. */
        public String typeName() {
            return fsName(type);
        }

        /** tmpfs (also shmem, memfd, /dev/shm), ramfs and hugetlbfs: pages with no file behind them. */
        public boolean memoryOnly() {
            return type == TMPFS_MAGIC || type == RAMFS_MAGIC || type == HUGETLBFS_MAGIC;
        }

        /** procfs, sysfs and the like: files generated when read, whose size and pages mean nothing here. */
        public boolean pseudo() {
            return type == PROC_SUPER_MAGIC
                    || type == SYSFS_MAGIC
                    || type == DEBUGFS_MAGIC
                    || type == TRACEFS_MAGIC
                    || type == CGROUP_SUPER_MAGIC
                    || type == CGROUP2_SUPER_MAGIC
                    || type == SECURITYFS_MAGIC
                    || type == CONFIGFS_MAGIC
                    || type == BPF_FS_MAGIC
                    || type == EFIVARFS_MAGIC
                    || type == PSTOREFS_MAGIC
                    || type == DEVPTS_SUPER_MAGIC
                    || type == ANON_INODE_FS_MAGIC;
        }
    }

    public static Stat stat(String path) throws LinuxException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(STAT_SIZE, 8);
            MemorySegment cs = Libc.callState();
            int r;
            try {
                r = (int) StatCall.HANDLE.invokeExact(cs, arena.allocateFrom(path), buf.address());
            } catch (Throwable t) {
                throw new AssertionError(t);
            }
            if (r != 0) throw new LinuxException("stat(\"" + path + "\")", Libc.errno(cs));
            return stat(buf);
        }
    }

    public static Stat fstat(int fd) throws LinuxException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(STAT_SIZE, 8);
            MemorySegment cs = Libc.callState();
            int r;
            try {
                r = (int) FstatCall.HANDLE.invokeExact(cs, fd, buf.address());
            } catch (Throwable t) {
                throw new AssertionError(t);
            }
            if (r != 0) throw new LinuxException("fstat(" + fd + ")", Libc.errno(cs));
            return stat(buf);
        }
    }

    public static FsStat fstatfs(int fd) throws LinuxException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(STATFS_SIZE, 8);
            MemorySegment cs = Libc.callState();
            int r;
            try {
                r = (int) FstatfsCall.HANDLE.invokeExact(cs, fd, buf.address());
            } catch (Throwable t) {
                throw new AssertionError(t);
            }
            if (r != 0) throw new LinuxException("fstatfs(" + fd + ")", Libc.errno(cs));
            return new FsStat(
                    buf.get(ValueLayout.JAVA_LONG, 0) & 0xffffffffL,
                    buf.get(ValueLayout.JAVA_LONG, 8),
                    buf.get(ValueLayout.JAVA_LONG, 16),
                    buf.get(ValueLayout.JAVA_LONG, 24),
                    buf.get(ValueLayout.JAVA_LONG, 32));
        }
    }

    private static Stat stat(MemorySegment buf) {
        return new Stat(
                buf.get(ValueLayout.JAVA_LONG, 0),
                buf.get(ValueLayout.JAVA_LONG, 8),
                buf.get(ValueLayout.JAVA_INT, 24),
                buf.get(ValueLayout.JAVA_LONG, 16),
                buf.get(ValueLayout.JAVA_INT, 28),
                buf.get(ValueLayout.JAVA_LONG, 48),
                buf.get(ValueLayout.JAVA_LONG, 64));
    }

    /** A file system's usual name from its statfs magic number. */
    public static String fsName(long magic) {
        long m = magic & 0xffffffffL;
        if (m == TMPFS_MAGIC) return "tmpfs";
        if (m == RAMFS_MAGIC) return "ramfs";
        if (m == HUGETLBFS_MAGIC) return "hugetlbfs";
        if (m == PROC_SUPER_MAGIC) return "proc";
        if (m == SYSFS_MAGIC) return "sysfs";
        if (m == DEBUGFS_MAGIC) return "debugfs";
        if (m == TRACEFS_MAGIC) return "tracefs";
        if (m == CGROUP_SUPER_MAGIC) return "cgroup";
        if (m == CGROUP2_SUPER_MAGIC) return "cgroup2";
        if (m == SECURITYFS_MAGIC) return "securityfs";
        if (m == CONFIGFS_MAGIC) return "configfs";
        if (m == BPF_FS_MAGIC) return "bpf";
        if (m == EFIVARFS_MAGIC) return "efivarfs";
        if (m == PSTOREFS_MAGIC) return "pstore";
        if (m == DEVPTS_SUPER_MAGIC) return "devpts";
        if (m == ANON_INODE_FS_MAGIC) return "anon_inodefs";
        if (m == EXT4_SUPER_MAGIC) return "ext2/3/4";
        if (m == XFS_SUPER_MAGIC) return "xfs";
        if (m == BTRFS_SUPER_MAGIC) return "btrfs";
        if (m == NFS_SUPER_MAGIC) return "nfs";
        if (m == OVERLAYFS_SUPER_MAGIC) return "overlay";
        if (m == FUSE_SUPER_MAGIC) return "fuse";
        if (m == SQUASHFS_MAGIC) return "squashfs";
        if (m == F2FS_SUPER_MAGIC) return "f2fs";
        if (m == ZFS_SUPER_MAGIC) return "zfs";
        if (m == V9FS_MAGIC) return "9p";
        if (m == CIFS_SUPER_MAGIC || m == SMB2_SUPER_MAGIC) return "cifs";
        if (m == EROFS_SUPER_MAGIC_V1) return "erofs";
        if (m == ISOFS_SUPER_MAGIC) return "iso9660";
        if (m == MSDOS_SUPER_MAGIC) return "vfat";
        if (m == EXFAT_SUPER_MAGIC) return "exfat";
        if (m == CEPH_SUPER_MAGIC) return "ceph";
        return "fs magic 0x" + Long.toHexString(m);
    }

    /**
     * The type of the file system mounted from device {@code major:minor} (field 3 of /proc/self/mountinfo, the
     * type follows the " - " separator), e.g. ext4, which statfs cannot tell from ext2 or ext3. Empty for a
     * device no mount in this namespace shows (memfd, anonymous inodes).
     */
    public static java.util.Optional<String> mountType(long major, long minor) {
        return mountType(ProcText.lines("/proc/self/mountinfo"), major, minor);
    }

    /** The file system type of the first line of mountinfo text whose device is {@code major:minor}. */
    public static java.util.Optional<String> mountType(java.util.List<String> mountinfoLines, long major, long minor) {
        String dev = major + ":" + minor;
        for (String line : mountinfoLines) {
            String[] f = line.split(" ");
            if (f.length < 3 || !f[2].equals(dev)) continue;
            int sep = line.indexOf(" - ");
            if (sep < 0) continue;
            String[] tail = line.substring(sep + 3).split(" ");
            if (tail.length > 0 && !tail[0].isEmpty()) return java.util.Optional.of(tail[0]);
        }
        return java.util.Optional.empty();
    }
}
