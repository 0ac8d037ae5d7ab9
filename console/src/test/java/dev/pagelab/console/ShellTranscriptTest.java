package dev.pagelab.console;

import static dev.pagelab.linux.LinuxConstants.O_RDONLY;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pagelab.linux.FileIo;
import dev.pagelab.linux.FileStat;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Lines in, exact text out: the console's engine driven through in-memory streams, as jshell's tests do. */
class ShellTranscriptTest extends ConsoleSessionTest {
    static Shell jsonShell;
    static StringWriter jsonBuffer;

    /** Runs after ConsoleSessionTest's: a second shell on the same session, writing JSON. */
    @BeforeAll
    static void startJsonShell() {
        jsonBuffer = new StringWriter();
        jsonShell = new Shell(session, new PrintWriter(jsonBuffer), true, false, () -> 80);
    }

    @BeforeEach
    void clear() {
        buffer.getBuffer().setLength(0);
        jsonBuffer.getBuffer().setLength(0);
        for (String n : session.names()) shell.execute("unmap " + n);
        buffer.getBuffer().setLength(0);
    }

    List<String> lines() {
        return buffer.toString().lines().toList();
    }

    @Test
    void stepReportShowsFaultsPresentAndRss() {
        assertThat(shell.execute("map 64p --no-thp")).isTrue();
        assertThat(lines().get(0)).startsWith("map m1: mmap 256K (64p) anon private rw at 0x");
        buffer.getBuffer().setLength(0);
        assertThat(shell.execute("touch m1")).isTrue();
        List<String> l = lines();
        assertThat(l.get(0)).isEqualTo("touch m1: write, seq, 64 accesses");
        assertThat(l.get(1)).startsWith("  faults   minor 64  major 0  (1.00 per page)   in ");
        assertThat(l.get(2)).startsWith("  present  0 \u2192 64 pages   process rss ");
        assertThat(buffer.toString())
                .as("system-wide context is for verbose feedback")
                .doesNotContain("vmstat");
    }

    /** kernel: every fact on a line of its own with its meaning under it, all within the terminal's 80 columns. */
    @Test
    void kernelShowsEachFactWithWhatItChanges() {
        assertThat(shell.execute("kernel")).isTrue();
        List<String> l = lines();
        assertThat(l.get(0)).startsWith("kernel " + dev.pagelab.linux.proc.Machine.kernelRelease() + "  (probed in ");
        assertThat(l)
                .contains(
                        "pages",
                        "pagemap",
                        "madvise",
                        "transparent huge pages",
                        "hugetlb",
                        "swap and reclaim",
                        "tracking",
                        "this process",
                        "machine");
        assertThat(l)
                .anyMatch(x -> x.matches("[ \u2260-] page size +"
                        + dev.pagelab.commands.Sizes.format(dev.pagelab.linux.proc.Pagemap.PAGE_SIZE)));
        assertThat(l).anyMatch(x -> x.matches("[ \u2260-] zero page +(shared|none: reads allocate|unknown).*"));
        for (int i = 0; i < l.size(); i++)
            assertThat(l.get(i).length()).as(l.get(i)).isLessThanOrEqualTo(80);
        for (int i = l.indexOf("pages"); i < l.size(); i++) { // after the header, which wraps at 80 columns
            // a fact line (mark, label, value) is followed by its meaning, indented by four
            if (l.get(i).matches("[ \u2260-] \\S.*"))
                assertThat(l).element(i + 1).asString().startsWith("    ");
        }
    }

    static String sysChoice(String path) throws Exception {
        String s = java.nio.file.Files.readString(java.nio.file.Path.of(path));
        return s.substring(s.indexOf('[') + 1, s.indexOf(']'));
    }

    @Test
    void verboseAddsTheSystemWideContextInAFewLinesAt80Columns() throws Exception {
        shell.execute("map v 4096p --no-thp");
        shell.execute("set feedback verbose");
        buffer.getBuffer().setLength(0);
        try {
            assertThat(shell.execute("touch v")).isTrue();
        } finally {
            shell.execute("set feedback normal");
        }
        List<String> l = lines().subList(0, lines().size() - 1); // the last line is set's own
        String out = String.join("\n", l);
        assertThat(l.get(1)).as("the step's own faults stay exact").startsWith("  faults   minor 4096  major 0 ");
        assertThat(out).contains("  system-wide, all processes (/proc/vmstat, /proc/meminfo around the step):");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^  vmstat   pgfault \\+(\\d+)")
                .matcher(out);
        assertThat(m.find()).as(out).isTrue();
        assertThat(Long.parseLong(m.group(1))).as("system-wide pgfault").isGreaterThanOrEqualTo(4096);
        assertThat(out).containsPattern("(?m)^  meminfo  ");
        String thp = sysChoice("/sys/kernel/mm/transparent_hugepage/enabled");
        assertThat(out)
                .containsPattern("(?m)^  settings THP enabled=" + java.util.regex.Pattern.quote(thp) + " defrag=");
        assertThat(l).allSatisfy(x -> assertThat(x.length()).as(x).isLessThanOrEqualTo(80));
    }

    @Test
    void timingShowsRowsModesAndALegendWithin80Columns() {
        shell.execute("map tt 1024p --no-thp");
        buffer.getBuffer().setLength(0);
        assertThat(shell.execute("touch tt --timing")).isTrue();
        List<String> l = lines();
        assertThat(l.get(1)).startsWith("  faults   minor 1024  major 0 ");
        assertThat(l).anyMatch(x -> x.startsWith("  latency  min "));
        assertThat(l).contains("  modes    1024 faults: every access faulted");
        assertThat(l).anyMatch(x -> x.matches("  A  \\S.* faults"));
        long rows = l.stream().filter(x -> x.startsWith("  \u2265")).count();
        assertThat(rows).isBetween(1L, 16L);
        assertThat(l).anyMatch(x -> x.contains("\u2588")).anyMatch(x -> x.contains("bars: "));
        assertThat(l).allSatisfy(x -> assertThat(x.length()).as(x).isLessThanOrEqualTo(80));
        buffer.getBuffer().setLength(0);
        shell.execute("touch tt --timing");
        assertThat(lines())
                .contains("  modes    no fault in this step: every access was to a resident page")
                .anyMatch(x -> x.matches("  A  \\S.* resident"));
    }

    @Test
    void jsonCarriesTheMovedCountersTheBucketsAndTheModes() {
        jsonShell.execute("map jt 64p --no-thp; touch jt --timing");
        String touch = jsonBuffer.toString().lines().reduce((a, b) -> b).orElseThrow();
        assertThat(touch)
                .contains("\"minor_faults\":64,")
                .contains("\"system\":{\"scope\":\"system-wide")
                .contains("\"vmstat_delta\":{\"pgfault\":")
                .contains("\"settings_line\":\"THP enabled=")
                .contains("\"buckets\":[{\"lower_ns\":")
                .contains("\"modes\":[{\"from_ns\":")
                .contains("\"fault_attribution\":\"by rank: the slowest 64 accesses")
                .contains("\"timer\":{");
        java.util.regex.Matcher vm = java.util.regex.Pattern.compile("\"vmstat_delta\":\\{([^}]*)\\}")
                .matcher(touch);
        assertThat(vm.find()).isTrue();
        for (String kv : vm.group(1).split(","))
            assertThat(kv).as("only counters that moved").doesNotEndWith(":0");
    }

    @Test
    void asciiHistogramBarsAreHashes() {
        Shell plain = new Shell(session, new PrintWriter(buffer), false, false, () -> 80);
        plain.unicode(false);
        plain.execute("map a9 256p --no-thp; touch a9 --timing");
        assertThat(buffer.toString())
                .matches("\\p{ASCII}*")
                .contains(" ##")
                .contains("  >=")
                .contains("  modes    ");
    }

    @Test
    void feedbackModes() {
        shell.execute("map 16p --no-thp");
        shell.execute("set feedback concise");
        buffer.getBuffer().setLength(0);
        shell.execute("touch m1");
        assertThat(lines()).hasSize(1);
        assertThat(lines().get(0)).startsWith("touch m1: minor 16, major 0, present 0\u219216, process rss ");
        shell.execute("set feedback silent");
        buffer.getBuffer().setLength(0);
        shell.execute("touch m1");
        assertThat(buffer.toString()).isEmpty();
        shell.execute("set feedback verbose");
        buffer.getBuffer().setLength(0);
        shell.execute("touch m1");
        assertThat(buffer.toString()).contains("  process  minor ").contains("for contrast");
        shell.execute("set feedback normal");
    }

    @Test
    void errorsAreOneLineWithACaretAndTheSessionSurvives() {
        shell.execute("map 16p");
        buffer.getBuffer().setLength(0);
        assertThat(shell.execute("touch m1 --order sideways")).isFalse();
        assertThat(lines())
                .containsExactly(
                        "  touch m1 --order sideways",
                        "                   ^^^^^^^^",
                        "touch: 'sideways' is not an order \u2014 use seq, reverse or random");
        buffer.getBuffer().setLength(0);
        shell.execute("protect m1 r");
        buffer.getBuffer().setLength(0);
        assertThat(shell.execute("touch m1")).isFalse();
        // one message, cut at words to the width: what continues it is indented
        assertThat(lines().get(0)).startsWith("touch: m1: m1[0:64K] is read-only (r--p): a write would be SIGSEGV");
        assertThat(lines().subList(1, lines().size())).allMatch(x -> x.startsWith("  ") && x.length() <= 80);
        assertThat(shell.execute("touch m1 --read")).isTrue();
        assertThat(shell.history()).contains("touch m1 --order sideways", "touch m1 --read");
    }

    @Test
    void kernelErrorsNameTheErrnoAndAHint() {
        assertThat(shell.execute("map 16p")).isTrue();
        buffer.getBuffer().setLength(0);
        assertThat(shell.execute("advise m1 guard_install; advise m1 populate_write"))
                .isFalse();
        String last = String.join(
                " ",
                lines().subList(
                                lines().indexOf(lines().stream()
                                        .filter(x -> x.startsWith("advise: m1: EFAULT"))
                                        .findFirst()
                                        .orElseThrow()),
                                lines().size()));
        assertThat(last)
                .startsWith("advise: m1: EFAULT (Bad address) from madvise(0x")
                .contains("MADV_POPULATE_WRITE")
                .contains(" \u2014 ");
    }

    @Test
    void jsonHasOneObjectPerStep() {
        jsonShell.execute("map j 8p --no-thp; touch j; bogus");
        List<String> l = jsonBuffer.toString().lines().toList();
        assertThat(l).hasSize(3);
        assertThat(l.get(1))
                .startsWith("{\"command\":\"touch j\",\"ok\":true,\"verb\":\"touch\"")
                .contains("\"minor_faults\":8,")
                .contains("\"major_faults\":0,")
                .contains("\"present_before\":0,")
                .contains("\"present_after\":8,")
                .contains("\"rss_delta_bytes\":")
                .contains("\"elapsed_ns\":");
        assertThat(l.get(2)).contains("\"ok\":false").contains("\"error\":\"unknown command 'bogus'");
    }

    @Test
    void helpListsEveryCommandWithItsSummary() {
        shell.execute("help");
        String out = buffer.toString();
        for (String name : shell.registry().names()) assertThat(out).contains("  " + name + " ");
        assertThat(out).doesNotContain("(no manual page)");
        buffer.getBuffer().setLength(0);
        shell.execute("help touch");
        assertThat(buffer.toString()).contains("SYNOPSIS").contains("--stride");
    }

    @Test
    void listAndMaps() {
        shell.execute("map buf 1M --populate --no-thp");
        buffer.getBuffer().setLength(0);
        shell.execute("list");
        assertThat(lines().get(1))
                .startsWith("buf ")
                .contains("anon private")
                .contains("rw-")
                .contains("256p");
        buffer.getBuffer().setLength(0);
        shell.execute("maps buf");
        // The kernel may merge buf with an adjacent VMA of the same flags (shown as "buf+"): then the figures are
        // the merged VMA's, at least buf's own 1024 kB.
        assertThat(buffer.toString()).containsPattern("(?m)^buf\\+? ").contains("VmFlags");
        java.util.regex.Matcher rss =
                java.util.regex.Pattern.compile("(?m)^  Rss +(\\d+) kB").matcher(buffer.toString());
        assertThat(rss.find()).isTrue();
        assertThat(Long.parseLong(rss.group(1))).isGreaterThanOrEqualTo(1024);
    }

    @Test
    void argumentCompletion() throws Exception {
        shell.execute("map buf 64p");
        var reg = shell.registry();
        assertThat(reg.lookup("advise").complete(session, List.of("buf"), 2))
                .contains("dontneed", "free", "populate_write", "collapse", "guard_install");
        assertThat(reg.lookup("touch").complete(session, List.of("buf", "--order"), 3, ""))
                .containsExactly("seq", "reverse", "random");
        assertThat(reg.lookup("touch").complete(session, List.of(), 1))
                .contains("buf", "buf[0:4K]", "--timing", "--stride");
        assertThat(reg.lookup("map").complete(session, List.of("4M", "--prot"), 3, ""))
                .containsExactly("r", "rw", "rx", "none");
        assertThat(reg.lookup("inspect-pagemap").complete(session, List.of("buf", "--method"), 3, ""))
                .containsExactly("scan", "pread");
        assertThat(reg.lookup("map").complete(session, List.of("f", "4M", "--file"), 4, "/etc/host"))
                .isNotEmpty()
                .allMatch(c -> c.startsWith("/etc/host"));
        assertThat(reg.lookup("map").complete(session, List.of(), 1)).contains("--hugetlb=1G", "--populate", "--thp");
        assertThat(reg.lookup("set").complete(session, List.of("feedback"), 2)).contains("verbose", "concise");
        assertThat(reg.lookup("help").complete(session, List.of(), 1)).contains("inspect-pagemap", "pagelab");
        assertThat(reg.lookup("lockall").complete(session, List.of("current"), 2))
                .doesNotContain("current")
                .contains("future");
        assertThat(reg.lookup("cache").complete(session, List.of(), 1, "/pro")).contains("/proc/");
        assertThat(reg.lookup("evict").complete(session, List.of(), 1, "/etc/host"))
                .allMatch(c -> c.startsWith("/etc/host"));
    }

    @Test
    void mapsAllLabelsOursAmongTheJvms() {
        shell.execute("map mine 16p");
        buffer.getBuffer().setLength(0);
        shell.execute("maps --all");
        List<String> l = lines();
        assertThat(l.size()).isGreaterThan(20);
        assertThat(l).anyMatch(x -> x.startsWith("mine "));
        assertThat(l).anyMatch(x -> x.contains("[stack]") || x.contains("libjvm.so"));
    }

    @Test
    void jsonKernelErrorsCarryErrnoAndHint() {
        jsonShell.execute("map k 16p --shared; advise k free");
        String last = jsonBuffer.toString().lines().reduce((a, b) -> b).orElseThrow();
        assertThat(last)
                .contains("\"ok\":false")
                .contains("\"errno\":\"EINVAL\"")
                .contains("\"errno_meaning\":\"Invalid argument\"")
                .contains("\"hint\":\"MADV_FREE works only");
    }

    @Test
    void helpFitsANarrowTerminal() {
        Shell narrow = new Shell(session, new PrintWriter(buffer), false, false, () -> 40);
        narrow.execute("help touch");
        for (String line : lines()) {
            if (line.length() > 40) assertThat(line.trim()).doesNotContain(" ");
        }
    }

    @Test
    void asciiStandsInWhenTheLocaleIsNotUtf8() {
        Shell plain = new Shell(session, new PrintWriter(buffer), false, false, () -> 80);
        plain.unicode(false);
        plain.execute("map a8 16p --no-thp; touch a8");
        assertThat(buffer.toString()).contains("present  0 -> 16 pages").matches("\\p{ASCII}*");
    }

    /** In ASCII the text is transliterated but JSON is escaped: the same string value, in ASCII bytes. */
    @Test
    void asciiJsonEscapesTheGlyphsItDoesNotTransliterate() {
        StringWriter text = new StringWriter(), json = new StringWriter();
        Shell plain = new Shell(session, new PrintWriter(text), false, false, () -> 80);
        Shell asJson = new Shell(session, new PrintWriter(json), true, false, () -> 80);
        plain.unicode(false);
        asJson.unicode(false);
        plain.execute("map a7 16p --no-thp; touch a7[1M:4K]");
        asJson.execute("touch a7[1M:4K]");
        assertThat(text.toString())
                .contains("offset 1M is outside a7 (64K) - offsets")
                .matches("\\p{ASCII}*");
        assertThat(json.toString())
                .contains("offset 1M is outside a7 (64K) \\u2014 offsets")
                .matches("\\p{ASCII}*");
        plain.execute("unmap a7");
    }

    @Test
    void viewDrawsOneCellPerPageWithALegendThatCounts() {
        shell.execute("map v 64p --no-thp; touch v[0:16p]; touch v[32p:8p] --read");
        buffer.getBuffer().setLength(0);
        assertThat(shell.execute("view v")).isTrue();
        List<String> l = lines();
        assertThat(l.get(0)).startsWith("view v: 64 pages (256K) at 0x").endsWith(", 1 cell = 1 page (4K)");
        assertThat(l.get(1)).isEqualTo("     0 " + "P".repeat(16) + ".".repeat(16) + "Z".repeat(8) + ".".repeat(24));
        assertThat(l.get(2)).isEqualTo("  . not present 40   P present 16   Z shared zero page 8");
        assertThat(l.get(3)).startsWith("  read with PAGEMAP_SCAN in ");
    }

    @Test
    void groupCellsScaleToAPowerOfTwoAndLowerCaseMeansPartlyPresent() {
        shell.execute("map g 64M --no-thp; touch g[0:4M]; touch g[32M:4M] --stride 64K");
        buffer.getBuffer().setLength(0);
        shell.execute("view g");
        List<String> l = lines();
        // 16384 pages in at most 16 rows of 64 cells: 16 pages (64K) a cell, 16 rows of 4M
        assertThat(l.get(0)).endsWith("1 cell = 16 pages (64K)");
        assertThat(l.subList(1, 17)).hasSize(16);
        assertThat(l.get(1)).isEqualTo("     0 " + "P".repeat(64));
        assertThat(l.get(2)).isEqualTo("    4M " + ".".repeat(64));
        assertThat(l.get(9)).isEqualTo("   32M " + "p".repeat(64));
        assertThat(l.get(17)).isEqualTo("  . not present 15296   P present 1088");
    }

    @Test
    void watchRedrawsUnderEveryStepUntilUnwatched() {
        shell.execute("map w1 64p --no-thp");
        buffer.getBuffer().setLength(0);
        shell.execute("watch w1");
        assertThat(lines().get(0)).isEqualTo("watching w1: redrawn after every step; 'unwatch' stops");
        assertThat(lines().get(1)).isEqualTo("watch w1: 64 pages (256K), 1 cell = 1 page (4K)");
        buffer.getBuffer().setLength(0);
        shell.execute("touch w1[0:8p]");
        List<String> l = lines();
        assertThat(l.get(0)).startsWith("touch w1[0:8p]: write");
        assertThat(l).contains("     0 " + "P".repeat(8) + ".".repeat(56), "  . not present 56   P present 8");
        // one word for that state, as view and inspect-pagemap say it
        assertThat(l).noneMatch(x -> x.contains("absent"));
        buffer.getBuffer().setLength(0);
        shell.execute("advise w1[0:4p] dontneed");
        assertThat(lines()).contains("     0 " + ".".repeat(4) + "P".repeat(4) + ".".repeat(56));
        buffer.getBuffer().setLength(0);
        shell.execute("watch");
        assertThat(lines().get(0)).isEqualTo("watching w1");
        shell.execute("unwatch w1");
        buffer.getBuffer().setLength(0);
        shell.execute("touch w1");
        assertThat(buffer.toString()).doesNotContain("watch w1");
        assertThat(shell.execute("unwatch w1")).isFalse();
        assertThat(lines().get(lines().size() - 1)).contains("'w1' is not watched");
        shell.execute("watch w1");
        shell.execute("unmap w1");
        assertThat(buffer.toString()).contains("watch: w1 can no longer be drawn");
        buffer.getBuffer().setLength(0);
        shell.execute("watch");
        assertThat(lines()).anyMatch(x -> x.startsWith("nothing is watched"));
    }

    @Test
    void watchFitsAnEightyByTwentyFourScreenUnderAStepReport() {
        shell.execute("map big1 1G --noreserve --no-thp");
        shell.execute("watch big1");
        buffer.getBuffer().setLength(0);
        shell.execute("touch big1[0:64M]");
        List<String> l = lines();
        assertThat(l.size())
                .as("step report + picture + prompt fit in 24 lines")
                .isLessThanOrEqualTo(23);
        assertThat(l).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(80));
        shell.execute("unwatch");
    }

    @Test
    void clearRefsAndWrittenPagesInJson() {
        jsonShell.execute("map j 16p --no-thp");
        jsonShell.execute("clear-refs soft-dirty j");
        jsonShell.execute("touch j[0:2p]");
        jsonBuffer.getBuffer().setLength(0);
        jsonShell.execute("view j");
        assertThat(jsonBuffer.toString())
                .contains("\"verb\":\"view\"")
                .contains("\"written\":2")
                .contains("\"written_tracking\":");
        jsonShell.execute("unmap j");
    }

    /** A 64-page file on a disk file system (evict refuses tmpfs), written now: resident and dirty. */
    static Path diskFile(Path dir, String name) throws Exception {
        int fd = FileIo.open(dir.toString(), O_RDONLY, 0);
        boolean memory;
        try {
            memory = FileStat.fstatfs(fd).memoryOnly();
        } finally {
            FileIo.close(fd);
        }
        Assumptions.assumeTrue(!memory, dir + " is on tmpfs: evict would refuse it");
        Path file = dir.resolve(name);
        Files.write(file, new byte[64 * 4096]);
        return file;
    }

    @Test
    void cacheAndEvictAt80Columns(@TempDir Path dir) throws Exception {
        Path file = diskFile(dir, "data");
        assertThat(shell.execute("cache " + file)).isTrue();
        List<String> l = lines();
        assertThat(l).hasSize(4);
        assertThat(l.get(0))
                .matches("cache " + java.util.regex.Pattern.quote(file.toString()) + " \\(\\S+, 256\\.0 KiB\\)");
        assertThat(l.get(1)).startsWith("  resident 64 of 64 pages (100%)");
        assertThat(l.get(2)).isEqualTo("  |" + "\u2588".repeat(64) + "| 1 page/cell");
        assertThat(l.get(3)).isEqualTo("  runs     [0:256K]");
        buffer.getBuffer().setLength(0);
        assertThat(shell.execute("evict " + file)).isTrue();
        // the head line, longer than 80 columns with the temporary path, continues on a line of its own
        assertThat(lines().get(0)).startsWith("evict " + file);
        assertThat(lines().get(1)).endsWith("posix_fadvise(POSIX_FADV_DONTNEED)");
        assertThat(lines().get(2)).startsWith("  fsync    ");
        assertThat(lines().get(3)).startsWith("  resident 64 \u2192 0 pages (64 dropped, 256.0 KiB)   in ");
        assertThat(lines()).hasSize(4);
        buffer.getBuffer().setLength(0);
        shell.execute("cache " + file);
        assertThat(lines().get(2)).isEqualTo("  |" + "\u00b7".repeat(64) + "| 1 page/cell");
        assertThat(lines().get(3)).isEqualTo("  runs     none resident");
        for (String line : buffer.toString().lines().toList()) {
            assertThat(line.length()).as(line).isLessThanOrEqualTo(80);
        }
    }

    @Test
    void cacheStripMergesCellsOnANarrowTerminalAndFallsBackToAscii(@TempDir Path dir) throws Exception {
        Path file = diskFile(dir, "narrow");
        Files.write(file, new byte[1024 * 4096]);
        Shell narrow = new Shell(session, new PrintWriter(buffer), false, false, () -> 40);
        narrow.unicode(false);
        narrow.execute("map n 4M --file " + file + "; evict n; advise n random; touch n[0:2M] --read; cache n");
        List<String> l = lines();
        // the head line names the file's long temporary path: at 40 columns it takes lines of its own
        int at = l.indexOf(l.stream()
                        .filter(x -> x.startsWith("  resident 512 of 1024"))
                        .findFirst()
                        .orElseThrow())
                - 1;
        assertThat(l.get(at + 1)).isEqualTo("  resident 512 of 1024 pages (50.0%)");
        assertThat(l.get(at + 2))
                .as("cachestat's figures wrap to a line of their own")
                .startsWith("           dirty ");
        // 64 cells of 64K merged by threes into 22: 10 full, one half full (2 full cells + 1 empty), 11 empty
        assertThat(l.get(at + 3)).isEqualTo("  |" + "#".repeat(10) + "+" + ".".repeat(11) + "| 192K/cell");
        assertThat(l.get(at + 4)).isEqualTo("  runs     [0:2M]");
        assertThat(buffer.toString()).matches("\\p{ASCII}*");
        for (String line : l.subList(at + 1, at + 5)) assertThat(line.length()).isLessThanOrEqualTo(40);
    }

    @Test
    void cacheAndEvictInJson(@TempDir Path dir) throws Exception {
        Path file = diskFile(dir, "json");
        jsonShell.execute("cache " + file + "; evict " + file + "; map mf 4p --memfd; evict mf");
        List<String> l = jsonBuffer.toString().lines().toList();
        assertThat(l).hasSize(4);
        assertThat(l.get(0))
                .startsWith("{\"command\":\"cache " + file + "\",\"ok\":true,\"verb\":\"cache\"")
                .contains("\"pages\":64,")
                .contains("\"resident_pages\":64,")
                .contains("\"resident_percent\":100.0")
                .contains("\"runs\":[{\"first_page\":0,\"pages\":64,\"resident\":true}]")
                .contains("\"strip\":{\"cell_pages\":1,\"resident\":[1,1,");
        assertThat(l.get(1))
                .contains("\"verb\":\"evict\"")
                .contains("\"resident_before\":64,")
                .contains("\"resident_after\":0,")
                .contains("\"dropped\":64,")
                .contains("\"mapped_here\":[]");
        assertThat(l.get(3)).contains("\"ok\":false").contains("tmpfs pages have no backing store other than swap");
    }

    @Test
    void concisefeedbackIsOneLinePerFile(@TempDir Path dir) throws Exception {
        Path file = diskFile(dir, "concise");
        shell.execute("set feedback concise");
        try {
            buffer.getBuffer().setLength(0);
            shell.execute("cache " + file + " " + file);
            assertThat(lines())
                    .containsExactly(
                            "cache " + file + ": 64 of 64 pages resident (100%)",
                            "cache " + file + ": 64 of 64 pages resident (100%)",
                            "total    128 of 128 pages resident (100%) in 2 files");
            buffer.getBuffer().setLength(0);
            shell.execute("evict " + file);
            assertThat(lines().get(0)).startsWith("evict " + file + ": resident 64\u21920");
            assertThat(lines().subList(1, lines().size())).allMatch(x -> x.startsWith("  ")); // cut at 80 columns
        } finally {
            shell.execute("set feedback normal");
        }
    }
}
