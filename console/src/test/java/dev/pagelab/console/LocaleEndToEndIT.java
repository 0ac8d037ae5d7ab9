package dev.pagelab.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher under each kind of locale, in a real pseudo-terminal (script(1), which passes the bytes through as
 * they are) and into a pipe: with a UTF-8 locale the glyphs, with any other (LANG unset, C, POSIX) or a dumb
 * terminal plain ASCII — every byte below 0x80, and no '?' where a glyph was meant.
 */
class LocaleEndToEndIT {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    /** The variables that choose a locale: every case starts without them and sets its own. */
    static final List<String> LOCALE_VARS = List.of("LANG", "LC_ALL", "LC_CTYPE", "LANGUAGE", "LC_MESSAGES");
    /** Typed at the prompt: a step (µs, →), a timed touch (≥, █, ≈), an error (—), a manual page through $PAGER. */
    static final String SESSION = "map 64p --no-thp\ntouch m1 --timing\ntouch m1[1M:4K]\nhelp set\nexit\n";

    @TempDir
    Path state;

    /** {@code bytes}: stdout (with a pty, everything the terminal got); {@code err}: stderr of a pipe run. */
    record Output(int status, byte[] bytes, byte[] err) {
        /** What a script printed on stderr: its errors, each with where it came from. */
        String errText() {
            return new String(err, StandardCharsets.UTF_8);
        }

        /** The text with the terminal's control sequences (JLine's mode switches) taken out. */
        String text() {
            return new String(bytes, StandardCharsets.UTF_8)
                    .replaceAll("\u001b\\[[0-9;?]*[ -/]*[@-~]", "")
                    .replaceAll("\u001b[=>]", "")
                    .replaceAll("\u001b\\][^\u0007]*\u0007", "")
                    .replace("\r", "");
        }

        boolean allAscii() {
            for (byte b : bytes) if (b < 0) return false;
            for (byte b : err) if (b < 0) return false;
            return true;
        }
    }

    /** The launcher with {@code locale} as its whole locale environment, in a pty when {@code pty}, with stdin. */
    Output run(boolean pty, Map<String, String> locale, String stdin, String... args)
            throws IOException, InterruptedException {
        List<String> launcher = new ArrayList<>(List.of(ROOT.resolve("pagelab").toString()));
        launcher.addAll(List.of(args));
        List<String> cmd;
        if (pty) {
            assumeTrue(Files.isExecutable(Path.of("/usr/bin/script")), "script(1) from util-linux is not installed");
            StringBuilder c = new StringBuilder();
            for (String a : launcher)
                c.append('\'').append(a.replace("'", "'\\''")).append("' ");
            cmd = List.of("/usr/bin/script", "-qec", c.toString().trim(), "/dev/null");
        } else {
            cmd = launcher;
        }
        Path errFile = Files.createTempFile(state, "stderr", ".txt");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(errFile.toFile());
        Map<String, String> env = pb.environment();
        LOCALE_VARS.forEach(env::remove);
        env.remove("PAGELAB_CONFIG");
        env.put("PAGELAB_NO_BUILD", "1");
        env.put("NO_COLOR", "1");
        env.put("TERM", "xterm-256color");
        env.put("PAGER", "cat");
        env.put("XDG_CONFIG_HOME", "/nonexistent/pagelab-test-config");
        env.put("XDG_STATE_HOME", state.toString());
        env.putAll(locale);
        Process p = pb.start();
        if (stdin != null) p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Output(p.exitValue(), out, Files.readAllBytes(errFile));
    }

    static Map<String, String> vars(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put(kv[i], kv[i + 1]);
        return m;
    }

    /** The interactive session in ASCII: every byte below 0x80, each glyph as its stand-in, no '?' at all. */
    static void assertAsciiSession(Output o) {
        String t = o.text();
        assertThat(o.allAscii()).as("every byte below 0x80:\n%s", t).isTrue();
        assertThat(t)
                .doesNotContain("?")
                .contains("pagelab 0.1.0 - Linux ")
                .containsPattern(
                        "map m1: mmap 256K \\(64p\\).*\n  faults   minor 0  major 0   in [0-9.]+ (ns|us|ms|s)\n")
                .containsPattern("\\(1\\.00 per page\\)   in [0-9.]+ (ns|us|ms|s) \\([0-9.]+ (ns|us|ms)/access\\)")
                .contains("  present  0 -> 64 pages")
                .containsPattern("p50 ~[0-9.]+ (ns|us|ms)")
                .containsPattern("\n  >=[0-9.]+ (ns|us|ms) +#+ ")
                .contains("offset 1M is outside m1 (256K) - ")
                .contains("pagelab-set - change how much a step report says")
                .contains(" 0->256,");
        assertThat(o.status()).isZero();
    }

    /** The interactive session in UTF-8: the glyphs themselves, valid UTF-8, no '?'. */
    static void assertUtf8Session(Output o) throws CharacterCodingException {
        StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(o.bytes()));
        String t = o.text();
        assertThat(o.allAscii()).isFalse();
        assertThat(t)
                .doesNotContain("?")
                .contains("pagelab 0.1.0 \u2014 Linux ")
                .containsPattern(
                        "map m1: mmap 256K \\(64p\\).*\n  faults   minor 0  major 0   in [0-9.]+ (ns|\u00b5s|ms|s)\n")
                .containsPattern(
                        "\\(1\\.00 per page\\)   in [0-9.]+ (ns|\u00b5s|ms|s) \\([0-9.]+ (ns|\u00b5s|ms)/access\\)")
                .contains("  present  0 \u2192 64 pages")
                .containsPattern("p50 \u2248[0-9.]+ (ns|\u00b5s|ms)")
                .containsPattern("\n  \u2265[0-9.]+ (ns|\u00b5s|ms) +\u2588+ ")
                .contains("offset 1M is outside m1 (256K) \u2014 ")
                .contains("pagelab-set - change how much a step report says")
                .contains(" 0\u2192256,");
        assertThat(o.status()).isZero();
    }

    @Test
    void interactiveWithoutAnyLocaleIsAscii() throws Exception {
        assertAsciiSession(run(true, vars(), SESSION));
    }

    @Test
    void interactiveWithLangCIsAscii() throws Exception {
        assertAsciiSession(run(true, vars("LANG", "C"), SESSION));
    }

    @Test
    void interactiveWithLangPosixIsAscii() throws Exception {
        assertAsciiSession(run(true, vars("LANG", "POSIX"), SESSION));
    }

    @Test
    void interactiveWithLcAllCOverALangOfUtf8IsAscii() throws Exception {
        assertAsciiSession(run(true, vars("LANG", "en_US.UTF-8", "LC_ALL", "C"), SESSION));
    }

    @Test
    void interactiveWithLcAllCUtf8IsUtf8() throws Exception {
        assertUtf8Session(run(true, vars("LC_ALL", "C.UTF-8", "LANG", "C"), SESSION));
    }

    /** en_US.UTF-8 need not be installed: the name says UTF-8, and the terminal is opened for it all the same. */
    @Test
    void interactiveWithLangEnUsUtf8AndNoLcAllIsUtf8() throws Exception {
        assertUtf8Session(run(true, vars("LANG", "en_US.UTF-8"), SESSION));
    }

    @Test
    void aDumbTerminalIsAsciiWhateverTheLocale() throws Exception {
        assertAsciiSession(run(true, vars("LC_ALL", "C.UTF-8", "TERM", "dumb"), SESSION));
    }

    /** -c onto a terminal: the same decision as the interactive console. */
    @Test
    void scriptModeOnATerminal() throws Exception {
        String c = "map 64p --no-thp; touch m1";
        Output ascii = run(true, vars("LANG", "C"), null, "-c", c);
        assertThat(ascii.allAscii()).as(ascii.text()).isTrue();
        assertThat(ascii.text())
                .doesNotContain("?")
                .contains("  present  0 -> 64 pages")
                .containsPattern("in [0-9.]+ (ns|us|ms|s)\n");
        Output utf8 = run(true, vars("LANG", "C.UTF-8"), null, "-c", c);
        assertThat(utf8.text()).doesNotContain("?").contains("  present  0 \u2192 64 pages");
    }

    /** Into a pipe the locale decides too: a log written under LANG=C is ASCII. */
    @Test
    void pipedScriptUnderLangCIsAscii() throws Exception {
        String c = "map 64p --no-thp; touch m1 --timing; touch m1[1M:4K]";
        Output ascii = run(false, vars("LANG", "C"), null, "--keep-going", "-c", c);
        assertThat(ascii.allAscii()).as(ascii.text()).isTrue();
        assertThat(ascii.text())
                .doesNotContain("?")
                .contains("  present  0 -> 64 pages")
                .containsPattern("\n  >=[0-9.]+ (ns|us|ms) +#+ ");
        // the script's error is on stderr, in ASCII too
        assertThat(ascii.errText())
                .doesNotContain("?")
                .contains("pagelab:-c:3: touch: offset 1M is outside m1 (256K) - ");
        assertThat(ascii.status()).isEqualTo(1);
        Output utf8 = run(false, vars("LANG", "C.UTF-8"), null, "--keep-going", "-c", c);
        assertThat(utf8.text()).doesNotContain("?").contains("  present  0 \u2192 64 pages");
        assertThat(utf8.errText()).contains("offset 1M is outside m1 (256K) \u2014 ");
    }

    /** JSON under LANG=C: the same values, non-ASCII as \\uXXXX escapes, every byte ASCII. */
    @Test
    void jsonUnderLangCIsEscapedAscii() throws Exception {
        Output o = run(
                false, vars("LANG", "C"), null, "--keep-going", "--json", "-c", "map 64p --no-thp; touch m1[1M:4K]");
        assertThat(o.allAscii()).as(o.text()).isTrue();
        List<String> lines = o.text().lines().toList();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0))
                .startsWith("{\"command\":\"map 64p --no-thp\",\"ok\":true")
                .endsWith("}");
        assertThat(lines.get(1))
                .startsWith("{\"command\":\"touch m1[1M:4K]\",\"ok\":false")
                .contains("offset 1M is outside m1 (256K) \\u2014 ")
                .doesNotContain("?")
                .endsWith("}");
        Output utf8 = run(
                false,
                vars("LANG", "C.UTF-8"),
                null,
                "--keep-going",
                "--json",
                "-c",
                "map 64p --no-thp; touch m1[1M:4K]");
        assertThat(utf8.text()).contains("offset 1M is outside m1 (256K) \u2014 ");
    }

    /** A recipe played on a terminal (through the console's terminal) and checked, under LANG=C. */
    @Test
    void recipePlaybackUnderLangCIsAscii() throws Exception {
        Output played = run(true, vars("LANG", "C"), null, "--recipe", "demand-paging", "--auto", "--delay", "0");
        assertThat(played.allAscii()).as(played.text()).isTrue();
        assertThat(played.text())
                .doesNotContain("?")
                .contains("ok minor = 0")
                .contains("ok minor = 256")
                .containsPattern("in [0-9.]+ (ns|us|ms|s)");
        assertThat(played.status()).isZero();
        Output checked = run(false, vars("LANG", "C"), null, "--recipe", "demand-paging", "--check");
        assertThat(checked.allAscii()).as(checked.text()).isTrue();
        assertThat(checked.text()).doesNotContain("?").contains("ok minor = 256");
        Output utf8 = run(true, vars("LANG", "C.UTF-8"), null, "--recipe", "demand-paging", "--auto", "--delay", "0");
        assertThat(utf8.text()).doesNotContain("?").contains("\u2713 minor = 256");
    }

    /** What the launcher says on stderr follows the locale too: a settings problem that quotes the file's text. */
    @Test
    void stderrUnderLangCIsAscii() throws Exception {
        Path config = state.resolve("config.toml");
        Files.writeString(config, "color = \"n\u00e9ver\u2192\"\n", StandardCharsets.UTF_8);
        for (String lang : List.of("C", "C.UTF-8")) {
            ProcessBuilder pb = new ProcessBuilder(
                            ROOT.resolve("pagelab").toString(), "--config", config.toString(), "-c", "list")
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD);
            LOCALE_VARS.forEach(pb.environment()::remove);
            pb.environment().put("LANG", lang);
            pb.environment().put("PAGELAB_NO_BUILD", "1");
            Process p = pb.start();
            byte[] err = p.getErrorStream().readAllBytes();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            String text = new String(err, StandardCharsets.UTF_8);
            if (lang.equals("C")) {
                for (byte b : err) assertThat(b).as(text).isNotNegative();
                assertThat(text).contains("not \"never->\"").doesNotContain("?");
            } else {
                assertThat(text).contains("not \"n\u00e9ver\u2192\"");
            }
        }
    }
}
