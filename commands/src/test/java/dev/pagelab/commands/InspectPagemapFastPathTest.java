package dev.pagelab.commands;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.pagelab.commands.inspect.InspectPagemapCommand;
import dev.pagelab.commands.report.PagemapReport;
import dev.pagelab.linux.proc.KPageFlags;
import dev.pagelab.linux.proc.Pagemap;
import dev.pagelab.linux.proc.ThpSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * inspect-pagemap's fast path (PFNs sorted before /proc/kpageflags is read, /proc/kpagecount read only where the
 * pagemap entry does not tell, big reads split over two threads) against the most straightforward reader there is:
 * one pread per page of /proc/self/pagemap, /proc/kpageflags and /proc/kpagecount, through java.nio rather than the
 * native module. Same memory, same command line: the reports must be equal, run for run.
 */
class InspectPagemapFastPathTest extends RealKernelTest {
    private static final long PFN_MASK = (1L << 55) - 1;

    @TempDir
    Path dir;

    /** The straightforward reader: three preads per present page. */
    static void straightforward(long address, int n, long[] entries, long[] flags, long[] counts) {
        try (FileChannel pagemap = FileChannel.open(Path.of("/proc/self/pagemap"));
                FileChannel kflags = flags == null ? null : FileChannel.open(Path.of("/proc/kpageflags"));
                FileChannel kcount = flags == null ? null : FileChannel.open(Path.of("/proc/kpagecount"))) {
            for (int i = 0; i < n; i++) {
                entries[i] = read8(pagemap, (address / Pagemap.PAGE_SIZE + i) * 8);
                if (flags == null) continue;
                long pfn = entries[i] < 0 ? entries[i] & PFN_MASK : 0;
                flags[i] = pfn == 0 ? 0 : read8(kflags, pfn * 8);
                counts[i] = pfn == 0 ? 0 : read8(kcount, pfn * 8);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long read8(FileChannel c, long position) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder());
        while (b.hasRemaining()) {
            if (c.read(b, position + b.position()) < 0) return 0;
        }
        return b.getLong(0);
    }

    private final InspectPagemapCommand reference =
            new InspectPagemapCommand(InspectPagemapFastPathTest::straightforward);

    private PagemapReport referenceReport(String line) throws CommandError {
        CommandLine cl = CommandLine.parse(line);
        return (PagemapReport) f.session.call(() -> reference.run(f.session, cl));
    }

    /**
     * The fast report equals the reference for {@code name}, with both methods and with and without --pages. The two
     * are read one after the other, and the kernel may change a page's flags in between (referenced, active; idle,
     * which DAMON's physical-address monitoring sets on the pages it samples, and kdamond runs on the development
     * machine), so a difference is read again, three times at most, before it counts.
     */
    private void sameReports(String name) throws Exception {
        for (String options : List.of("", " --method pread", " --pages", " --pages --method pread")) {
            String line = "inspect-pagemap " + name + options;
            PagemapReport fast = null, slow = null;
            for (int attempt = 0; attempt < 3; attempt++) {
                fast = withoutIdle(f.pagemap(line));
                slow = withoutIdle(referenceReport(line));
                if (fast.equals(slow)) break;
            }
            // a compact difference: a whole report of a 128 MiB mapping is too large for surefire to carry
            assertThat(fast.totals()).as(line).isEqualTo(slow.totals());
            assertThat(fast.runs().size())
                    .as(line + ": runs")
                    .isEqualTo(slow.runs().size());
            for (int i = 0; i < fast.runs().size(); i++) {
                assertThat(fast.runs().get(i))
                        .as(line + ": run " + i)
                        .isEqualTo(slow.runs().get(i));
            }
            assertThat(fast).as(line).isEqualTo(slow);
            assertThat(fast.totals().present())
                    .as(line + ": something to compare")
                    .isPositive();
        }
    }

    /**
     * The report with kpageflags' "idle" left out of every run, and runs that become alike joined again. DAMON's
     * physical-address monitoring sets idle bits on the pages it samples, continually, so two reads a moment apart
     * differ in them however exact the decoding (measured: one run in ~100 split off by a page gone idle while
     * kdamond ran under load). Both reports are normalised the same way, so the comparison stays exact otherwise; the
     * time the reads took differs from read to read and is left out (0) too.
     */
    static PagemapReport withoutIdle(PagemapReport r) {
        List<PagemapReport.Run> out = new ArrayList<>();
        for (PagemapReport.Run run : r.runs()) {
            List<String> flags =
                    run.flags().stream().filter(x -> !x.equals("idle")).toList();
            PagemapReport.Run n = new PagemapReport.Run(
                    run.offset(),
                    run.pages(),
                    run.state(),
                    flags,
                    run.firstPfn(),
                    run.contiguous(),
                    run.samePfn(),
                    run.mapCount(),
                    run.hugeHeads(),
                    run.swapType(),
                    run.swapOffset());
            PagemapReport.Run last = out.isEmpty() ? null : out.get(out.size() - 1);
            if (!r.perPage()
                    && last != null
                    && last.offset() + last.pages() * r.pageSize() == n.offset()
                    && last.state().equals(n.state())
                    && last.flags().equals(n.flags())
                    && last.mapCount() == n.mapCount()
                    && last.swapType() == n.swapType()
                    && n.firstPfn() != 0 == (last.firstPfn() != 0)) {
                boolean contiguous =
                        last.contiguous() && n.contiguous() && n.firstPfn() == last.firstPfn() + last.pages()
                                || last.pages() == 1
                                        && n.firstPfn() == last.firstPfn() + 1
                                        && (n.pages() == 1 || n.contiguous());
                boolean same = (last.samePfn() || last.pages() == 1)
                        && (n.samePfn() || n.pages() == 1)
                        && n.firstPfn() == last.firstPfn();
                out.set(
                        out.size() - 1,
                        new PagemapReport.Run(
                                last.offset(),
                                last.pages() + n.pages(),
                                last.state(),
                                last.flags(),
                                last.firstPfn(),
                                contiguous,
                                same,
                                last.mapCount(),
                                last.hugeHeads() + n.hugeHeads(),
                                last.swapType(),
                                last.swapOffset()));
            } else {
                out.add(n);
            }
        }
        return new PagemapReport(
                r.target(),
                r.start(),
                r.pages(),
                out,
                r.totals(),
                r.pfnsVisible(),
                r.kpageflagsNote(),
                r.method(),
                r.perPage(),
                r.truncated(),
                r.tracking(),
                r.writtenOnly(),
                r.pageSize(),
                0);
    }

    @Test
    void anonymousPopulatedDenseEnoughForTwoThreads() throws Exception {
        f.run("map a 128M --populate --no-thp");
        sameReports("a");
    }

    @Test
    void sparseWithHolesAndTheZeroPage() throws Exception {
        f.run("map s 64M --noreserve --no-thp");
        f.run("touch s[0:16M] --stride 12K");
        f.run("touch s[16M:8M] --read");
        f.run("touch s[32M:1M]");
        f.run("unmap s[40M:4M]");
        f.run("advise s[32M:256K] dontneed");
        sameReports("s");
    }

    @Test
    void transparentHugePagesViaAdvice() throws Exception {
        assumeTrue(!ThpSettings.thpEnabled().orElse("never").equals("never"), "THP is disabled here");
        f.run("map t 16M --align 2M");
        f.run("advise t hugepage");
        f.run("touch t");
        sameReports("t");
        if (KPageFlags.availability().isEmpty())
            assertThat(f.pagemap("inspect-pagemap t").totals().thp()).isPositive();
    }

    @Test
    void fileBackedPrivateAndTheSameFileMappedTwice() throws Exception {
        Path file = dir.resolve("data");
        Files.write(file, new byte[256 * 4096]);
        f.run("map fp 256p --file " + file);
        f.run("touch fp --read");
        f.run("touch fp[0:128K]");
        f.run("map fs 256p --file " + file + " --shared");
        f.run("touch fs --read");
        sameReports("fp");
        sameReports("fs");
    }

    @Test
    void sharedAnonymousAndMemfd() throws Exception {
        f.run("map sh 1M --shared");
        f.run("touch sh");
        f.run("map mf 1M --memfd");
        f.run("touch mf[0:512K]");
        sameReports("sh");
        sameReports("mf");
    }

    @Test
    void locked() throws Exception {
        f.run("map l 2M --locked --no-thp");
        sameReports("l");
    }

    /**
     * The map count taken from pagemap's exclusive bit is what /proc/kpagecount says, page for page, for every kind of
     * mapping here, including pages mapped twice (not exclusive) and huge pages (always read).
     */
    @Test
    void mapCountsFromTheExclusiveBitMatchKpagecount() throws Exception {
        assumeTrue(KPageFlags.availability().isEmpty(), "needs /proc/kpageflags (root)");
        Path file = dir.resolve("twice");
        Files.write(file, new byte[64 * 4096]);
        f.run("map anon 4M --populate --no-thp");
        f.run("map zero 1M --no-thp");
        f.run("touch zero --read");
        f.run("map shared 1M --shared --populate");
        f.run("map f1 64p --file " + file + " --populate");
        f.run("map f2 64p --file " + file + " --shared --populate");
        f.run("map cow 64p --file " + file);
        f.run("touch cow[0:128K]");
        f.run("touch cow[128K:] --read");
        f.run("map lk 1M --locked --no-thp");
        List<String> names = new ArrayList<>(List.of("anon", "zero", "shared", "f1", "f2", "cow", "lk"));
        if (!ThpSettings.thpEnabled().orElse("never").equals("never")) {
            f.run("map thp 8M --align 2M --thp --populate");
            names.add("thp");
        }
        long checked = 0, fromBit = 0, twice = 0;
        for (String name : names) {
            Mapping m = f.session.mapping(name);
            int n = (int) (m.length() / Pagemap.PAGE_SIZE);
            // Two reads of the same pages race with the kernel: LRU bits (referenced, lru, active, idle) move as it
            // drains its per-CPU batches, and a folio may be split or collapsed in between. What the decoder must get
            // right shows in a pair of reads with nothing moved: read again (a few times) until the pair agrees.
            long transientBits = 1L << 2 | 1L << 5 | 1L << 6 | 1L << 25;
            long[] entries = null, flags = null, counts = null, pfns = null, kpagecount = null;
            String disagreement = null;
            for (int attempt = 0; attempt < 5; attempt++) {
                entries = Pagemap.read(m.base(), n);
                flags = new long[n];
                counts = new long[n];
                KPageFlags.read(entries, n, flags, counts);
                pfns = new long[n];
                for (int i = 0; i < n; i++) pfns[i] = entries[i] < 0 ? entries[i] & PFN_MASK : 0;
                kpagecount = KPageFlags.counts(pfns);
                long[] again = KPageFlags.flags(pfns);
                disagreement = null;
                for (int i = 0; i < n && disagreement == null; i++) {
                    if ((flags[i] & ~transientBits) != (again[i] & ~transientBits)
                            || counts[i] != kpagecount[i] && pfns[i] != 0) {
                        disagreement = name + " page " + i + ": flags 0x" + Long.toHexString(flags[i]) + " vs 0x"
                                + Long.toHexString(again[i]) + ", count " + counts[i] + " vs " + kpagecount[i];
                    }
                }
                if (disagreement == null) break;
            }
            assertThat(disagreement)
                    .as("the decoder's flags and counts against kpageflags/kpagecount read directly")
                    .isNull();
            for (int i = 0; i < n; i++) {
                if (pfns[i] == 0) continue;
                assertThat(counts[i])
                        .as(name + " page " + i + " (entry 0x" + Long.toHexString(entries[i]) + ", flags 0x"
                                + Long.toHexString(flags[i]) + ")")
                        .isEqualTo(kpagecount[i]);
                checked++;
                if ((entries[i] & 1L << 56) != 0 && (flags[i] & (3L << KPageFlags.COMPOUND_HEAD)) == 0) fromBit++;
                if (kpagecount[i] == 2) twice++;
            }
        }
        assertThat(checked).isPositive();
        assertThat(fromBit).as("pages whose count came from the exclusive bit").isPositive();
        assertThat(twice).as("pages mapped twice (the file in f1 and f2)").isGreaterThanOrEqualTo(64);
    }
}
