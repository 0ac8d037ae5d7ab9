package dev.pagelab.console.render;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pagelab.commands.report.SlowWithoutFault;
import dev.pagelab.commands.report.StepReport;
import dev.pagelab.console.Feedback;
import dev.pagelab.linux.measure.FaultSample;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import org.jline.utils.AttributedString;
import org.junit.jupiter.api.Test;

/** The touch after populate_write, synthetic: 0 faults, 4.9 µs a page; the normal report says why in one line. */
class SlowWithoutFaultRenderingTest {
    @Test
    void theNormalReportSaysWhyInOneLine() {
        long pages = 65536;
        FaultSample s = new FaultSample(0, 0, pages * 4_900, 0, 0);
        List<String> notes = new ArrayList<>();
        SlowWithoutFault.note(s, pages, 31, Optional.of("KVM")).ifPresent(notes::add);
        StepReport r = new StepReport(
                "touch",
                "a",
                "write, seq, 65536 accesses",
                s,
                java.util.OptionalLong.of(pages),
                Optional.of(new StepReport.Present(pages, pages)),
                new StepReport.Rss(0, 0),
                Optional.of(new StepReport.Accesses(pages, pages)),
                Optional.empty(),
                new LinkedHashMap<>(),
                notes,
                Optional.empty());
        List<String> lines = TextRenderer.render(r, Feedback.NORMAL, 160).stream()
                .map(AttributedString::toString)
                .toList();
        assertThat(lines.get(1)).startsWith("  faults   minor 0  major 0");
        assertThat(lines)
                .filteredOn(l -> l.contains("note:"))
                .singleElement()
                .asString()
                .isEqualTo(
                        "  note: no fault, yet 4.9 \u00b5s an access, 158\u00d7 a resident one (31 ns): likely the KVM host "
                                + "backing the pages on first access; --timing shows each access");
    }
}
