package dev.pagelab.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The installed launcher (packaging/pagelab) runs the console with the same JVM flags as the clone's ./pagelab — the
 * flags that make the figures exact — and only the two paths differ (JLine's library, pagelab.home).
 */
class LauncherFlagsTest {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    static List<String> jvmFlags(Path launcher) throws IOException {
        Matcher m = Pattern.compile("(?s)\\njvm=\\((.*?)\\)\\n").matcher(Files.readString(launcher));
        assertThat(m.find()).as("a jvm=(...) array in %s", launcher).isTrue();
        return Arrays.stream(m.group(1).trim().split("\\s+"))
                .map(f -> f.replaceFirst("^(-Dlibrary\\.jline\\.path|-Dpagelab\\.home)=.*", "$1=PATH"))
                .toList();
    }

    @Test
    void theInstalledLauncherHasTheClonesJvmFlags() throws IOException {
        List<String> clone = jvmFlags(ROOT.resolve("pagelab"));
        assertThat(clone).contains("-XX:-TieredCompilation", "-Dpagelab.home=PATH");
        assertThat(jvmFlags(ROOT.resolve("packaging/pagelab"))).isEqualTo(clone);
    }

    @Test
    void bothLaunchersRunTheSameModule() throws IOException {
        String main = "-m dev.pagelab.console/dev.pagelab.console.Main";
        assertThat(Files.readString(ROOT.resolve("pagelab"))).contains(main);
        assertThat(Files.readString(ROOT.resolve("packaging/pagelab"))).contains(main);
    }
}
