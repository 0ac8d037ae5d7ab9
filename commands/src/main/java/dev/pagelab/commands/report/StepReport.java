package dev.pagelab.commands.report;

import dev.pagelab.linux.measure.FaultSample;
import dev.pagelab.linux.measure.LatencyHistogram;
import dev.pagelab.linux.measure.NanoClock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the kernel did during one step: the step thread's faults in the measured window (exact), the target
 * mapping's present pages before and after (PAGEMAP_SCAN, in base pages), the process RSS before and after
 * (/proc/self/statm: process-wide, so approximate for the step), and for touch the accesses made.
 *
 * @param verb             the command name
 * @param target           the mapping or range acted on, as written ({@code m1[0:4M]}), or null
 * @param action           what was done, e.g. {@code write, seq, stride 4K}, {@code MADV_DONTNEED}
 * @param pages            base pages (4 KiB on x86-64) in the target range, or -1
 * @param presentBefore    present pages of the target mapping before, or -1 when it has none
 * @param accesses         touch: accesses made; -1 for other commands
 * @param accessesAsked    touch: accesses asked for
 * @param timing           touch --timing: per-access latencies and their modes, else null
 * @param details          further figures, in order (address, flags, syscall…): rendered in verbose and JSON
 * @param notes            remarks the user should see (alignment applied, cancelled, …)
 * @param system           system-wide context: vmstat and meminfo changes over the step, settings; null when the
 *                         session was asked not to sample it (the console's normal, concise and silent feedback)
 */
public record StepReport(String verb, String target, String action, FaultSample sample, long pages,
                         long presentBefore, long presentAfter, long rssBefore, long rssAfter, long accesses,
                         long accessesAsked, Timing timing, Map<String, Object> details, List<String> notes, SystemActivity system) implements Report {
    /**
     * What {@code touch --timing} measured: one latency per access, the histogram's modes (faults attributed by
     * rank), the timer's own figures, and the hypervisor this runs under (empty on bare metal).
     */
    public record Timing(LatencyHistogram histogram, LatencyModes modes, NanoClock.Calibration clock,
                         Optional<String> virtualization) {}

    /** touch --timing: the per-access latencies, else null. */
    public LatencyHistogram histogram() { return timing == null ? null : timing.histogram(); }

    public long rssDelta() { return rssAfter - rssBefore; }

    public boolean cancelled() { return accesses >= 0 && accesses < accessesAsked; }

    /**
     * Whether the present counts are estimates from /proc/self/smaps rather than counted page by page: a mapping
     * too large to read pagemap entry by entry on a kernel without PAGEMAP_SCAN ({@code Pagemap.countsExactly}).
     */
    public boolean presentEstimated() {
        return details != null && String.valueOf(details.get("present_via")).startsWith("smaps");
    }
}
