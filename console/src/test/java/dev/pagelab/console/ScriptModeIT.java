package dev.pagelab.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The launcher with piped stdin and -c, as scripts and CI use it: output, exit status, JSON, colour. */
class ScriptModeIT {
    static final Path LAUNCHER = Path.of("..").toAbsolutePath().normalize().resolve("pagelab");

    record Result(int status, String out, String err) {}

    static Result run(String stdin, Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(LAUNCHER.toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("PAGELAB_NO_BUILD", "1");
        // never a developer's own ~/.config/pagelab/config.toml: tests that want one pass it
        pb.environment().put("XDG_CONFIG_HOME", "/nonexistent/pagelab-test-config");
        pb.environment().remove("PAGELAB_CONFIG");
        pb.environment().remove("NO_COLOR");
        // the locale decides between glyphs and ASCII: a UTF-8 one, whatever the caller's (CI may have none)
        pb.environment().remove("LC_ALL");
        pb.environment().remove("LC_CTYPE");
        pb.environment().put("LANG", "C.UTF-8");
        pb.environment().putAll(env);
        Process p = pb.start();
        if (stdin != null) p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), out, err);
    }

    @Test
    void pipedStdinStopsAtTheFirstError() throws Exception {
        Result r = run("map 64p --no-thp\ntouch m1\n# a comment\nbogus\ntouch m1\n", Map.of());
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.out())
                .contains("touch m1: write, seq, 64 accesses")
                .contains("faults   minor 64  major 0")
                .doesNotContain("bogus")
                .doesNotContain("\u001b[");
        assertThat(r.out().split("touch m1: write", -1)).hasSize(2);
        // psql's way: the error on stderr, first, with the line of stdin it came from
        assertThat(r.err().lines().toList())
                .containsExactly(
                        "pagelab:<stdin>:4: error: unknown command 'bogus' \u2014 'help' lists the commands",
                        "  bogus",
                        "  ^^^^^");
    }

    @Test
    void errorsOfDashCNameTheStatementAndCutALongWord() throws Exception {
        String blob = "9".repeat(5000) + "x";
        Result r = run(null, Map.of(), "-c", "map 4M; touch m9; map " + blob, "--keep-going");
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.out()).startsWith("map m1:").doesNotContain("m9").doesNotContain("999");
        // (the launcher may first say it records its start-up cache)
        List<String> err =
                r.err().lines().dropWhile(l -> !l.startsWith("pagelab:-c:")).toList();
        assertThat(err.get(0)).startsWith("pagelab:-c:2: touch: no mapping named 'm9'");
        assertThat(err)
                .anyMatch(
                        l -> l.startsWith("pagelab:-c:3: map: '999") && l.contains("(5001 characters) is not a size"));
        assertThat(err).as("nothing of the 5000 characters is echoed whole").allMatch(l -> l.length() < 200);
    }

    @Test
    void aRecipeThatCannotBeFoundOrReadIsAUsageError(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Result missing = run(null, Map.of(), "--recipe", "nosuch");
        assertThat(missing.status()).isEqualTo(2);
        assertThat(missing.out()).isEmpty();
        assertThat(missing.err())
                .startsWith("pagelab: --recipe nosuch: no such recipe file, directory or name")
                .contains("zero-page")
                .doesNotContain("^^^");
        Path bad = dir.resolve("bad.toml");
        java.nio.file.Files.writeString(
                bad, "title = \"t\"\nsummary = \"s\"\n[[step]]\nrun = \"map 4M\"\nexpect = { bogus = 3 }\n");
        Result unreadable = run(null, Map.of(), "--recipe", bad.toString(), "--check");
        assertThat(unreadable.status()).isEqualTo(2);
        assertThat(unreadable.err()).contains(bad + ":5:").contains("nothing was run");
        // a step that fails names the recipe file and the step's line
        Path failing = dir.resolve("failing.toml");
        java.nio.file.Files.writeString(
                failing,
                "title = \"t\"\nsummary = \"s\"\n[[step]]\nrun = \"map 4M\"\n" + "[[step]]\nrun = \"touch m9\"\n");
        Result fails = run(null, Map.of(), "--recipe", failing.toString(), "--check");
        assertThat(fails.status()).isEqualTo(1);
        assertThat(fails.err()).contains("pagelab:failing.toml:5: touch: no mapping named 'm9'");
    }

    @Test
    void keepGoingRunsTheRestAndStillFails() throws Exception {
        Result r = run("map 64p --no-thp\nbogus\ntouch m1\n", Map.of(), "--keep-going");
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.out()).contains("faults   minor 64  major 0");
    }

    @Test
    void dashCRunsAListAndJsonIsOneObjectPerStep() throws Exception {
        Result r = run(null, Map.of(), "--json", "-c", "map j 100p --no-thp; touch j --read; touch j");
        assertThat(r.status()).as(r.err()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(1))
                .startsWith("{\"command\":\"touch j --read\",\"ok\":true")
                .contains("\"minor_faults\":100,");
        assertThat(lines.get(2)).contains("\"minor_faults\":100,").contains("\"present_before\":100,");
    }

    /**
     * The kernel profile agrees with what a step then does: where it says the zero page is shared, the write after a
     * read faults again (copy-on-write); where it says reads allocate, the write takes no fault.
     */
    @Test
    void kernelProfileInJsonAgreesWithWhatStepsDo() throws Exception {
        Result r = run(null, Map.of(), "--json", "-c", "kernel; map z 64p --no-thp; touch z --read; touch z");
        assertThat(r.status()).as(r.err()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines).hasSize(4);
        String kernel = lines.get(0);
        assertThat(kernel)
                .startsWith(
                        "{\"command\":\"kernel\",\"ok\":true,\"verb\":\"kernel\",\"report\":\"kernel\",\"release\":\"")
                .contains("\"page_size\":{\"value\":" + dev.pagelab.linux.proc.Pagemap.PAGE_SIZE + ",")
                .contains("\"pagemap_scan\":{\"value\":")
                .contains("\"madvise\":{\"value\":[");
        boolean shared = kernel.contains("\"zero_page\":{\"value\":\"shared\"");
        boolean private_ = kernel.contains("\"zero_page\":{\"value\":\"private\"");
        assertThat(shared || private_).as(kernel).isTrue();
        assertThat(lines.get(2)).contains("\"minor_faults\":64,");
        assertThat(lines.get(3)).contains(shared ? "\"minor_faults\":64," : "\"minor_faults\":0,");
    }

    /**
     * The first steps of a fresh console are where JVM activity (class loading, profiling, compilation) would
     * leak into a step: ten fresh launches in a row must each count exactly.
     */
    @Test
    void coldConsolesCountExactly() throws Exception {
        for (int run = 0; run < 10; run++) {
            Result r = run(
                    null,
                    Map.of(),
                    "--json",
                    "-c",
                    "map a 4K; touch a; touch a; map b 64p --no-thp; touch b --read; touch b; map c 1000p --no-thp; "
                            + "touch c --order random; map d 64p --no-thp; touch d --timing --order reverse");
            List<String> l = r.out().lines().toList();
            assertThat(l).as(r.err()).hasSize(10);
            assertThat(l.get(9))
                    .as("run %d: timed touch of 64 fresh pages", run)
                    .contains("\"minor_faults\":64,");
            assertThat(l.get(1))
                    .as("run %d: first touch of one fresh page", run)
                    .contains("\"minor_faults\":1,");
            assertThat(l.get(2)).as("run %d: re-touch", run).contains("\"minor_faults\":0,");
            assertThat(l.get(4)).as("run %d: read of 64 fresh pages", run).contains("\"minor_faults\":64,");
            assertThat(l.get(5))
                    .as("run %d: copy-on-write of 64 zero pages", run)
                    .contains("\"minor_faults\":64,");
            assertThat(l.get(7)).as("run %d: 1000 pages in random order", run).contains("\"minor_faults\":1000,");
        }
    }

    /**
     * A deoptimization in the native module's code means a branch the warm-up never took: inside a measured
     * window that costs stray faults. There must be none, even on a console's very first steps. The readers of
     * /proc and /sys that run only before and after windows (the /proc/vmstat and /proc/meminfo parser, the classes
     * that read and parse /proc and /sys text, Limits' /proc/self/limits and FileStat's mountinfo readers, the
     * nanoTime calibration, inspect-pagemap's decoding of pagemap entries and page flags, which the warm-up runs on a
     * scratch mapping) are exempt: their branches depend on file contents, a deoptimization there happens outside any
     * window, and no window calls them.
     */
    static final List<String> OUTSIDE_WINDOWS = List.of(
            "KernelCounters",
            "ProcText",
            "ProcMaps",
            "ProcMeminfo",
            "ThpSettings",
            "HugetlbPool",
            "Capabilities",
            "Machine",
            "Limits",
            "FileStat",
            "NanoClock",
            "KPageFlags",
            "KPageFlags$ByPfn",
            "PagemapEntry");

    /**
     * The warm-up also runs inspect-pagemap's decoder (PAGEMAP_SCAN, pread of pagemap and, as root, kpageflags and
     * kpagecount) on a scratch mapping, so that a console's first inspect-pagemap is compiled code. Nothing of it may
     * reach a measured step: in fresh consoles the first steps after it, and steps right after an inspect-pagemap
     * (either method), count exactly, and the measured code (touch loop, meter, clock, mman calls) is never
     * deoptimized. A leak would show as a stray fault or as a deoptimization of the touch loop.
     */
    @Test
    void decoderWarmUpLeaksNoFaultIntoASteps(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        for (int run = 0; run < 5; run++) {
            Path log = tmp.resolve("deopt" + run + ".log");
            Result r = run(
                    null,
                    Map.of("PAGELAB_JAVA_OPTS", "-Xlog:deoptimization=debug:file=" + log),
                    "--json",
                    "-c",
                    "map a 1p; touch a; map b 1000p --no-thp; touch b; inspect-pagemap b; touch b; advise b dontneed; "
                            + "touch b --order reverse; inspect-pagemap b --method pread; map c 64p --no-thp; "
                            + "touch c --order random; inspect-pagemap c --pages; touch c --read");
            List<String> l = r.out().lines().toList();
            assertThat(l).as(r.err()).hasSize(13);
            assertThat(l.get(1))
                    .as("run %d: first touch of one fresh page", run)
                    .contains("\"minor_faults\":1,");
            assertThat(l.get(3)).as("run %d: 1000 fresh pages", run).contains("\"minor_faults\":1000,");
            assertThat(l.get(5))
                    .as("run %d: re-touch after inspect-pagemap", run)
                    .contains("\"minor_faults\":0,");
            assertThat(l.get(7)).as("run %d: 1000 dropped pages", run).contains("\"minor_faults\":1000,");
            assertThat(l.get(10))
                    .as("run %d: 64 fresh pages after inspect --method pread", run)
                    .contains("\"minor_faults\":64,");
            assertThat(l.get(12)).as("run %d: read after inspect --pages", run).contains("\"minor_faults\":0,");
            assertThat(java.nio.file.Files.readAllLines(log))
                    .as("deoptimizations of the measured code")
                    .noneMatch(line -> List.of("PageToucher", "StepMeter", "ThreadClock", "Mman").stream()
                            .anyMatch(c -> line.matches(".*dev\\.pagelab\\.linux\\.(\\w+\\.)?" + c + "\\..*")));
        }
    }

    @Test
    void measuredCodeIsNeverDeoptimized(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        for (int run = 0; run < 3; run++) {
            Path log = tmp.resolve("deopt" + run + ".log");
            // 1000 pages go in two runs of the sequential/reverse loop (512 per run): the warm-up's touches are one run
            Result r = run(
                    null,
                    Map.of("PAGELAB_JAVA_OPTS", "-Xlog:deoptimization=debug:file=" + log),
                    "-c",
                    "map a 1000p --no-thp; touch a --timing --order random; touch a --read; touch a --order reverse; "
                            + "map b 77p --no-thp; "
                            + "touch b --order reverse --stride 3K; advise b dontneed; lock b; unlock b; protect b r; "
                            + "touch b --read --timing; unmap b");
            assertThat(r.status()).as(r.out() + r.err()).isZero();
            assertThat(java.nio.file.Files.readAllLines(log))
                    .as("deoptimizations in dev.pagelab.linux")
                    .noneMatch(l -> l.contains("dev.pagelab.linux")
                            && OUTSIDE_WINDOWS.stream()
                                    .noneMatch(c -> l.matches(".*dev\\.pagelab\\.linux\\.(\\w+\\.)?"
                                            + java.util.regex.Pattern.quote(c) + "\\..*")));
        }
    }

    @Test
    void noColorWhenAskedOrPiped() throws Exception {
        assertThat(run(null, Map.of("NO_COLOR", "1"), "-c", "map 4K").out()).doesNotContain("\u001b[");
        assertThat(run(null, Map.of("TERM", "dumb"), "-c", "help").out()).doesNotContain("\u001b[");
    }

    @Test
    void unprivilegedUsersAreToldWhatIsHiddenAndWhy() throws Exception {
        boolean root = "0"
                .equals(new String(new ProcessBuilder("id", "-u")
                                .start()
                                .getInputStream()
                                .readAllBytes())
                        .trim());
        org.junit.jupiter.api.Assumptions.assumeTrue(
                root && java.nio.file.Files.isExecutable(Path.of("/usr/bin/setpriv")),
                "dropping to an unprivileged user needs root and setpriv(1)");
        ProcessBuilder pb = new ProcessBuilder(
                "/usr/bin/setpriv",
                "--reuid=nobody",
                "--regid=nogroup",
                "--clear-groups",
                "--inh-caps=-all",
                "env",
                "HOME=/tmp",
                "NO_COLOR=1",
                "PAGELAB_NO_BUILD=1",
                "XDG_CONFIG_HOME=/nonexistent/pagelab-test-config",
                LAUNCHER.toString(),
                "--keep-going",
                "-c",
                "map 4K; touch m1; inspect-pagemap m1; map big 16M; lock big; kernel; map z 4K; touch z --read; "
                        + "inspect-pagemap z");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(out)
                .as(err)
                .contains("PFNs are hidden and page flags unreadable")
                .contains("CAP_SYS_ADMIN")
                .contains("faults   minor 1  major 0");
        assertThat(err)
                .contains("pagelab:-c:5: lock: big: ENOMEM (Cannot allocate memory) from mlock(")
                .contains("RLIMIT_MEMLOCK is ");
        // the profile is probed as this user sees the kernel: no PFNs, and the zero page told without them
        assertThat(out).containsPattern("- PFNs +hidden \\(not root\\)").containsPattern("zero page +(shared|none)");
        // a read page is told to be the zero page without PFNs or page flags (where the kernel has a zero page)
        assertThat(out)
                .contains("zero page "
                        + (dev.pagelab.linux.proc.KernelProfile.current().zeroPage()
                                        == dev.pagelab.linux.proc.KernelProfile.ZeroPage.SHARED
                                ? 1
                                : 0)
                        + " (told by pagemap's exclusive bit)");
        assertThat(p.exitValue()).isEqualTo(1);

        // With RLIMIT_MEMLOCK 0 the console still starts (its warm-up locks nothing) and explains EPERM.
        if (java.nio.file.Files.isExecutable(Path.of("/usr/bin/prlimit"))) {
            Process q = new ProcessBuilder(
                            "/usr/bin/prlimit",
                            "--memlock=0:0",
                            "/usr/bin/setpriv",
                            "--reuid=nobody",
                            "--regid=nogroup",
                            "--clear-groups",
                            "--inh-caps=-all",
                            "env",
                            "HOME=/tmp",
                            "NO_COLOR=1",
                            "PAGELAB_NO_BUILD=1",
                            "XDG_CONFIG_HOME=/nonexistent/pagelab-test-config",
                            LAUNCHER.toString(),
                            "-c",
                            "map 4K; touch m1; lock m1")
                    .start();
            String qout = new String(q.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String qerr = new String(q.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(q.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(qout).contains("faults   minor 1  major 0");
            assertThat(qerr)
                    .contains("pagelab:-c:3: lock: m1: EPERM (Operation not permitted)")
                    .contains("RLIMIT_MEMLOCK (now 0 B)");
        }
    }

    /**
     * An unprivileged user: mincore still sees the cache of a file it may only read (measured on 6.18), cachestat is
     * refused (EPERM) and the report says the dirty count is unknown; a file it may not read is one EACCES line.
     */
    @Test
    void unprivilegedCacheSaysWhatItCannotCount() throws Exception {
        boolean root = "0"
                .equals(new String(new ProcessBuilder("id", "-u")
                                .start()
                                .getInputStream()
                                .readAllBytes())
                        .trim());
        org.junit.jupiter.api.Assumptions.assumeTrue(
                root && java.nio.file.Files.isExecutable(Path.of("/usr/bin/setpriv")),
                "dropping to an unprivileged user needs root and setpriv(1)");
        Path readable = Path.of("/etc/passwd"), secret = Path.of("/etc/shadow");
        org.junit.jupiter.api.Assumptions.assumeTrue(
                java.nio.file.Files.isRegularFile(readable)
                        && java.nio.file.Files.isRegularFile(secret)
                        && !java.nio.file.Files.getPosixFilePermissions(secret)
                                .contains(java.nio.file.attribute.PosixFilePermission.OTHERS_READ),
                "no world-unreadable /etc/shadow here");
        java.nio.file.Files.readAllBytes(readable); // resident, so the figure has something to show
        Process p = new ProcessBuilder(
                        "/usr/bin/setpriv",
                        "--reuid=nobody",
                        "--regid=nogroup",
                        "--clear-groups",
                        "--inh-caps=-all",
                        "env",
                        "HOME=/tmp",
                        "NO_COLOR=1",
                        "PAGELAB_NO_BUILD=1",
                        "XDG_CONFIG_HOME=/nonexistent/pagelab-test-config",
                        LAUNCHER.toString(),
                        "--keep-going",
                        "-c",
                        "cache " + readable + "; cache " + secret)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(out)
                .as(err)
                .containsPattern("resident [1-9]\\d* of \\d+ pages?")
                .contains("dirty and writeback unknown: cachestat: EPERM (Operation not permitted)");
        assertThat(err)
                .contains(
                        "pagelab:-c:2: cache: " + secret + ": EACCES (Permission denied) from open(\"" + secret + "\"")
                .contains("no permission as uid 65534");
        assertThat(p.exitValue()).isEqualTo(1);
    }

    @Test
    void badLauncherUsageIsStatus2() throws Exception {
        Result r = run(null, Map.of(), "--frobnicate");
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("unknown argument '--frobnicate'").contains("usage: pagelab");
    }
}
