package dev.pagelab.commands.report;

import dev.pagelab.linux.measure.FaultSample;
import dev.pagelab.linux.measure.LatencyHistogram;
import dev.pagelab.linux.measure.NanoClock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What the kernel did during one step: the step thread's faults in the measured window (exact), the target
 * mapping's present pages before and after (PAGEMAP_SCAN, in base pages), the process RSS before and after
 * (/proc/self/statm: process-wide, so approximate for the step), and for touch the accesses made. Its named figures
 * (JSON fields, recipe expectations) are declared in {@link Figures#STEP}.
 *
 * @param verb      the command name
 * @param target    the mapping or range acted on, as written ({@code m1[0:4M]}), or null
 * @param action    what was done, e.g. {@code write, seq, stride 4K}, {@code MADV_DONTNEED}
 * @param pages     base pages (4 KiB on x86-64) in the target range; empty for process-wide steps (lockall)
 * @param present   the target mapping's present pages; empty when the step has no mapping (or it could not be read)
 * @param rss       the process RSS around the step
 * @param accesses  touch: the accesses made and asked for; empty for other commands
 * @param timing    touch --timing: per-access latencies and their modes
 * @param details   further figures, in order (address, flags, syscall…): rendered in verbose and JSON
 * @param notes     remarks the user should see (alignment applied, cancelled, …)
 * @param system    system-wide context: vmstat and meminfo changes over the step, settings; empty when the session
 *                  was asked not to sample it (the console's normal, concise and silent feedback)
 */
public record StepReport(
        String verb,
        String target,
        String action,
        FaultSample sample,
        OptionalLong pages,
        Optional<Present> present,
        Rss rss,
        Optional<Accesses> accesses,
        Optional<Timing> timing,
        Map<String, Object> details,
        List<String> notes,
        Optional<SystemActivity> system)
        implements Report {
    /** Present pages (base pages) of the target mapping just before and just after the step, outside the window. */
    public record Present(long before, long after) {
        public long delta() {
            return after - before;
        }
    }

    /** The process RSS in bytes just before and just after the step (/proc/self/statm, process-wide). */
    public record Rss(long before, long after) {
        public long delta() {
            return after - before;
        }
    }

    /** What touch did: {@code made} accesses of the {@code asked}; fewer when Ctrl-C stopped it. */
    public record Accesses(long made, long asked) {
        public boolean interrupted() {
            return made < asked;
        }
    }

    /**
     * What {@code touch --timing} measured: one latency per access, the histogram's modes (faults attributed by
     * rank), the timer's own figures, and the hypervisor this runs under (empty on bare metal).
     */
    public record Timing(
            LatencyHistogram histogram,
            LatencyModes modes,
            NanoClock.Calibration clock,
            Optional<String> virtualization) {}

    /** The same step with what touch adds: its accesses, and with --timing their latencies. */
    public StepReport withAccesses(Accesses made, Optional<Timing> timed) {
        return new StepReport(
                verb, target, action, sample, pages, present, rss, Optional.of(made), timed, details, notes, system);
    }

    /** The same step with other present pages after and other notes (unmap: the mapping is gone). */
    public StepReport withPresentAfter(long after, List<String> newNotes) {
        return new StepReport(
                verb,
                target,
                action,
                sample,
                pages,
                present.map(p -> new Present(p.before(), after)),
                rss,
                accesses,
                timing,
                details,
                newNotes,
                system);
    }

    public boolean cancelled() {
        return accesses.map(Accesses::interrupted).orElse(false);
    }

    /** Accesses made, 0 for a step that made none itself. */
    public long accessesMade() {
        return accesses.map(Accesses::made).orElse(0L);
    }

    /**
     * Whether the present counts are estimates from /proc/self/smaps rather than counted page by page: a mapping
     * too large to read pagemap entry by entry on a kernel without PAGEMAP_SCAN ({@code Pagemap.countsExactly}).
     */
    public boolean presentEstimated() {
        return details != null && String.valueOf(details.get("present_via")).startsWith("smaps");
    }
}
