package dev.pagelab.commands.report;

import java.util.List;

/**
 * What this kernel does, as probed ({@code kernel}): one fact per line, each with what it changes for the user.
 *
 * @param release     uname -r
 * @param version     /proc/version
 * @param sections    the facts, grouped (pages, pagemap, madvise, THP, hugetlb, swap and reclaim, tracking, this
 *                    process, machine)
 * @param probeNanos  how long the probe took (done once per process, outside every measured step)
 */
public record KernelReport(String release, String version, List<Section> sections, long probeNanos) implements Report {
    /** How a fact stands against the textbook Linux behaviour pagelab's manual and recipes describe. */
    public enum Standing {
        /** As the textbook says (or a plain setting). */
        USUAL,
        /** This kernel does it differently: steps will show other figures than the textbook's. */
        DIFFERS,
        /** The feature is missing here: pagelab uses another path, or refuses the step and says why. */
        MISSING
    }

    public record Section(String title, List<Fact> facts) {}

    /**
     * @param key      snake_case name, the JSON field
     * @param label    as shown
     * @param value    the value as JSON carries it (String, Long, Boolean or a List of them)
     * @param shown    the value as text
     * @param standing against the textbook
     * @param meaning  what it changes for the user, one sentence
     */
    public record Fact(String key, String label, Object value, String shown, Standing standing, String meaning) {}

    /** Every fact, sections flattened. */
    public List<Fact> facts() {
        return sections.stream().flatMap(s -> s.facts().stream()).toList();
    }
}
