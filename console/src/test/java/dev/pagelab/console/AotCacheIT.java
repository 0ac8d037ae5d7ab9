package dev.pagelab.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's JDK AOT cache: recorded once per build, used by the JVM (AOT-linked classes), and never stale:
 * a changed jar gets a cache of its own and the old one goes. Runs on a copy of the built launcher so that the
 * build's own jars and cache are left alone.
 */
class AotCacheIT {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @TempDir
    Path home;

    record Result(int status, String out, String err) {}

    private Result run(Path launcher, String javaOpts, String... args) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(
                Stream.concat(Stream.of(launcher.toString()), Stream.of(args)).toList());
        pb.environment().put("PAGELAB_NO_BUILD", "1");
        pb.environment().put("XDG_CONFIG_HOME", "/nonexistent/pagelab-test-config");
        pb.environment().put("PAGELAB_JAVA_OPTS", javaOpts);
        pb.environment().remove("PAGELAB_AOT");
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), out, err);
    }

    /** The parts of a checkout the launcher runs from, copied. */
    private Path copyOfTheBuiltLauncher() throws IOException {
        for (String part : List.of("pagelab", ".mvn/find-jdk.sh", "console/aot-train.sh")) {
            Path to = home.resolve(part);
            Files.createDirectories(to.getParent());
            Files.copy(ROOT.resolve(part), to, StandardCopyOption.COPY_ATTRIBUTES);
        }
        for (String dir : List.of("console/target/lib", "console/target/jline-native")) {
            try (Stream<Path> files = Files.walk(ROOT.resolve(dir))) {
                for (Path f : files.toList()) {
                    Path to = home.resolve(ROOT.relativize(f).toString());
                    if (Files.isDirectory(f)) Files.createDirectories(to);
                    else Files.copy(f, to, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        return home.resolve("pagelab");
    }

    private List<Path> caches() throws IOException {
        Path dir = home.resolve("console/target/aot");
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".aot"))
                    .sorted()
                    .toList();
        }
    }

    @Test
    void recordedOnceUsedByTheJvmAndReplacedWhenAJarChanges() throws Exception {
        Path launcher = copyOfTheBuiltLauncher();

        Result first = run(launcher, "", "-c", "list");
        assertThat(first.status()).as(first.err()).isZero();
        assertThat(first.err()).contains("recording the start-up cache");
        List<Path> recorded = caches();
        assertThat(recorded).hasSize(1);
        assertThat(recorded.get(0).getFileName().toString()).matches("pagelab-\\d+\\.aot");

        // The JVM maps it and links the recorded classes from it; nothing is recorded again.
        Result used = run(launcher, "-Xlog:aot=info", "--version");
        assertThat(used.status()).isZero();
        assertThat(used.err()).doesNotContain("recording");
        assertThat(used.out())
                .contains("Opened AOT cache " + recorded.get(0))
                .contains("Using AOT-linked classes: true")
                .doesNotContainIgnoringCase("mismatch");

        // A rebuilt jar (here: a new modification time) must never meet the old cache.
        Path jar;
        try (Stream<Path> s = Files.list(home.resolve("console/target/lib"))) {
            jar = s.filter(p -> p.getFileName().toString().startsWith("pagelab-commands"))
                    .findFirst()
                    .orElseThrow();
        }
        Files.setLastModifiedTime(
                jar, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() + 5_000));
        Result rebuilt = run(launcher, "-Xlog:aot=info", "--version");
        assertThat(rebuilt.err()).contains("recording the start-up cache");
        List<Path> now = caches();
        assertThat(now).hasSize(1).doesNotContain(recorded.get(0));
        assertThat(rebuilt.out()).contains("Opened AOT cache " + now.get(0)).contains("Using AOT-linked classes: true");

        // A diagnosis flag that changes the heap would make the JVM refuse the cache, and with it to start at all
        // ("archived heap objects cannot be loaded"): such runs go without the cache.
        Result smallHeap = run(launcher, "-Xms2m -Xlog:aot=info", "--version");
        assertThat(smallHeap.status()).as(smallHeap.out() + smallHeap.err()).isZero();
        assertThat(smallHeap.out()).contains("pagelab ").doesNotContain("Opened AOT cache");

        // Turned off, nothing is mapped.
        ProcessBuilder off = new ProcessBuilder(launcher.toString(), "--version");
        off.environment().put("PAGELAB_NO_BUILD", "1");
        off.environment().put("PAGELAB_AOT", "0");
        off.environment().put("PAGELAB_JAVA_OPTS", "-Xlog:aot=info");
        Process p = off.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(out).doesNotContain("Opened AOT cache");
    }
}
