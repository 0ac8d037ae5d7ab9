package dev.pagelab.linux.proc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The meminfo, vmstat, statm and status parsers on canned text (meminfo and vmstat through KernelCounters). */
class ProcMeminfoTest {
    static final String MEMINFO = """
            MemTotal:       24669524 kB
            MemFree:        20060228 kB
            MemAvailable:   22871936 kB
            Buffers:          112204 kB
            Cached:          2805296 kB
            SwapCached:            0 kB
            Active(anon):       1524 kB
            SwapTotal:        524284 kB
            SwapFree:         524284 kB
            AnonHugePages:     4096 kB
            HugePages_Total:       4
            HugePages_Free:        3
            HugePages_Rsvd:        1
            HugePages_Surp:        0
            Hugepagesize:       2048 kB
            Hugetlb:            8192 kB
            DirectMap1G:    20971520 kB
            """;

    static final String VMSTAT = """
            nr_free_pages 5015057
            nr_zone_inactive_anon 12
            nr_anon_transparent_hugepages 2
            pgfault 274118584
            pgmajfault 5130
            thp_fault_alloc 742
            thp_collapse_alloc 3
            """;

    static Map<String, Long> meminfo(String text) {
        byte[] b = text.getBytes(StandardCharsets.ISO_8859_1);
        return KernelCounters.parse(b, b.length, null).asMap();
    }

    @Test
    void meminfoFiguresInKbAndHugePageCounts() {
        Map<String, Long> m = meminfo(MEMINFO);
        assertThat(m)
                .hasSize(17)
                .containsEntry("MemAvailable", 22871936L)
                .containsEntry("Active(anon)", 1524L)
                .containsEntry("HugePages_Free", 3L)
                .containsEntry("Hugepagesize", 2048L);
        assertThat(ProcMeminfo.bytes(m, "SwapTotal")).isEqualTo(524284L * 1024);
        assertThat(ProcMeminfo.bytes(m, "MemAvailable")).isEqualTo(22871936L * 1024);
        assertThat(ProcMeminfo.bytes(meminfo("MemTotal: 100 kB\n"), "SwapTotal"))
                .as("no swap line")
                .isZero();
    }

    @Test
    void vmstatCounters() {
        byte[] b = VMSTAT.getBytes(StandardCharsets.ISO_8859_1);
        KernelCounters v = KernelCounters.parse(b, b.length, null);
        assertThat(v.size()).isEqualTo(7);
        assertThat(v.get("pgfault", -1)).isEqualTo(274118584L);
        assertThat(v.get("nr_anon_transparent_hugepages", -1)).isEqualTo(2);
        assertThat(v.get("thp_split_pmd", -1)).as("absent on this kernel").isEqualTo(-1);
    }

    @Test
    void statmResidentPages() {
        assertThat(ProcMeminfo.statmRssPages("1182 544 432 33 0 132 0\n")).isEqualTo(544);
        assertThat(ProcMeminfo.statmRssPages("  9 7 1 1 0 2 0")).isEqualTo(7);
    }

    @Test
    void statusKeysValuesAndKbFigures() {
        Map<String, String> s = ProcMeminfo.parseStatus("""
                Name:\tjava
                Umask:\t0022
                State:\tS (sleeping)
                Uid:\t1000\t1000\t1000\t1000
                VmHWM:\t   70112 kB
                VmRSS:\t   68224 kB
                RssAnon:\t   41000 kB
                Threads:\t23
                CapEff:\t0000000000000000
                """.lines().toList());
        assertThat(s)
                .containsEntry("Name", "java")
                .containsEntry("State", "S (sleeping)")
                .containsEntry("Uid", "1000\t1000\t1000\t1000")
                .containsEntry("VmRSS", "68224 kB");
        assertThat(s.keySet()).startsWith("Name", "Umask", "State");
        assertThat(ProcMeminfo.kb(s, "VmHWM")).isEqualTo(70112);
        assertThat(ProcMeminfo.kb(s, "RssAnon")).isEqualTo(41000);
        assertThat(ProcMeminfo.kb(s, "Threads")).as("not in kB").isEqualTo(-1);
        assertThat(ProcMeminfo.kb(s, "VmSwap")).as("absent").isEqualTo(-1);
    }
}
