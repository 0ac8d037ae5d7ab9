package dev.pagelab.commands.report;

import java.util.List;

/**
 * What a {@code bench} run measured: each case timed several times in this one run, and ratios between cases
 * measured side by side (a ratio, unlike a time, carries over between machines).
 *
 * @param title   what was benchmarked
 * @param context the machine and settings the figures depend on
 * @param rows    one per (scenario, operation, method)
 * @param ratios  derived comparisons, e.g. "pread / PAGEMAP_SCAN, 64G sparse, inspect-pagemap" = 308.2
 */
public record BenchReport(String title, List<String> context, List<Row> rows, List<Ratio> ratios, List<String> notes)
        implements Report {
    /** Times in ns over {@code reps} repetitions; {@code result} is what the operation found (checked equal). */
    public record Row(
            String scenario,
            String operation,
            String method,
            long medianNs,
            long minNs,
            long maxNs,
            int reps,
            String result) {}

    public record Ratio(String label, double value) {}
}
