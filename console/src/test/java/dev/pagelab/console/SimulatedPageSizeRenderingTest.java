package dev.pagelab.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pagelab.commands.report.CacheReport;
import dev.pagelab.commands.report.EvictReport;
import dev.pagelab.commands.report.PageState;
import dev.pagelab.commands.report.PagemapReport;
import dev.pagelab.commands.report.ResidencyReport;
import dev.pagelab.console.render.JsonRenderer;
import dev.pagelab.console.render.PageCacheRenderer;
import dev.pagelab.console.render.PagemapRenderer;
import dev.pagelab.console.render.ResidencyRenderer;
import java.util.List;
import org.jline.utils.AttributedString;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What the console draws from page counts, at 4 KiB (x86-64), 16 KiB and 64 KiB pages (arm64): the residency picture's
 * header, scale and row offsets, the page cache strip and runs, evict's dropped bytes, inspect-pagemap's run offsets
 * and the JSON's page size. Reports made by hand, so no kernel is asked; every expected text is worked out by hand.
 */
class SimulatedPageSizeRenderingTest {
    private static final long BASE = 0x7e0000000000L;

    private static List<String> plain(List<AttributedString> lines) {
        return lines.stream().map(AttributedString::toString).toList();
    }

    private static ResidencyReport residency(long page, long pages, long presentPages) {
        long[] counts = new long[PageState.values().length];
        counts[PageState.PRESENT.ordinal()] = presentPages;
        counts[PageState.NOT_PRESENT.ordinal()] = pages - presentPages;
        return new ResidencyReport(
                "m1",
                BASE,
                pages,
                page,
                page,
                new long[] {0, presentPages},
                new long[] {presentPages, pages - presentPages},
                new byte[] {(byte) PageState.PRESENT.ordinal(), (byte) PageState.NOT_PRESENT.ordinal()},
                counts,
                "PAGEMAP_SCAN",
                null,
                1000,
                0,
                0,
                List.of());
    }

    @ParameterizedTest(name = "{0}-byte pages")
    @CsvSource({
        // page,  a page, 64 pages, 4096 pages, 4 pages a cell, the second row's offset (64 cells of 4 pages)
        "4096,    4K,     256K,     16M,        16K,            1M",
        "16384,   16K,    1M,       64M,        64K,            4M",
        "65536,   64K,    4M,       256M,       256K,           16M",
    })
    void theResidencyPictureSaysThePageSize(
            long page, String onePage, String small, String large, String cell, String secondRow) {
        List<String> one = plain(ResidencyRenderer.render(residency(page, 64, 16), 80, 16, false));
        assertThat(one.get(0))
                .isEqualTo("view m1: 64 pages (" + small + ") at 0x7e0000000000, 1 cell = 1 page (" + onePage + ")");
        List<String> grouped = plain(ResidencyRenderer.render(residency(page, 4096, 1024), 80, 16, false));
        assertThat(grouped.get(0))
                .isEqualTo("view m1: 4096 pages (" + large + ") at 0x7e0000000000, 1 cell = 4 pages (" + cell + ")");
        assertThat(grouped.get(1)).startsWith("     0 ");
        assertThat(grouped.get(2)).startsWith(" ".repeat(6 - secondRow.length()) + secondRow + " ");
        List<String> watch = plain(ResidencyRenderer.render(residency(page, 64, 16), 80, 16, true));
        assertThat(watch.get(0)).isEqualTo("watch m1: 64 pages (" + small + "), 1 cell = 1 page (" + onePage + ")");
        assertThat(JsonRenderer.render("view m1", residency(page, 64, 16))).contains("\"page_size_bytes\":" + page);
    }

    @ParameterizedTest(name = "{0}-byte pages")
    @CsvSource({
        // page,  a 2-page strip cell, the resident run (pages 2-4), 3 pages dropped
        "4096,    8K,    [8K:12K],     12.0 KiB",
        "16384,   32K,   [32K:48K],    48.0 KiB",
        "65536,   128K,  [128K:192K],  192.0 KiB",
    })
    void thePageCacheIsDrawnInPagesOfTheKernel(long page, String cell, String run, String dropped) {
        CacheReport.FileResidency before = file(page, 3), after = file(page, 0);
        assertThat(PageCacheRenderer.strip(before, 80).toString()).endsWith("| " + cell + "/cell");
        assertThat(PageCacheRenderer.runs(before, 80).toString()).isEqualTo("  runs     " + run);
        EvictReport e = new EvictReport(before, after, 0, 0, false, -1, 0, 1000, List.of(), 0, 0, List.of());
        assertThat(plain(PageCacheRenderer.evict(e, Feedback.NORMAL, 100)))
                .anyMatch(l -> l.startsWith("  resident 3 \u2192 0 pages (3 dropped, " + dropped + ")"));
        assertThat(JsonRenderer.render("cache f", new CacheReport(List.of(before), List.of())))
                .contains("\"page_size_bytes\":" + page);
    }

    /** A 128-page file with pages 2-4 resident (or none), drawn in 64 cells of 2 pages. */
    private static CacheReport.FileResidency file(long page, long resident) {
        long[] cells = new long[64];
        if (resident > 0) {
            cells[1] = 1;
            cells[2] = 2;
        }
        List<CacheReport.Run> runs = resident > 0
                ? List.of(
                        new CacheReport.Run(0, 2, false),
                        new CacheReport.Run(2, 3, true),
                        new CacheReport.Run(5, 123, false))
                : List.of(new CacheReport.Run(0, 128, false));
        return new CacheReport.FileResidency(
                "f",
                "/f",
                null,
                "ext4",
                128 * page,
                128 * page,
                128,
                resident,
                runs,
                false,
                2,
                cells,
                null,
                null,
                128,
                1000,
                page);
    }

    @ParameterizedTest(name = "{0}-byte pages")
    @CsvSource({
        // page,  where the 54 pages not present start
        "4096,    40K",
        "16384,   160K",
        "65536,   640K",
    })
    void inspectPagemapRunsStartAtByteOffsets(long page, String absentAt) {
        PagemapReport.Run present =
                new PagemapReport.Run(0, 10, List.of("present"), List.of(), 0x1000, true, false, -1, 0, 0, 0);
        PagemapReport.Run absent =
                new PagemapReport.Run(10 * page, 54, List.of("not present"), List.of(), 0, false, false, -1, 0, 0, 0);
        PagemapReport r = new PagemapReport(
                "m1",
                BASE,
                64,
                List.of(present, absent),
                new PagemapReport.Totals(10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
                true,
                null,
                "pread",
                false,
                false,
                null,
                false,
                page,
                0);
        List<String> lines = plain(PagemapRenderer.pagemap(r, 100));
        assertThat(lines.get(1)).startsWith("  0+10p            present");
        assertThat(lines.get(2)).startsWith("  " + absentAt + "+54p");
        assertThat(JsonRenderer.render("inspect-pagemap m1", r)).contains("\"page_size_bytes\":" + page);
    }
}
