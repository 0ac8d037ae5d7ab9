package dev.pagelab.linux.proc;

import dev.pagelab.linux.Errno;
import dev.pagelab.linux.LinuxException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * One hugetlb pool (/sys/kernel/mm/hugepages/hugepages-NkB/, Documentation/admin-guide/mm/hugetlbpage.rst):
 * nr_hugepages, free_hugepages, resv_hugepages, surplus_hugepages and nr_overcommit_hugepages, in huge pages of
 * {@code sizeBytes}. Each huge page size has its own pool.
 */
public record HugetlbPool(long sizeBytes, long total, long free, long reserved, long surplus, long overcommit) {
    static final String SYSFS = "/sys/kernel/mm/hugepages";

    /** The pool of huge pages of {@code size} bytes, or empty when this kernel has no such size. */
    public static Optional<HugetlbPool> of(long size) {
        return read(SYSFS, size);
    }

    /** The pool of {@code size} under {@code root} (a hugepages directory of sysfs, or a copy of one). */
    public static Optional<HugetlbPool> read(String root, long size) {
        String dir = root + "/hugepages-" + (size >> 10) + "kB/";
        try {
            return Optional.of(new HugetlbPool(
                    size,
                    sysLong(dir + "nr_hugepages"),
                    sysLong(dir + "free_hugepages"),
                    sysLong(dir + "resv_hugepages"),
                    sysLong(dir + "surplus_hugepages"),
                    sysLong(dir + "nr_overcommit_hugepages")));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Sizes (bytes) of the hugetlb pools this kernel offers, smallest first. */
    public static long[] sizes() {
        return sizes(Path.of(SYSFS));
    }

    /** Sizes (bytes) of the hugepages-NkB directories under {@code root}, smallest first. */
    public static long[] sizes(Path root) {
        try (var s = Files.list(root)) {
            return s.map(p -> p.getFileName().toString())
                    .filter(d -> d.matches("hugepages-[0-9]+kB"))
                    .mapToLong(d -> Long.parseLong(d.substring("hugepages-".length(), d.length() - 2)) << 10)
                    .sorted()
                    .toArray();
        } catch (IOException e) {
            return new long[0];
        }
    }

    /** Free pages of the hugetlb pool of {@code size} bytes (each size has its own pool), 0 if none. */
    public static long freePages(long size) {
        try {
            return Long.parseLong(Files.readString(Path.of(SYSFS + "/hugepages-" + (size >> 10) + "kB/free_hugepages"))
                    .trim());
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    /**
     * Asks for {@code count} persistent huge pages of {@code size} bytes (writes nr_hugepages; needs root). The
     * kernel may grant fewer when memory is fragmented: read the pool back to know.
     */
    public static void setPages(long size, long count) throws LinuxException {
        String path = SYSFS + "/hugepages-" + (size >> 10) + "kB/nr_hugepages";
        try {
            Files.writeString(Path.of(path), Long.toString(count));
        } catch (java.nio.file.AccessDeniedException e) {
            throw new LinuxException("write(" + path + ", " + count + ")", Errno.EACCES);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new LinuxException("write(" + path + ", " + count + ")", Errno.ENOENT);
        } catch (IOException e) {
            String m = String.valueOf(e.getMessage());
            int errno = m.contains("Operation not permitted")
                    ? Errno.EPERM
                    : m.contains("Invalid argument")
                            ? Errno.EINVAL
                            : m.contains("Cannot allocate memory") ? Errno.ENOMEM : Errno.EIO;
            throw new LinuxException("write(" + path + ", " + count + ")", errno);
        }
    }

    private static long sysLong(String path) throws IOException {
        String s = ProcText.readSmall(path);
        if (s == null) throw new IOException(path + ": unreadable");
        return Long.parseLong(s.trim());
    }
}
