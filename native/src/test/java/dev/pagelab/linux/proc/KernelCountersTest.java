package dev.pagelab.linux.proc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class KernelCountersTest {
    static KernelCounters parse(String text, KernelCounters previous) {
        byte[] b = text.getBytes(StandardCharsets.ISO_8859_1);
        return KernelCounters.parse(b, b.length, previous);
    }

    @Test
    void vmstatLines() {
        KernelCounters c = parse("nr_free_pages 2031967\npgfault 274118584\nthp_fault_alloc 742\n", null);
        assertThat(c.size()).isEqualTo(3);
        assertThat(c.name(1)).isEqualTo("pgfault");
        assertThat(c.get("pgfault", -1)).isEqualTo(274118584L);
        assertThat(c.get("thp_fault_alloc", -1)).isEqualTo(742);
        assertThat(c.get("pgmajfault", -1)).isEqualTo(-1);
    }

    @Test
    void meminfoLinesWithUnitsParenthesesAndCounts() {
        KernelCounters c = parse(
                "MemFree:        24060228 kB\nActive(anon):       1524 kB\nHugePages_Free:        0\n"
                        + "Hugepagesize:       2048 kB",
                null);
        assertThat(c.asMap())
                .containsExactly(
                        java.util.Map.entry("MemFree", 24060228L),
                        java.util.Map.entry("Active(anon)", 1524L),
                        java.util.Map.entry("HugePages_Free", 0L),
                        java.util.Map.entry("Hugepagesize", 2048L));
    }

    @Test
    void linesWithoutANumberAreSkippedAndNegativesKept() {
        KernelCounters c = parse("header line\n\nnr_x -3\nlonely\nok 7\n", null);
        assertThat(c.asMap()).containsExactly(java.util.Map.entry("nr_x", -3L), java.util.Map.entry("ok", 7L));
    }

    @Test
    void aSecondReadWithTheSameNamesSharesThemAndDeltasGoByIndex() {
        KernelCounters a = parse("pgfault 10\npgmajfault 1\n", null);
        KernelCounters b = parse("pgfault 25\npgmajfault 1\n", a);
        assertThat(b.name(0)).isSameAs(a.name(0));
        assertThat(KernelCounters.delta(a, b, 0)).isEqualTo(15);
        assertThat(KernelCounters.delta(a, b, 1)).isZero();
    }

    @Test
    void aChangedFileIsMatchedByName() {
        KernelCounters a = parse("pgfault 10\npgmajfault 1\n", null);
        KernelCounters b = parse("pgmajfault 4\nnew_counter 9\npgfault 11\n", a);
        assertThat(b.asMap())
                .containsExactly(
                        java.util.Map.entry("pgmajfault", 4L),
                        java.util.Map.entry("new_counter", 9L),
                        java.util.Map.entry("pgfault", 11L));
        assertThat(KernelCounters.delta(a, b, 0)).isEqualTo(3);
        assertThat(KernelCounters.delta(a, b, 1)).as("absent before").isZero();
        assertThat(KernelCounters.delta(a, b, 2)).isEqualTo(1);
        KernelCounters shorter = parse("pgfault 12\n", a);
        assertThat(shorter.size()).isEqualTo(1);
        assertThat(KernelCounters.delta(a, shorter, 0)).isEqualTo(2);
    }

    /** The real files: every line of /proc/vmstat is "name value", and a second read shares the first's names. */
    @Test
    void realVmstatAndMeminfo() throws Exception {
        KernelCounters v1 = ProcMeminfo.vmstat();
        KernelCounters v2 = ProcMeminfo.vmstat();
        long lines = Files.readAllLines(Path.of("/proc/vmstat")).size();
        assertThat(v2.size()).isEqualTo(lines);
        assertThat(v2.indexOf("pgfault")).isNotNegative();
        assertThat(v2.name(0)).isSameAs(v1.name(0));
        assertThat(KernelCounters.delta(v1, v2, v2.indexOf("pgfault"))).isNotNegative();
        KernelCounters m = ProcMeminfo.meminfoCounters();
        assertThat(m.get("MemTotal", -1)).isPositive();
        assertThat(m.indexOf("HugePages_Free")).isNotNegative();
    }
}
