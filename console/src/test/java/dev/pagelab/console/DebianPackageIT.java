package dev.pagelab.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The packages on a fresh system: {@code packaging/build} makes them from this build (a jlink runtime, the jars,
 * recipes, manual pages, completion), then {@code packaging/test-debian} installs the .deb into a minimal Debian
 * bookworm root without any JDK (debootstrap, cached under ~/.cache/pagelab/debian) and checks it in a chroot: the
 * postinst's AOT cache, every recipe check, {@code man -w}, bash completion, a user who can write nowhere, concurrent
 * first starts, and a purge that leaves nothing behind; then the .tar.gz unpacked into /opt. Skipped, with the script's reason, when not root or when
 * debootstrap cannot be installed or run (offline); {@code PAGELAB_DEBIAN=0} skips it on request.
 */
class DebianPackageIT {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    /** Exit status of packaging/test-debian when it cannot run here. */
    static final int SKIPPED = 77;
    /** Cold (bootstrapping bookworm) it takes a few minutes; warm, with the root cached, less. */
    static final long LIMIT_MINUTES = 25;

    @Test
    void theDebInstallsWorksAndPurgesCleanlyOnAFreshDebianWithoutAJdk() throws Exception {
        assumeFalse(
                "0".equals(System.getenv("PAGELAB_DEBIAN")),
                "PAGELAB_DEBIAN=0: the Debian package test is skipped on request");
        assumeTrue(isRoot(), "needs root: debootstrap, chroot and mounts (run ./mvnw verify as root)");
        Path jdk = Path.of(System.getProperty("java.home"));
        Result build = run(List.of(ROOT.resolve("packaging/build").toString(), "--jdk", jdk.toString()), 10);
        assertThat(build.status()).as("packaging/build:\n%s", build.out()).isZero();
        Path deb = built("pagelab_.*_amd64\\.deb"), tgz = built("pagelab-.*-linux-x64\\.tar\\.gz");
        Result test = run(
                List.of(ROOT.resolve("packaging/test-debian").toString(), deb.toString(), tgz.toString()),
                LIMIT_MINUTES);
        String last = test.out().strip().lines().reduce((a, b) -> b).orElse("");
        assumeTrue(test.status() != SKIPPED, last);
        assertThat(test.status())
                .as("packaging/test-debian (see the FAILED lines):\n%s", test.out())
                .isZero();
    }

    private static Path built(String name) throws java.io.IOException {
        try (var s = Files.list(ROOT.resolve("target"))) {
            return s.filter(p -> p.getFileName().toString().matches(name))
                    .findFirst()
                    .orElseThrow();
        }
    }

    private static boolean isRoot() throws Exception {
        Process p = new ProcessBuilder("id", "-u").start();
        String uid = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        p.waitFor();
        return uid.equals("0");
    }

    record Result(int status, String out) {}

    /** Runs a command from the checkout's root, streaming its output here too. */
    private static Result run(List<String> cmd, long minutes) throws Exception {
        System.out.println("[DebianPackageIT] " + String.join(" ", cmd));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(ROOT.toFile()).redirectErrorStream(true);
        Process p = pb.start();
        p.getOutputStream().close();
        List<String> lines = new ArrayList<>();
        Thread reader = Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader r =
                    new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    System.out.println(line);
                    synchronized (lines) {
                        lines.add(line);
                    }
                }
            } catch (java.io.IOException ignored) {
                // the process is gone
            }
        });
        if (!p.waitFor(minutes, TimeUnit.MINUTES)) {
            p.destroy(); // the script's trap unmounts and cleans up
            if (!p.waitFor(30, TimeUnit.SECONDS)) p.destroyForcibly();
            throw new AssertionError(cmd.get(0) + " did not finish in " + minutes + " minutes");
        }
        reader.join(TimeUnit.SECONDS.toMillis(30));
        synchronized (lines) {
            return new Result(p.exitValue(), String.join("\n", lines));
        }
    }
}
