package dev.pagelab.commands;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pagelab.commands.report.PagemapReport;
import dev.pagelab.commands.report.StepReport;
import dev.pagelab.linux.proc.KernelProfile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every touch that would SIGSEGV or SIGBUS the JVM is refused before it happens, with the reason, and the
 * session carries on: after each refusal the same session maps, touches and counts correctly.
 */
class RefusalTest extends RealKernelTest {
    @TempDir
    Path dir;

    @AfterEach
    void sessionStillWorks() throws Exception {
        unmapAll();
        f.run("map alive 16p --no-thp");
        assertThat(f.step("touch alive").sample().minorFaults()).isEqualTo(16);
        f.run("unmap alive");
    }

    @Test
    void outsideTheMapping() throws Exception {
        f.run("map m1 1M");
        CommandError e = f.error("touch m1[1M:4K]");
        assertThat(e.wordIndex()).isEqualTo(1);
        assertThat(e.getMessage()).contains("outside m1");
        assertThat(f.error("touch m1[512K:1M]").getMessage()).contains("runs past the end");
    }

    @Test
    void unmappedHole() throws Exception {
        f.run("map m1 1M");
        StepReport r = f.step("unmap m1[256K:256K]");
        assertThat(r.notes()).anyMatch(n -> n.contains("keeps 768K of 1M"));
        CommandError e = f.error("touch m1");
        assertThat(e.line()).contains("offset 256K of m1 was unmapped").contains("SIGSEGV");
        assertThat(f.step("touch m1[512K:]").sample().minorFaults()).isEqualTo(128);
        assertThat(f.error("advise m1 dontneed").line()).contains("was unmapped");
        f.run("unmap m1");
        assertThat(f.session.mapping("m1")).isNull();
    }

    @Test
    void protNoneAndReadOnly() throws Exception {
        f.run("map m1 64K --prot none");
        assertThat(f.error("touch m1 --read").line()).contains("PROT_NONE").contains("protect m1");
        f.run("protect m1 r");
        assertThat(f.error("touch m1 --write").line()).contains("read-only");
        assertThat(f.step("touch m1 --read").sample().minorFaults()).isEqualTo(16);
        f.run("protect m1[0:4K] none");
        assertThat(f.error("touch m1 --read").line()).contains("m1[0:4K] is PROT_NONE");
    }

    @Test
    void fileMappingPastEndOfFile() throws Exception {
        Path file = dir.resolve("small");
        Files.write(file, new byte[5000]);
        StepReport map = f.step("map m1 64K --file " + file);
        assertThat(map.notes()).anyMatch(n -> n.contains("pages past its end"));
        CommandError e = f.error("touch m1 --read");
        assertThat(e.line()).contains("past the end of").contains("SIGBUS");
        // 5000 bytes: two pages are backed (the second partly), the rest is past EOF.
        StepReport ok = f.step("touch m1[0:8K] --read");
        assertThat(ok.accessesMade()).isEqualTo(2);
    }

    @Test
    void onlyRegularFilesAreMapped() {
        CommandError e = f.error("map m1 4K --file /dev/zero");
        assertThat(e.line()).contains("/dev/zero is not a regular file");
        assertThat(e.wordIndex()).isEqualTo(4);
    }

    @Test
    void guardRegion() throws Exception {
        f.run("map m1 64K");
        if (!KernelProfile.current().madvise(Advice.GUARD_INSTALL.value())) {
            assertThat(f.error("advise m1[16K:4K] guard_install").line())
                    .contains("MADV_GUARD_INSTALL needs Linux 6.13");
            assertThat(f.step("touch m1").accessesMade())
                    .as("the session goes on")
                    .isEqualTo(16);
            return;
        }
        f.run("advise m1[16K:4K] guard_install");
        assertThat(f.error("touch m1").line()).contains("offset 16K is a guard region");
        PagemapReport p = f.pagemap("inspect-pagemap m1");
        assertThat(p.totals().guard()).isEqualTo(1);
        assertThat(p.totals().swapped()).as("a guard marker is not swap").isZero();
        f.run("advise m1[16K:4K] guard_remove");
        assertThat(f.step("touch m1").accessesMade()).isEqualTo(16);
    }

    @Test
    void moreThanMemAvailable() throws Exception {
        f.run("map big 64G --noreserve");
        CommandError e = f.error("touch big");
        assertThat(e.line()).contains("MemAvailable").contains("--force");
        assertThat(f.error("map p 64G --populate --noreserve").line()).contains("MemAvailable");
    }

    @Test
    void hugetlbWithEmptyPoolExplainsNrHugepages() throws Exception {
        long total = dev.pagelab.linux.proc.ProcMeminfo.meminfo().getOrDefault("HugePages_Total", 0L);
        org.junit.jupiter.api.Assumptions.assumeTrue(total == 0, "the hugetlb pool is not empty here");
        CommandError e = f.error("map h 2M --hugetlb");
        assertThat(e.errnoName()).isEqualTo("ENOMEM");
        assertThat(e.line()).contains("nr_hugepages");
    }

    @Test
    void badWordsPointAtTheWord() {
        assertThat(f.error("map 4Q").wordIndex()).isEqualTo(1);
        assertThat(f.error("map 4M --prot rwx").wordIndex()).isEqualTo(3);
        assertThat(f.error("map 4M --bogus").line()).contains("unknown option '--bogus'");
        assertThat(f.error("touch nosuch").line()).contains("no mapping named 'nosuch'");
        assertThat(f.error("advise").line()).contains("needs a mapping and an advice");
        assertThat(f.error("frobnicate").line()).contains("unknown command");
        assertThat(f.error("map 4MB").line()).contains("sizes are binary");
    }
}
