package dev.pagelab.linux.measure;

/**
 * What one measured window saw: the step thread's own faults (exact for the step), its elapsed time, and the
 * whole process's faults over the same window (every JVM thread; for contrast only, never attributed).
 */
public record FaultSample(
        long minorFaults, long majorFaults, long elapsedNanos, long processMinorFaults, long processMajorFaults) {
    public static final FaultSample NONE = new FaultSample(0, 0, 0, 0, 0);

    /** Two windows of one step, added (e.g. mmap and the madvise that follows it). */
    public FaultSample plus(FaultSample o) {
        return new FaultSample(
                minorFaults + o.minorFaults,
                majorFaults + o.majorFaults,
                elapsedNanos + o.elapsedNanos,
                processMinorFaults + o.processMinorFaults,
                processMajorFaults + o.processMajorFaults);
    }
}
