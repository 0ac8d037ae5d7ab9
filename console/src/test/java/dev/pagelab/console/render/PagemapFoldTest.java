package dev.pagelab.console.render;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pagelab.commands.report.PagemapReport;
import java.util.ArrayList;
import java.util.List;
import org.jline.utils.AttributedString;
import org.junit.jupiter.api.Test;

/** inspect-pagemap's text folds runs that differ only in transient LRU/idle flags; the report keeps them all. */
class PagemapFoldTest {
    static final long PAGE = 4096;
    static final List<String> ANON = List.of("uptodate", "dirty", "lru", "mmap", "anon", "swapbacked");
    static final List<String> ANON_IDLE = List.of("uptodate", "dirty", "lru", "mmap", "anon", "swapbacked", "idle");

    static PagemapReport.Run present(long page, long pages, List<String> flags, long pfn) {
        return new PagemapReport.Run(
                page * PAGE, pages, List.of("present", "exclusive"), flags, pfn, pages > 1, false, 1, 0, 0, 0);
    }

    static PagemapReport report(List<PagemapReport.Run> runs, long pages, boolean perPage) {
        return new PagemapReport(
                "m1",
                0x7f0000000000L,
                pages,
                runs,
                new PagemapReport.Totals(pages, 0, 0, pages, 0, 0, 0, 0, 0, 0, 0),
                true,
                null,
                "PAGEMAP_SCAN + pread",
                perPage,
                false,
                null,
                false,
                PAGE,
                0);
    }

    /** 1 GiB of anonymous pages as seen here: long runs broken into one-page runs by the idle flag, 640 times. */
    static List<PagemapReport.Run> gigabyteWithIdleNoise() {
        List<PagemapReport.Run> runs = new ArrayList<>();
        long page = 0, pfn = 0x100000;
        for (int i = 0; i < 640; i++) {
            runs.add(present(page, 400, ANON, pfn));
            page += 400;
            pfn += 400;
            runs.add(present(page, 1, ANON_IDLE, pfn));
            page++;
            pfn++;
        }
        runs.add(present(page, 262144 - page, ANON, pfn));
        return runs;
    }

    static List<String> plain(List<AttributedString> lines) {
        return lines.stream().map(AttributedString::toString).toList();
    }

    @Test
    void oneKindOfMemoryFitsTwentyFourRowsAndSaysWhatWasFolded() {
        List<PagemapReport.Run> runs = gigabyteWithIdleNoise();
        assertThat(runs).hasSize(1281);
        List<String> lines = plain(PagemapRenderer.pagemap(report(runs, 262144, false), 100));
        assertThat(lines.size()).isLessThanOrEqualTo(24);
        assertThat(lines.get(1))
                .startsWith("  0+262144p")
                .contains("present exclusive")
                .contains("pfn 0x100000\u20260x13ffff contiguous")
                .contains("idle~")
                .contains("1281 runs");
        assertThat(lines.get(1)).doesNotContain("lru~").contains(" lru ");
        assertThat(String.join("\n", lines))
                .contains("1281 runs in 1 row: 1280 folded that differ only in lru/active/referenced/idle")
                .contains("--pages lists each page")
                .contains("--json every run");
        // the totals are the report's own, counted page by page
        assertThat(lines).anyMatch(l -> l.startsWith("  total    present 262144"));
    }

    @Test
    void runsThatDifferInAnythingElseStayApart() {
        List<PagemapReport.Run> runs = List.of(
                present(0, 10, ANON, 0x1000),
                present(10, 1, ANON_IDLE, 0x100a),
                // a different stable flag (locked in memory): a row of its own
                present(11, 5, List.of("uptodate", "dirty", "lru", "mmap", "anon", "swapbacked", "mlocked"), 0x100b),
                // a gap in the offsets: never joined across it
                present(20, 4, ANON, 0x2000),
                new PagemapReport.Run(24 * PAGE, 8, List.of("not present"), List.of(), 0, false, false, -1, 0, 0, 0));
        List<PagemapRenderer.Row> rows = PagemapRenderer.fold(runs, PAGE);
        assertThat(rows).hasSize(4);
        assertThat(rows.get(0).run().pages()).isEqualTo(11);
        assertThat(rows.get(0).varying()).containsExactly("idle");
        assertThat(rows.get(0).runs()).isEqualTo(2);
        assertThat(rows.get(0).run().contiguous()).isTrue();
        assertThat(rows.get(1).run().flags()).contains("mlocked");
        assertThat(rows.get(2).run().offset()).isEqualTo(20 * PAGE);
        assertThat(rows.get(3).run().state()).containsExactly("not present");
    }

    @Test
    void scatteredPfnsAreNotCalledContiguousOnceFolded() {
        List<PagemapReport.Run> runs =
                List.of(present(0, 4, ANON, 0x1000), present(4, 1, ANON_IDLE, 0x9000), present(5, 4, ANON, 0x9001));
        PagemapReport.Run row = PagemapRenderer.fold(runs, PAGE).get(0).run();
        assertThat(row.pages()).isEqualTo(9);
        assertThat(row.contiguous()).isFalse();
        assertThat(row.samePfn()).isFalse();
    }

    @Test
    void perPageListingAndJsonAreNotFolded() {
        List<PagemapReport.Run> runs =
                List.of(present(0, 1, ANON, 0x1000), present(1, 1, ANON_IDLE, 0x1001), present(2, 1, ANON, 0x1002));
        List<String> lines = plain(PagemapRenderer.pagemap(report(runs, 3, true), 100));
        assertThat(lines.stream().filter(l -> l.contains("present exclusive"))).hasSize(3);
        assertThat(String.join("\n", lines)).doesNotContain("folded");
        String json = JsonRenderer.render("inspect-pagemap m1", report(runs, 3, false));
        assertThat(json.split("\"offset", -1)).hasSize(4);
    }
}
