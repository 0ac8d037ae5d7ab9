package dev.pagelab.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pagelab.console.terminal.TerminfoCache;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import org.jline.utils.InfoCmp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The infocmp cache: used only while the compiled entry it came from is unchanged, never for odd TERM values. */
class TerminfoCacheTest {
    @TempDir
    Path dir;

    private static final String CAPS = "pagelab-test|a test terminal,\n\tam, cols#80, lines#24, bel=^G,\n";

    private Map<String, String> env(String term) {
        return Map.of(
                "TERM",
                term,
                "TERMINFO",
                dir.resolve("terminfo").toString(),
                "XDG_CACHE_HOME",
                dir.resolve("cache").toString());
    }

    private Path compiledEntry(String term) throws Exception {
        Path p = dir.resolve("terminfo").resolve(term.substring(0, 1)).resolve(term);
        Files.createDirectories(p.getParent());
        Files.write(p, new byte[] {1, 2, 3, 4});
        return p;
    }

    @Test
    void whatInfocmpToldJLineIsKeptAndHandedBackNextTime() throws Exception {
        String term = "pagelab-test-a";
        compiledEntry(term);
        InfoCmp.setLoadedInfoCmp(term, CAPS); // as JLine records infocmp's output
        TerminfoCache first = TerminfoCache.forEnvironment(env(term)).orElseThrow();
        first.seed();
        assertThat(first.seeded()).isFalse();
        first.store();
        assertThat(first.file()).isEqualTo(dir.resolve("cache/pagelab/terminfo").resolve(term));
        assertThat(Files.readString(first.file()))
                .startsWith("# pagelab terminfo cache: ")
                .endsWith(CAPS);

        TerminfoCache next = TerminfoCache.forEnvironment(env(term)).orElseThrow();
        next.seed();
        assertThat(next.seeded()).isTrue();
        assertThat(InfoCmp.getLoadedInfoCmp(term)).isEqualTo(CAPS);
    }

    @Test
    void aChangedEntryMakesTheCacheStaleAndItIsNotUsed() throws Exception {
        String term = "pagelab-test-b";
        Path entry = compiledEntry(term);
        InfoCmp.setLoadedInfoCmp(term, CAPS);
        TerminfoCache.forEnvironment(env(term)).orElseThrow().store();

        Files.setLastModifiedTime(
                entry, FileTime.fromMillis(Files.getLastModifiedTime(entry).toMillis() + 60_000));
        TerminfoCache after = TerminfoCache.forEnvironment(env(term)).orElseThrow();
        after.seed();
        assertThat(after.seeded()).isFalse();
    }

    @Test
    void noEntryNoCacheAndOddNamesAreLeftAlone() throws Exception {
        String term = "pagelab-test-c"; // no compiled entry anywhere
        InfoCmp.setLoadedInfoCmp(term, CAPS);
        TerminfoCache c = TerminfoCache.forEnvironment(env(term)).orElseThrow();
        c.store();
        assertThat(c.file()).doesNotExist();
        assertThat(TerminfoCache.forEnvironment(env("-A/etc"))).isEmpty();
        assertThat(TerminfoCache.forEnvironment(env("../../x"))).isEmpty();
        assertThat(TerminfoCache.forEnvironment(env("dumb"))).isEmpty();
        assertThat(TerminfoCache.forEnvironment(Map.of())).isEmpty();
    }

    @Test
    void theSystemEntryOfACommonTerminalIsFound() {
        assertThat(TerminfoCache.compiledEntry("xterm-256color", Map.of())).isPresent();
    }
}
