package dev.pagelab.commands;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Every madvise(2) advice a user may give, with its value (asm-generic/mman-common.h) and the upstream release that
 * added it. The release is for messages only: whether this kernel has an advice is probed
 * ({@link dev.pagelab.linux.KernelProfile#madvise}), since distribution kernels backport them.
 */
public enum Advice {
    NORMAL(0, "2.6", "no special treatment"),
    RANDOM(1, "2.6", "expect random access: less read-ahead"),
    SEQUENTIAL(2, "2.6", "expect sequential access: aggressive read-ahead, pages freed soon after"),
    WILLNEED(3, "2.6", "read ahead: start bringing file pages into the page cache"),
    DONTNEED(4, "2.6", "drop the pages now; private anonymous memory reads back as zeros"),
    FREE(8, "4.5", "pages may be reclaimed lazily under memory pressure; a write first cancels that"),
    REMOVE(9, "2.6.16", "free the pages and their backing store (shmem, hugetlbfs, tmpfs)"),
    DONTFORK(10, "2.6.16", "do not copy this range to a child on fork"),
    DOFORK(11, "2.6.16", "undo dontfork"),
    MERGEABLE(12, "2.6.32", "let KSM merge identical pages"),
    UNMERGEABLE(13, "2.6.32", "undo mergeable; unmerges KSM pages"),
    HUGEPAGE(14, "2.6.38", "use transparent huge pages here (THP mode madvise)"),
    NOHUGEPAGE(15, "2.6.38", "no transparent huge pages here"),
    DONTDUMP(16, "3.4", "leave out of core dumps"),
    DODUMP(17, "3.4", "undo dontdump"),
    WIPEONFORK(18, "4.14", "a child sees zero-filled memory here after fork"),
    KEEPONFORK(19, "4.14", "undo wipeonfork"),
    COLD(20, "5.4", "deactivate the pages: first to be reclaimed"),
    PAGEOUT(21, "5.4", "reclaim the pages now (write to swap, or drop clean file pages)"),
    POPULATE_READ(22, "5.14", "fault the pages in readable now (like a read of every page)"),
    POPULATE_WRITE(23, "5.14", "fault the pages in writable now (like a write of every page)"),
    DONTNEED_LOCKED(24, "5.18", "like dontneed, but also on mlocked pages"),
    COLLAPSE(25, "6.1", "collapse the range into transparent huge pages now, synchronously"),
    GUARD_INSTALL(102, "6.13", "install guard regions: any access is SIGSEGV"),
    GUARD_REMOVE(103, "6.13", "remove guard regions");

    private final int value;
    private final String since;
    private final String meaning;

    Advice(int value, String since, String meaning) {
        this.value = value;
        this.since = since;
        this.meaning = meaning;
    }

    public int value() { return value; }

    /** The kernel release that introduced it. */
    public String since() { return since; }

    public String meaning() { return meaning; }

    /** As typed: {@code dontneed}, {@code populate_write}. */
    public String word() { return name().toLowerCase(java.util.Locale.ROOT); }

    /** As in C: {@code MADV_DONTNEED}. */
    public String constant() { return "MADV_" + name(); }

    public static Optional<Advice> of(String word) {
        String w = word.toLowerCase(java.util.Locale.ROOT).replace('-', '_');
        if (w.startsWith("madv_")) w = w.substring(5);
        for (Advice a : values()) if (a.word().equals(w)) return Optional.of(a);
        return Optional.empty();
    }

    public static List<String> words() {
        return Arrays.stream(values()).map(Advice::word).toList();
    }
}
