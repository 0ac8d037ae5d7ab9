package dev.pagelab.commands.report;

import dev.pagelab.linux.measure.FaultSample;
import java.util.Locale;
import java.util.Optional;

/**
 * A touch that took no fault yet cost far more than touching resident memory: after {@code advise populate_write}
 * the first touch here took 4.9–18.9 µs a page with {@code faults minor 0}. The cost is below this kernel's page
 * tables (a hypervisor backing each page on its first access), and only {@code touch --timing} used to say so; the
 * normal report now says it in one line.
 */
public final class SlowWithoutFault {
    /** Slower than a resident re-touch by more than this factor... */
    public static final double FACTOR = 10;
    /** ...and slower than this per access, so that a loaded machine's jitter on fast touches is not reported. */
    public static final long FLOOR_NANOS = 1_000;

    private SlowWithoutFault() {}

    /**
     * The note for a step of {@code accesses} accesses measured as {@code sample}, or empty when it took a fault or was
     * not slow: over {@link #FACTOR} times {@code residentNanos} (what an access to a resident page costs here, from
     * the session's warm-up; negative when unknown: then no note) and over {@link #FLOOR_NANOS} per access.
     *
     * @param virtualization the hypervisor this runs under, empty on bare metal
     */
    public static Optional<String> note(
            FaultSample sample, long accesses, double residentNanos, Optional<String> virtualization) {
        if (accesses <= 0 || residentNanos <= 0 || sample.minorFaults() + sample.majorFaults() != 0)
            return Optional.empty();
        double per = (double) sample.elapsedNanos() / accesses;
        if (per <= FACTOR * residentNanos || per <= FLOOR_NANOS) return Optional.empty();
        String why = virtualization
                .map(v -> "likely the " + (v.equals("a hypervisor") ? "hypervisor" : v + " host")
                        + " backing the pages on first access")
                .orElse("the cost is below this kernel's page tables");
        return Optional.of(String.format(
                Locale.ROOT,
                "no fault, yet %s an access, %.0f\u00d7 a resident one (%s): %s; " + "--timing shows each access",
                duration(per),
                per / residentNanos,
                duration(residentNanos),
                why));
    }

    private static String duration(double ns) {
        if (ns < 1_000) return Math.round(ns) + " ns";
        if (ns < 1_000_000) return String.format(Locale.ROOT, "%.1f \u00b5s", ns / 1e3);
        return String.format(Locale.ROOT, "%.1f ms", ns / 1e6);
    }
}
