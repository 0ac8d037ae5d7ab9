package dev.pagelab.commands.report;

import java.util.List;
import java.util.Map;

/** smaps VmFlags two-letter codes in words (proc_pid_smaps(5), fs/proc/task_mmu.c). */
public final class VmFlags {
    private static final Map<String, String> WORDS = Map.ofEntries(
            Map.entry("rd", "readable"),
            Map.entry("wr", "writable"),
            Map.entry("ex", "executable"),
            Map.entry("sh", "shared"),
            Map.entry("mr", "may-read"),
            Map.entry("mw", "may-write"),
            Map.entry("me", "may-exec"),
            Map.entry("ms", "may-share"),
            Map.entry("gd", "grows-down"),
            Map.entry("pf", "pfn-map"),
            Map.entry("dw", "deny-write"),
            Map.entry("lo", "locked"),
            Map.entry("io", "io-memory"),
            Map.entry("sr", "seq-read-advised"),
            Map.entry("rr", "random-read-advised"),
            Map.entry("dc", "dont-copy-on-fork"),
            Map.entry("de", "dont-expand"),
            Map.entry("ac", "accountable"),
            Map.entry("nr", "no-reserve"),
            Map.entry("ht", "hugetlb"),
            Map.entry("sf", "sync-fault"),
            Map.entry("ar", "arch-specific"),
            Map.entry("wf", "wipe-on-fork"),
            Map.entry("dd", "dont-dump"),
            Map.entry("sd", "soft-dirty"),
            Map.entry("mm", "mixed-map"),
            Map.entry("hg", "hugepage-advised"),
            Map.entry("nh", "nohugepage-advised"),
            Map.entry("mg", "mergeable"),
            Map.entry("bt", "arm64-bti"),
            Map.entry("mt", "arm64-mte"),
            Map.entry("um", "uffd-missing"),
            Map.entry("uw", "uffd-wp"),
            Map.entry("ui", "uffd-minor"),
            Map.entry("ss", "shadow-stack"),
            Map.entry("sl", "sealed"),
            Map.entry("lf", "lock-on-fault"),
            Map.entry("dp", "droppable"),
            Map.entry("gu", "guard-regions"),
            Map.entry("pk", "protection-key"),
            // a flag this kernel's smaps has no letters for (measured: 5.10 prints ?? for lock-on-fault, later ones lf)
            Map.entry("??", "unnamed-flag"));

    private VmFlags() {}

    public static List<String> words(List<String> codes) {
        return codes.stream().map(c -> WORDS.getOrDefault(c, c)).toList();
    }
}
