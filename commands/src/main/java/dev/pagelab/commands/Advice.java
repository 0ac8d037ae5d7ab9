package dev.pagelab.commands;

import static dev.pagelab.linux.LinuxConstants.*;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Every madvise(2) advice a user may give: its word, its value (from {@link dev.pagelab.linux.LinuxConstants},
 * asm-generic/mman-common.h), the upstream release that added it and what it does. The release is for messages only:
 * whether this kernel has an advice is probed ({@link dev.pagelab.linux.proc.KernelProfile#madvise}), since distribution
 * kernels backport them.
 */
public enum Advice {
    NORMAL(MADV_NORMAL, "2.6", "no special treatment"),
    RANDOM(MADV_RANDOM, "2.6", "expect random access: less read-ahead"),
    SEQUENTIAL(MADV_SEQUENTIAL, "2.6", "expect sequential access: aggressive read-ahead, pages freed soon after"),
    WILLNEED(MADV_WILLNEED, "2.6", "read ahead: start bringing file pages into the page cache"),
    DONTNEED(MADV_DONTNEED, "2.6", "drop the pages now; private anonymous memory reads back as zeros"),
    FREE(MADV_FREE, "4.5", "pages may be reclaimed lazily under memory pressure; a write first cancels that"),
    REMOVE(MADV_REMOVE, "2.6.16", "free the pages and their backing store (shmem, hugetlbfs, tmpfs)"),
    DONTFORK(MADV_DONTFORK, "2.6.16", "do not copy this range to a child on fork"),
    DOFORK(MADV_DOFORK, "2.6.16", "undo dontfork"),
    MERGEABLE(MADV_MERGEABLE, "2.6.32", "let KSM merge identical pages"),
    UNMERGEABLE(MADV_UNMERGEABLE, "2.6.32", "undo mergeable; unmerges KSM pages"),
    HUGEPAGE(MADV_HUGEPAGE, "2.6.38", "use transparent huge pages here (THP mode madvise)"),
    NOHUGEPAGE(MADV_NOHUGEPAGE, "2.6.38", "no transparent huge pages here"),
    DONTDUMP(MADV_DONTDUMP, "3.4", "leave out of core dumps"),
    DODUMP(MADV_DODUMP, "3.4", "undo dontdump"),
    WIPEONFORK(MADV_WIPEONFORK, "4.14", "a child sees zero-filled memory here after fork"),
    KEEPONFORK(MADV_KEEPONFORK, "4.14", "undo wipeonfork"),
    COLD(MADV_COLD, "5.4", "deactivate the pages: first to be reclaimed"),
    PAGEOUT(MADV_PAGEOUT, "5.4", "reclaim the pages now (write to swap, or drop clean file pages)"),
    POPULATE_READ(MADV_POPULATE_READ, "5.14", "fault the pages in readable now (like a read of every page)"),
    POPULATE_WRITE(MADV_POPULATE_WRITE, "5.14", "fault the pages in writable now (like a write of every page)"),
    DONTNEED_LOCKED(MADV_DONTNEED_LOCKED, "5.18", "like dontneed, but also on mlocked pages"),
    COLLAPSE(MADV_COLLAPSE, "6.1", "collapse the range into transparent huge pages now, synchronously"),
    GUARD_INSTALL(MADV_GUARD_INSTALL, "6.13", "install guard regions: any access is SIGSEGV"),
    GUARD_REMOVE(MADV_GUARD_REMOVE, "6.13", "remove guard regions");

    private final int value;
    private final String since;
    private final String meaning;

    Advice(int value, String since, String meaning) {
        this.value = value;
        this.since = since;
        this.meaning = meaning;
    }

    public int value() {
        return value;
    }

    /** The kernel release that introduced it. */
    public String since() {
        return since;
    }

    public String meaning() {
        return meaning;
    }

    /** As typed: {@code dontneed}, {@code populate_write}. */
    public String word() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** As in C: {@code MADV_DONTNEED}. */
    public String constant() {
        return "MADV_" + name();
    }

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
