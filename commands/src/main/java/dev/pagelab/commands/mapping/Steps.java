package dev.pagelab.commands.mapping;

import dev.pagelab.commands.CommandError;
import dev.pagelab.commands.Mapping;
import dev.pagelab.commands.Session;
import dev.pagelab.commands.Sizes;
import dev.pagelab.commands.report.StepReport;
import dev.pagelab.commands.report.SystemActivity;
import dev.pagelab.linux.LinuxException;
import dev.pagelab.linux.measure.FaultSample;
import dev.pagelab.linux.measure.StepMeter;
import dev.pagelab.linux.proc.Pagemap;
import dev.pagelab.linux.proc.ProcMeminfo;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.IntFunction;

/** The common shape of a step: sample /proc, run the measured call, sample /proc again, report. */
final class Steps {
    /** The measured part of a step: one or more {@link StepMeter} calls, their samples added. */
    @FunctionalInterface
    interface Window {
        FaultSample run(StepMeter meter) throws StepMeter.MeasuredFailure, CommandError;
    }

    private Steps() {}

    /**
     * Runs {@code window} for a step on mapping {@code m} (null for process-wide steps) and builds its report.
     * Kernel errors become one-line {@link CommandError}s with {@code hints} applied to the errno.
     */
    static StepReport run(
            Session session,
            String verb,
            String target,
            String action,
            Mapping m,
            long pages,
            Map<String, Object> details,
            List<String> notes,
            IntFunction<String> hints,
            Window window)
            throws CommandError {
        return run(session, verb, target, action, m, SystemActivity.Scope.of(m), pages, details, notes, hints, window);
    }

    /**
     * As above, with the settings of {@code scope} in the report (map passes the kind it is about to create).
     * /proc/vmstat and /proc/meminfo are read just before and just after the window, outside it.
     */
    static StepReport run(
            Session session,
            String verb,
            String target,
            String action,
            Mapping m,
            SystemActivity.Scope scope,
            long pages,
            Map<String, Object> details,
            List<String> notes,
            IntFunction<String> hints,
            Window window)
            throws CommandError {
        try {
            long presentBefore = m == null ? -1 : session.present(m);
            long rssBefore = ProcMeminfo.rssBytes();
            SystemActivity.Before systemBefore = session.systemContext() ? SystemActivity.before(scope) : null;
            FaultSample sample;
            StepMeter meter = session.meter();
            session.keepJvmOffHugePages(); // outside the window: it reads /proc/self/maps
            try {
                sample = window.run(meter);
            } catch (InternalError sigbus) {
                // The checks before every touch make this a race: the file shrank, its file system filled up, or a
                // hugetlb pool emptied while the loop ran. HotSpot turns SIGBUS inside a memory access into this
                // error (a SIGSEGV could not be caught): report it, the session is intact.
                throw CommandError.refused(
                        target,
                        "the kernel raised SIGBUS during the access (a page could not be "
                                + "backed: the file shrank, its file system is full, or the hugetlb pool ran dry)",
                        "the step stopped there; 'inspect-pagemap' shows how far it got");
            } catch (StepMeter.MeasuredFailure f) {
                LinuxException e = f.linuxException();
                throw CommandError.kernel(target, e, hints.apply(e.errno()), f.sample());
            }
            SystemActivity system = systemBefore == null ? null : SystemActivity.after(scope, systemBefore);
            long rssAfter = ProcMeminfo.rssBytes();
            long presentAfter =
                    m == null || m.fullyUnmapped() || !session.mappings().contains(m) ? 0 : session.present(m);
            List<String> allNotes = notes == null ? new java.util.ArrayList<>() : notes;
            if (session.calibrationRounds() < 0) {
                allNotes.add(
                        "the warm-up never measured an exact one-page touch: JVM activity may be in these figures");
            }
            Map<String, Object> allDetails = details == null ? new LinkedHashMap<>() : details;
            if (m != null) presentSource(session, m, allDetails, allNotes);
            // pages < 0: a process-wide step (lockall), about no range
            return new StepReport(
                    verb,
                    target,
                    action,
                    sample,
                    pages < 0 ? OptionalLong.empty() : OptionalLong.of(pages),
                    m == null ? Optional.empty() : Optional.of(new StepReport.Present(presentBefore, presentAfter)),
                    new StepReport.Rss(rssBefore, rssAfter),
                    Optional.empty(),
                    Optional.empty(),
                    allDetails,
                    allNotes,
                    Optional.ofNullable(system));
        } catch (LinuxException e) {
            throw CommandError.kernel(target, e, "reading /proc/self/pagemap failed", null);
        }
    }

    /**
     * Says how a step's present counts for {@code m} were made (detail present_via): by PAGEMAP_SCAN, by reading every
     * entry, or estimated from smaps where the mapping is too large to read entry by entry (then with a note).
     */
    static void presentSource(Session session, Mapping m, Map<String, Object> details, List<String> notes) {
        if (session.presentExact(m)) {
            // PAGEMAP_SCAN walks page tables in the kernel, pread reads 8 bytes a page
            details.put("present_via", Pagemap.scanSupported() ? "PAGEMAP_SCAN" : "pread of pagemap");
            return;
        }
        details.put("present_via", "smaps Rss (estimate)");
        String limit = Sizes.format(Pagemap.ENTRY_READ_LIMIT * Pagemap.PAGE_SIZE);
        notes.add("present \u2248: this kernel has no PAGEMAP_SCAN (Linux 6.7) and " + m.name() + " is larger than "
                + limit + ", too large to read pagemap page by page at every step; the figures are smaps Rss, "
                + "which leaves out the shared zero page ('inspect-pagemap " + m.name() + "[0:" + limit
                + "]' counts exactly)");
    }

    static Map<String, Object> details(Object... kv) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (int i = 0; i + 1 < kv.length; i += 2) out.put((String) kv[i], kv[i + 1]);
        return out;
    }

    /** {@code timing} is null without --timing. */
    static StepReport withTouch(StepReport r, long accesses, long asked, StepReport.Timing timing) {
        return r.withAccesses(new StepReport.Accesses(accesses, asked), Optional.ofNullable(timing));
    }

    static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }
}
