package dev.pagelab.commands.report;

import java.util.List;

/**
 * What {@code clear-refs} did.
 *
 * @param mode       the word given: soft-dirty, all, anon, file, peak-rss
 * @param written    the value written to /proc/self/clear_refs, or -1 when the file was not written
 * @param mechanism  for soft-dirty: how written pages are tracked from now on; else null
 * @param mappings   per session mapping: what changed
 * @param before     the process-wide figure the mode resets, before (kB): Referenced for all/anon/file, VmHWM for
 *                   peak-rss; -1 for soft-dirty
 * @param after      the same figure after
 */
public record ClearRefsReport(
        String mode,
        int written,
        String mechanism,
        List<Row> mappings,
        long before,
        long after,
        long elapsedNanos,
        List<String> notes)
        implements Report {
    /**
     * @param protectedPages soft-dirty via userfaultfd: pages newly write-protected (written or not yet faulted in
     *                       before); -1 when the kernel does not say (soft-dirty bits)
     * @param present        present pages of the mapping
     * @param referencedKb   smaps Referenced of the mapping after (kB), -1 when not read
     */
    public record Row(String name, long protectedPages, long present, long referencedKb) {}
}
