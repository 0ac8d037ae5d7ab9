package dev.pagelab.commands;

import static dev.pagelab.linux.LinuxConstants.CAP_SYS_ADMIN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.pagelab.commands.mapping.AdviseCommand;
import dev.pagelab.commands.report.ListReport;
import dev.pagelab.commands.report.MapsReport;
import dev.pagelab.commands.report.PagemapReport;
import dev.pagelab.commands.report.StepReport;
import dev.pagelab.linux.proc.Capabilities;
import dev.pagelab.linux.proc.KPageFlags;
import dev.pagelab.linux.proc.KernelProfile;
import dev.pagelab.linux.proc.Pagemap;
import dev.pagelab.linux.proc.ProcMeminfo;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each command's normal path against the real kernel, with the figures it reports checked. */
class CommandsTest extends RealKernelTest {
    @TempDir
    Path dir;

    @Test
    void defaultNamesCountUp() throws Exception {
        f.run("map 4K");
        f.run("map 4K");
        assertThat(f.session.names()).containsExactly("m1", "m2");
        assertThat(f.error("map m1 4K").line()).contains("'m1' already exists");
    }

    @Test
    void lockFaultsInNowAndOnfaultDefers() throws Exception {
        f.run("map a 64p --no-thp");
        StepReport lock = f.step("lock a");
        assertThat(lock.sample().minorFaults()).as("mlock populates").isEqualTo(64);
        assertThat(lock.present().orElseThrow().after()).isEqualTo(64);
        ListReport l = (ListReport) f.run("list");
        assertThat(l.rows().get(0).locked()).isEqualTo(64 * 4096);
        assertThat(f.step("touch a").sample().minorFaults()).isZero();
        f.run("unlock a");
        assertThat(((ListReport) f.run("list")).rows().get(0).locked()).isZero();

        f.run("map b 64p --no-thp");
        StepReport onfault = f.step("lock b --onfault");
        assertThat(onfault.sample().minorFaults()).isZero();
        assertThat(onfault.present().orElseThrow().after()).isZero();
        assertThat(f.step("touch b").sample().minorFaults()).isEqualTo(64);
        MapsReport maps = (MapsReport) f.run("maps b");
        assertThat(maps.areas().get(0).vmFlagWords()).contains("locked");
        // smaps names VM_LOCKONFAULT "lf" on newer kernels; older ones (5.10) print "??" for it
        assertThat(maps.areas().get(0).vmFlagWords()).containsAnyOf("lock-on-fault", "unnamed-flag");
    }

    @Test
    void mapLockedPopulates() throws Exception {
        StepReport map = f.step("map l 32p --locked --no-thp");
        assertThat(map.sample().minorFaults()).isEqualTo(32);
        assertThat(map.present().orElseThrow().after()).isEqualTo(32);
        if (KPageFlags.availability().isEmpty()) {
            PagemapReport p = f.pagemap("inspect-pagemap l");
            assertThat(p.totals().locked()).isEqualTo(32);
            // (anon_exclusive too where kpageflags reports it: not on 5.10)
            assertThat(p.runs())
                    .allSatisfy(r -> assertThat(r.flags())
                            .contains("mlocked", "unevictable")
                            .doesNotContain("locked", "mappedtodisk"));
        }
    }

    @Test
    void lockallOnfaultLocksLaterMappingsAsTheyFault() throws Exception {
        StepReport all = f.step("lockall current future onfault");
        try {
            assertThat(all.sample().minorFaults())
                    .as("onfault faults nothing in")
                    .isLessThan(50);
            f.run("map later 16p --no-thp");
            assertThat(f.step("touch later").sample().minorFaults()).isEqualTo(16);
            MapsReport maps = (MapsReport) f.run("maps later");
            assertThat(maps.areas().get(0).kb().get("Locked")).isGreaterThanOrEqualTo(64L);
        } finally {
            f.run("unlockall");
        }
        assertThat(f.error("lockall onfault").line()).contains("needs current and/or future");
    }

    @Test
    void protectSplitsTheVma() throws Exception {
        f.run("map p 64K");
        f.run("protect p[16K:16K] r");
        MapsReport maps = (MapsReport) f.run("maps");
        // a trailing + marks a VMA the kernel merged with a neighbour of the same flags
        assertThat(maps.lines())
                .extracting(l -> l.label().replace("+", ""))
                .containsExactly("p[0:16K]", "p[16K:16K]", "p[32K:32K]");
        assertThat(maps.lines().get(1).text()).contains(" r--p ");
        assertThat(f.error("protect p[1K:4K] r").line()).contains("not a multiple of the page size");
    }

    @Test
    void partialUnmapKeepsOffsets() throws Exception {
        f.run("map u 1M");
        long base = f.session.mapping("u").base();
        f.run("unmap u[0:256K]");
        assertThat(f.session.mapping("u").base()).isEqualTo(base);
        assertThat(f.step("touch u[256K:4K]").accessesMade()).isEqualTo(1);
        ListReport l = (ListReport) f.run("list");
        assertThat(l.rows().get(0).mappedBytes()).isEqualTo(768 * 1024);
        f.run("unmap u[256K:]");
        assertThat(f.session.mapping("u")).isNull();
    }

    @Test
    void sharedAnonymousAndMemfdAreShmem() throws Exception {
        f.run("map s 16p --shared");
        StepReport touch = f.step("touch s");
        // one fault per page; 5.10 counts a write fault that allocates a shmem page as major, and says why
        assertThat(touch.sample().minorFaults() + touch.sample().majorFaults()).isEqualTo(16);
        if (touch.sample().majorFaults() > 0 && ProcMeminfo.swapTotalBytes() == 0) {
            assertThat(touch.notes()).anyMatch(n -> n.startsWith("no I/O behind the"));
        }
        PagemapReport p = f.pagemap("inspect-pagemap s");
        assertThat(p.totals().file())
                .as("shared anonymous pages carry pagemap bit 61")
                .isEqualTo(16);

        f.run("map mf 16p --memfd");
        StepReport touchMf = f.step("touch mf");
        assertThat(touchMf.sample().minorFaults() + touchMf.sample().majorFaults())
                .isEqualTo(16);
        assertThat(f.pagemap("inspect-pagemap mf").totals().file()).isEqualTo(16);
        MapsReport maps = (MapsReport) f.run("maps");
        assertThat(maps.lines())
                .anyMatch(l -> l.label().equals("mf") && l.text().contains("memfd:pagelab:mf"));
    }

    @Test
    void privateFileMappingCopiesOnWrite() throws Exception {
        Path file = dir.resolve("data");
        Files.write(file, new byte[64 * 4096]);
        f.run("map fp 64p --file " + file);
        StepReport read = f.step("touch fp --read");
        assertThat(read.sample().majorFaults()).isZero();
        assertThat(read.sample().minorFaults())
                .as("fault-around maps several page-cache pages per fault")
                .isBetween(1L, 64L);
        assertThat(read.present().orElseThrow().after()).isEqualTo(64);
        assertThat(f.pagemap("inspect-pagemap fp").totals().file()).isEqualTo(64);
        StepReport write = f.step("touch fp --write");
        assertThat(write.sample().minorFaults())
                .as("one copy-on-write fault per page")
                .isEqualTo(64);
        PagemapReport after = f.pagemap("inspect-pagemap fp");
        assertThat(after.totals().file()).as("private copies are anonymous").isZero();
        assertThat(Files.readAllBytes(file)).as("the file is unchanged").containsOnly(0);
    }

    @Test
    void sharedFileMappingCreatesAndWritesThrough() throws Exception {
        Path file = dir.resolve("shared");
        StepReport map = f.step("map fs 16p --file " + file + " --create --shared");
        assertThat(map.notes()).anyMatch(n -> n.contains("extended"));
        assertThat(Files.size(file)).isEqualTo(16 * 4096);
        f.run("touch fs");
        assertThat(f.pagemap("inspect-pagemap fs").totals().file()).isEqualTo(16);
        assertThat(f.error("map x 4K --file " + dir.resolve("missing")).line())
                .contains("ENOENT")
                .contains("--create");
    }

    @Test
    void adviceErrorsExplainTheKernel() throws Exception {
        f.run("map sh 16p --shared");
        CommandError e = f.error("advise sh free");
        assertThat(e.errnoName()).isEqualTo("EINVAL");
        assertThat(e.line()).contains("MADV_FREE works only on private anonymous memory");
        assertThat(f.error("advise sh sideways").line()).contains("advices: normal random");
    }

    /** An advice this kernel lacks is refused before the call, naming the release that added it; the rest work. */
    @Test
    void adviceTheKernelLacksIsRefusedByName() throws Exception {
        KernelProfile p = KernelProfile.current();
        f.run("map ad 16p --no-thp");
        for (Advice a : Advice.values()) {
            if (p.madvise(a.value())) continue;
            CommandError e = f.error("advise ad " + a.word());
            assertThat(e.line()).contains(a.constant() + " needs").contains(p.release());
            assertThat(e.errnoName()).as("refused before any call").isNull();
        }
        assertThat(f.session.mapping("ad")).isNotNull();
        assertThat(AdviseCommand.unsupported(Advice.COLLAPSE, p))
                .isEqualTo(
                        p.thpAvailable()
                                ? "MADV_COLLAPSE needs Linux 6.1; this is " + p.release()
                                : "MADV_COLLAPSE needs transparent huge pages, and this kernel (" + p.release()
                                        + ") was built without them (CONFIG_TRANSPARENT_HUGEPAGE)");
        assertThat(AdviseCommand.unsupported(Advice.POPULATE_WRITE, p))
                .isEqualTo("MADV_POPULATE_WRITE needs Linux 5.14; this is " + p.release());
    }

    @Test
    void populateWriteFaultsOnTheAdviseStep() throws Exception {
        f.run("map pw 100p --no-thp");
        if (!KernelProfile.current().madvise(Advice.POPULATE_WRITE.value())) {
            assertThat(f.error("advise pw populate_write").line()).contains("MADV_POPULATE_WRITE needs Linux 5.14");
            return;
        }
        StepReport p = f.step("advise pw populate_write");
        assertThat(p.sample().minorFaults()).isEqualTo(100);
        assertThat(p.present().orElseThrow().after()).isEqualTo(100);
        assertThat(f.step("touch pw").sample().minorFaults()).isZero();
    }

    @Test
    void strideAndOrder() throws Exception {
        f.run("map st 64p --no-thp");
        StepReport r = f.step("touch st --stride 1K --order random");
        assertThat(r.accessesMade()).isEqualTo(256);
        assertThat(r.sample().minorFaults())
                .as("only the first access to each page faults")
                .isEqualTo(64);
        StepReport t = f.step("touch st --stride 8K --read --timing");
        assertThat(t.accessesMade()).isEqualTo(32);
        assertThat(t.timing().orElseThrow().histogram().count()).isEqualTo(32);
    }

    @Test
    void hugetlbWithAPoolFaultsOncePerHugePage() throws Exception {
        assumeTrue(Capabilities.has(CAP_SYS_ADMIN), "raising nr_hugepages needs root (CAP_SYS_ADMIN)");
        Path knob = Path.of("/proc/sys/vm/nr_hugepages");
        String before = Files.readString(knob).trim();
        try {
            Files.writeString(knob, Long.toString(Long.parseLong(before) + 2));
            assumeTrue(
                    ProcMeminfo.meminfo().getOrDefault("HugePages_Free", 0L) >= 2,
                    "the kernel could not allocate 2 huge pages");
            f.run("map hp 4M --hugetlb");
            StepReport t = f.step("touch hp");
            assertThat(t.accessesMade()).isEqualTo(2);
            assertThat(t.sample().minorFaults()).isEqualTo(2);
            assertThat(t.present().orElseThrow().after()).isEqualTo(1024);
            if (KPageFlags.availability().isEmpty())
                assertThat(f.pagemap("inspect-pagemap hp").totals().hugetlb()).isEqualTo(1024);
            f.run("unmap hp");
        } finally {
            Files.writeString(knob, before);
        }
    }

    @Test
    void sparse64GiBInspectsQuickly() throws Exception {
        // --no-thp: under THP "always" (Debian's default) each touch would fault in a whole huge page. Without
        // PAGEMAP_SCAN (before 6.7) every step reads all of the mapping's entries twice (128 MiB for 64 GiB, 76 ms
        // here, minutes in an emulated guest): 4 GiB there, the same 100 touches
        boolean scan = Pagemap.scanSupported();
        f.run("map big " + (scan ? "64G" : "4G") + " --noreserve --no-thp");
        for (int i = 0; i < 100; i++) f.run("touch big[" + (i * (scan ? 640 : 40)) + "M:4K]");
        long t0 = System.nanoTime();
        PagemapReport p = f.pagemap("inspect-pagemap big");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(p.totals().present()).isEqualTo(100);
        assertThat(p.method()).isEqualTo(KernelProfile.current().pagemapScan() ? "PAGEMAP_SCAN + pread" : "pread");
        assertThat(p.runs()).hasSizeLessThanOrEqualTo(201);
        System.out.println("inspect-pagemap of 64 GiB with 100 touched pages: " + ms + " ms");
    }
}
