package dev.pagelab.commands;

import static dev.pagelab.linux.LinuxConstants.CAP_IPC_LOCK;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.pagelab.commands.machine.BenchCommand;
import dev.pagelab.commands.machine.Sweep;
import dev.pagelab.commands.report.BenchReport;
import dev.pagelab.commands.report.ClearRefsReport;
import dev.pagelab.commands.report.PageState;
import dev.pagelab.commands.report.PagemapReport;
import dev.pagelab.commands.report.ResidencyReport;
import dev.pagelab.commands.report.StepReport;
import dev.pagelab.commands.report.SweepReport;
import dev.pagelab.commands.report.TextReport;
import dev.pagelab.linux.Limits;
import dev.pagelab.linux.proc.Capabilities;
import dev.pagelab.linux.proc.HugetlbPool;
import dev.pagelab.linux.proc.KPageFlags;
import dev.pagelab.linux.proc.KernelProfile;
import dev.pagelab.linux.proc.Pagemap;
import dev.pagelab.linux.proc.ProcMaps;
import dev.pagelab.linux.proc.ThpSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** view's page states and written-page tracking, against the real kernel, read both ways. */
class ResidencyTest extends RealKernelTest {
    ResidencyReport view(String line) throws CommandError {
        return (ResidencyReport) f.run(line);
    }

    /** The states of every page, expanded from the runs. */
    static PageState[] pages(ResidencyReport r) {
        PageState[] out = new PageState[(int) r.pages()];
        for (int i = 0; i < r.runs(); i++) {
            for (long p = r.runStart()[i]; p < r.runStart()[i] + r.runPages()[i]; p++) out[(int) p] = r.state(i);
        }
        return out;
    }

    static void assertSameStates(ResidencyReport scan, ResidencyReport pread) {
        // before Linux 6.7 both read pagemap entries (the default method is then pread): they still must agree
        assertThat(scan.method()).isEqualTo(Pagemap.scanSupported() ? "PAGEMAP_SCAN" : "pread");
        assertThat(pread.method()).isEqualTo("pread");
        // runs are merged the same way whichever method read them, so equal states mean equal runs
        assertThat(pread.runStart())
                .as("pread and PAGEMAP_SCAN read the same states")
                .containsExactly(scan.runStart());
        assertThat(pread.runPages()).containsExactly(scan.runPages());
        assertThat(pread.runState()).containsExactly(scan.runState());
        assertThat(pread.counts()).containsExactly(scan.counts());
    }

    @Test
    void countsEachStateExactlyAndAddUpToTheRange() throws Exception {
        f.run("map a 16M --no-thp");
        f.run("touch a[0:1M]");
        f.run("touch a[4M:2M] --read");
        f.run("touch a[8M:1M] --stride 16K");
        ResidencyReport r = view("view a");
        // the 512 pages read are the shared zero page where the kernel has one, pages of their own where it has not
        boolean zeroPage = KernelProfile.current().zeroPage() == KernelProfile.ZeroPage.SHARED;
        assertThat(r.pages()).isEqualTo(4096);
        assertThat(r.count(PageState.PRESENT)).isEqualTo(256 + 64 + (zeroPage ? 0 : 512));
        assertThat(r.count(PageState.ZERO)).isEqualTo(zeroPage ? 512 : 0);
        assertThat(r.count(PageState.NOT_PRESENT)).isEqualTo(4096 - 256 - 64 - 512);
        long sum = 0;
        for (long c : r.counts()) sum += c;
        assertThat(sum).isEqualTo(r.pages());
        PageState[] p = pages(r);
        assertThat(p[0]).isEqualTo(PageState.PRESENT);
        assertThat(p[256]).isEqualTo(PageState.NOT_PRESENT);
        assertThat(p[1024]).isEqualTo(zeroPage ? PageState.ZERO : PageState.PRESENT);
        assertThat(p[2048]).isEqualTo(PageState.PRESENT);
        assertThat(p[2049]).isEqualTo(PageState.NOT_PRESENT);
        assertThat(p[2052]).isEqualTo(PageState.PRESENT);
        assumeTrue(
                KPageFlags.availability().isEmpty(),
                "pread tells zero pages only with /proc/kpageflags: "
                        + KPageFlags.availability().orElse(""));
        assertSameStates(r, view("view a --method pread"));
    }

    @Test
    void rangesHolesLockedGuardsAndHugePages() throws Exception {
        assumeTrue(
                Limits.memlockLimit() < 0 || Limits.memlockLimit() >= (2L << 20) || Capabilities.has(CAP_IPC_LOCK),
                "RLIMIT_MEMLOCK below 2 MiB without CAP_IPC_LOCK");
        f.run("map a 4M --no-thp");
        f.run("touch a[0:64K]");
        f.run("lock a[1M:256K]");
        f.run("unmap a[2M:1M]");
        // guard regions are Linux 6.13+: without them the same picture has no G cells
        boolean guards = KernelProfile.current().madvise(Advice.GUARD_INSTALL.value());
        if (guards) f.run("advise a[3M:16K] guard_install");
        ResidencyReport r = view("view a");
        assertThat(r.count(PageState.PRESENT)).isEqualTo(16);
        assertThat(r.count(PageState.LOCKED)).isEqualTo(64);
        assertThat(r.count(PageState.UNMAPPED)).isEqualTo(256);
        assertThat(r.count(PageState.GUARD)).isEqualTo(guards ? 4 : 0);
        ResidencyReport part = view("view a[1M:512K]");
        assertThat(part.pages()).isEqualTo(128);
        assertThat(pages(part)[0]).isEqualTo(PageState.LOCKED);
        assertThat(pages(part)[64]).isEqualTo(PageState.NOT_PRESENT);
        assertSameStates(r, view("view a --method pread"));

        assumeTrue(
                "madvise".equals(ThpSettings.thpEnabled().orElse(""))
                        || "always".equals(ThpSettings.thpEnabled().orElse("")),
                "THP is " + ThpSettings.thpEnabled().orElse("absent"));
        f.run("map t 8M --thp --align 2M");
        f.run("touch t[0:4M]");
        ResidencyReport thp = view("view t");
        assertThat(thp.count(PageState.HUGE)).as("two PMD-mapped THPs").isEqualTo(1024);
        assumeTrue(KPageFlags.availability().isEmpty(), "pread tells THPs only with /proc/kpageflags");
        assertSameStates(thp, view("view t --method pread"));
    }

    @Test
    void sparse64GiBIsReadTheSameBothWays() throws Exception {
        f.run("map big 64G --noreserve --no-thp");
        long stride = BenchCommand.SPARSE_SIZE / 100 / Pagemap.PAGE_SIZE * Pagemap.PAGE_SIZE;
        f.run("touch big[0:" + stride * 100 + "] --stride " + stride);
        ResidencyReport scan = view("view big");
        assertThat(scan.count(PageState.PRESENT)).isEqualTo(100);
        assertThat(scan.runs()).isEqualTo(200);
        assertSameStates(scan, view("view big --method pread"));
        PagemapReport p = f.pagemap("inspect-pagemap big --method pread");
        assertThat(p.method()).isEqualTo("pread");
        assertThat(p.totals().present()).isEqualTo(100);
        assertThat(f.pagemap("inspect-pagemap big").totals()).isEqualTo(p.totals());
    }

    @Test
    void clearRefsThenTenScatteredWritesShowExactlyThoseTen() throws Exception {
        WriteTracking.Availability av = WriteTracking.availability();
        assumeTrue(av.mechanism() != null, "no written-page tracking: " + av.unavailableReason());
        f.run("map w 4M --no-thp");
        f.run("touch w[0:2M]"); // half present: both kinds of first write are seen
        ClearRefsReport clear = (ClearRefsReport) f.run("clear-refs soft-dirty w");
        assertThat(clear.mappings()).singleElement().satisfies(row -> {
            assertThat(row.name()).isEqualTo("w");
            assertThat(row.present()).isEqualTo(512);
        });
        assertThat(f.pagemap("inspect-pagemap w --written").totals().written()).isZero();

        TreeSet<Long> chosen = new TreeSet<>();
        Random random = new Random(42);
        while (chosen.size() < 10) chosen.add((long) random.nextInt(1024));
        long faults = 0;
        int presentBefore = 0;
        for (long page : chosen) {
            StepReport s = f.step("touch w[" + page * 4096 + ":4K]");
            faults += s.sample().minorFaults();
            if (page < 512) presentBefore++;
        }
        if (av.mechanism() == WriteTracking.Mechanism.UFFD_WP_ASYNC) {
            assertThat(faults)
                    .as("one fault per protected present page, two per page not yet present")
                    .isEqualTo(presentBefore + 2L * (10 - presentBefore));
        }
        f.run("touch w[0:2M] --read"); // reads are not writes
        PagemapReport written = f.pagemap("inspect-pagemap w --written --pages");
        List<Long> offsets = new ArrayList<>();
        for (PagemapReport.Run r : written.runs()) offsets.add(r.offset() / 4096);
        assertThat(offsets).containsExactlyElementsOf(chosen);
        assertThat(written.totals().written()).isEqualTo(10);
        assertThat(f.pagemap("inspect-pagemap w --written --method pread --pages")
                        .runs())
                .hasSize(10);

        ResidencyReport v = view("view w");
        assertThat(v.count(PageState.WRITTEN)).isEqualTo(10);
        assertThat(v.tracking()).isEqualTo(av.mechanism().description());
        for (long page : chosen) assertThat(pages(v)[(int) page]).isEqualTo(PageState.WRITTEN);
        assertSameStates(v, view("view w --method pread"));

        // a second clear starts again from nothing
        f.run("clear-refs soft-dirty w");
        assertThat(f.pagemap("inspect-pagemap w --written").totals().written()).isZero();
        f.run("touch w[1M:8K]");
        assertThat(f.pagemap("inspect-pagemap w --written").totals().written()).isEqualTo(2);
        // markers on pages never faulted in are not swap
        assertThat(f.pagemap("inspect-pagemap w").totals().swapped()).isZero();
    }

    @Test
    void writeTrackingIsRefusedWhereItCannotWork() throws Exception {
        assertThat(f.error("clear-refs soft-dirty").line()).contains("there are no mappings to track");
        f.run("map u 64K");
        assertThat(f.error("inspect-pagemap u --written").line()).contains("writes to u are not tracked");
        assertThat(f.error("clear-refs dirty").line()).contains("'dirty' is not something clear_refs clears");
        assertThat(f.error("clear-refs all u").line()).contains("process-wide");
        assertThat(f.error("clear-refs soft-dirty nosuch").line()).contains("no mapping named 'nosuch'");
        assertThat(f.error("view u --rows 0").line()).contains("not a number of rows");
        assertThat(f.error("view u --cell 6K").line()).contains("whole number of 4 KiB pages");
        assertThat(f.error("view u --method mmap").line()).contains("'mmap' is not a method");
    }

    @Test
    void clearRefsAllClearsReferencedBits() throws Exception {
        f.run("map r 1M --no-thp");
        f.run("touch r");
        ClearRefsReport c = (ClearRefsReport) f.run("clear-refs all");
        assertThat(c.written()).isEqualTo(1);
        assertThat(c.mappings())
                .singleElement()
                .satisfies(row -> assertThat(row.referencedKb()).isZero());
        f.run("touch r[0:64K]");
        long referenced = 0;
        Mapping m = f.session.mapping("r");
        for (ProcMaps.SmapsArea a : ProcMaps.smaps(m.base(), m.end()))
            referenced += a.kb().getOrDefault("Referenced", 0L);
        // At most the 16 pages touched since. Not exactly 16: clearing the accessed bits does not flush the TLB (only
        // clearing soft-dirty bits does), and a CPU that still holds a page's translation sets no bit when it touches
        // it
        // again; measured: 64 kB on this KVM guest, less under QEMU's software TLB and on a PVM guest's shadow tables.
        assertThat(referenced).as("the 16 pages touched since, at most").isBetween(0L, 64L);

        ClearRefsReport peak = (ClearRefsReport) f.run("clear-refs peak-rss");
        assertThat(peak.after()).isLessThanOrEqualTo(peak.before());
        assertThat(peak.after()).isPositive();
    }

    @Test
    void benchComparesTheTwoMethodsOnTheSameMappings() throws Exception {
        if (!Pagemap.scanSupported()) {
            assertThat(f.error("bench pagemap --reps 1 --dense 16M").line())
                    .contains("no PAGEMAP_SCAN ioctl (Linux 6.7)");
            return;
        }
        BenchReport b = (BenchReport) f.run("bench pagemap --reps 1 --dense 16M");
        assertThat(b.rows()).hasSize(8);
        assertThat(b.ratios()).hasSize(4);
        assertThat(b.notes()).noneMatch(n -> n.contains("disagree"));
        assertThat(b.rows())
                .filteredOn(r -> r.scenario().startsWith("64G") && r.operation().equals("inspect-pagemap"))
                .extracting(BenchReport.Row::result)
                .containsOnly("100 present");
        assertThat(f.session.names()).as("scratch mappings are unmapped").isEmpty();
        assertThat(f.error("bench nosuch").line()).contains("'nosuch' is not a benchmark");
    }

    @Test
    void hugepagesSizesThePoolAndTheSessionPutsItBack() throws Exception {
        assumeTrue(KPageFlags.availability().isEmpty(), "sizing a hugetlb pool needs root");
        long before = HugetlbPool.of(2L << 20).orElseThrow().total();
        f.run("hugepages 2M " + (before + 2));
        assertThat(HugetlbPool.of(2L << 20).orElseThrow().total()).isEqualTo(before + 2);
        f.run("map h 4M --hugetlb=2M");
        assertThat(f.step("touch h").sample().minorFaults()).isEqualTo(2);
        TextReport shrink = (TextReport) f.run("hugepages 2M " + before);
        assertThat(shrink.lines().get(0)).contains("pages in use stay, as surplus pages");
        f.run("unmap h");
        f.run("hugepages reset");
        assertThat(HugetlbPool.of(2L << 20).orElseThrow().total()).isEqualTo(before);
        assertThat(f.error("hugepages 3M 1").line()).contains("no 3M hugetlb pool");
        assertThat(f.error("hugepages 2M lots").line()).contains("not a number of pages");
    }

    @Test
    void limitDropsCapIpcLockOnTheStepThreadAndResetPutsItBack() throws Exception {
        assumeTrue(Capabilities.has(CAP_IPC_LOCK), "needs CAP_IPC_LOCK to drop it");
        f.run("map l 1M --no-thp");
        f.run("limit memlock 64K ipc_lock off");
        assertThat(f.error("lock l").line()).contains("ENOMEM").contains("RLIMIT_MEMLOCK is 64.0 KiB");
        assertThat(f.step("lock l[0:32K]").sample().minorFaults()).isEqualTo(8);
        f.run("limit memlock 0");
        assertThat(f.error("lock l[32K:4K]").line()).contains("EPERM");
        f.run("limit reset");
        assertThat(f.step("lock l").sample().minorFaults()).isEqualTo(248);
        assertThat(Capabilities.has(CAP_IPC_LOCK))
                .as("this (test) thread never lost it")
                .isTrue();
        assertThat(f.error("limit memlock").line()).contains("needs a value");
    }

    @Test
    void sweepCountsEveryStrategysFaultsExactly() throws Exception {
        java.nio.file.Path csv = java.nio.file.Files.createTempFile("sweep", ".csv");
        SweepReport r = (SweepReport) f.run("bench sweep --sizes 64K,1M --reps 3 --csv " + csv);
        assertThat(r.complete()).isTrue();
        // six ways where the kernel has MADV_POPULATE_WRITE (5.14) and MADV_FREE; the report names any left out
        List<String> ways = Sweep.strategies(KernelProfile.current());
        assertThat(r.strategies()).isEqualTo(ways);
        assertThat(r.cells()).hasSize(2 * ways.size());
        if (ways.size() < 6) assertThat(r.notes()).anyMatch(n -> n.contains("left out"));
        for (SweepReport.Cell c : r.cells()) {
            long pages = c.size() / dev.pagelab.linux.proc.Pagemap.PAGE_SIZE;
            // every way faults each page exactly once (prepare or use); a freed page re-used without pressure: never
            assertThat(c.faults())
                    .as(c.strategy() + " " + c.size())
                    .isEqualTo(c.strategy().equals("after_free") ? 0 : pages);
            assertThat(c.minNs()).isLessThanOrEqualTo(c.medianNs());
            assertThat(c.medianNs()).isLessThanOrEqualTo(c.maxNs());
        }
        assertThat(java.nio.file.Files.readAllLines(csv))
                .hasSize(1 + 2 * ways.size())
                .first()
                .asString()
                .startsWith("size_bytes,strategy,median_ns");
        assertThat(f.session.names()).as("the sweep leaves no mapping").isEmpty();
        assertThat(f.error("bench sweep --sizes 6K").line()).contains("not a whole number of 4 KiB pages");
        assertThat(f.error("bench sweep --dense 1M").line()).contains("--dense goes with bench pagemap");
    }

    @Test
    void ctrlCStopsTheSweepAndKeepsWhatWasMeasured() throws Exception {
        Thread stopper = new Thread(() -> {
            try {
                Thread.sleep(1500);
            } catch (InterruptedException ignored) {
                return;
            }
            f.session.cancelStep();
        });
        stopper.start();
        SweepReport r = (SweepReport) f.run("bench sweep --max 1G --reps 5");
        stopper.join();
        assertThat(r.complete()).isFalse();
        assertThat(r.cells()).isNotEmpty();
        assertThat(r.notes()).anySatisfy(n -> assertThat(n).startsWith("interrupted: "));
        assertThat(f.session.names()).isEmpty();
    }
}
