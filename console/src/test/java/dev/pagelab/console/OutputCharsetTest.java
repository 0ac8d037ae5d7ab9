package dev.pagelab.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pagelab.console.render.Json;
import dev.pagelab.console.terminal.OutputCharset;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The locale decision on its own, from maps of environment variables, and the ASCII stand-ins. */
class OutputCharsetTest {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    private static Map<String, String> env(String... kv) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put(kv[i], kv[i + 1]);
        return m;
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "C.UTF-8            | true",
                "C.utf8             | true",
                "en_US.UTF-8        | true",
                "en_US.utf8         | true",
                "de_DE.UTF-8@euro   | true",
                "sr_RS.utf8@latin   | true",
                "ja_JP.Utf_8        | true",
                "C                  | false",
                "POSIX              | false",
                "en_US              | false",
                "en_US.ISO-8859-1   | false",
                "de_DE@euro         | false",
                "ru_RU.KOI8-R       | false",
                "en_US.UTF-16       | false",
                "utf8               | false",
            })
    void theCodesetOfTheLocaleNameDecides(String lang, boolean utf8) {
        assertThat(OutputCharset.utf8Locale(env("LANG", lang))).isEqualTo(utf8);
        assertThat(OutputCharset.decide(env("LANG", lang, "TERM", "xterm-256color"), true)
                        .unicode())
                .isEqualTo(utf8);
    }

    @Test
    void noLocaleAtAllIsAscii() {
        assertThat(OutputCharset.utf8Locale(Map.of())).isFalse();
        assertThat(OutputCharset.utf8Locale(env("LANG", "", "LC_ALL", "", "LC_CTYPE", "")))
                .isFalse();
        assertThat(OutputCharset.decide(env("TERM", "xterm"), true)).isSameAs(OutputCharset.ASCII);
        assertThat(OutputCharset.decide(env("TERM", "xterm"), false)).isSameAs(OutputCharset.ASCII);
    }

    @Test
    void lcAllThenLcCtypeThenLangAsGlibcReadsThem() {
        assertThat(OutputCharset.utf8Locale(env("LC_ALL", "C", "LANG", "en_US.UTF-8")))
                .isFalse();
        assertThat(OutputCharset.utf8Locale(env("LC_ALL", "C.UTF-8", "LANG", "C")))
                .isTrue();
        assertThat(OutputCharset.utf8Locale(env("LC_CTYPE", "POSIX", "LANG", "en_US.UTF-8")))
                .isFalse();
        assertThat(OutputCharset.utf8Locale(env("LC_CTYPE", "en_US.UTF-8", "LANG", "C")))
                .isTrue();
        assertThat(OutputCharset.utf8Locale(env("LC_ALL", "C", "LC_CTYPE", "en_US.UTF-8")))
                .isFalse();
        // set but empty counts as unset
        assertThat(OutputCharset.utf8Locale(env("LC_ALL", "", "LC_CTYPE", "", "LANG", "en_US.UTF-8")))
                .isTrue();
        assertThat(OutputCharset.utf8Locale(env("LC_ALL", "", "LANG", "C"))).isFalse();
        // the message and collation categories say nothing about the character set
        assertThat(OutputCharset.utf8Locale(env("LC_MESSAGES", "en_US.UTF-8", "LANG", "C")))
                .isFalse();
    }

    @Test
    void aDumbTerminalIsAsciiButOnlyWhenTheOutputIsTheTerminal() {
        assertThat(OutputCharset.decide(env("LANG", "C.UTF-8", "TERM", "dumb"), true))
                .isSameAs(OutputCharset.ASCII);
        assertThat(OutputCharset.decide(env("LANG", "C.UTF-8", "TERM", "dumb-emacs-ansi"), true))
                .isSameAs(OutputCharset.ASCII);
        assertThat(OutputCharset.decide(env("LANG", "C.UTF-8", "TERM", "dumb"), false))
                .isSameAs(OutputCharset.UTF8);
        assertThat(OutputCharset.decide(env("LANG", "C.UTF-8"), true)).isSameAs(OutputCharset.UTF8);
        assertThat(OutputCharset.decide(env("LANG", "C.UTF-8", "TERM", "xterm"), true)
                        .charset())
                .isEqualTo(StandardCharsets.UTF_8);
        assertThat(OutputCharset.decide(env("LANG", "C", "TERM", "xterm"), true).charset())
                .isEqualTo(StandardCharsets.US_ASCII);
    }

    @Test
    void theGlyphsOfTheReportsHaveReadableStandIns() {
        assertThat(OutputCharset.ascii("  faults   minor 0  major 0   in 66.9 \u00b5s"))
                .isEqualTo("  faults   minor 0  major 0   in 66.9 us");
        assertThat(OutputCharset.ascii("  present  \u22480 \u2192 64 pages   process rss \u22123.9 MiB"))
                .isEqualTo("  present  ~0 -> 64 pages   process rss -3.9 MiB");
        assertThat(OutputCharset.ascii("pagelab 0.1.0 \u2014 Linux 6.1")).isEqualTo("pagelab 0.1.0 - Linux 6.1");
        assertThat(OutputCharset.ascii("  \u22651.0 \u00b5s   \u2588\u2588\u2588\u2588  p50 \u22481.5 \u00b5s"))
                .isEqualTo("  >=1.0 us   ####  p50 ~1.5 us");
        assertThat(OutputCharset.ascii("\u2713 minor = 0")).isEqualTo("ok minor = 0");
        assertThat(OutputCharset.ascii("\u2717 minor = 256: got 0")).isEqualTo("FAIL minor = 256: got 0");
        assertThat(OutputCharset.ascii("\u2714 \u2718 \u2260 \u2264 \u00b1 \u00d7 \u2026 \u2013"))
                .isEqualTo("ok FAIL != <= +- x ... -");
        assertThat(OutputCharset.ascii("\u250c\u2500\u2510\u2502\u2514\u2518")).isEqualTo("+-+|++");
        // letters keep their base letter, anything else is spelled out: never a '?'
        assertThat(OutputCharset.ascii("caf\u00e9 na\u00efve \ufb01le")).isEqualTo("cafe naive file");
        assertThat(OutputCharset.ascii("\u4e2d \ud83d\ude00")).isEqualTo("<U+4E2D> <U+1F600>");
        assertThat(OutputCharset.ascii("plain ASCII stays: ?!")).isEqualTo("plain ASCII stays: ?!");
        assertThat(OutputCharset.UTF8.text("\u2192")).isEqualTo("\u2192");
        assertThat(OutputCharset.ASCII.text("\u2192")).isEqualTo("->");
    }

    /**
     * Every non-ASCII character in pagelab's sources (the console, the commands, the manual pages, the recipes), as
     * a literal or a \\u escape, has a stand-in of its own: none is left to the spelled-out fallback.
     */
    @Test
    void everyGlyphPagelabCanPrintHasAChosenStandIn() throws IOException {
        TreeSet<Integer> glyphs = new TreeSet<>();
        Pattern escape = Pattern.compile("(?<!\\\\)\\\\u([0-9a-fA-F]{4})");
        try (Stream<Path> files = Stream.of("console/src/main", "commands/src/main", "man", "recipes")
                .map(ROOT::resolve)
                .flatMap(OutputCharsetTest::walk)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String s = Files.readString(f, StandardCharsets.UTF_8);
                s.codePoints().filter(c -> c >= 0x80).forEach(glyphs::add);
                if (f.toString().endsWith(".java")) {
                    Matcher m = escape.matcher(s);
                    while (m.find()) {
                        int c = Integer.parseInt(m.group(1), 16);
                        if (c >= 0x80 && !Character.isSurrogate((char) c)) glyphs.add(c);
                    }
                }
            }
        }
        assertThat(glyphs)
                .as("the scan found the glyphs the reports use")
                .contains(0x2192, 0x00b5, 0x2248, 0x2014, 0x2588, 0x2713);
        for (int c : glyphs) {
            String a = OutputCharset.ascii(c);
            assertThat(a)
                    .as("U+%04X %s", c, new String(Character.toChars(c)))
                    .matches("\\p{ASCII}*")
                    .doesNotContain("?")
                    .doesNotStartWith("<U+");
        }
    }

    private static Stream<Path> walk(Path p) {
        try {
            return Files.walk(p);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void jsonEscapesInsteadOfTransliterating() {
        String json =
                "{\"error\":\"offset 1M is outside m1 \u2014 offsets run from 0\",\"t\":\"66.9 \u00b5s \ud83d\ude00\"}";
        assertThat(OutputCharset.ASCII.json(json))
                .isEqualTo(
                        "{\"error\":\"offset 1M is outside m1 \\u2014 offsets run from 0\",\"t\":\"66.9 \\u00b5s \\ud83d\\ude00\"}")
                .matches("\\p{ASCII}*");
        assertThat(OutputCharset.UTF8.json(json)).isEqualTo(json);
        assertThat(Json.asciiEscaped(Json.encode(Map.of("k", "a\"\u2192\\"))))
                .isEqualTo("{\"k\":\"a\\\"\\u2192\\\\\"}");
    }

    @Test
    void systemStreamsInAsciiCarryOnlyAscii() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream p = OutputCharset.ASCII.printStream(bytes)) {
            p.println("pagelab: config line 3: \u2018col\u00f6r\u2019 \u2014 unknown");
            p.print("in 66.9 \u00b5s, \ud83d\ude00");
            p.printf("%s%n", "\u2192");
        }
        assertThat(bytes.toString(StandardCharsets.US_ASCII))
                .isEqualTo("pagelab: config line 3: 'color' - unknown\nin 66.9 us, <U+1F600>->\n"
                        .replace("\n", System.lineSeparator()));
        for (byte b : bytes.toByteArray()) assertThat(b).isNotNegative();

        ByteArrayOutputStream utf8 = new ByteArrayOutputStream();
        try (PrintStream p = OutputCharset.UTF8.printStream(utf8)) {
            p.print("66.9 \u00b5s \u2192");
        }
        assertThat(utf8.toString(StandardCharsets.UTF_8)).isEqualTo("66.9 \u00b5s \u2192");
    }
}
