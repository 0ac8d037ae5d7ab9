package dev.pagelab.commands.report;

import java.util.List;
import java.util.Map;

/**
 * /proc/self/maps lines (labelled with pagelab's names), and for a single mapping its smaps figures.
 *
 * @param lines the maps lines with their label ("" for the JVM's own)
 * @param areas smaps of one mapping's VMAs, empty unless a mapping was named
 * @param elapsedNanos how long reading /proc/self/maps (or smaps) took
 */
public record MapsReport(String scope, List<Line> lines, List<Area> areas, long elapsedNanos) implements Report {
    public record Line(String label, long start, long end, String text) {}

    public record Area(
            String label,
            long start,
            long end,
            String perms,
            Map<String, Long> kb,
            List<String> vmFlags,
            List<String> vmFlagWords,
            String thpEligible) {}
}
