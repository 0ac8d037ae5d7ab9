package dev.pagelab.linux.proc;

import java.util.Map;
import java.util.Optional;

/**
 * The transparent huge page settings under /sys/kernel/mm/transparent_hugepage (the kernel's
 * Documentation/admin-guide/mm/transhuge.rst): {@code enabled} and {@code defrag}; {@code shmem_enabled} when
 * asked for; and the multi-size THP settings (hugepages-64kB/enabled, …/shmem_enabled) keyed by size in kB,
 * when asked for (two files per size). A file this kernel lacks reads as "" or is left out of the map.
 */
public record ThpSettings(
        String enabled,
        String defrag,
        String shmemEnabled,
        Map<Long, String> anonBySizeKb,
        Map<Long, String> shmemBySizeKb) {
    static final String DIR = "/sys/kernel/mm/transparent_hugepage";

    /** {@code enabled}: always, madvise or never; empty when this kernel has no THP. */
    public static Optional<String> thpEnabled() {
        return ProcText.sysChoice(DIR + "/enabled");
    }

    public static Optional<String> thpDefrag() {
        return ProcText.sysChoice(DIR + "/defrag");
    }

    /** The settings now; {@code anonSizes} and {@code shmem} add the per-size and shmem files (more reads). */
    public static ThpSettings read(boolean anonSizes, boolean shmem) {
        Map<Long, String> anon = new java.util.TreeMap<>(), shm = new java.util.TreeMap<>();
        if (anonSizes || shmem) {
            for (long kb : mthpSizesKb()) {
                String d = DIR + "/hugepages-" + kb + "kB";
                if (anonSizes) ProcText.sysChoice(d + "/enabled").ifPresent(v -> anon.put(kb, v));
                if (shmem) ProcText.sysChoice(d + "/shmem_enabled").ifPresent(v -> shm.put(kb, v));
            }
        }
        return new ThpSettings(
                ProcText.sysChoice(DIR + "/enabled").orElse(""),
                ProcText.sysChoice(DIR + "/defrag").orElse(""),
                shmem ? ProcText.sysChoice(DIR + "/shmem_enabled").orElse("") : "",
                anon,
                shm);
    }

    private static volatile long[] mthpSizes;

    /** The sizes (kB) of the hugepages-NkB directories under transparent_hugepage: fixed while the kernel runs. */
    static long[] mthpSizesKb() {
        long[] sizes = mthpSizes;
        if (sizes == null) {
            String[] dirs = new java.io.File(DIR).list();
            sizes = sizesKb(dirs == null ? new String[0] : dirs);
            mthpSizes = sizes;
        }
        return sizes;
    }

    /** The N of every "hugepages-NkB" among directory names, sorted; other names are ignored. */
    public static long[] sizesKb(String[] names) {
        return java.util.Arrays.stream(names)
                .filter(d -> d.matches("hugepages-[0-9]+kB"))
                .mapToLong(d -> Long.parseLong(d.substring("hugepages-".length(), d.length() - 2)))
                .sorted()
                .toArray();
    }
}
