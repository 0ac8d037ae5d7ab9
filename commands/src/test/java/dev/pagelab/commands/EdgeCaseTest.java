package dev.pagelab.commands;

import static dev.pagelab.linux.LinuxConstants.MADV_POPULATE_READ;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.pagelab.commands.report.ListReport;
import dev.pagelab.commands.report.MapsReport;
import dev.pagelab.commands.report.StepReport;
import dev.pagelab.linux.proc.HugetlbPool;
import dev.pagelab.linux.proc.KPageFlags;
import dev.pagelab.linux.proc.KernelProfile;
import dev.pagelab.linux.proc.Pagemap;
import dev.pagelab.linux.proc.ProcMaps;
import dev.pagelab.linux.proc.ThpSettings;
import org.junit.jupiter.api.Test;

/** Cases a demanding user found: each once gave a wrong figure, a crash risk or a misleading message. */
class EdgeCaseTest extends RealKernelTest {
    /**
     * THP modes other than the usual "madvise" are said on the map step, and the counts follow the mode. The mode is
     * changed for the length of this test only (root), as an administrator or a boot parameter would set it.
     */
    @Test
    void thpModeNeverAndAlwaysAreSaidAndCounted() throws Exception {
        java.nio.file.Path enabled = java.nio.file.Path.of("/sys/kernel/mm/transparent_hugepage/enabled");
        assumeTrue(java.nio.file.Files.isWritable(enabled), "changing the THP mode needs root and THP");
        String before = ThpSettings.thpEnabled().orElseThrow();
        try {
            java.nio.file.Files.writeString(enabled, "never");
            StepReport map = f.step("map n 8M --thp");
            assertThat(map.notes()).anyMatch(n -> n.startsWith("THP is 'never' on this kernel"));
            assertThat(f.step("touch n").sample().minorFaults())
                    .as("base pages, one fault each")
                    .isEqualTo(2048);
            java.nio.file.Files.writeString(enabled, "always");
            StepReport always = f.step("map a 8M --align 2M");
            assertThat(always.notes()).anyMatch(n -> n.startsWith("THP is 'always' on this kernel"));
            long faults = f.step("touch a").sample().minorFaults();
            // 'always' without MADV_HUGEPAGE compacts only as defrag allows (default 'madvise': not at all), so in a
            // fragmented guest some of the four PMDs fall back to base pages: one fault per huge page made, one
            // per base page of the rest — exact either way.
            Mapping a = f.session.mapping("a");
            long hugeKb = 0;
            for (ProcMaps.SmapsArea s : ProcMaps.smaps(a.base(), a.end()))
                hugeKb += s.kb().getOrDefault("AnonHugePages", 0L);
            dev.pagelab.linux.PageGeometry g = dev.pagelab.linux.PageGeometry.current();
            long huge = hugeKb * 1024 / g.pmdSize(), pmds = 8L * 1024 * 1024 / g.pmdSize();
            assertThat(faults)
                    .as(
                            "huge pages unasked: %d of %d PMDs huge (AnonHugePages %d kB), the rest base pages",
                            huge, pmds, hugeKb)
                    .isEqualTo(huge + (pmds - huge) * (g.pmdSize() / g.pageSize()));
            assertThat(f.step("map b 8M --no-thp").notes()).noneMatch(n -> n.startsWith("THP is"));
        } finally {
            java.nio.file.Files.writeString(enabled, before);
        }
    }

    @Test
    void unalignedTouchOffsets() throws Exception {
        f.run("map m1 64K --no-thp");
        StepReport r = f.step("touch m1[1:8K]");
        assertThat(r.accessesMade()).isEqualTo(2);
        assertThat(r.sample().minorFaults()).isEqualTo(2);
        assertThat(f.step("touch m1[4095:2]").accessesMade()).isEqualTo(1);
    }

    @Test
    void hugeNumbersDoNotOverflow() throws Exception {
        f.run("map m1 4K");
        assertThat(f.step("touch m1 --stride 0x7fffffffffffffff").accessesMade())
                .isEqualTo(1);
        assertThat(f.error("touch m1[1:0xffffffffffffffff]").line()).contains("is not a range length");
        assertThat(f.error("map 16383P").line()).contains("sizes go up to T");
    }

    @Test
    void mlockallFutureMakesEveryMapPopulate() throws Exception {
        f.run("lockall future");
        try {
            CommandError e = f.error("map big 64G --noreserve");
            assertThat(e.line()).contains("MCL_FUTURE").contains("MemAvailable");
            assertThat(f.step("map small 16p --no-thp").sample().minorFaults())
                    .as("populated inside mmap")
                    .isEqualTo(16);
        } finally {
            f.run("unlockall");
        }
        f.run("map big 64G --noreserve");
    }

    @Test
    void zeroPageReadsStillNeedPageTables() throws Exception {
        StepReport map;
        try {
            map = f.step("map huge 32T --noreserve");
        } catch (CommandError e) {
            assumeTrue(false, "no 32 TiB of address space here: " + e.line());
            return;
        }
        assertThat(map.target()).isEqualTo("huge");
        // without PAGEMAP_SCAN, 32 TiB of pagemap entries (64 GiB) cannot be read at every step
        assertThat(map.presentEstimated()).isEqualTo(!Pagemap.scanSupported());
        if (!Pagemap.scanSupported()) {
            assertThat(map.notes()).anyMatch(n -> n.startsWith("present \u2248") && n.contains("smaps Rss"));
            assertThat(f.error("inspect-pagemap huge").line())
                    .contains("PAGEMAP_SCAN")
                    .contains("'inspect-pagemap huge[0:");
            assertThat(f.pagemap("inspect-pagemap huge[0:64G]").totals().present())
                    .isZero();
        }
        assertThat(f.error("touch huge --read").line()).contains("MemAvailable");
        if (KernelProfile.current().madvise(MADV_POPULATE_READ /* 5.14 */)) {
            assertThat(f.error("advise huge populate_read").line()).contains("MemAvailable");
        }
    }

    @Test
    void thpAdviceComesBeforePopulateAndLock() throws Exception {
        assumeTrue(!ThpSettings.thpEnabled().orElse("never").equals("never"), "THP is disabled here");
        StepReport p = f.step("map a 8M --thp --populate");
        assertThat(p.sample().minorFaults()).as("one fault per 2 MiB").isEqualTo(4);
        assertThat(p.notes()).anyMatch(n -> n.contains("after the THP advice"));
        StepReport l = f.step("map b 8M --thp --locked");
        assertThat(l.sample().minorFaults()).isEqualTo(4);
        if (KPageFlags.availability().isEmpty()) {
            assertThat(f.pagemap("inspect-pagemap a").totals().thp()).isEqualTo(2048);
            assertThat(f.pagemap("inspect-pagemap b").totals().thp()).isEqualTo(2048);
        }
    }

    @Test
    void gigantic1GHugetlbWithoutPoolIsRefused() throws Exception {
        assumeTrue(HugetlbPool.freePages(1L << 30) == 0, "the 1 GiB pool has free pages here");
        StepReport m;
        try {
            m = f.step("map h1 2G --hugetlb=1G --noreserve");
        } catch (CommandError e) {
            assumeTrue(false, "this kernel cannot map 1 GiB hugetlb pages: " + e.line());
            return;
        }
        assertThat(m.target()).isEqualTo("h1");
        assertThat(f.error("touch h1").line())
                .contains("huge pages of 1G")
                .contains("SIGBUS")
                .contains("hugepages-1048576kB");
    }

    @Test
    void mergedVmasStillLabelled() throws Exception {
        for (int i = 0; i < 6; i++) f.run("map 4K");
        ListReport l = (ListReport) f.run("list");
        assertThat(l.rows()).allSatisfy(r -> assertThat(r.prot()).isNotEmpty());
        MapsReport maps = (MapsReport) f.run("maps");
        assertThat(maps.lines()).isNotEmpty();
        MapsReport one = (MapsReport) f.run("maps m3");
        assertThat(one.areas()).isNotEmpty();
    }

    @Test
    void controlCharactersAreRefusedNotEchoed() {
        CommandError e = f.error("map \u001b[31m 4K");
        assertThat(e.line()).contains("control character U+001B").doesNotContain("\u001b");
    }
}
