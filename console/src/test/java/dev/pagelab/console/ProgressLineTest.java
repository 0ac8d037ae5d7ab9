package dev.pagelab.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pagelab.console.terminal.ProgressLine;
import org.junit.jupiter.api.Test;

/** The progress line's text: what it says, and that it never reaches the terminal's last column. */
class ProgressLineTest {
    static final long TOTAL = 2_097_152;

    @Test
    void aWideTerminalShowsTheBarTheCountsTheTimeAndHowToStop() {
        String l = ProgressLine.line("touch", "big", 861_184, TOTAL, 2_340_000_000L, 120, false);
        assertThat(l)
                .isEqualTo(
                        "touch big: [############------------------]  41%    861,184 of 2,097,152 accesses    2.3 s  Ctrl-C stops");
        assertThat(ProgressLine.line("touch", "big", TOTAL, TOTAL, 1_000_000_000L, 120, true))
                .startsWith("touch big: [" + "\u2588".repeat(30) + "] 100%");
        assertThat(ProgressLine.line("touch", "big", 0, TOTAL, 600_000_000L, 120, true))
                .startsWith("touch big: [" + "\u2591".repeat(30) + "]   0%");
    }

    @Test
    void theBarKeepsItsLengthAsTheNumbersGrow() {
        int width = ProgressLine.line("touch", "big", 0, TOTAL, 600_000_000L, 99, false)
                .indexOf(']');
        for (long done : new long[] {512, 524_288, 1_048_576, TOTAL}) {
            assertThat(ProgressLine.line("touch", "big", done, TOTAL, 12_300_000_000L, 99, false)
                            .indexOf(']'))
                    .isEqualTo(width);
        }
    }

    @Test
    void aNarrowTerminalDropsTheRightHandPartsFirstAndNeverWraps() {
        for (int columns = 10; columns <= 120; columns++) {
            String l = ProgressLine.line("touch", "m1[0:8G]", 1_048_576, TOTAL, 3_000_000_000L, columns, false);
            assertThat(l.length()).as("at %d columns: %s", columns, l).isLessThanOrEqualTo(columns);
            if (columns >= 30) assertThat(l).as("at %d columns", columns).contains("50%");
        }
        assertThat(ProgressLine.line("touch", "m1", 1_048_576, TOTAL, 3_000_000_000L, 79, false))
                .isEqualTo("touch m1: [##########----------]  50%  1,048,576 of 2,097,152 accesses    3.0 s")
                .doesNotContain("Ctrl-C");
        assertThat(ProgressLine.line("touch", "m1", 1_048_576, TOTAL, 3_000_000_000L, 39, false))
                .isEqualTo("touch m1: [######-------]  50%    3.0 s");
    }
}
