package dev.pagelab.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pagelab.console.recipe.Expectation;
import dev.pagelab.console.recipe.Recipe;
import dev.pagelab.console.recipe.RecipeLibrary;
import dev.pagelab.console.recipe.RecipeParser;
import dev.pagelab.console.recipe.RecipePlayer;
import dev.pagelab.console.recipe.RecipeRequirements;
import dev.pagelab.linux.proc.HugetlbPool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The recipe format, its expectations, and replay/record through the console's engine on the real kernel. */
class RecipeTest extends ConsoleSessionTest {
    static final Path RECIPES = Path.of("..", "recipes").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    @BeforeEach
    void clear() {
        for (String n : session.names()) shell.execute("unmap " + n);
        buffer.getBuffer().setLength(0);
    }

    Recipe parse(String toml) throws Exception {
        Path f = dir.resolve("r.toml");
        Files.writeString(f, toml);
        return RecipeParser.parse(f, name -> {
            try {
                shell.registry().lookup(name);
                return true;
            } catch (Exception e) {
                return false;
            }
        });
    }

    List<String> problems(String toml) {
        try {
            parse(toml);
        } catch (RecipeParser.FormatError e) {
            return e.problems;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("expected the recipe to be refused:\n" + toml);
    }

    static final String HEAD = "title = \"t\"\nsummary = \"s\"\n";

    @Test
    void malformedRecipesAreRefusedWithFileLineAndColumn() {
        String f = dir.resolve("r.toml").toString();
        assertThat(problems(HEAD + "[[step]]\nrun = \"map 4K\nexpect.minor = 0\n"))
                .singleElement()
                .asString()
                .startsWith(f + ":4:14: TOML syntax");
        assertThat(problems(HEAD + "titel = \"x\"\n[[step]]\nrun = \"map 4K\"\n"))
                .singleElement()
                .asString()
                .startsWith(f + ":3:1: unknown key 'titel'")
                .contains("did you mean 'title'?");
        assertThat(problems(HEAD + "[[step]]\nrun = \"map 4K\"\nexpect.minr = 0\n"))
                .singleElement()
                .asString()
                .startsWith(f + ":5:1: expect.minr is not a figure")
                .contains("did you mean 'minor'?");
        assertThat(problems(HEAD + "[[step]]\nrun = \"map 4K\"\nexpect.minor = \"about 5\"\n"))
                .singleElement()
                .asString()
                .startsWith(f + ":5:1: 'about 5' is not a relation");
        assertThat(problems(HEAD + "[[step]]\nrun = \"mapp 4K\"\n"))
                .singleElement()
                .asString()
                .startsWith(f + ":4:1: 'mapp' is not a pagelab command");
        assertThat(problems(HEAD + "[[step]]\nrun = \"map 4K --file ${tmp}/x\"\n"))
                .singleElement()
                .asString()
                .contains("unknown variable ${tmp}");
        assertThat(problems(HEAD + "[requires]\nthp = \"sometimes\"\nkernel = 6\n[[step]]\nrun = \"list\"\n"))
                .hasSize(2)
                .anySatisfy(p -> assertThat(p).contains("'sometimes' is not one of always, madvise, never"))
                .anySatisfy(p -> assertThat(p).contains(":5:1: kernel = compares release numbers"));
        assertThat(problems("summary = \"s\"\n[[step]]\nrun = \"list\"\n"))
                .singleElement()
                .asString()
                .contains("a recipe needs title");
        assertThat(problems(HEAD)).singleElement().asString().contains("at least one [[step]]");
        assertThat(problems(HEAD + "[[step]]\npause = 2\n"))
                .singleElement()
                .asString()
                .contains("needs run = \"COMMAND\"");
        assertThat(problems(HEAD + "[[step]]\nrun = \"touch m1\"\nexpect.present = \"5 -> \"\n"))
                .hasSize(1);
        assertThat(problems(HEAD + "[[step]]\nrun = \"touch m1\"\nexpect.minor = \"1 -> 2\"\n"))
                .singleElement()
                .asString()
                .contains("only present takes BEFORE -> AFTER");
        assertThat(problems(HEAD + "[[step]]\nrun = \"touch m1\"\nexpect.ok = 1\n"))
                .singleElement()
                .asString()
                .contains("expect.ok takes true or false");
        // all problems at once, not just the first
        assertThat(problems(HEAD + "colour = 1\n[[step]]\nrun = \"nope\"\nexpect.x = 1\n"))
                .hasSize(3);
    }

    @Test
    void relationsHoldAsWritten() {
        assertThat(Expectation.of("minor", 256L, "f:1:1").holds(0, 256)).isTrue();
        assertThat(Expectation.of("minor", 256L, "f:1:1").holds(0, 255)).isFalse();
        assertThat(Expectation.of("major", "> 0", "f:1:1").holds(0, 1)).isTrue();
        assertThat(Expectation.of("major", "> 0", "f:1:1").holds(0, 0)).isFalse();
        assertThat(Expectation.of("minor_per_page", "<= 1.05", "f:1:1").holds(0, 1.05))
                .isTrue();
        assertThat(Expectation.of("minor_per_page", "\u2264 1.05", "f:1:1").holds(0, 1.06))
                .isFalse();
        assertThat(Expectation.of("minor", "256 \u00b1 2", "f:1:1").holds(0, 258))
                .isTrue();
        assertThat(Expectation.of("minor", "256 +- 2", "f:1:1").holds(0, 259)).isFalse();
        assertThat(Expectation.of("minor", "200 +- 5%", "f:1:1").holds(0, 210)).isTrue();
        assertThat(Expectation.of("minor", "200 +- 5%", "f:1:1").holds(0, 211)).isFalse();
        assertThat(Expectation.of("minor", "250..260", "f:1:1").holds(0, 260)).isTrue();
        assertThatThrownBy(() -> Expectation.of("minor", "1_000", "f:1:1"))
                .as("a string needs an operator")
                .hasMessageContaining("is not a relation");
        assertThat(Expectation.of("minor", "= 1_000", "f:1:1").holds(0, 1000)).isTrue();
        assertThat(Expectation.of("present", "0 -> 256", "f:1:1").holds(0, 256)).isTrue();
        assertThat(Expectation.of("present", "0 -> 256", "f:1:1").holds(1, 256)).isFalse();
        assertThat(Expectation.of("present", 256L, "f:1:1").holds(7, 256)).isTrue();
        assertThatThrownBy(() -> Expectation.of("minor", "260..250", "f:1:1")).hasMessageContaining("runs backwards");
    }

    @Test
    void everyShippedRecipeParses() throws Exception {
        List<Path> files = RecipeLibrary.tomlFiles(RECIPES);
        assertThat(files).as("recipes/ ships the ten stories").hasSizeGreaterThanOrEqualTo(10);
        for (Path f : files) {
            Recipe r = RecipeParser.parse(f, name -> {
                try {
                    shell.registry().lookup(name);
                    return true;
                } catch (Exception e) {
                    return false;
                }
            });
            assertThat(r.title()).as(f.toString()).isNotBlank();
            assertThat(r.steps()).as(f.toString()).isNotEmpty();
            assertThat(r.steps().stream().mapToInt(s -> s.expect().size()).sum())
                    .as(f + " checks its claims")
                    .isPositive();
        }
    }

    @Test
    void aFailedExpectationFailsTheCheckAndTheCleanupStillRuns() throws Exception {
        Path f = dir.resolve("wrong.toml");
        Files.writeString(
                f,
                HEAD + "[[step]]\nrun = \"map w 64K --no-thp\"\n[[step]]\nrun = \"touch w\"\nexpect.minor = 17\n"
                        + "expect.major = 0\n[[cleanup]]\nrun = \"unmap w\"\n");
        assertThat(shell.execute("replay " + f + " --check")).isFalse();
        String out = buffer.toString();
        assertThat(out)
                .contains("\u2717 minor = 17: got 16")
                .contains("\u2713 major = 0")
                .contains("what the step printed:")
                .contains("touch w: write, seq, 16 accesses");
        // the line names the recipe's temporary path: at 80 columns it is cut at words
        assertThat(out.replaceAll("\\s+", " "))
                .contains(f + ":7:1: step 2 (touch w): expected minor = 17, got 16")
                .contains("what the step printed:")
                .contains("touch w: write, seq, 16 accesses")
                .contains("FAIL t: 1 of 2 did not hold");
        assertThat(session.names()).as("cleanup ran").isEmpty();
    }

    @Test
    void aFailingStepStopsTheRecipeButNotTheCleanup() throws Exception {
        Path f = dir.resolve("stops.toml");
        Files.writeString(
                f,
                HEAD + "[[step]]\nrun = \"map s 64K --no-thp\"\n[[step]]\nrun = \"touch s[1M:4K]\"\n"
                        + "[[step]]\nrun = \"touch s\"\nexpect.minor = 16\n[[cleanup]]\nrun = \"unmap s\"\n");
        assertThat(shell.execute("replay " + f + " --check")).isFalse();
        assertThat(buffer.toString())
                .contains("the recipe stops here: step 2 failed")
                .doesNotContain("$ touch s\n")
                .contains("$ unmap s");
        assertThat(session.names()).isEmpty();
    }

    /** A machine that has every capability but those named (false), each fact saying so. */
    static RecipeRequirements.Machine machine(Map<String, String> missing) {
        return new RecipeRequirements.Machine() {
            @Override
            public RecipeRequirements.Fact fact(String word) {
                assertThat(RecipeRequirements.WORDS)
                        .as("a word of the vocabulary")
                        .containsKey(word);
                return missing.containsKey(word)
                        ? new RecipeRequirements.Fact(false, missing.get(word))
                        : new RecipeRequirements.Fact(true, word + " works");
            }

            @Override
            public String thpMode() {
                return "madvise";
            }

            @Override
            public Optional<HugetlbPool> hugetlbPool(long size) {
                return Optional.of(new HugetlbPool(size, 0, 0, 0, 0, 0));
            }

            @Override
            public boolean canSizeHugetlb(long size) {
                return !missing.containsKey("root");
            }

            @Override
            public long memlockLimit() {
                return 64 << 10;
            }

            @Override
            public String release() {
                return "6.18.44-test";
            }
        };
    }

    static final String NO_ZERO_PAGE =
            "a read fault allocates a private zeroed page here (boot parameter pvm_no_zero_page=1)";

    RecipePlayer.Result play(Path f, RecipeRequirements.Machine m) throws Exception {
        Recipe r = RecipeParser.parse(f, n -> {
            try {
                shell.registry().lookup(n);
                return true;
            } catch (Exception e) {
                return false;
            }
        });
        return new RecipePlayer(shell, session, RecipePlayer.Options.CHECK, null).play(r, m);
    }

    @Test
    void unmetRecipeNeedsSkipItWholeWithTheReasonAndRunNothing() throws Exception {
        Path f = dir.resolve("swap.toml");
        Files.writeString(
                f, HEAD + "[requires]\nfeatures = [\"swap\"]\n[[step]]\nrun = \"map x 4K\"\nexpect.minor = 0\n");
        RecipePlayer.Result r = play(f, machine(Map.of("swap", "this machine has no swap (/proc/swaps lists none)")));
        assertThat(r.skipped()).isEqualTo("needs swap: this machine has no swap (/proc/swaps lists none)");
        assertThat(r.ok()).isTrue();
        assertThat(buffer.toString())
                .contains("  skipped: needs swap: this machine has no swap")
                .doesNotContain("$ map x");
        assertThat(session.names()).isEmpty();
        // negated words, and the table's keys
        Files.writeString(
                f,
                HEAD
                        + "[requires]\nfeatures = [\"no_shared_zero_page\"]\nmemlock = \"1M\"\n[[step]]\nrun = \"list\"\n");
        assertThat(play(f, machine(Map.of("cap_ipc_lock", "no CAP_IPC_LOCK"))).skipped())
                .contains("needs a kernel without the shared zero page: shared_zero_page works")
                .contains("needs to lock 1.0 MiB: RLIMIT_MEMLOCK is 64.0 KiB and this user has no CAP_IPC_LOCK");
    }

    /** Swapping's subject is swap: without it the recipe skips whole, saying so, and runs nothing. */
    @Test
    void theSwappingRecipeSkipsWholeWithoutSwap() throws Exception {
        Path swapping = RECIPES.resolve("11-swapping.toml");
        RecipePlayer.Result r =
                play(swapping, machine(Map.of("swap", "this machine has no swap (/proc/swaps lists none)")));
        assertThat(r.skipped()).isEqualTo("needs swap: this machine has no swap (/proc/swaps lists none)");
        assertThat(buffer.toString()).contains("recipe: Swapping").doesNotContain("$ map w");
        assertThat(session.names()).isEmpty();
        // with swap, every step runs as written: no step of it depends on anything else
        Recipe recipe = RecipeParser.parse(swapping, this::known);
        assertThat(RecipePlayer.plan(recipe, machine(Map.of()))).allSatisfy(p -> {
            assertThat(p.skipped()).isNull();
            assertThat(p.variant()).isNull();
        });
    }

    @Test
    void aStepTheMachineCannotDoIsSkippedWithItsReasonAndTheRestRuns() throws Exception {
        Path f = dir.resolve("steps.toml");
        Files.writeString(f, HEAD + """
                [[step]]
                run = "map s 64K --no-thp"
                expect.minor = 0
                [[step]]
                requires = ["madv_guard_install"]
                run = "advise s[0:4K] guard_install"
                [[step]]
                requires = ["madv_guard_install"]
                run = "touch s"
                expect.error = "guard region"
                [[step]]
                run = "touch s"
                expect.minor = 16
                [[step]]
                requires = ["swap"]
                run = "advise s pageout"
                [[step]]
                run = "view s"
                expect.swapped = "= previous.present"
                [[step]]
                run = "touch s"
                expect.minor = 0
                [[cleanup]]
                run = "unmap s"
                [[cleanup]]
                requires = ["swap"]
                run = "unmap nothing-here"
                """);
        RecipePlayer.Result r = play(
                f,
                machine(Map.of(
                        "madv_guard_install",
                        "Linux 6.13 added it; this is 6.12.57",
                        "swap",
                        "this machine has no swap")));
        String out = buffer.toString();
        assertThat(r.ok()).as(out).isTrue();
        assertThat(r.skipped()).isNull();
        assertThat(r.passed()).isEqualTo(3);
        assertThat(r.skippedSteps()).isEqualTo(4);
        assertThat(r.unchecked()).isEqualTo(2);
        assertThat(r.stepSkips())
                .containsExactly(
                        "steps 2\u20133 skipped: needs MADV_GUARD_INSTALL: Linux 6.13 added it; this is 6.12.57",
                        "step 5 skipped: needs swap: this machine has no swap",
                        "step 6 skipped: it checks the figures of step 5, which was skipped");
        assertThat(out)
                .contains("  steps 2\u20133 skipped: needs MADV_GUARD_INSTALL")
                .contains("$ touch s\n")
                .doesNotContain("guard_install")
                .doesNotContain("pageout")
                .doesNotContain("nothing-here");
        // longer than 80 columns: cut at words
        assertThat(out.replaceAll("\\s+", " "))
                .contains("PASS t: 3 expectations held; 4 steps skipped on this machine (2 expectations not checked)");
        assertThat(session.names()).isEmpty();
    }

    @Test
    void otherwiseRunsInsteadOfSkippingAndExplainsWhy() throws Exception {
        Path f = dir.resolve("otherwise.toml");
        Files.writeString(f, HEAD + """
                [[step]]
                say = "the pool has pages"
                requires = { hugetlb = "2M", hugetlb_pages = 2 }
                run = "map h 4M --hugetlb=2M"
                expect.minor = 0
                [step.otherwise]
                say = "here: ${why}"
                run = "map o 8K --no-thp"
                expect.minor = 0
                [[cleanup]]
                run = "unmap o"
                """);
        Recipe recipe = parse(Files.readString(f));
        RecipePlayer.Planned p = RecipePlayer.plan(recipe.steps().get(0), machine(Map.of("root", "not root")));
        assertThat(p.variant()).isEqualTo("otherwise");
        assertThat(p.say())
                .isEqualTo("here: needs 2 free 2 MiB hugetlb pages: the pool has 0 free, and only root can "
                        + "add pages (nr_hugepages)");
        assertThat(p.run()).isEqualTo("map o 8K --no-thp");
        RecipePlayer.Planned asRoot = RecipePlayer.plan(recipe.steps().get(0), machine(Map.of()));
        assertThat(asRoot.variant()).isNull();
        assertThat(asRoot.run()).isEqualTo("map h 4M --hugetlb=2M");
        RecipePlayer.Result r = play(f, machine(Map.of("root", "not root")));
        assertThat(r.ok()).as(buffer.toString()).isTrue();
        assertThat(buffer.toString()).contains("$ map o 8K --no-thp   (otherwise)");
        assertThat(session.names()).isEmpty();
    }

    /**
     * The zero-page story on a kernel with the shared zero page and on one without (a PVM guest booted with
     * pvm_no_zero_page=1): which narration and which claims each step takes. Selection only: no kernel result is
     * made up; the recipe's figures are checked on the real kernel by the shipped recipes' run.
     */
    @Test
    void expectationsAndNarrationFollowTheKernelProfile() throws Exception {
        Recipe zero = RecipeParser.parse(RECIPES.resolve("02-zero-page.toml"), this::known);
        RecipeRequirements.Machine shared = machine(Map.of());
        RecipeRequirements.Machine pvm = machine(Map.of("shared_zero_page", NO_ZERO_PAGE));
        List<RecipePlayer.Planned> a =
                zero.steps().stream().map(s -> RecipePlayer.plan(s, shared)).toList();
        List<RecipePlayer.Planned> b =
                zero.steps().stream().map(s -> RecipePlayer.plan(s, pvm)).toList();
        assertThat(a).allSatisfy(p -> assertThat(p.variant()).isNull());
        assertThat(claims(a.get(1))).containsExactly("minor = 64", "present 0 -> 64");
        assertThat(claims(a.get(2))).containsExactly("zero = 64", "present = 0");
        assertThat(claims(a.get(3))).containsExactly("minor = 64", "present 64 -> 64", "note ~ \"zero page\"");
        assertThat(a.get(3).say()).contains("each write faults again");

        assertThat(b.get(0).variant()).isNull();
        assertThat(b.subList(1, 5)).allSatisfy(p -> assertThat(p.variant()).isEqualTo("no_shared_zero_page"));
        assertThat(b.get(1).say())
                .contains("this kernel has no shared zero page: " + NO_ZERO_PAGE)
                .doesNotContain("${why}");
        assertThat(claims(b.get(1))).containsExactly("minor = 64", "present 0 -> 64", "note ~ \"no shared zero page\"");
        assertThat(claims(b.get(2))).containsExactly("zero = 0", "present = 64");
        assertThat(claims(b.get(3))).containsExactly("minor = 0", "present 64 -> 64", "note ~ \"private already\"");
        assertThat(b.get(3).say()).contains("*no fault at all*");
        assertThat(claims(b.get(4)))
                .as("a variant with say alone keeps the step's claims")
                .isEqualTo(claims(a.get(4)));
        assertThat(b.get(4).say()).contains("*one fault per page*");

        // the other stories that assumed the zero page
        Recipe prot = RecipeParser.parse(RECIPES.resolve("10-protection-faults.toml"), this::known);
        assertThat(claims(RecipePlayer.plan(prot.steps().get(4), shared))).containsExactly("minor = 16");
        assertThat(claims(RecipePlayer.plan(prot.steps().get(4), pvm))).containsExactly("minor <= 16");
        Recipe free = RecipeParser.parse(RECIPES.resolve("04-dontneed-vs-free.toml"), this::known);
        RecipePlayer.Planned view =
                RecipePlayer.plan(free.steps().get(free.steps().size() - 1), shared);
        assertThat(claims(view)).containsExactly("zero = previous.minor");
        assertThat(claims(RecipePlayer.plan(free.steps().get(free.steps().size() - 1), pvm)))
                .containsExactly("zero = 0");
        // several variants apply in file order, the later one winning where both give a part
        Recipe two = parse(HEAD + """
                [[step]]
                say = "base"
                run = "list"
                [step.on.no_swap]
                say = "no swap"
                [step.on.no_root]
                run = "maps"
                """);
        RecipePlayer.Planned both =
                RecipePlayer.plan(two.steps().get(0), machine(Map.of("swap", "none", "root", "no")));
        assertThat(both.variant()).isEqualTo("no_swap, no_root");
        assertThat(both.say()).isEqualTo("no swap");
        assertThat(both.run()).isEqualTo("maps");
    }

    static List<String> claims(RecipePlayer.Planned p) {
        return p.expect().stream().map(Expectation::describe).toList();
    }

    boolean known(String name) {
        try {
            shell.registry().lookup(name);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    @Test
    void kernelVersionsAreRefusedWithWhatToWriteInstead() {
        String f = dir.resolve("r.toml").toString();
        assertThat(problems(HEAD + "[requires]\nkernel = \"6.13\"\n[[step]]\nrun = \"list\"\n"))
                .singleElement()
                .asString()
                .startsWith(f + ":4:1: kernel = compares release numbers")
                .contains("features = [\"madv_guard_install\"]")
                .contains("'help replay' lists the words");
        assertThat(problems(HEAD + "[[step]]\nrun = \"list\"\nrequires = { kernel = \"5.14\" }\n"))
                .singleElement()
                .asString()
                .contains("kernel = compares release numbers");
    }

    @Test
    void capabilityWordsAreCheckedWhenTheRecipeIsRead() throws Exception {
        String f = dir.resolve("r.toml").toString();
        assertThat(problems(HEAD + "[requires]\nfeatures = [\"madv_guard\"]\n[[step]]\nrun = \"list\"\n"))
                .singleElement()
                .asString()
                .startsWith(f + ":4:1: 'madv_guard' is not a capability pagelab knows (did you mean "
                        + "'madv_guard_install'?)");
        assertThat(problems(HEAD + "[[step]]\nrun = \"list\"\nrequires = [\"no_swapp\"]\n"))
                .singleElement()
                .asString()
                .contains(":5:1: 'no_swapp' is not a capability")
                .contains("(did you mean 'no_swap'?)");
        assertThat(problems(HEAD + "[[step]]\nrun = \"list\"\n[step.on.no_shared_zero_pag]\nsay = \"x\"\n"))
                .singleElement()
                .asString()
                .contains(":5:1: 'no_shared_zero_pag' is not a capability")
                .contains("did you mean 'no_shared_zero_page'?");
        assertThat(problems(HEAD + "[[step]]\nrun = \"list\"\notherwise = { say = \"x\" }\n"))
                .singleElement()
                .asString()
                .contains("otherwise runs when the step's requires are not met");
        assertThat(problems(HEAD + "[[step]]\nsay = \"${why}\"\nrun = \"list\"\n"))
                .singleElement()
                .asString()
                .contains("unknown variable ${why} in narration");
        assertThat(problems(HEAD + "[[step]]\nrun = \"list\"\n[step.on.swap]\n"))
                .singleElement()
                .asString()
                .contains("an empty variant changes nothing");
        assertThat(problems(HEAD + "[[step]]\nrun = \"touch m\"\nexpect.minor = \"= previous.minor\"\n"))
                .singleElement()
                .asString()
                .contains("'previous.minor': no step before this one runs a command");
        assertThat(problems(HEAD + "[[step]]\nrun = \"touch m\"\nexpect.minor = \"= pages - presnt\"\n"))
                .singleElement()
                .asString()
                .contains("'presnt' is not a figure pagelab reports (did you mean 'present'?)");
        assertThat(problems(HEAD + "[[cleanup]]\nrun = \"list\"\nexpect.minor = 0\n[[step]]\nrun = \"list\"\n"))
                .singleElement()
                .asString()
                .contains("unknown key 'expect' in [[cleanup]]");
        // every word, negated or not, in every place a word goes
        StringBuilder all = new StringBuilder(HEAD + "[requires]\nfeatures = [");
        for (String w : RecipeRequirements.WORDS.keySet())
            all.append('"').append(w).append("\", \"no_").append(w).append("\", ");
        all.append(
                "]\n[[step]]\nrun = \"list\"\nrequires = [\"swap\", \"no_root\"]\n[step.on.no_shared_zero_page]\nsay = \"${why}\"\n");
        Recipe r = parse(all.toString());
        assertThat(r.requires().features()).hasSize(2 * RecipeRequirements.WORDS.size());
        assertThat(r.steps().get(0).on())
                .singleElement()
                .extracting(Recipe.Variant::condition)
                .isEqualTo("no_shared_zero_page");
    }

    /** Every word is decided on this machine, each with the fact behind it, negated or not: no word is left unprobed. */
    @Test
    void everyCapabilityWordIsDecidedHere() {
        RecipeRequirements.Machine here = RecipeRequirements.current();
        for (String w : RecipeRequirements.WORDS.keySet()) {
            RecipeRequirements.Fact f = here.check(w);
            assertThat(f.state()).as(w).isNotBlank();
            assertThat(here.check("no_" + w).holds()).as("no_" + w).isEqualTo(!f.holds());
        }
        assertThat(here.check("madv_dontneed").holds()).isTrue();
        assertThat(here.check("madv_guard_install").state())
                .as("names the release that added it when it is missing")
                .matches("MADV_GUARD_INSTALL is accepted|Linux 6.13 added it; this is .*");
    }

    @Test
    void theManualListsEveryCapabilityWord() throws Exception {
        String manual = Files.readString(RECIPES.getParent().resolve("man/pagelab-replay.1"));
        for (String w : RecipeRequirements.WORDS.keySet()) {
            if (w.startsWith("madv_")) continue; // listed as madv_ADVICE, with examples
            assertThat(manual).as(w).containsPattern("\\.BR? " + w.replace("_", "_") + "\\b|\\.BR [a-z_, \"]*" + w);
        }
        assertThat(manual).contains(".BI madv_ ADVICE").doesNotContain("kernel release, THP mode");
    }

    @Test
    void figuresOfTheStepOrTheOneBeforeMakeExactClaims() {
        Expectation e = Expectation.of("minor", "= present_after - present_before", "f:1:1");
        assertThat(e.terms()).hasSize(2);
        assertThat(e.describe()).isEqualTo("minor = present_after - present_before");
        String[] missing = new String[1];
        Expectation r = e.resolve(Map.of("present_after", 16384.0, "present_before", 20.0)::get, missing);
        assertThat(r.holds(0, 16364)).isTrue();
        assertThat(r.holds(0, 16384)).isFalse();
        assertThat(e.resolve(Map.of("present_after", 1.0)::get, missing)).isNull();
        assertThat(missing[0]).isEqualTo("present_before");
        Expectation tol = Expectation.of("present_after", "< 64 * cpus", "f:1:1");
        assertThat(tol.resolve(Map.of("cpus", 2.0)::get, missing).a()).isEqualTo(128);
        Expectation prev = Expectation.of("faults", "= previous.swapped", "f:1:1");
        assertThat(prev.usesPrevious()).isTrue();
        assertThat(Expectation.of("zero", ">= pages - 64", "f:1:1")
                        .resolve(Map.of("pages", 100.0)::get, missing)
                        .holds(0, 36))
                .isTrue();
        assertThat(Expectation.of("minor", "< -60000000", "f:1:1").a()).isEqualTo(-60000000);
        assertThat(Expectation.of("minor", "previous.minor +- 2", "f:1:1").terms())
                .hasSize(1);
        assertThatThrownBy(() -> Expectation.of("minor", "= pages present", "f:1:1"))
                .hasMessageContaining("joined by + and -");
        assertThatThrownBy(() -> Expectation.of("minor", "pages +- 5%", "f:1:1"))
                .hasMessageContaining("a percentage needs a number");
    }

    @Test
    void aRecordedSessionReplaysToTheSameExpectations() throws Exception {
        Path f = dir.resolve("rec.toml");
        shell.execute("record " + f + " --title \"recorded\"");
        shell.execute("map r1 256K --no-thp");
        shell.execute("touch r1 --read");
        shell.execute("inspect-pagemap r1");
        shell.execute("touch r1");
        shell.execute("view r1");
        shell.execute("advise r1[0:64K] dontneed");
        shell.execute("touch r1[1M:4K]"); // fails: recorded as an expected error
        shell.execute("help touch"); // not recorded
        buffer.getBuffer().setLength(0);
        assertThat(shell.execute("record stop")).isTrue();
        assertThat(buffer.toString()).contains("wrote " + f + ": 7 steps");
        String toml = Files.readString(f);
        assertThat(toml)
                .contains("title = \"recorded\"")
                .contains("run = \"touch r1 --read\"")
                .contains("expect.minor = 64")
                .contains("expect.present = \"0 -> 64\"")
                .contains("expect.error = \"offset 1M is outside")
                .contains("[[cleanup]]\nrun = \"unmap r1\"")
                .doesNotContain("help touch")
                .contains("run = \"advise r1[0:64K] dontneed\"\nrequires = [\"madv_dontneed\"]\n")
                .doesNotContain("kernel =")
                .doesNotContain("[requires]");
        shell.execute("unmap r1");
        buffer.getBuffer().setLength(0);
        assertThat(shell.execute("replay " + f + " --check"))
                .as(buffer.toString())
                .isTrue();
        assertThat(buffer.toString()).contains("PASS recorded:");
        assertThat(session.names()).isEmpty();
    }

    @Test
    void recordRefusesWhatItCannotDo() throws Exception {
        Path f = dir.resolve("exists.toml");
        Files.writeString(f, "x");
        assertThat(shell.execute("record " + f)).isFalse();
        assertThat(buffer.toString()).contains("exists").contains("--force");
        assertThat(shell.execute("record stop")).isFalse();
        assertThat(buffer.toString()).contains("nothing is being recorded");
        assertThat(shell.execute("record " + dir.resolve("no/such/dir/x.toml"))).isFalse();
        assertThat(shell.execute("replay no-such-recipe")).isFalse();
        assertThat(buffer.toString()).contains("no recipe 'no-such-recipe'");
    }

    @Test
    void replayListsTheRecipesItFinds() {
        String home = System.getProperty("pagelab.home");
        System.setProperty("pagelab.home", RECIPES.getParent().toString());
        try {
            shell.execute("replay");
            assertThat(buffer.toString())
                    .contains("demand-paging")
                    .contains("Demand paging")
                    .contains("zero-page");
        } finally {
            if (home == null) System.clearProperty("pagelab.home");
            else System.setProperty("pagelab.home", home);
        }
    }
}
