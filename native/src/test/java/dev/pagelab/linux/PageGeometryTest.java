package dev.pagelab.linux;

import static dev.pagelab.linux.LinuxConstants.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pagelab.linux.proc.Pagemap;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Page-size arithmetic at the base page sizes Linux runs with: 4 KiB (x86-64, arm64), 16 KiB and 64 KiB (arm64).
 * Simulated: pure arithmetic, no kernel call, so that it runs here on x86-64. The expected figures are worked out by
 * hand; each would be wrong if 4096 or 2 MiB were written anywhere in the arithmetic.
 */
class PageGeometryTest {
    @ParameterizedTest(name = "{0}-byte pages")
    @CsvSource({
        // page,  PMD size,   shift, pages per PMD
        "4096,    2097152,    12,    512",
        "16384,   33554432,   14,    2048",
        "65536,   536870912,  16,    8192",
    })
    void aPmdMapsOnePageTableOfPages(long page, long pmd, int shift, long perPmd) {
        PageGeometry g = PageGeometry.of(page);
        assertThat(g.pageSize()).isEqualTo(page);
        assertThat(g.pmdSize()).as("a page of 8-byte entries maps page/8 pages").isEqualTo(pmd);
        assertThat(g.pageShift()).isEqualTo(shift);
        assertThat(g.pagesPerPmd()).isEqualTo(perPmd);
        // hpage_pmd_size as the kernel writes it, and its absence (a kernel without THP)
        assertThat(PageGeometry.parse(page, pmd + "\n")).isEqualTo(new PageGeometry(page, pmd));
        assertThat(PageGeometry.parse(page, null)).isEqualTo(g);
        assertThat(PageGeometry.parse(page, "garbage")).isEqualTo(g);
        // a THP kernel's file wins over the derivation
        assertThat(PageGeometry.parse(page, Long.toString(4 * pmd)).pmdSize()).isEqualTo(4 * pmd);
    }

    @ParameterizedTest(name = "{0}-byte pages")
    @CsvSource({
        // page,  entry offset of 0x7f0000123456, its page's start, the next page, pages in 1 MiB, in 1 MiB + 1, PMDs in
        // 3 GiB
        "4096,    0x3f80000918,  0x7f0000123000,  0x7f0000124000,  256,  257,  1536",
        "16384,   0xfe0000240,   0x7f0000120000,  0x7f0000124000,  64,   65,   96",
        "65536,   0x3f8000090,   0x7f0000120000,  0x7f0000130000,  16,   17,   6",
    })
    void pagemapOffsetsPagesAndAlignment(
            long page, String entry, String down, String up, long inMiB, long covering, long pmdsIn3GiB) {
        PageGeometry g = PageGeometry.of(page);
        long address = 0x7f0000123456L;
        assertThat(g.entryOffset(address)).as("address / page size * 8").isEqualTo(Long.decode(entry));
        assertThat(g.alignDown(address)).isEqualTo(Long.decode(down));
        assertThat(g.alignUp(address)).isEqualTo(Long.decode(up));
        assertThat(g.aligned(Long.decode(down))).isTrue();
        assertThat(g.aligned(Long.decode(down) + 4096)).as("4 KiB into a page").isEqualTo(page == 4096);
        assertThat(g.pages(1L << 20)).isEqualTo(inMiB);
        assertThat(g.pages((1L << 20) + 1)).isEqualTo(inMiB);
        assertThat(g.pagesCovering((1L << 20) + 1)).isEqualTo(covering);
        assertThat(g.pmdIndex(3L << 30)).isEqualTo(pmdsIn3GiB);
    }

    @Test
    void sizesThatAreNoPageSizesAreRefused() {
        assertThatThrownBy(() -> new PageGeometry(12288, 2L << 20)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PageGeometry(4096, 4096)).isInstanceOf(IllegalArgumentException.class);
        assertThat(PageGeometry.parse(16384, "4096"))
                .as("not a PMD size: derived")
                .isEqualTo(PageGeometry.of(16384));
    }

    @ParameterizedTest(name = "{0} bytes")
    @CsvSource({
        // huge page, flag bits (log2 << 26, as an int), name
        "65536,       1073741824,  MAP_HUGE_64KB",
        "2097152,     1409286144,  MAP_HUGE_2MB",
        "33554432,    1677721600,  MAP_HUGE_32MB",
        "536870912,   1946157056,  MAP_HUGE_512MB",
        "1073741824,  2013265920,  MAP_HUGE_1GB",
        "17179869184, -2013265920, MAP_HUGE_16GB",
    })
    void mapHugetlbFlagsForEverySize(long size, int bits, String name) {
        assertThat(Mman.mapHuge(size)).isEqualTo(bits);
        assertThat(Mman.mapFlagsName(MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | Mman.mapHuge(size)))
                .isEqualTo("MAP_PRIVATE|MAP_ANONYMOUS|MAP_HUGETLB|" + name);
    }

    @Test
    void thisKernelsSizes() throws Exception {
        PageGeometry g = PageGeometry.current();
        Process getconf = new ProcessBuilder("getconf", "PAGESIZE")
                .redirectErrorStream(true)
                .start();
        assertThat(g.pageSize())
                .as("getconf PAGESIZE")
                .isEqualTo(Long.parseLong(new String(getconf.getInputStream().readAllBytes()).trim()));
        Path pmd = Path.of("/sys/kernel/mm/transparent_hugepage/hpage_pmd_size");
        assertThat(g.pmdSize())
                .isEqualTo(
                        Files.exists(pmd)
                                ? Long.parseLong(Files.readString(pmd).trim())
                                : PageGeometry.of(g.pageSize()).pmdSize());
        assertThat(PageGeometry.current()).as("read once").isSameAs(g);
        assertThat(Pagemap.PAGE_SIZE).isEqualTo(g.pageSize());
    }
}
