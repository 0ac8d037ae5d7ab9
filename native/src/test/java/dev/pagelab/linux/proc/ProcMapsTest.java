package dev.pagelab.linux.proc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The /proc/self/maps, smaps and smaps_rollup parsers on canned text. */
class ProcMapsTest {
    /** Two VMAs as a 6.x kernel prints them: THPeligible as a number, VmFlags with a trailing space. */
    static final String SMAPS_6 = """
            55b539448000-55b539469000 rw-p 00000000 00:00 0                          [heap]
            Size:                132 kB
            KernelPageSize:        4 kB
            MMUPageSize:           4 kB
            Rss:                  32 kB
            Pss:                  32 kB
            Pss_Dirty:            32 kB
            Private_Dirty:        32 kB
            Referenced:           32 kB
            Anonymous:            32 kB
            AnonHugePages:         0 kB
            Swap:                  0 kB
            Locked:                0 kB
            THPeligible:           0
            VmFlags: rd wr mr mw me ac\s
            7f3fe2200000-7f3fe2600000 rw-p 00000000 00:00 0\s
            Size:               4096 kB
            KernelPageSize:        4 kB
            MMUPageSize:           4 kB
            Rss:                4096 kB
            Anonymous:          4096 kB
            AnonHugePages:      4096 kB
            Locked:                0 kB
            THPeligible:           1
            VmFlags: rd wr mr mw me ac sd hg\s
            7f3fe2600000-7f3fe2657000 r--p 00001000 fe:00 329635                     /usr/lib/locale/C.utf8/LC CTYPE
            Size:                348 kB
            Rss:                 100 kB
            THPeligible:           0
            VmFlags: rd mr mw me sd\s
            """;

    /**
     * 5.10 prints "??" for a flag bit it has no name for (the mnemonics table is filled with "??"), and Debian's
     * 5.10 has no soft-dirty tracking here: no "sd".
     */
    static final String SMAPS_5_10 = """
            7f0000000000-7f0000200000 rw-p 00000000 00:00 0
            Size:               2048 kB
            KernelPageSize:        4 kB
            MMUPageSize:           4 kB
            Rss:                   8 kB
            Pss:                   8 kB
            Shared_Clean:          0 kB
            Private_Dirty:         8 kB
            AnonHugePages:         0 kB
            ShmemPmdMapped:        0 kB
            FilePmdMapped:        0 kB
            Locked:                0 kB
            THPeligible:    1
            VmFlags: rd wr mr mw me ac ?? nh
            """;

    @Test
    void mapsLinesWithAndWithoutPaths() {
        List<ProcMaps.VmArea> maps = ProcMaps.parseMaps(List.of(
                "55b539448000-55b539469000 rw-p 00000000 00:00 0                          [heap]",
                "7f3fe2600000-7f3fe2657000 r-xs 0001a000 fe:00 329635                     /tmp/a file (deleted)",
                "7ffc00000000-7ffc00001000 ---p 00000000 00:00 0",
                "ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0                  [vsyscall]"));
        assertThat(maps).hasSize(4);
        ProcMaps.VmArea heap = maps.get(0);
        assertThat(heap.start()).isEqualTo(0x55b539448000L);
        assertThat(heap.size()).isEqualTo(0x21000L);
        assertThat(heap.path()).isEqualTo("[heap]");
        assertThat(heap.readable() && heap.writable() && !heap.executable() && !heap.shared())
                .isTrue();
        ProcMaps.VmArea file = maps.get(1);
        assertThat(file.path()).as("a path keeps its spaces").isEqualTo("/tmp/a file (deleted)");
        assertThat(file.offset()).isEqualTo(0x1a000L);
        assertThat(file.device()).isEqualTo("fe:00");
        assertThat(file.inode()).isEqualTo(329635L);
        assertThat(file.executable() && file.shared() && !file.writable()).isTrue();
        assertThat(maps.get(2).path()).isEmpty();
        assertThat(maps.get(3).start()).as("above 2^63").isEqualTo(0xffffffffff600000L);
        assertThat(maps.get(2).line()).isEqualTo("7ffc00000000-7ffc00001000 ---p 00000000 00:00 0 ");
        // the path where the kernel puts it: index 73, after the header padded to 72 columns and a space
        assertThat(maps.get(0).line())
                .startsWith("55b539448000-55b539469000 rw-p 00000000 00:00 0 ")
                .endsWith(" [heap]")
                .hasSize(73 + "[heap]".length());
        for (String real : ProcText.lines("/proc/self/maps")) {
            List<ProcMaps.VmArea> parsed = ProcMaps.parseMaps(List.of(real));
            assertThat(parsed.get(0).line()).as("as the kernel wrote it").isEqualTo(real);
        }
    }

    @Test
    void smapsFiguresFlagsAndThpEligibility() {
        List<ProcMaps.SmapsArea> all = ProcMaps.parseSmaps(SMAPS_6.lines().toList(), 0, -1L >>> 1);
        assertThat(all).hasSize(3);
        ProcMaps.SmapsArea heap = all.get(0);
        assertThat(heap.area().path()).isEqualTo("[heap]");
        assertThat(heap.kb())
                .containsEntry("Size", 132L)
                .containsEntry("Rss", 32L)
                .containsEntry("Pss_Dirty", 32L)
                .doesNotContainKey("THPeligible")
                .doesNotContainKey("VmFlags");
        assertThat(heap.vmFlags()).containsExactly("rd", "wr", "mr", "mw", "me", "ac");
        assertThat(heap.thpEligible()).isEqualTo("0");
        ProcMaps.SmapsArea thp = all.get(1);
        assertThat(thp.area().path())
                .as("an anonymous VMA: the maps line ends in spaces")
                .isEmpty();
        assertThat(thp.kb()).containsEntry("AnonHugePages", 4096L);
        assertThat(thp.vmFlags()).contains("sd", "hg");
        assertThat(thp.thpEligible()).isEqualTo("1");
        assertThat(all.get(2).area().path()).isEqualTo("/usr/lib/locale/C.utf8/LC CTYPE");
        assertThat(all.get(2).kb()).containsExactly(Map.entry("Size", 348L), Map.entry("Rss", 100L));
    }

    @Test
    void smapsKeepsOnlyTheVmasThatOverlapTheRange() {
        List<String> lines = SMAPS_6.lines().toList();
        assertThat(ProcMaps.parseSmaps(lines, 0x7f3fe2200000L, 0x7f3fe2200001L))
                .singleElement()
                .satisfies(a -> assertThat(a.thpEligible()).isEqualTo("1"));
        assertThat(ProcMaps.parseSmaps(lines, 0x7f3fe2500000L, 0x7f3fe2600001L)).hasSize(2);
        assertThat(ProcMaps.parseSmaps(lines, 0x7f3fe2657000L, 0x7f3fe2700000L))
                .as("end is exclusive")
                .isEmpty();
        assertThat(ProcMaps.parseSmaps(lines, 0x55b539400000L, 0x55b539448000L)).isEmpty();
    }

    @Test
    void smapsOf510WithUnnamedFlagsAndPaddedThpEligible() {
        List<ProcMaps.SmapsArea> all = ProcMaps.parseSmaps(SMAPS_5_10.lines().toList(), 0, -1L >>> 1);
        assertThat(all).singleElement().satisfies(a -> {
            assertThat(a.vmFlags()).containsExactly("rd", "wr", "mr", "mw", "me", "ac", "??", "nh");
            assertThat(a.thpEligible()).isEqualTo("1");
            assertThat(a.kb()).containsEntry("FilePmdMapped", 0L).containsEntry("Private_Dirty", 8L);
        });
        assertThat(ProcMaps.softDirtyIn(SMAPS_5_10.lines().toList())).isFalse();
        assertThat(ProcMaps.softDirtyIn(SMAPS_6.lines().toList())).isTrue();
        assertThat(ProcMaps.softDirtyIn(List.of("VmFlags: rd wr sdx", "Size: 4 kB")))
                .as("whole words only")
                .isFalse();
    }

    @Test
    void rollupFiguresWithoutItsRangeLine() {
        Map<String, Long> r = ProcMaps.parseRollup(List.of(
                "5622dfd3d000-7ffcf9213000 ---p 00000000 00:00 0                          [rollup]",
                "Rss:                1744 kB",
                "Pss:                 322 kB",
                "Pss_Anon:             92 kB",
                "Swap:                  0 kB"));
        assertThat(r)
                .containsExactly(
                        Map.entry("Rss", 1744L),
                        Map.entry("Pss", 322L),
                        Map.entry("Pss_Anon", 92L),
                        Map.entry("Swap", 0L));
    }
}
