package dev.pagelab.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.pagelab.commands.Command;
import dev.pagelab.commands.CommandError;
import dev.pagelab.commands.CommandLine;
import dev.pagelab.console.recipe.Recipe;
import dev.pagelab.console.recipe.RecipeLibrary;
import dev.pagelab.console.recipe.RecipeParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random and mutated input for the two parsers a user feeds: command lines (through the whole console engine, on
 * the real kernel) and recipe files. Nothing may escape but the documented user error — a one-line CommandError for
 * a command, a FormatError listing problems for a recipe — and nothing may hang. Seeds are fixed, so a failure
 * reproduces; the seed and the input are in the message.
 */
class ParserFuzzTest extends ConsoleSessionTest {
    static final long SEED = 20261125L;
    static final int LINES = 6000, RECIPES = 1500;
    /** Commands whose random forms are run for real: those that only map, touch and observe this process's memory. */
    static final Set<String> RUN = Set.of(
            "map",
            "unmap",
            "touch",
            "advise",
            "lock",
            "unlock",
            "protect",
            "inspect-pagemap",
            "view",
            "maps",
            "list",
            "set",
            "history",
            "help",
            "watch",
            "unwatch",
            "clear-refs",
            "limit",
            "cache");

    static final List<String> SEEDS = List.of(
            "map 4M",
            "map a 64p --no-thp --populate",
            "map b 2M --thp --align 2M",
            "map c 16K --prot r",
            "map d 1G --noreserve",
            "map e 4M --memfd --shared",
            "touch m1",
            "touch a[0:16p] --read",
            "touch a --stride 8K --order random --timing",
            "touch a[1M:] --write",
            "advise a dontneed",
            "advise a[0:4K] free",
            "advise a guard_install",
            "advise a populate_write",
            "lock a --onfault",
            "unlock a",
            "protect a r",
            "protect a[4K:8K] none",
            "unmap a[4K:4K]",
            "inspect-pagemap a --pages",
            "inspect-pagemap a --written",
            "view a --rows 4 --cell 2p",
            "view d --method pread",
            "maps a",
            "maps --all",
            "list",
            "set feedback concise",
            "watch a",
            "unwatch",
            "clear-refs soft-dirty a",
            "clear-refs all",
            "limit memlock 1M",
            "limit reset",
            "cache /etc/hostname",
            "help touch",
            "history",
            "touch a; touch b; list",
            "touch 'a'",
            "map \"x y\" 4K");
    static final String ALPHABET = "abcdm1[]:;'\"-=.,0123456789KMGTp \t\\/%$~#*?!\u00b5\u2192\u0000\u0007\u001b\u00e9";

    @TempDir
    Path dir;

    static String mutate(String s, Random r) {
        StringBuilder b = new StringBuilder(s);
        int edits = 1 + r.nextInt(4);
        for (int e = 0; e < edits; e++) {
            int at = b.isEmpty() ? 0 : r.nextInt(b.length() + 1);
            switch (r.nextInt(7)) {
                case 0 -> b.insert(at, ALPHABET.charAt(r.nextInt(ALPHABET.length())));
                case 1 -> {
                    if (at < b.length()) b.deleteCharAt(at);
                }
                case 2 -> {
                    if (at < b.length()) b.setCharAt(at, ALPHABET.charAt(r.nextInt(ALPHABET.length())));
                }
                case 3 ->
                    b.insert(
                            at,
                            " "
                                    + List.of(
                                                    "--force",
                                                    "--pages",
                                                    "--read",
                                                    "--stride",
                                                    "[",
                                                    "]",
                                                    "0x",
                                                    "99999999999T",
                                                    "-1",
                                                    "1e9",
                                                    "--",
                                                    "--rows",
                                                    "p",
                                                    ";")
                                            .get(r.nextInt(14))
                                    + " ");
                case 4 -> b.insert(at, Long.toString(r.nextLong() >>> r.nextInt(64)));
                case 5 -> {
                    if (at < b.length()) b.delete(at, Math.min(b.length(), at + 1 + r.nextInt(6)));
                }
                default -> b.insert(at, b.substring(0, Math.min(b.length(), r.nextInt(8))));
            }
        }
        return b.toString();
    }

    /** Whether every statement of the line is one of the commands that may run for real here. */
    boolean runnable(String line) {
        try {
            for (String st : CommandLine.splitStatements(line)) {
                CommandLine cl = CommandLine.parse(st);
                if (cl.isEmpty()) continue;
                Command c = shell.registry().lookup(cl.name());
                if (!RUN.contains(c.name()) || st.contains("--file") || st.contains("--locked")) return false;
            }
            return true;
        } catch (CommandError e) {
            return true; // refused by the parser: the console must say so
        }
    }

    @Test
    void randomAndMutatedCommandLinesOnlyEverGiveOneLineUserErrors() {
        Random r = new Random(SEED);
        List<String> ran = new ArrayList<>();
        assertTimeoutPreemptively(Duration.ofMinutes(5), () -> {
            for (int i = 0; i < LINES; i++) {
                String base = SEEDS.get(r.nextInt(SEEDS.size()));
                String line = r.nextInt(10) == 0 ? randomLine(r) : mutate(base, r);
                if (!runnable(line)) {
                    // parse only: it must refuse or accept, never throw anything else
                    try {
                        for (String st : CommandLine.splitStatements(line))
                            shell.registry().lookup(CommandLine.parse(st).name());
                    } catch (CommandError expected) {
                        // the documented user error
                    }
                    continue;
                }
                buffer.getBuffer().setLength(0);
                shell.execute(line);
                String out = buffer.toString();
                assertThat(out).as("seed %d, input %d: %s", SEED, i, line).doesNotContain("internal error");
                ran.add(line);
                if (session.names().size() > 8) for (String n : session.names()) shell.execute("unmap " + n);
            }
            shell.execute("limit reset");
            shell.execute("set feedback normal");
            shell.execute("unwatch");
        });
        assertThat(ran.size()).as("most inputs ran for real").isGreaterThan(LINES / 3);
        assertThat(shell.execute("list")).isTrue();
    }

    static String randomLine(Random r) {
        StringBuilder b = new StringBuilder();
        int n = r.nextInt(40);
        for (int i = 0; i < n; i++) b.append(ALPHABET.charAt(r.nextInt(ALPHABET.length())));
        return b.toString();
    }

    @Test
    void mutatedRecipeFilesAreRefusedWithProblemsOrAccepted() throws Exception {
        List<Path> shipped = RecipeLibrary.tomlFiles(RecipeTest.RECIPES);
        assertThat(shipped).isNotEmpty();
        List<String> texts = new ArrayList<>();
        for (Path p : shipped) texts.add(Files.readString(p));
        Random r = new Random(SEED);
        Path f = dir.resolve("fuzz.toml");
        int[] refused = {0};
        assertTimeoutPreemptively(Duration.ofMinutes(3), () -> {
            for (int i = 0; i < RECIPES; i++) {
                String text = texts.get(r.nextInt(texts.size()));
                String mutated = r.nextInt(5) == 0 ? randomLine(r) + "\n" + text : mutateRecipe(text, r);
                if (r.nextInt(50) == 0) {
                    // bytes that are not UTF-8 at all
                    byte[] raw = mutated.getBytes(java.nio.charset.StandardCharsets.UTF_8);
                    raw[r.nextInt(raw.length)] = (byte) 0xC3;
                    raw[r.nextInt(raw.length)] = (byte) 0xFF;
                    Files.write(f, raw);
                } else {
                    Files.writeString(f, mutated);
                }
                try {
                    Recipe recipe = RecipeParser.parse(f, this::known);
                    assertThat(recipe.steps()).isNotEmpty();
                } catch (RecipeParser.FormatError e) {
                    refused[0]++;
                    final int n = i;
                    assertThat(e.problems)
                            .as("seed %d, recipe %d", SEED, n)
                            .isNotEmpty()
                            .allSatisfy(p ->
                                    assertThat(p).startsWith(f.toString() + ":").doesNotContain("\n"));
                }
            }
        });
        int refusedCount = refused[0];
        assertThat(refusedCount).as("mutations are mostly caught").isGreaterThan(RECIPES / 4);
    }

    boolean known(String name) {
        try {
            shell.registry().lookup(name);
            return true;
        } catch (CommandError e) {
            return false;
        }
    }

    static String mutateRecipe(String text, Random r) {
        StringBuilder b = new StringBuilder(text);
        int edits = 1 + r.nextInt(3);
        for (int e = 0; e < edits && !b.isEmpty(); e++) {
            int at = r.nextInt(b.length());
            switch (r.nextInt(6)) {
                case 0 -> b.deleteCharAt(at);
                case 1 -> {
                    String marks = "=[]{}\"'#.\n,x0-";
                    b.insert(at, marks.charAt(r.nextInt(marks.length())));
                }
                case 2 ->
                    b.insert(
                            at,
                            List.of(
                                            "expect.minor = ",
                                            "[[step]]\n",
                                            "[requires]\n",
                                            "\"\"\"",
                                            "expect.bogus = 1\n",
                                            "run = \"touch\"\n",
                                            "pause = -1\n",
                                            "kernel = \"x\"\n",
                                            "requires = [\"swap\"]\n",
                                            "[step.on.no_swap]\n",
                                            "otherwise = { say = \"${why}\" }\n",
                                            "expect.minor = \"= previous.minor\"\n",
                                            "[step.on.\"a b\"]\n",
                                            "requires = { memlock = \"1M\", hugetlb_pages = 2 }\n")
                                    .get(r.nextInt(14)));
                case 3 -> b.delete(at, Math.min(b.length(), at + r.nextInt(40)));
                case 4 -> b.setCharAt(at, (char) (32 + r.nextInt(95)));
                default ->
                    b.insert(
                            at,
                            List.of("\u0000", "\u00ff", "\ud83d\ude00", "\u2028")
                                    .get(r.nextInt(4)));
            }
        }
        return b.toString();
    }
}
