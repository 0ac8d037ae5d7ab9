package dev.pagelab.commands.report;

import java.util.List;

/**
 * The session's mappings, one row each.
 *
 * @param elapsedNanos how long reading their smaps and present pages took
 */
public record ListReport(List<Row> rows, long elapsedNanos) implements Report {
    /**
     * @param prot    protections of its VMAs as /proc/self/maps shows them, e.g. {@code rw-p} or {@code r--p,rw-p}
     * @param locked  bytes locked (smaps Locked)
     * @param present present base pages (4 KiB on x86-64)
     */
    public record Row(
            String name,
            long start,
            long end,
            long size,
            long mappedBytes,
            String kind,
            String prot,
            long locked,
            long present,
            String creation) {}
}
