package dev.pagelab.console;

import java.nio.file.Path;
import java.util.List;

/**
 * A narrated, self-checking memory story read from a TOML file (see {@code man pagelab-recipe}): what it needs,
 * its steps in order, and the cleanup that always runs.
 */
record Recipe(Path source, String title, String summary, String author, Requirements requires, List<Step> steps,
              List<Step> cleanup) {
    /**
     * What the machine must offer, all optional.
     *
     * @param root          CAP_SYS_ADMIN (PFNs, /proc/kpageflags, hugetlb pools)
     * @param kernel        minimum release, "major.minor"
     * @param thp           THP "enabled" modes under which it works (empty: any)
     * @param hugetlbSize   a hugetlb pool of this size (bytes) must exist, 0: none needed
     * @param hugetlbPages  pages that pool must have free, or that root must be able to reserve
     * @param features      named capabilities: pagemap_scan, write_tracking, no_swap, disk_tmp, userfaultfd
     */
    record Requirements(boolean root, String kernel, List<String> thp, long hugetlbSize, long hugetlbPages,
                        List<String> features) {
        static final Requirements NONE = new Requirements(false, null, List.of(), 0, 0, List.of());
    }

    /**
     * One step: narration shown before it, the command, whether replay pauses before it, and its expectations.
     *
     * @param line  where the step starts in the file (1-based), for messages
     * @param pause seconds to wait after the narration in auto mode (-1: the default delay); in step mode every step
     *              waits for a key anyway
     */
    record Step(int line, String say, String run, double pause, List<Expectation> expect) {}
}
