package dev.pagelab.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The kernel matrix: {@code kernels/matrix} boots Debian's packaged kernels (5.10, 6.1, 6.12, sid's newest, and 6.12
 * with THP never/always, hugepages=4 and swap) under QEMU with this checkout, runs the launcher-level checks and the
 * kernel-facing tests in each, and prints a kernel × check table: streamed here, and any ✘ fails this test. It skips
 * only when QEMU and the rest cannot be had (not root, so nothing can be installed), with the script's reason; a
 * developer may skip it with {@code PAGELAB_MATRIX=0} and choose rows with {@code PAGELAB_MATRIX_ARGS} (e.g.
 * {@code --kernels 6.12}). CI runs it whole.
 */
class KernelMatrixIT {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    /** Exit status of kernels/matrix when a tool is missing and cannot be installed. */
    static final int SKIPPED = 77;
    /** The matrix bounds each guest itself; this is the backstop (CI allows 90 minutes for everything). */
    static final long LIMIT_MINUTES = 80;

    @Test
    void everyCheckHoldsOnEveryKernelOfTheMatrix() throws Exception {
        assumeFalse(
                "0".equals(System.getenv("PAGELAB_MATRIX")),
                "PAGELAB_MATRIX=0: the kernel matrix is skipped on request");
        List<String> cmd = new ArrayList<>(
                List.of(ROOT.resolve("kernels").resolve("matrix").toString()));
        String args = System.getenv("PAGELAB_MATRIX_ARGS");
        if (args != null && !args.isBlank()) cmd.addAll(List.of(args.trim().split("\\s+")));
        System.out.println("[KernelMatrixIT] " + String.join(" ", cmd));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(ROOT.toFile()).redirectErrorStream(true);
        pb.environment().remove("NO_COLOR");
        Process p = pb.start();
        p.getOutputStream().close();
        Deque<String> tail = new ArrayDeque<>();
        Thread reader = Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader r =
                    new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    System.out.println(line);
                    synchronized (tail) {
                        tail.addLast(line);
                        if (tail.size() > 200) tail.removeFirst();
                    }
                }
            } catch (java.io.IOException ignored) {
                // the process is gone
            }
        });
        if (!p.waitFor(LIMIT_MINUTES, TimeUnit.MINUTES)) {
            p.destroy(); // the script's trap stops its guests
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
            throw new AssertionError("kernels/matrix did not finish in " + LIMIT_MINUTES + " minutes");
        }
        reader.join(TimeUnit.SECONDS.toMillis(30));
        String last;
        synchronized (tail) {
            last = tail.isEmpty() ? "" : tail.getLast();
        }
        assumeTrue(p.exitValue() != SKIPPED, last);
        Path table = ROOT.resolve("target").resolve("kernel-matrix").resolve("matrix.md");
        String md = Files.exists(table) ? Files.readString(table) : String.join("\n", tail);
        assertThat(p.exitValue())
                .as(
                        "kernels/matrix exit status; the table:\n%s\nlogs of failed rows: %s",
                        md, ROOT.resolve("target").resolve("kernel-matrix").resolve("logs"))
                .isZero();
    }
}
