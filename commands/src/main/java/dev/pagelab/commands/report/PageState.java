package dev.pagelab.commands.report;

/**
 * The one state a residency picture shows for a page. A page can be several things at once (a locked, written
 * THP page); the picture shows the state declared last here, and {@code inspect-pagemap} shows every property.
 * Each state has its own character so the picture reads without colour; upper case marks a cell whose pages are
 * all in use, lower case one that is partly so.
 */
public enum PageState {
    UNMAPPED(' ', ' ', "unmapped hole"),
    NOT_PRESENT('.', '.', "not present"),
    PRESENT('P', 'p', "present"),
    FILE('F', 'f', "page cache (file/shmem)"),
    HUGE('H', 'h', "huge page (THP/hugetlb)"),
    LOCKED('L', 'l', "locked"),
    ZERO('Z', 'z', "shared zero page"),
    WRITTEN('W', 'w', "written since clear-refs"),
    SWAPPED('S', 's', "swapped out"),
    GUARD('G', 'g', "guard region");
    private final char full, partial;
    private final String description;

    PageState(char full, char partial, String description) {
        this.full = full;
        this.partial = partial;
        this.description = description;
    }

    public char full() {
        return full;
    }

    public char partial() {
        return partial;
    }

    public String description() {
        return description;
    }

    /** Whether the page is backed by memory or swap (not a hole, not merely reserved). */
    public boolean inUse() {
        return this != UNMAPPED && this != NOT_PRESENT && this != GUARD;
    }

    static PageState max(PageState a, PageState b) {
        return a.ordinal() >= b.ordinal() ? a : b;
    }
}
