package dev.pagelab.commands.mapping;

import dev.pagelab.commands.Mapping;

/** A resolved RANGE: part of one mapping, [offset, offset+length), and how the user wrote it. */
public record Target(Mapping mapping, long offset, long length, String text) {
    public long address() {
        return mapping.base() + offset;
    }

    public long end() {
        return offset + length;
    }

    public boolean wholeMapping() {
        return offset == 0 && length == mapping.length();
    }

    /** Whole base pages in the range (of {@code mapping().geometry().pageSize()}, whatever the mapping's page size). */
    public long basePages() {
        return mapping.geometry().pages(length);
    }

    /** Pages of the mapping's page size (huge pages for hugetlb). */
    public long pages() {
        return (length + mapping.pageSize() - 1) / mapping.pageSize();
    }
}
