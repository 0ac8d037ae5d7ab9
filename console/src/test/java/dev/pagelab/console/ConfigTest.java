package dev.pagelab.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** config.toml: values, every kind of mistake reported as file:line:column, defaults kept for the bad entries. */
class ConfigTest {
    @TempDir
    Path dir;

    Config load(String toml) throws Exception {
        Path f = dir.resolve("config.toml");
        Files.writeString(f, toml);
        return Config.load(f, true);
    }

    @Test
    void goodValuesApply() throws Exception {
        Config c = load("feedback = \"verbose\"\ncolor = \"never\"\ntheme = \"mono\"\nhistory_size = 50\n"
                + "[recipes]\npath = [\"/srv/recipes\", \"~/more\"]\n[replay]\ndelay = 0.5\ntyping_speed = 12\n");
        assertThat(c.problems()).isEmpty();
        assertThat(c.source()).isEqualTo(dir.resolve("config.toml"));
        assertThat(c.feedback()).isEqualTo(Feedback.VERBOSE);
        assertThat(c.color()).isEqualTo("never");
        assertThat(c.theme()).isEqualTo("mono");
        assertThat(c.historySize()).isEqualTo(50);
        assertThat(c.recipePath())
                .containsExactly(Path.of("/srv/recipes"), Path.of(System.getProperty("user.home"), "more"));
        assertThat(c.replayDelay()).isEqualTo(0.5);
        assertThat(c.typingSpeed()).isEqualTo(12);
    }

    @Test
    void everyMistakeIsOneLineWithItsPlaceAndTheRestStillApplies() throws Exception {
        String f = dir.resolve("config.toml").toString();
        Config c = load(
                "feedbak = \"concise\"\ntheme = \"mono\"\ncolor = 1\nhistory_size = -5\n[replay]\ndelay = \"slow\"\nspeed = 3\n"
                        + "[recipes]\npath = 7\n[extra]\n");
        assertThat(c.problems())
                .containsExactly(
                        f
                                + ":1:1: unknown key 'feedbak' (did you mean 'feedback'?) (known: color, feedback, history_size, recipes, replay, theme); ignored",
                        f
                                + ":10:1: unknown key 'extra' (known: color, feedback, history_size, recipes, replay, theme); ignored",
                        f + ":3:1: color must be one of auto, always, never, not 1; using \"auto\"",
                        f + ":4:1: history_size must be an integer from 1 to 1000000, not -5; using 2000",
                        f + ":9:1: recipes.path must be a directory or a list of them, e.g. [\"~/recipes\"]",
                        f + ":7:1: unknown key 'replay.speed' (known: delay, typing_speed); ignored",
                        f + ":6:1: replay.delay must be seconds from 0 to 600, not \"slow\"; using 1.5");
        assertThat(c.theme()).as("good entries still apply").isEqualTo("mono");
        assertThat(c.feedback()).isEqualTo(Feedback.NORMAL);
        assertThat(c.historySize()).isEqualTo(2000);
    }

    @Test
    void syntaxErrorsIgnoreTheWholeFileAndSaySo() throws Exception {
        Config c = load("feedback = \"concise\"\nhistory_size = [1,\n");
        assertThat(c.problems()).hasSize(2);
        assertThat(c.problems().get(0)).startsWith(dir.resolve("config.toml") + ":3:1: TOML syntax: ");
        assertThat(c.problems().get(1)).endsWith("not valid TOML, so none of it applies; using the defaults");
        assertThat(c.feedback()).isEqualTo(Feedback.NORMAL);
    }

    @Test
    void missingAndEmptyFiles() throws Exception {
        assertThat(Config.load(dir.resolve("absent.toml"), false)).isEqualTo(Config.DEFAULTS);
        assertThat(Config.load(dir.resolve("absent.toml"), true).problems())
                .singleElement()
                .asString()
                .endsWith("absent.toml: no such file; using the defaults");
        assertThat(load("").problems()).isEmpty();
        assertThat(Config.location("/x/y.toml")).isEqualTo(Path.of("/x/y.toml"));
    }
}
