package dev.pagelab.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The README's architecture table names every package there is, and no package grows past 25 files. */
class ArchitectureTest {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    /** Java files per package of the main sources, from the source tree itself. */
    static Map<String, Integer> packages() throws IOException {
        Map<String, Integer> out = new TreeMap<>();
        for (String module : new String[] {"native", "commands", "console"}) {
            Path src = ROOT.resolve(module).resolve("src/main/java");
            try (Stream<Path> files = Files.walk(src)) {
                files.filter(f -> f.toString().endsWith(".java")
                                && !f.getFileName().toString().equals("module-info.java")
                                && !f.getFileName().toString().equals("package-info.java"))
                        .forEach(f -> out.merge(
                                src.relativize(f.getParent()).toString().replace('/', '.'), 1, Integer::sum));
            }
        }
        return out;
    }

    @Test
    void theReadmeTableListsExactlyThePackagesOfTheSource() throws IOException {
        String readme = Files.readString(ROOT.resolve("README.md"));
        String section = readme.substring(
                readme.indexOf("## Architecture"), readme.indexOf("\n## ", readme.indexOf("## Architecture") + 3));
        Matcher m = Pattern.compile("^\\| `(\\w+)/` `(dev\\.pagelab[\\w.]*)` \\|", Pattern.MULTILINE)
                .matcher(section);
        Map<String, String> listed = new TreeMap<>();
        while (m.find()) listed.put(m.group(2), m.group(1));
        assertThat(listed.keySet())
                .as("packages in the README's architecture table")
                .isEqualTo(packages().keySet());
        for (var e : listed.entrySet()) {
            assertThat(Files.isDirectory(ROOT.resolve(e.getValue())
                            .resolve("src/main/java")
                            .resolve(e.getKey().replace('.', '/'))))
                    .as("%s lives in module directory %s/", e.getKey(), e.getValue())
                    .isTrue();
        }
    }

    @Test
    void noPackageHoldsMoreThanTwentyFiveFiles() throws IOException {
        assertThat(packages())
                .allSatisfy((pkg, files) -> assertThat(files).as(pkg).isLessThanOrEqualTo(25));
    }

    @Test
    void everyPackageSaysWhatItIsFor() throws IOException {
        for (String pkg : packages().keySet()) {
            boolean found = false;
            for (String module : new String[] {"native", "commands", "console"}) {
                found |= Files.exists(ROOT.resolve(module)
                        .resolve("src/main/java")
                        .resolve(pkg.replace('.', '/'))
                        .resolve("package-info.java"));
            }
            assertThat(found).as("%s has a package-info.java", pkg).isTrue();
        }
    }
}
