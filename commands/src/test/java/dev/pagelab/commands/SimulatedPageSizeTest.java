package dev.pagelab.commands;

import static dev.pagelab.linux.LinuxConstants.MAP_ANONYMOUS;
import static dev.pagelab.linux.LinuxConstants.MAP_HUGETLB;
import static dev.pagelab.linux.LinuxConstants.MAP_PRIVATE;
import static dev.pagelab.linux.LinuxConstants.MAP_SHARED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pagelab.commands.inspect.InspectPagemapCommand;
import dev.pagelab.commands.inspect.ViewCommand;
import dev.pagelab.commands.machine.BenchCommand;
import dev.pagelab.commands.machine.Sweep;
import dev.pagelab.commands.mapping.AdviseCommand;
import dev.pagelab.commands.mapping.MapCommand;
import dev.pagelab.commands.mapping.Target;
import dev.pagelab.commands.report.PagemapReport;
import dev.pagelab.commands.report.SweepReport;
import dev.pagelab.linux.Mman;
import dev.pagelab.linux.PageGeometry;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The commands' page-size arithmetic at 4 KiB (x86-64), 16 KiB and 64 KiB pages (arm64), whose PMD huge pages are 2,
 * 32 and 512 MiB: sizes in pages, ranges and their alignment, map's rounding, THP alignment and hugetlb sizes, collapse
 * blocks, inspect-pagemap's runs, file ends, view cells, the sweep's per-page figures. Simulated: mappings made with
 * another page size than this kernel's at an address nothing is mapped at, and pagemap entries from a test source, so
 * no kernel is asked. Every expected figure is worked out by hand and would differ with 4096 or 2 MiB written in.
 */
class SimulatedPageSizeTest {
    private static final long BASE = 0x7e0000000000L; // aligned to every PMD size; never accessed

    private static Mapping mapping(PageGeometry g, long length) {
        return new Mapping(
                "m1",
                BASE,
                length,
                Mapping.Kind.ANON_PRIVATE,
                g.pageSize(),
                g,
                MAP_PRIVATE | MAP_ANONYMOUS,
                null,
                0,
                -1,
                List.of());
    }

    private static Target range(Mapping m, String text, boolean aligned) throws CommandError {
        return Session.resolve(m, new Args.Positional(text, 1), aligned);
    }

    @ParameterizedTest(name = "{0}-byte pages")
    @CsvSource({
        // page,  256p,      1000p with its pages,  10000 bytes rounded up, 4G of PMD-sized hugetlb pages
        "4096,    1048576,   4000K (1000p),         12K,                   4G (2048 huge pages)",
        "16384,   4194304,   16000K (1000p),        16K,                   4G (128 huge pages)",
        "65536,   16777216,  64000K (1000p),        64K,                   4G (8 huge pages)",
    })
    void mapSizesCountThisKernelsPages(long page, long bytes256p, String thousandPages, String rounded, String hugetlb)
            throws CommandError {
        PageGeometry g = PageGeometry.of(page);
        assertThat(Sizes.parse("256p", g.pageSize(), 1, "size")).isEqualTo(bytes256p);
        long size = Sizes.parse("1000p", g.pageSize(), 1, "size");
        assertThat(MapCommand.sizeWords(size, g.pageSize(), false))
                .as("map's report: mmap SIZE (PAGES)")
                .isEqualTo(thousandPages);
        List<String> notes = new ArrayList<>();
        assertThat(MapCommand.roundedSize(size, g.pageSize(), notes)).isEqualTo(size);
        assertThat(notes).isEmpty();
        assertThat(Sizes.format(MapCommand.roundedSize(10000, g.pageSize(), notes)))
                .isEqualTo(rounded);
        assertThat(notes)
                .containsExactly(
                        "size rounded up to " + rounded + " (a whole number of " + Sizes.format(page) + " pages)");
        assertThat(MapCommand.sizeWords(4L << 30, g.pmdSize(), true))
                .as("hugetlb of the PMD size")
                .isEqualTo(hugetlb);
    }

    @ParameterizedTest(name = "{0}-byte pages")
    @CsvSource({
        // page,  [1p:2p] offset, length; [0:5K] aligned length, its pages; [6K:20K] inspect-pagemap start page count
        "4096,    4096,   8192,    8192,   2,   4096,   6",
        "16384,   16384,  32768,   16384,  1,   0,      2",
        "65536,   65536,  131072,  65536,  1,   0,      1",
    })
    void rangesResolveInPagesOfTheMapping(
            long page, long off1p, long len2p, long len5k, long pages5k, long inspectFrom, long inspectPages)
            throws Exception {
        PageGeometry g = PageGeometry.of(page);
        Mapping m = mapping(g, 64 * page);
        assertThat(m.hugetlb()).isFalse();
        Target t = range(m, "m1[1p:2p]", false);
        assertThat(t.offset()).isEqualTo(off1p);
        assertThat(t.length()).isEqualTo(len2p);
        assertThat(range(m, "m1[60p:]", false).length()).isEqualTo(4 * page);
        Target rounded = range(m, "m1[0:5K]", true);
        assertThat(rounded.length())
                .as("madvise/mlock lengths are rounded up to a page")
                .isEqualTo(len5k);
        assertThat(rounded.basePages()).isEqualTo(pages5k);
        assertThat(rounded.pages()).isEqualTo(pages5k);
        if (page == 4096) {
            assertThat(range(m, "m1[4K:4K]", true).offset()).isEqualTo(4096);
        } else {
            assertThatThrownBy(() -> range(m, "m1[4K:4K]", true))
                    .isInstanceOfSatisfying(
                            CommandError.class,
                            e -> assertThat(e.line())
                                    .isEqualTo("offset 4K is not a multiple of the page size (" + Sizes.format(page)
                                            + ") \u2014 the kernel needs page-aligned starts; use 0"));
        }
        // inspect-pagemap reads whole pages around an unaligned range
        List<long[]> reads = new ArrayList<>();
        PagemapReport r = new InspectPagemapCommand(
                        (address, n, entries, flags, counts) -> reads.add(new long[] {address, n}))
                .report(range(m, "m1[6K:20K]", false), false, false, false, false, "simulated");
        assertThat(reads).containsExactly(new long[] {BASE + inspectFrom, inspectPages});
        assertThat(r.start()).isEqualTo(BASE + inspectFrom);
        assertThat(r.pages()).isEqualTo(inspectPages);
        assertThat(r.pageSize()).isEqualTo(page);
    }

    @ParameterizedTest(name = "{0}-byte pages")
    @CsvSource({
        // page,  offset of the first page not present
        "4096,    40960",
        "16384,   163840",
        "65536,   655360",
    })
    void inspectPagemapRunsAreInPagesOfTheMapping(long page, long absentFrom) throws Exception {
        PageGeometry g = PageGeometry.of(page);
        Mapping m = mapping(g, 64 * page);
        // pages 0-9 present on PFNs 0x1000-0x1009, the other 54 never touched
        InspectPagemapCommand cmd = new InspectPagemapCommand((address, n, entries, flags, counts) -> {
            for (int i = 0; i < n; i++) {
                long p = (address - BASE) / page + i;
                entries[i] = p < 10 ? 1L << 63 | (0x1000 + p) : 0;
            }
        });
        PagemapReport r = cmd.report(range(m, "m1", false), false, false, false, false, "simulated");
        assertThat(r.pages()).isEqualTo(64);
        assertThat(r.runs()).hasSize(2);
        PagemapReport.Run present = r.runs().get(0), absent = r.runs().get(1);
        assertThat(present.offset()).isZero();
        assertThat(present.pages()).isEqualTo(10);
        assertThat(present.state()).containsExactly("present");
        assertThat(present.firstPfn()).isEqualTo(0x1000);
        assertThat(present.contiguous()).isTrue();
        assertThat(absent.offset())
                .as("rendered as " + Sizes.format(absentFrom) + "+54p")
                .isEqualTo(absentFrom);
        assertThat(absent.pages()).isEqualTo(54);
        assertThat(absent.state()).containsExactly("not present");
        assertThat(r.totals().present()).isEqualTo(10);
        PagemapReport perPage = cmd.report(range(m, "m1[8p:4p]", false), true, false, false, false, "simulated");
        assertThat(perPage.runs())
                .extracting(PagemapReport.Run::offset)
                .containsExactly(8 * page, 9 * page, 10 * page, 11 * page);
    }

    @ParameterizedTest(name = "{0}-byte pages")
    @CsvSource({
        // page,  --thp alignment, its note, --align 4K, --hugetlb default, offered sizes, a size not offered, as said
        "4096,    2097152,   2M,   ok,   2M,    2M 1G,        32M,   2M and 1G",
        "16384,   33554432,  32M,  16K,  32M,   2M 32M 1G,    512M,  '2M, 32M and 1G'",
        "65536,   536870912, 512M, 64K,  512M,  2M 512M 16G,  1G,    '2M, 512M and 16G'",
    })
    void thpAndHugetlbUseTheKernelsHugePageSizes(
            long page,
            long thpAlign,
            String thpText,
            String align4k,
            String defaultHugetlb,
            String offered,
            String notOffered,
            String offeredWords)
            throws Exception {
        PageGeometry g = PageGeometry.of(page);
        List<String> notes = new ArrayList<>();
        Args thp = Args.parse(CommandLine.parse("map 8M --thp"), MapCommand.OPTIONS);
        assertThat(MapCommand.alignment(thp, g, g.pageSize(), notes)).isEqualTo(thpAlign);
        assertThat(notes)
                .containsExactly("aligned to " + thpText + " so that whole huge pages fit (--align to choose)");
        Args four = Args.parse(CommandLine.parse("map 8M --align 4K"), MapCommand.OPTIONS);
        if (align4k.equals("ok")) {
            assertThat(MapCommand.alignment(four, g, g.pageSize(), notes)).isEqualTo(4096);
        } else {
            assertThatThrownBy(() -> MapCommand.alignment(four, g, g.pageSize(), notes))
                    .isInstanceOfSatisfying(
                            CommandError.class,
                            e -> assertThat(e.line())
                                    .isEqualTo("--align 4K is not a power of two of at least " + align4k
                                            + " \u2014 e.g. --align " + thpText));
        }

        long[] sizes = new long[offered.split(" ").length];
        for (int i = 0; i < sizes.length; i++) sizes[i] = Sizes.parse(offered.split(" ")[i], 1, 1, "size");
        long chosen = MapCommand.hugetlbSize(null, 2, g, sizes);
        assertThat(Sizes.format(chosen)).as("--hugetlb alone: the PMD size").isEqualTo(defaultHugetlb);
        assertThat(chosen).isEqualTo(thpAlign);
        assertThat(MapCommand.hugetlbSize("2M", 2, g, sizes)).isEqualTo(2L << 20);
        assertThatThrownBy(() -> MapCommand.hugetlbSize(notOffered, 2, g, sizes))
                .isInstanceOfSatisfying(
                        CommandError.class,
                        e -> assertThat(e.line())
                                .isEqualTo("--hugetlb=" + notOffered + ": this kernel offers " + offeredWords
                                        + " hugetlb pages, not " + notOffered + " \u2014 write --hugetlb=2M"));
        assertThatThrownBy(() -> MapCommand.hugetlbSize(null, 2, g, new long[0]))
                .isInstanceOfSatisfying(
                        CommandError.class,
                        e -> assertThat(e.getMessage()).startsWith("this kernel offers no hugetlb pages"));

        // a hugetlb mapping of two huge pages: its pages are huge, its base pages the kernel's
        Mapping h = new Mapping(
                "h",
                BASE,
                2 * chosen,
                Mapping.Kind.ANON_PRIVATE,
                chosen,
                g,
                MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | Mman.mapHuge(chosen),
                null,
                0,
                -1,
                List.of());
        assertThat(h.hugetlb()).isTrue();
        Target all = range(h, "h", true);
        assertThat(all.pages()).isEqualTo(2);
        assertThat(all.basePages()).isEqualTo(2 * g.pagesPerPmd());
        assertThat(range(h, "h[1p:]", true).offset())
                .as("p on hugetlb is a huge page")
                .isEqualTo(chosen);
    }

    @ParameterizedTest(name = "{0}-byte pages")
    @ValueSource(longs = {4096, 16384, 65536})
    void collapseCountsPmdSizedBlocks(long page) {
        PageGeometry g = PageGeometry.of(page);
        long pmd = g.pmdSize();
        AdviseCommand.Blocks blocks = new AdviseCommand.Blocks(BASE, pmd);
        blocks.add(BASE, BASE + page); // block 0
        blocks.add(BASE + pmd - page, BASE + pmd + page); // blocks 0 and 1
        blocks.add(BASE + 3 * pmd + 5 * page, BASE + 3 * pmd + 6 * page); // block 3
        // in 2 MiB blocks this would be 3 only with 4 KiB pages: 0, 15-16, 48 for 16 KiB; 0, 255-256, 768 for 64 KiB
        assertThat(blocks.count()).isEqualTo(3);
    }

    @ParameterizedTest(name = "{0}-byte pages")
    @CsvSource({
        // page,  bytes of [0:64K] past the end of a 10000-byte file
        "4096,    53248",
        "16384,   49152",
        "65536,   0",
    })
    void aFileIsBackedToTheEndOfItsLastPage(long page, long past) {
        PageGeometry g = PageGeometry.of(page);
        Mapping f =
                new Mapping("f", BASE, 64 << 10, Mapping.Kind.FILE_SHARED, page, g, MAP_SHARED, "/f", 0, -1, List.of());
        assertThat(f.bytesPastEof(10000, 0, 64 << 10)).isEqualTo(past);
    }

    @ParameterizedTest(name = "{0}-byte pages")
    @CsvSource({
        // page,  --cell 2M in pages, the hint for --cell 4K (16 KiB and 64 KiB)
        "4096,    512,   ",
        "16384,   128,   'a cell is a whole number of 16 KiB pages, not 4K \u2014 e.g. --cell 1p, --cell 256K or --cell 32M'",
        "65536,   32,    'a cell is a whole number of 64 KiB pages, not 4K \u2014 e.g. --cell 1p, --cell 1M or --cell 512M'",
    })
    void viewCellsAreWholePages(long page, long cellPages2M, String refusal4k) throws CommandError {
        PageGeometry g = PageGeometry.of(page);
        assertThat(ViewCommand.cellPages(new Args.Option("cell", "2M", 3), g)).isEqualTo(cellPages2M);
        if (refusal4k == null) {
            assertThat(ViewCommand.cellPages(new Args.Option("cell", "4K", 3), g))
                    .isEqualTo(1);
        } else {
            assertThatThrownBy(() -> ViewCommand.cellPages(new Args.Option("cell", "4K", 3), g))
                    .isInstanceOfSatisfying(
                            CommandError.class, e -> assertThat(e.line()).isEqualTo(refusal4k));
        }
    }

    @ParameterizedTest(name = "{0}-byte pages")
    @CsvSource({
        // page,  pages in 1 MiB, ns per page at 1 ms, faults per page for 256 faults, sizes up to 1 MiB, --sizes 6K
        "4096,    256,  3906.25,  1.0,   9,  '6K is not a whole number of 4 KiB pages \u2014 e.g. --sizes 4K,64K,1M'",
        "16384,   64,   15625.0,  4.0,   7,  '6K is not a whole number of 16 KiB pages \u2014 e.g. --sizes 16K,256K,1M'",
        "65536,   16,   62500.0,  16.0,  5,  '6K is not a whole number of 64 KiB pages \u2014 e.g. --sizes 64K,1M'",
    })
    void sweepFiguresArePerPageOfTheKernel(
            long page, long pages, double nsPerPage, double faultsPerPage, int sizes, String refusal) {
        PageGeometry g = PageGeometry.of(page);
        SweepReport.Cell c =
                new SweepReport.Cell(1L << 20, "touch", 1_000_000, 900_000, 1_100_000, 256, 5, g.pageSize());
        assertThat(c.pages()).isEqualTo(pages);
        assertThat(c.nsPerPage()).isEqualTo(nsPerPage);
        assertThat(c.faultsPerPage()).isEqualTo(faultsPerPage);
        List<Long> doubling = Sweep.doubling(g.pageSize(), 1L << 20);
        assertThat(doubling).hasSize(sizes).startsWith(page).endsWith(1L << 20);
        assertThatThrownBy(() -> BenchCommand.sweepSize("6K", 2, g))
                .isInstanceOfSatisfying(
                        CommandError.class, e -> assertThat(e.line()).isEqualTo(refusal));
    }

    @Test
    void sizesInWords() {
        assertThat(Sizes.exact(4096)).isEqualTo("4 KiB");
        assertThat(Sizes.exact(16384)).isEqualTo("16 KiB");
        assertThat(Sizes.exact(2L << 20)).isEqualTo("2 MiB");
        assertThat(Sizes.exact(512L << 20)).isEqualTo("512 MiB");
        assertThat(Sizes.exact(16L << 30)).isEqualTo("16 GiB");
        assertThat(Sizes.exact(1536L << 10)).isEqualTo("1536 KiB");
        assertThat(Sizes.exact(100)).isEqualTo("100 B");
    }
}
