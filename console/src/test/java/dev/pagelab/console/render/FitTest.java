package dev.pagelab.console.render;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;
import org.junit.jupiter.api.Test;

/** Lines are cut at blanks to the terminal's width: never inside a word, never between a number and its unit. */
class FitTest {
    static List<String> fit(String s, int width) {
        return TextRenderer.fit(new AttributedString(s), width).stream()
                .map(AttributedString::toString)
                .toList();
    }

    @Test
    void cutsAtBlanksWithAHangingIndent() {
        List<String> l = fit("  upper case: no page of the cell is missing; lower case: some are not present", 40);
        assertThat(l).allMatch(x -> x.length() <= 40);
        assertThat(l.get(0)).isEqualTo("  upper case: no page of the cell is");
        assertThat(l.get(1)).startsWith("    missing;");
        assertThat(String.join(" ", l).replaceAll(" +", " ").trim())
                .isEqualTo("upper case: no page of the cell is missing; lower case: some are not present");
    }

    @Test
    void keepsANumberWithItsUnitAndALongWordWhole() {
        assertThat(fit("  faults minor 0 in 4.9 \u00b5s per page", 25))
                .containsExactly("  faults minor 0 in", "    4.9 \u00b5s per page");
        assertThat(fit("  see /proc/self/clear_refs_and_more_text_here now", 20))
                .containsExactly("  see", "    /proc/self/clear_refs_and_more_text_here", "    now");
    }

    @Test
    void keepsStylesAndLeavesShortLinesAlone() {
        AttributedString a = new AttributedStringBuilder()
                .append("  minor ")
                .styled(AttributedStyle.BOLD, "12345")
                .append(" and then some more words")
                .toAttributedString();
        List<AttributedString> l = TextRenderer.fit(a, 20);
        assertThat(l.get(0).toString()).isEqualTo("  minor 12345 and");
        assertThat(l.get(0).styleAt(8).getStyle()).isEqualTo(AttributedStyle.BOLD.getStyle());
        assertThat(TextRenderer.fit(new AttributedString("short"), 20)).hasSize(1);
    }

    @Test
    void anEchoedInputAndItsCaretStayTogether() {
        List<AttributedString> in = List.of(
                new AttributedString("  touch m1 --a-very-long-option-name-here x"),
                new AttributedString("             ^^^^^^^^^^^^^^^^^^^^^^^^^^^"),
                new AttributedString("error: unknown option --a-very-long-option-name-here for touch"));
        List<String> out = TextRenderer.fit(in, 30).stream()
                .map(AttributedString::toString)
                .toList();
        assertThat(out.get(0)).isEqualTo(in.get(0).toString());
        assertThat(out.get(1)).isEqualTo(in.get(1).toString());
        assertThat(out.subList(2, out.size()))
                .allMatch(x -> x.length() <= 30 || !x.trim().contains(" "));
    }
}
