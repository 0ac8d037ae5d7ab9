package dev.pagelab.commands;

import static dev.pagelab.linux.LinuxConstants.O_RDONLY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.pagelab.commands.machine.FileTarget;
import dev.pagelab.commands.report.CacheReport;
import dev.pagelab.commands.report.EvictReport;
import dev.pagelab.commands.report.PagemapReport;
import dev.pagelab.commands.report.StepReport;
import dev.pagelab.linux.FileIo;
import dev.pagelab.linux.FileStat;
import dev.pagelab.linux.PageCache;
import dev.pagelab.linux.proc.KPageFlags;
import dev.pagelab.linux.proc.KernelProfile;
import dev.pagelab.linux.proc.ProcMeminfo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The page cache without swap, on the real kernel: cache and evict against an independent count (util-linux
 * fincore, and cachestat), major faults after an eviction, MADV_PAGEOUT on clean and dirty file pages, and
 * copy-on-write of private file pages made visible in pagemap.
 */
class PageCacheTest extends RealKernelTest {
    static final int PAGES = 1024; // 4 MiB
    // The 4 MiB file mappings are made --no-thp: where ext4 has large folios (Linux 6.x+) and THP is "always",
    // khugepaged collapses a PMD-aligned file range in the background, which changes the page cache under a test.
    // Measured on Debian's 7.2 in a guest: 256 of 1024 pages read with MADV_RANDOM were 1024 resident and none
    // mapped 40 s later (khugepaged read the rest into 2 MiB folios and dropped the page tables); with
    // MADV_NOHUGEPAGE they stayed 256. It made three tests here fail now and then.

    @TempDir
    Path tempDir;
    /** A directory on a disk-backed file system: the JUnit temp dir unless that is tmpfs, then target/. */
    Path dir;

    @BeforeEach
    void diskDirectory() throws Exception {
        dir = tempDir;
        if (memoryOnly(dir)) {
            dir = Files.createDirectories(Path.of("target", "pagecache-test").toAbsolutePath());
        }
        assumeTrue(!memoryOnly(dir), dir + " and target/ are both on a memory-only file system: no major faults there");
    }

    static boolean memoryOnly(Path p) throws Exception {
        int fd = FileIo.open(p.toString(), O_RDONLY, 0);
        try {
            return FileStat.fstatfs(fd).memoryOnly();
        } finally {
            FileIo.close(fd);
        }
    }

    /** A new file of random bytes, written through the page cache: its pages are resident and dirty. */
    Path freshFile(String name, int bytes) throws IOException {
        Path p = dir.resolve(name);
        Files.deleteIfExists(p);
        byte[] data = new byte[bytes];
        new Random(bytes).nextBytes(data);
        Files.write(p, data);
        return p;
    }

    CacheReport.FileResidency cache(String word) throws CommandError {
        CacheReport r = (CacheReport) f.run("cache " + word);
        assertThat(r.files()).hasSize(1);
        return r.files().get(0);
    }

    /** util-linux fincore's count of resident pages, or -1 when it is not installed. */
    static long fincore(Path p) throws Exception {
        boolean present = false;
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, "fincore"))) present = true;
        }
        if (!present) return -1;
        Process pr = new ProcessBuilder("fincore", "--bytes", "--noheadings", "--output", "RES", p.toString())
                .redirectErrorStream(true)
                .start();
        String out = new String(pr.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(pr.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(pr.exitValue()).as("fincore: " + out).isZero();
        return Long.parseLong(out) / 4096;
    }

    // ---- major faults after evict ------------------------------------------------------------------------------

    @Test
    void evictThenTouchTakesMajorFaults() throws Exception {
        Path file = freshFile("data", PAGES * 4096);
        f.run("map f 4M --file " + file + " --no-thp");
        StepReport hot = f.step("touch f --read");
        assertThat(hot.sample().majorFaults())
                .as("the page cache is hot after writing the file")
                .isZero();
        assertThat(hot.sample().minorFaults())
                .as("fault-around maps several cached pages per fault")
                .isBetween(1L, (long) PAGES);
        assertThat(hot.present().orElseThrow().after()).isEqualTo(PAGES);
        f.run("unmap f");

        EvictReport e = (EvictReport) f.run("evict " + file);
        assertThat(e.before().resident()).isEqualTo(PAGES);
        if (e.before().cachestat() != null) {
            long dirty = e.dirtyBefore() + e.writebackBefore();
            assertThat(e.synced())
                    .as("fsync exactly when cachestat saw dirty or writeback pages")
                    .isEqualTo(dirty > 0);
            if (e.synced()) assertThat(e.dirtyAfterSync()).isZero();
        }
        assertThat(e.after().resident())
                .as("nothing maps it, fsync made it clean: every page goes")
                .isZero();
        assertThat(e.dropped()).isEqualTo(PAGES);
        assertThat(e.mappedHere()).isEmpty();
        assertThat(cache(file.toString()).resident()).isZero();
        long fin = fincore(file);
        if (fin >= 0) assertThat(fin).as("fincore agrees").isZero();

        f.run("map f 4M --file " + file + " --no-thp");
        StepReport cold = f.step("touch f --read");
        long major = cold.sample().majorFaults(), minor = cold.sample().minorFaults();
        System.out.println("4 MiB read after evict: major " + major + ", minor " + minor);
        assertThat(major).as("pages come from the disk again").isPositive();
        assertThat(major + minor)
                .as("read-ahead and fault-around: one fault maps many pages")
                .isLessThanOrEqualTo(PAGES);
        assertThat(cold.present().orElseThrow().after()).isEqualTo(PAGES);

        CacheReport.FileResidency after = cache(file.toString());
        assertThat(after.resident()).isEqualTo(PAGES);
        if (fin >= 0) assertThat(fincore(file)).isEqualTo(after.resident());
        if (after.cachestat() != null) assertThat(after.cachestat().cached()).isEqualTo(after.resident());
    }

    /**
     * With MADV_RANDOM the kernel reads no page ahead and maps no neighbour: measured here, every access of a
     * cold page is exactly one major fault and only the pages read become resident, which makes a partial
     * residency whose figures are exact.
     */
    @Test
    void randomAdviceReadsOnlyTheTouchedPages() throws Exception {
        Path file = freshFile("random", PAGES * 4096);
        f.run("evict " + file);
        f.run("map f 4M --file " + file + " --no-thp");
        f.run("advise f random");
        StepReport t = f.step("touch f --read --stride 16K");
        assertThat(t.accessesMade()).isEqualTo(256);
        assertThat(t.sample().majorFaults()).as("one major fault per page read").isEqualTo(256);
        assertThat(t.sample().minorFaults()).isZero();

        CacheReport.FileResidency c = cache("f");
        assertThat(c.mapping()).isEqualTo("f");
        assertThat(c.resident()).isEqualTo(256);
        assertThat(c.runs()).hasSize(512);
        assertThat(c.runs().get(0)).isEqualTo(new CacheReport.Run(0, 1, true));
        assertThat(c.runs().get(1)).isEqualTo(new CacheReport.Run(1, 3, false));
        assertThat(c.cellResident()).hasSize(64).containsOnly(4);
        assertThat(c.cellPages()).isEqualTo(16);
        long fin = fincore(file);
        if (fin >= 0) assertThat(fin).as("fincore agrees").isEqualTo(256);
        // a second, independent measurement of the same state, where the kernel has cachestat (6.5)
        if (KernelProfile.current().cachestat()) {
            PageCache.CacheStat cs = PageCache.cachestat(f.session.mapping("f").fd(), 0, 0);
            assertThat(cs.cached()).isEqualTo(256);
        }
    }

    // ---- evict keeps mapped pages ------------------------------------------------------------------------------

    @Test
    void evictKeepsMappedPagesAndSaysWhy() throws Exception {
        Path file = freshFile("mapped", PAGES * 4096);
        f.run("map f 4M --file " + file + " --no-thp");
        f.run("touch f --read");
        EvictReport e = (EvictReport) f.run("evict " + file);
        assertThat(e.after().resident())
                .as("POSIX_FADV_DONTNEED leaves mapped pages")
                .isEqualTo(PAGES);
        assertThat(e.mappedPages()).isEqualTo(PAGES);
        assertThat(e.unexplained()).isZero();
        assertThat(e.mappedHere()).containsExactly(new EvictReport.Holder("f", "f", PAGES));
        assertThat(e.notes()).anyMatch(n -> n.contains("'advise f pageout'") && n.contains("'unmap f'"));

        // now clean: pageout reclaims what f alone maps, and the next touch reads from the disk
        StepReport out = f.step("advise f pageout");
        assertThat(out.present().orElseThrow().after()).isZero();
        assertThat(cache(file.toString()).resident()).isZero();
        assertThat(f.step("touch f --read").sample().majorFaults()).isPositive();
    }

    /** A mapping pagelab did not make (the JVM's own, as for a jar) is found in /proc/self/maps and named. */
    @Test
    void evictNamesTheJvmsOwnMappingsOfTheFile() throws Exception {
        Path file = freshFile("jvm-mapped", 16 * 4096);
        try (var ch = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.READ)) {
            java.nio.MappedByteBuffer buf = ch.map(java.nio.channels.FileChannel.MapMode.READ_ONLY, 0, 16 * 4096);
            buf.load(); // maps the pages in this (the JVM's) mapping
            EvictReport e = (EvictReport) f.run("evict " + file);
            assertThat(e.mappedHere()).hasSize(1);
            assertThat(e.mappedHere().get(0).mapping()).isNull();
            assertThat(e.mappedHere().get(0).label()).isEqualTo("this JVM (" + file + ")");
            assertThat(e.mappedPages()).isPositive().isLessThanOrEqualTo(16);
            assertThat(e.after().resident()).isGreaterThanOrEqualTo(e.mappedPages());
            assertThat(e.notes()).anyMatch(n -> n.contains("the JVM maps this file itself"));
            assertThat(buf.get(0)).isEqualTo(Files.readAllBytes(file)[0]);
        }
    }

    @Test
    void evictByMappingNameUsesItsFile() throws Exception {
        Path file = freshFile("byname", 64 * 4096);
        f.run("map f 64p --file " + file);
        EvictReport e = (EvictReport) f.run("evict f");
        assertThat(e.before().mapping()).isEqualTo("f");
        assertThat(e.before().path()).isEqualTo(file.toString());
        assertThat(e.after().resident()).as("f maps nothing yet").isZero();
    }

    // ---- MADV_PAGEOUT on file pages ----------------------------------------------------------------------------

    /**
     * What pagelab-advise(1) says about pageout, measured: dirty file pages are unmapped but stay cached (reclaim
     * from madvise writes no file page back), so the next touch is all minor faults; once clean they are dropped
     * and the next touch takes major faults; a page another mapping also maps is skipped.
     */
    @Test
    void pageoutDropsCleanFilePagesOnly() throws Exception {
        // The flusher may write the file back at any moment (dirty_expire_centisecs, or the background threshold when
        // other tests wrote much): then the "dirty" half would see clean pages dropped. Pages cannot become dirty
        // again without a write, so dirty == PAGES after the pageout proves they were all dirty during it; when the
        // flusher got there first, the half is run again on a fresh file.
        Path file = null;
        StepReport dirtyOut = null;
        for (int attempt = 1; attempt <= 3 && dirtyOut == null; attempt++) {
            file = freshFile("pageout-" + attempt, PAGES * 4096);
            CacheReport.FileResidency fresh = cache(file.toString());
            assumeTrue(fresh.cachestat() != null, "cachestat (Linux 6.5) is needed to see which pages are dirty");
            if (fresh.cachestat().dirty() != PAGES) continue;
            f.run("map f 4M --file " + file + " --no-thp");
            f.run("touch f --read");
            StepReport out = f.step("advise f pageout");
            if (cache(file.toString()).cachestat().dirty() == PAGES) {
                dirtyOut = out;
            } else {
                f.run("unmap f");
            }
        }
        assumeTrue(dirtyOut != null, "the flusher wrote the file back during each of 3 attempts");
        // dirty or not, unmapped; a page still in another CPU's LRU batch cannot be isolated and stays (measured:
        // 2 of 1024 once on 6.12 in a 2-CPU guest), which the report says
        long stayed = dirtyOut.present().orElseThrow().after();
        assertThat(stayed).as("unmapped all the same, but for a batch").isLessThanOrEqualTo(PAGES / 16);
        if (stayed > 0) assertThat(dirtyOut.notes()).anyMatch(n -> n.contains("stayed mapped"));
        CacheReport.FileResidency stillCached = cache(file.toString());
        assertThat(stillCached.resident())
                .as("dirty pages stay in the page cache")
                .isEqualTo(PAGES);
        StepReport again = f.step("touch f --read");
        System.out.println("touch after pageout of dirty pages: minor "
                + again.sample().minorFaults() + ", major " + again.sample().majorFaults());
        assertThat(again.sample().majorFaults()).isZero();
        assertThat(again.sample().minorFaults()).isPositive();

        f.run("evict f"); // fsync: now clean, still mapped
        f.run("map g 4M --file " + file + " --no-thp");
        f.run("touch g --read");
        StepReport shared = f.step("advise f pageout");
        assertThat(shared.present().orElseThrow().after())
                .as("pages g maps too are skipped")
                .isEqualTo(PAGES);
        assertThat(cache(file.toString()).resident()).isEqualTo(PAGES);
        f.run("unmap g");
        // g's touch may have left pages in the per-CPU LRU batches of the other CPU, where MADV_PAGEOUT (which
        // drains only its own CPU's) cannot isolate them; POSIX_FADV_DONTNEED, which evict calls, drains every CPU's
        // when mapped pages resist it. That makes the skip rare; when it happens anyway the figures must agree.
        f.run("evict f");
        StepReport clean = f.step("advise f pageout");
        long kept = clean.present().orElseThrow().after();
        assertThat(kept).as("clean pages are dropped, but for a batch").isLessThanOrEqualTo(PAGES / 16);
        if (kept > 0) assertThat(clean.notes()).anyMatch(n -> n.contains("stayed mapped"));
        CacheReport.FileResidency gone = cache(file.toString());
        assertThat(gone.resident())
                .as("clean pages mapped only by f are dropped")
                .isEqualTo(kept);
        if (gone.cachestat() != null) assertThat(gone.cachestat().evicted()).isEqualTo(PAGES - kept);
        StepReport cold = f.step("touch f --read");
        assertThat(cold.sample().majorFaults()).isPositive();
    }

    // ---- copy-on-write --------------------------------------------------------------------------------------------

    @Test
    void privateWriteCopiesFilePagesSharedWriteKeepsThem() throws Exception {
        Path file = freshFile("cow", 16 * 4096);
        f.run("map p 64K --file " + file);
        f.run("touch p --read");
        PagemapReport read = f.pagemap("inspect-pagemap p --pages");
        assertThat(read.totals().file()).isEqualTo(16);
        List<Long> cachePfns = pfns(read);

        StepReport write = f.step("touch p --write");
        assertThat(write.sample().minorFaults())
                .as("one copy-on-write fault per page")
                .isEqualTo(16);
        assertThat(write.notes())
                .contains("16 file pages copied on write to anonymous pages (CoW); the file and its "
                        + "page cache are unchanged");
        PagemapReport copied = f.pagemap("inspect-pagemap p --pages");
        assertThat(copied.totals().file()).as("the file bit is gone").isZero();
        assertThat(copied.totals().exclusive()).isEqualTo(16);
        // (kernels with CONFIG_MEM_SOFT_DIRTY also mark the written copies soft-dirty)
        assertThat(copied.runs())
                .allSatisfy(r -> assertThat(r.state())
                        .filteredOn(x -> !x.equals("soft-dirty"))
                        .containsExactly("present", "exclusive"));

        f.run("map s 64K --file " + file + " --shared");
        f.run("touch s --read");
        List<Long> sharedRead = pfns(f.pagemap("inspect-pagemap s --pages"));
        StepReport sharedWrite = f.step("touch s --write");
        assertThat(sharedWrite.notes()).noneMatch(n -> n.contains("CoW"));
        PagemapReport written = f.pagemap("inspect-pagemap s --pages");
        assertThat(written.totals().file())
                .as("a shared write keeps the page-cache page")
                .isEqualTo(16);
        if (KPageFlags.availability().isEmpty()) {
            List<Long> privatePfns = pfns(copied);
            System.out.println("CoW PFNs: page cache " + hex(cachePfns) + " -> private copies " + hex(privatePfns)
                    + "; shared mapping " + hex(sharedRead) + " -> after write " + hex(pfns(written)));
            assertThat(cachePfns).doesNotContain(0L);
            assertThat(privatePfns).doesNotContainAnyElementsOf(cachePfns).doesNotHaveDuplicates();
            assertThat(sharedRead)
                    .as("the shared mapping maps the same page-cache pages")
                    .isEqualTo(cachePfns);
            assertThat(pfns(written)).as("and writes them in place").isEqualTo(cachePfns);
        }
    }

    @Test
    void zeroPageCopiesAreNamedToo() throws Exception {
        f.run("map z 16p --no-thp");
        f.run("touch z --read");
        if (KernelProfile.current().zeroPage() == KernelProfile.ZeroPage.SHARED) {
            assertThat(f.step("touch z").notes())
                    .contains("16 zero-page mappings replaced on write by private pages (CoW of the shared zero page)");
        } else {
            // no zero page to copy: the read allocated the pages, and the write says why it took no fault
            StepReport w = f.step("touch z");
            assertThat(w.sample().minorFaults()).isZero();
            assertThat(w.notes()).anyMatch(n -> n.startsWith("pages read before are private already"));
        }
        assertThat(f.step("touch z").notes()).noneMatch(n -> n.contains("CoW"));
    }

    static List<Long> pfns(PagemapReport r) {
        List<Long> out = new ArrayList<>();
        for (PagemapReport.Run run : r.runs()) out.add(run.firstPfn());
        return out;
    }

    static String hex(List<Long> pfns) {
        return pfns.stream().map(Long::toHexString).toList().toString();
    }

    // ---- what cache and evict refuse -----------------------------------------------------------------------------

    @Test
    void tmpfsCannotBeEvictedWithoutSwap() throws Exception {
        assumeTrue(ProcMeminfo.swapTotalBytes() == 0, "this machine has swap");
        f.run("map mf 16p --memfd");
        f.run("touch mf");
        CommandError e = f.error("evict mf");
        assertThat(e.line())
                .contains("tmpfs pages have no backing store other than swap; this machine has no swap")
                .contains("memfd")
                .contains("'advise mf remove'");
        CacheReport.FileResidency c = cache("mf");
        assertThat(c.resident()).isEqualTo(16);
        assertThat(c.fsType()).isEqualTo("tmpfs");
        Path shm = Path.of("/dev/shm");
        if (Files.isDirectory(shm) && memoryOnly(shm)) {
            Path p = Files.createTempFile(shm, "pagelab-test", "");
            try {
                Files.write(p, new byte[8192]);
                assertThat(f.error("evict " + p).line()).contains("tmpfs pages have no backing store other than swap");
                assertThat(cache(p.toString()).resident()).isEqualTo(2);
            } finally {
                Files.delete(p);
            }
        }
    }

    @Test
    void badTargetsAreOneLineEach() throws Exception {
        assertThat(f.error("cache " + dir.resolve("missing")).line())
                .contains("ENOENT")
                .contains("check the path");
        assertThat(f.error("cache").line()).contains("cache needs a file");
        assertThat(f.error("evict").line()).contains("evict needs a file");
        assertThat(f.error("evict " + dir).line()).contains("is a directory").contains("evict takes one file");
        assertThat(f.error("cache /dev/null").line()).contains("is a character device");
        assertThat(f.error("cache /proc/self/status").line())
                .contains("is on proc")
                .contains("generated when read");
        Path fifo = dir.resolve("fifo");
        Process mk = new ProcessBuilder("mkfifo", fifo.toString()).start();
        if (mk.waitFor() == 0) {
            assertThat(f.error("cache " + fifo).line()).contains("is a FIFO");
            assertThat(f.error("evict " + fifo).line()).contains("is a FIFO");
        }
        f.run("map a 4K");
        assertThat(f.error("cache a").line())
                .contains("a: is anonymous memory (anon private)")
                .contains("--file or --memfd");
        assertThat(f.error("evict a").line()).contains("is anonymous memory");
        Path file = freshFile("ranged", 8192);
        f.run("map r 8K --file " + file);
        CommandError range = f.error("cache r[0:4K]");
        assertThat(range.line()).contains("whole file").contains("'cache r'");
        assertThat(range.wordIndex()).isEqualTo(1);
        assertThat(f.error("evict " + file + " " + file).line()).contains("unexpected");
        assertThat(f.error("cache zz").line())
                .as("a word that is neither a file nor a mapping")
                .contains("ENOENT")
                .contains("nor is it a mapping (mappings: a, r)");
        assertThat(FileTarget.pathHint(f.session, "/x", dev.pagelab.linux.Errno.EACCES))
                .startsWith("no permission as uid ");
        f.run("map ok 16p"); // the session carries on
        assertThat(f.step("touch ok").sample().minorFaults()).isEqualTo(16);
    }

    @Test
    void emptySparseAndDirectories() throws Exception {
        Path sub = Files.createDirectories(dir.resolve("tree"));
        Path empty = Files.createFile(sub.resolve("a-empty"));
        CacheReport.FileResidency e = cache(empty.toString());
        assertThat(e.pages()).isZero();
        assertThat(e.resident()).isZero();
        assertThat(e.cellResident()).isEmpty();
        assertThat(e.percent()).isEqualTo(-1);

        Path sparse = sub.resolve("b-sparse");
        try (var raf = new java.io.RandomAccessFile(sparse.toFile(), "rw")) {
            raf.setLength(1L << 40); // 1 TiB, no block allocated
        }
        long t0 = System.nanoTime();
        CacheReport.FileResidency s = cache(sparse.toString());
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("cache of a 1 TiB sparse file: " + ms + " ms, mincore asked " + s.mincorePages() + " pages");
        assertThat(s.pages()).isEqualTo(1L << 28);
        assertThat(s.resident()).isZero();
        assertThat(s.allocated()).isLessThan(1L << 20);
        assertThat(s.runs()).containsExactly(new CacheReport.Run(0, 1L << 28, false));
        assertThat(s.cellResident()).hasSize(64);
        assertThat(s.cellPages()).isEqualTo((1L << 28) / 64);
        if (s.cachestat() != null)
            assertThat(s.mincorePages())
                    .as("cachestat let empty chunks be skipped")
                    .isZero();

        Path data = Files.write(sub.resolve("c-data"), new byte[3 * 4096 + 1]);
        Files.createDirectories(sub.resolve("d-subdir"));
        CacheReport all = (CacheReport) f.run("cache " + sub);
        assertThat(all.files())
                .extracting(CacheReport.FileResidency::label)
                .containsExactly(empty.toString(), sparse.toString(), data.toString());
        assertThat(all.files().get(2).pages()).isEqualTo(4);
        assertThat(all.files().get(2).resident()).isEqualTo(4);
        assertThat(all.notes()).anyMatch(n -> n.contains("1 entry") && n.contains("d-subdir (directory)"));
        assertThat(all.totalResident()).isEqualTo(4);
        Path none = Files.createDirectories(dir.resolve("nothing"));
        assertThat(f.error("cache " + none).line()).contains("holds no regular file");
    }

    @Test
    void completionOffersFilesAndFileMappings() throws Exception {
        Path sub = Files.createDirectories(dir.resolve("comp"));
        Files.write(sub.resolve("alpha"), new byte[1]);
        Files.write(sub.resolve(".hidden"), new byte[1]);
        Files.createDirectories(sub.resolve("beta"));
        f.run("map anon 4K");
        f.run("map fm 4K --file " + sub.resolve("alpha"));
        Command cache = f.registry.lookup("cache");
        List<String> c = cache.complete(f.session, List.of(), 1, sub + "/");
        assertThat(c).contains("fm", sub + "/alpha", sub + "/beta/").doesNotContain("anon", sub + "/.hidden");
        assertThat(cache.complete(f.session, List.of(), 1, sub + "/al"))
                .contains(sub + "/alpha")
                .doesNotContain(sub + "/beta/");
        assertThat(cache.complete(f.session, List.of(), 1, sub + "/.")).contains(sub + "/.hidden");
        assertThat(f.registry.lookup("evict").complete(f.session, List.of(), 1, sub + "/b"))
                .contains(sub + "/beta/");
        assertThat(f.registry.lookup("evict").complete(f.session, List.of("x"), 2, ""))
                .isEmpty();
    }
}
