package dev.pagelab.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** config.toml through the real launcher: diagnostics on stderr, the console still runs, settings apply. */
class ConfigIT {
    @TempDir
    Path dir;

    @Test
    void theLauncherReportsABadFileAndRunsWithDefaults() throws Exception {
        Path f = dir.resolve("config.toml");
        Files.writeString(f, "feedback = \"chatty\"\n");
        ScriptModeIT.Result r = ScriptModeIT.run(
                null, Map.of("NO_COLOR", "1", "PAGELAB_CONFIG", f.toString()), "-c", "map 64K --no-thp; touch m1");
        assertThat(r.status()).isZero();
        assertThat(r.err())
                .contains(f + ":1:1: feedback must be one of verbose, normal, concise, silent, not \"chatty\"");
        assertThat(r.out()).contains("touch m1: write, seq, 16 accesses");

        Files.writeString(f, "feedback = \"concise\"\n");
        ScriptModeIT.Result concise = ScriptModeIT.run(
                null, Map.of("NO_COLOR", "1"), "--config", f.toString(), "-c", "map 64K --no-thp; touch m1; set");
        assertThat(concise.err()).isEmpty();
        assertThat(concise.out())
                .contains("touch m1: minor 16, major 0, present 0\u219216")
                .contains("config   " + f);
    }
}
