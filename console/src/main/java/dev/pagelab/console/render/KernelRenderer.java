package dev.pagelab.console.render;

import static dev.pagelab.console.render.TextRenderer.*;

import dev.pagelab.commands.report.KernelReport;
import java.util.ArrayList;
import java.util.List;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;

/** kernel: the probed profile, a section per area, each fact with what it changes. */
final class KernelRenderer {
    private KernelRenderer() {}

    // ---- kernel -------------------------------------------------------------------------------------------------

    /**
     * One line per fact (label, value), its meaning below it, wrapped; a fact that departs from the textbook is
     * marked and coloured, a missing feature dimmed, so that what this kernel does differently stands out.
     */
    static List<AttributedString> kernel(KernelReport k, int width) {
        List<AttributedString> out = new ArrayList<>();
        out.add(new AttributedStringBuilder()
                .styled(BOLD, "kernel")
                .append(" " + k.release())
                .styled(
                        DIM,
                        String.format(
                                java.util.Locale.ROOT,
                                "  (probed in %.1f ms; \u2260 differs from the " + "textbook, - missing here)",
                                k.probeNanos() / 1e6))
                .toAttributedString());
        for (KernelReport.Section s : k.sections()) {
            out.add(new AttributedStringBuilder().styled(BOLD, s.title()).toAttributedString());
            for (KernelReport.Fact f : s.facts()) {
                String mark = switch (f.standing()) {
                    case USUAL -> "  ";
                    case DIFFERS -> "\u2260 ";
                    case MISSING -> "- ";
                };
                AttributedStyle valueStyle = switch (f.standing()) {
                    case USUAL -> AttributedStyle.DEFAULT;
                    case DIFFERS -> NOTE;
                    case MISSING -> DIM;
                };
                AttributedStringBuilder b = new AttributedStringBuilder()
                        .append(mark)
                        .styled(LABEL, pad(f.label(), 17))
                        .append(" ");
                String indent = "  " + pad("", 18);
                List<AttributedString> value =
                        wrap("", indent, f.shown(), Math.max(20, width - indent.length()), valueStyle);
                b.append(value.get(0));
                out.add(b.toAttributedString());
                out.addAll(value.subList(1, value.size()));
                out.addAll(wrap("    ", "    ", f.meaning(), width, DIM));
            }
        }
        return out;
    }
}
