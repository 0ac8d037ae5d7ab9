package dev.pagelab.console;

import dev.pagelab.commands.Sizes;
import dev.pagelab.commands.WriteTracking;
import dev.pagelab.linux.KPageFlags;
import dev.pagelab.linux.Pagemap;
import dev.pagelab.linux.ProcFs;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Whether this machine offers what a recipe needs, and where its scratch files go. */
final class RecipeRequirements {
    private RecipeRequirements() {}

    /** The needs not met, each as a reason a reader can act on; empty when the recipe can run. */
    static List<String> unmet(Recipe.Requirements r) {
        List<String> out = new ArrayList<>();
        if (r.root() && KPageFlags.availability().isPresent()) {
            out.add("needs root (CAP_SYS_ADMIN): " + KPageFlags.availability().get());
        }
        if (r.kernel() != null) {
            String release = ProcFs.kernelRelease();
            if (compare(release, r.kernel()) < 0) out.add("needs Linux " + r.kernel() + " or later, this is " + release);
        }
        if (!r.thp().isEmpty()) {
            String mode = ProcFs.thpEnabled().orElse("absent");
            if (!r.thp().contains(mode)) {
                out.add("needs transparent huge pages enabled=" + String.join(" or ", r.thp()) + ", this machine has " + mode);
            }
        }
        if (r.hugetlbSize() > 0) {
            Path pool = Path.of("/sys/kernel/mm/hugepages/hugepages-" + (r.hugetlbSize() >> 10) + "kB");
            if (!Files.isDirectory(pool)) {
                out.add("needs a " + Sizes.exact(r.hugetlbSize()) + " hugetlb pool, which this kernel does not offer");
            } else if (ProcFs.hugePagesFree(r.hugetlbSize()) < r.hugetlbPages() && !Files.isWritable(pool.resolve("nr_hugepages"))) {
                out.add("needs " + r.hugetlbPages() + " free " + Sizes.exact(r.hugetlbSize()) + " hugetlb pages ("
                        + ProcFs.hugePagesFree(r.hugetlbSize()) + " free) or root to reserve them");
            }
        }
        for (String f : r.features()) {
            switch (f) {
                case "pagemap_scan" -> {
                    if (!Pagemap.scanSupported()) out.add("needs the PAGEMAP_SCAN ioctl (Linux 6.7)");
                }
                case "write_tracking", "userfaultfd" -> {
                    WriteTracking.Availability a = WriteTracking.availability();
                    if (a.mechanism() == null) out.add("needs written-page tracking: " + a.unavailableReason());
                }
                case "no_swap" -> {
                    if (ProcFs.swapTotalBytes() > 0) out.add("its figures assume no swap, and this machine has "
                            + (ProcFs.swapTotalBytes() >> 20) + " MiB of swap");
                }
                case "disk_tmp" -> {
                    if (diskDirectory() == null) out.add("needs a directory on a disk file system (major faults need a "
                            + "backing store; TMPDIR, /var/tmp and /tmp are all in memory here)");
                }
                default -> out.add("needs '" + f + "', which this pagelab does not know");
            }
        }
        return out;
    }

    /** A fresh scratch directory for ${tmpdir}, on a disk file system when there is one. */
    static Path scratchDirectory() throws IOException {
        Path base = diskDirectory();
        if (base == null) base = Path.of(System.getProperty("java.io.tmpdir"));
        return Files.createTempDirectory(base, "pagelab-recipe-");
    }

    /** The first of $TMPDIR, /var/tmp, /tmp whose file system is not in memory, or null. */
    static Path diskDirectory() {
        List<String> candidates = new ArrayList<>();
        String env = System.getenv("TMPDIR");
        if (env != null && !env.isBlank()) candidates.add(env);
        candidates.add("/var/tmp");
        candidates.add("/tmp");
        for (String c : candidates) {
            Path p = Path.of(c);
            if (!Files.isDirectory(p) || !Files.isWritable(p)) continue;
            try {
                FileStore store = Files.getFileStore(p);
                String type = store.type();
                if (!type.equals("tmpfs") && !type.equals("ramfs")) return p;
            } catch (IOException e) {
                // not usable: try the next
            }
        }
        return null;
    }

    /** Compares "6.18.44-fc" with "6.7" by major and minor. */
    static int compare(String release, String wanted) {
        int[] a = majorMinor(release), b = majorMinor(wanted);
        return a[0] != b[0] ? Integer.compare(a[0], b[0]) : Integer.compare(a[1], b[1]);
    }

    private static int[] majorMinor(String s) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)\\.(\\d+)").matcher(s);
        return m.find() ? new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))} : new int[] {0, 0};
    }
}
