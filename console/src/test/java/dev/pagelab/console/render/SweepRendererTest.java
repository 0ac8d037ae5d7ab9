package dev.pagelab.console.render;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pagelab.commands.report.SweepReport;
import java.util.ArrayList;
import java.util.List;
import org.jline.utils.AttributedString;
import org.junit.jupiter.api.Test;

/** The sweep's table on a synthetic report: overlapping ranges are marked, not ranked; every cell shows its spread. */
class SweepRendererTest {
    static final long PAGE = 4096, M16 = 16L << 20, M32 = 32L << 20;
    static final List<String> WAYS = List.of("touch", "map_populate", "populate_write");

    /** A cell whose per-page times are {@code median} ({@code lo}–{@code hi}) ns. */
    static SweepReport.Cell cell(long size, String way, double median, double lo, double hi) {
        long pages = size / PAGE;
        return new SweepReport.Cell(
                size, way, Math.round(median * pages), Math.round(lo * pages), Math.round(hi * pages), pages, 5, PAGE);
    }

    static SweepReport report() {
        List<SweepReport.Cell> cells = new ArrayList<>();
        // 16M: the two runs in one: MAP_POPULATE 742 ns..6.7 µs, populate_write 1.0..5.3 µs; touch apart
        cells.add(cell(M16, "touch", 10_200, 9_800, 11_000));
        cells.add(cell(M16, "map_populate", 900, 742, 6_700));
        cells.add(cell(M16, "populate_write", 1_000, 980, 5_300));
        // 32M: every range apart: a ranking this run supports
        cells.add(cell(M32, "touch", 10_000, 9_900, 10_400));
        cells.add(cell(M32, "map_populate", 700, 650, 760));
        cells.add(cell(M32, "populate_write", 1_100, 1_000, 1_200));
        return new SweepReport(List.of("Linux test"), WAYS, List.of(M16, M32), cells, 5, true, null, List.of());
    }

    static List<String> render(SweepReport r, int width) {
        // as the shell prints it: cut at words to the width
        return TextRenderer.fit(SweepRenderer.render(r, width), width).stream()
                .map(AttributedString::toString)
                .toList();
    }

    @Test
    void overlappingCellsAreMarkedNotDistinguishable() {
        SweepReport r = report();
        assertThat(r.notDistinguishable(M16)).containsExactly(List.of("map_populate", "populate_write"));
        assertThat(r.notDistinguishable(M32)).isEmpty();
        List<String> l = render(r, 80);
        String row16 =
                l.stream().filter(x -> x.startsWith("  16M ")).findFirst().orElseThrow();
        String row32 =
                l.stream().filter(x -> x.startsWith("  32M ")).findFirst().orElseThrow();
        assertThat(row16).contains("10\u00b5s  ").contains("900ns\u2248").contains("1.0\u00b5s\u2248");
        assertThat(row32).doesNotContain("\u2248").contains("700ns").contains("1.1\u00b5s");
        assertThat(l).anyMatch(x -> x.startsWith("  not distinguishable here: 16M P\u2248W"));
        assertThat(String.join("\n", l)).doesNotContain("32M T").doesNotContain("32M P\u2248");
    }

    @Test
    void everyCellShowsItsSpreadUnderTheMedian() {
        List<String> l = render(report(), 80);
        int at = l.indexOf(
                l.stream().filter(x -> x.startsWith("  16M ")).findFirst().orElseThrow());
        assertThat(l.get(at + 1))
                .contains("9.8\u201311\u00b5s")
                .contains("0.74\u20136.7\u00b5s")
                .contains("0.98\u20135.3\u00b5s");
        int at32 = l.indexOf(
                l.stream().filter(x -> x.startsWith("  32M ")).findFirst().orElseThrow());
        assertThat(l.get(at32 + 1)).contains("650\u2013760ns");
        assertThat(l).allMatch(x -> x.length() <= 80);
    }

    @Test
    void aNarrowTerminalKeepsTheMarksAndSaysWhereTheSpreadIs() {
        SweepReport six = new SweepReport(
                List.of("Linux test"),
                List.of("touch", "map_populate", "populate_write", "prefault_loop", "after_dontneed", "after_free"),
                List.of(M16),
                List.of(
                        cell(M16, "touch", 10_200, 9_800, 11_000), cell(M16, "map_populate", 900, 742, 6_700),
                        cell(M16, "populate_write", 1_000, 980, 5_300),
                                cell(M16, "prefault_loop", 10_300, 10_100, 10_500),
                        cell(M16, "after_dontneed", 10_400, 10_200, 12_000), cell(M16, "after_free", 30, 28, 35)),
                5,
                true,
                null,
                List.of());
        List<String> l = render(six, 60);
        assertThat(l.stream().filter(x -> x.startsWith("  16M ")).findFirst().orElseThrow())
                .contains("900ns\u2248");
        assertThat(String.join(" ", l).replaceAll(" +", " ")).contains("--json, --csv or a wider terminal");
        assertThat(l).allMatch(x -> x.length() <= 60);
    }

    @Test
    void anInterruptedSweepSaysSoWithoutPointingAtATableElsewhere() {
        SweepReport r = report();
        SweepReport cut = new SweepReport(
                r.context(),
                r.strategies(),
                r.sizes(),
                r.cells().subList(0, 3),
                5,
                false,
                null,
                List.of("interrupted: 1 of 2 sizes measured (up to 16M); the sizes after them were left out"));
        String all = String.join("\n", render(cut, 80));
        assertThat(all)
                .contains("note: interrupted: 1 of 2 sizes measured")
                .doesNotContain("below")
                .doesNotContain("  32M ");
    }
}
