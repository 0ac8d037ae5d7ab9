package dev.pagelab.console.render;

import static dev.pagelab.console.render.TextRenderer.*;

import dev.pagelab.commands.report.BenchReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStringBuilder;

/** bench: one measurement against its baseline. */
final class BenchRenderer {
    private BenchRenderer() {}

    // ---- bench ------------------------------------------------------------------------------------------------

    static List<AttributedString> bench(BenchReport b) {
        List<AttributedString> out = new ArrayList<>();
        out.add(new AttributedStringBuilder()
                .styled(BOLD, "bench: " + b.title())
                .toAttributedString());
        for (String c : b.context())
            out.add(new AttributedStringBuilder().styled(DIM, "  " + c).toAttributedString());
        out.add(new AttributedStringBuilder()
                .styled(
                        BOLD,
                        String.format(
                                Locale.ROOT,
                                "  %-20s %-15s %-12s %10s  %s",
                                "mapping",
                                "operation",
                                "method",
                                "median",
                                "min\u2013max"))
                .toAttributedString());
        for (BenchReport.Row r : b.rows()) {
            out.add(new AttributedStringBuilder()
                    .append(String.format(Locale.ROOT, "  %-20s %-15s %-12s ", r.scenario(), r.operation(), r.method()))
                    .styled(NUM, pad(duration(r.medianNs()), 10, true))
                    .styled(DIM, "  " + duration(r.minNs()) + "\u2013" + duration(r.maxNs()))
                    .toAttributedString());
        }
        out.add(new AttributedStringBuilder()
                .styled(BOLD, "  ratios, measured in this run")
                .toAttributedString());
        // bench pagemap measures each ratio's two methods as one pair of rows, in the ratios' order
        boolean paired = b.rows().size() == 2 * b.ratios().size();
        for (int i = 0; i < b.ratios().size(); i++) {
            BenchReport.Ratio r = b.ratios().get(i);
            AttributedStringBuilder line = new AttributedStringBuilder()
                    .append("    " + pad(r.label(), 58) + " ")
                    .styled(NUM, String.format(Locale.ROOT, r.value() >= 100 ? "%.0f\u00d7" : "%.2f\u00d7", r.value()));
            if (paired && overlap(b.rows().get(2 * i), b.rows().get(2 * i + 1))) {
                line.styled(DIM, "  min\u2013max ranges overlap: not distinguishable here");
            }
            out.add(line.toAttributedString());
        }
        for (String n : b.notes())
            out.add(new AttributedStringBuilder().styled(NOTE, "  note: " + n).toAttributedString());
        return out;
    }

    static boolean overlap(BenchReport.Row a, BenchReport.Row b) {
        return a.minNs() <= b.maxNs() && b.minNs() <= a.maxNs();
    }
}
