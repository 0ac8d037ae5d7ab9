package dev.pagelab.console.render;

import static dev.pagelab.console.render.TextRenderer.*;

import dev.pagelab.commands.Sizes;
import dev.pagelab.commands.report.ListReport;
import dev.pagelab.commands.report.MapsReport;
import java.util.ArrayList;
import java.util.List;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStringBuilder;

/** maps and list: the session's mappings and the process's VMAs. */
final class MapsRenderer {
    private MapsRenderer() {}

    // ---- maps and list ----------------------------------------------------------------------------------------

    static List<AttributedString> maps(MapsReport m) {
        List<AttributedString> out = new ArrayList<>();
        if (m.lines().isEmpty()) {
            out.add(new AttributedString(
                    m.scope().equals("pagelab") ? "no mappings yet: 'map 4M' makes one" : "nothing mapped"));
        }
        for (MapsReport.Line l : m.lines()) {
            AttributedStringBuilder b = new AttributedStringBuilder();
            b.styled(LABEL, pad(l.label(), 10)).append(" ").append(l.text());
            out.add(b.toAttributedString());
        }
        for (MapsReport.Area a : m.areas()) {
            out.add(new AttributedStringBuilder()
                    .styled(BOLD, a.label())
                    .append("  0x" + Long.toHexString(a.start()) + "-0x" + Long.toHexString(a.end()) + " " + a.perms())
                    .toAttributedString());
            for (String key : List.of(
                    "Size",
                    "Rss",
                    "Pss",
                    "Private_Clean",
                    "Private_Dirty",
                    "Shared_Clean",
                    "Shared_Dirty",
                    "Anonymous",
                    "LazyFree",
                    "AnonHugePages",
                    "ShmemPmdMapped",
                    "FilePmdMapped",
                    "Shared_Hugetlb",
                    "Private_Hugetlb",
                    "Locked",
                    "Swap")) {
                Long v = a.kb().get(key);
                if (v == null) continue;
                out.add(new AttributedStringBuilder()
                        .append("  " + pad(key, 15))
                        .styled(NUM, pad(v + " kB", 12, true))
                        .toAttributedString());
            }
            out.add(new AttributedString("  " + pad("THPeligible", 15) + pad(a.thpEligible(), 12, true)));
            out.add(new AttributedStringBuilder()
                    .append("  " + pad("VmFlags", 15))
                    .append(String.join(" ", a.vmFlags()))
                    .styled(DIM, "  = " + String.join(", ", a.vmFlagWords()))
                    .toAttributedString());
        }
        return out;
    }

    static List<AttributedString> list(ListReport l, int width) {
        List<AttributedString> out = new ArrayList<>();
        if (l.rows().isEmpty()) {
            out.add(new AttributedString("no mappings yet: 'map 4M' makes one"));
            return out;
        }
        // Narrow terminals (SSH on a phone, a split pane) get the start address only and no options column.
        boolean wide = width >= 110;
        String head = wide
                ? String.format(
                        "%-8s %-29s %7s %-20s %-9s %7s %9s  %s",
                        "name", "range", "size", "kind", "prot", "locked", "present", "options")
                : String.format(
                        "%-8s %-14s %6s %-12s %-4s %6s %8s",
                        "name", "start", "size", "kind", "prot", "locked", "present");
        out.add(new AttributedStringBuilder().styled(BOLD, head).toAttributedString());
        for (ListReport.Row r : l.rows()) {
            String size = Sizes.format(r.size()) + (r.mappedBytes() != r.size() ? "*" : "");
            String rest = wide
                    ? String.format(
                            " %-29s %7s %-20s %-9s %7s %9s  %s",
                            "0x" + Long.toHexString(r.start()) + "-0x" + Long.toHexString(r.end()),
                            size,
                            r.kind(),
                            r.prot(),
                            Sizes.format(r.locked()),
                            r.present() + "p",
                            r.creation())
                    : String.format(
                            " %-14s %6s %-12s %-4s %6s %8s",
                            "0x" + Long.toHexString(r.start()),
                            size,
                            r.kind(),
                            r.prot().replace(",", "/"),
                            Sizes.format(r.locked()),
                            r.present() + "p");
            out.add(new AttributedStringBuilder()
                    .styled(LABEL, String.format("%-8s", r.name()))
                    .append(rest)
                    .toAttributedString());
        }
        if (l.rows().stream().anyMatch(r -> r.mappedBytes() != r.size())) {
            out.add(new AttributedStringBuilder()
                    .styled(DIM, "* partly unmapped: offsets keep their meaning; holes are refused")
                    .toAttributedString());
        }
        return out;
    }
}
