package dev.pagelab.console.classroom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.pagelab.commands.Session;
import dev.pagelab.console.Shell;
import dev.pagelab.console.recipe.Prediction;
import dev.pagelab.console.recipe.Predictions;
import dev.pagelab.console.terminal.OutputCharset;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayDeque;
import java.util.Queue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Scored predictions on their way to the teacher, in a class layout built in a temporary directory: a student's
 * step-by-step replay appends them to their own file, {@code class results} reads them back as a table and as JSON,
 * and files that are not the student's own (another owner, a symbolic link) are neither written nor counted.
 */
class ClassResultsTest {
    @TempDir
    Path tmp;

    ClassLayout layout;
    Path root;

    @BeforeEach
    void setUp() throws IOException {
        root = tmp.resolve("root");
        layout = new ClassLayout(root, "os101");
        Files.createDirectories(layout.work("alice"));
        Files.createDirectories(layout.shared());
        Files.createDirectories(layout.results());
        Ledger.create(layout.ledger(), 64L << 20);
    }

    @AfterEach
    void noPolicyLeft() {
        ClassPolicy.active().ifPresent(ClassPolicy::close);
        assertThat(ClassPolicy.active()).isEmpty();
    }

    record Run(int status, String out, String err) {}

    Run results(String... more) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        String[] args = new String[3 + more.length];
        args[0] = "--root";
        args[1] = root.toString();
        args[2] = "results";
        System.arraycopy(more, 0, args, 3, more.length);
        int status = ClassCommand.run(
                args,
                OutputCharset.UTF8,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static Predictions.Scored scored(String recipe, int step, String figure, double predicted, double actual) {
        Prediction p = Prediction.of(figure);
        return new Predictions.Scored(
                recipe, step, figure, predicted, actual, p.toleranceText(), p.score(predicted, actual));
    }

    @Test
    void withoutResultsOneLineSaysSo() {
        Run r = results("os101");
        assertThat(r.status()).isZero();
        assertThat(r.out())
                .isEqualTo("class os101: no predictions yet (students answer them in 'replay NAME' step by step)\n");
        Run missing = results("os102");
        assertThat(missing.status()).isEqualTo(1);
        assertThat(missing.err())
                .contains("class os102 has no results directory")
                .hasLineCount(1);
        Run bad = results("os101", "--yaml");
        assertThat(bad.status()).isEqualTo(2);
        assertThat(bad.err()).contains("class results needs the class NAME, and --json for graders");
    }

    @Test
    void aStudentsReplayReachesTheTeachersTable() throws Exception {
        Files.writeString(layout.shared().resolve("guess.toml"), """
                title = "guess"
                summary = "s"
                [[step]]
                run = "map g 64K --no-thp"
                [[step]]
                run = "touch g"
                predict = { minor = "exact", present = "± 10%" }
                [[cleanup]]
                run = "unmap g"
                """);
        ClassPolicy policy = new ClassPolicy(
                layout,
                "alice",
                layout.work("alice"),
                layout.shared(),
                Ledger.open(layout.ledger(), layout.account("alice")));
        ClassPolicy.activate(policy);
        StringWriter screen = new StringWriter();
        try (Session session = new Session();
                Shell shell = new Shell(session, new PrintWriter(screen), false, false, () -> 200)) {
            Queue<Integer> keys = new ArrayDeque<>();
            "\n\n16\n12\n".chars().forEach(keys::add);
            shell.replays().keys(() -> keys.isEmpty() ? -1 : keys.remove());
            assertThat(shell.execute("replay " + layout.shared().resolve("guess.toml") + " --step"))
                    .as(screen.toString())
                    .isTrue();
        } finally {
            policy.close();
        }
        assertThat(screen.toString())
                .contains("minor: you said 16, the kernel did 16")
                .contains("present: you said 12, the kernel did 16")
                .doesNotContain("not reaching the teacher");
        Path file = layout.result("alice");
        assertThat(Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS))
                .as("the student's alone")
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.readAllLines(file)).hasSize(3).first().isEqualTo(ClassResults.HEADER);

        Files.writeString(
                layout.result("bob"),
                ClassResults.HEADER + "\n" + ClassResults.line(scored("01-demand-paging", 2, "minor", 256, 256))
                        + "not\ta\tresult\n");
        Run r = results("os101");
        assertThat(r.status()).isZero();
        assertThat(r.out()).isEqualTo("""
                student  recipe            step  figure   predicted  actual  score
                alice    guess                2  minor           16      16  1 exact
                alice    guess                2  present         12      16  0
                bob      01-demand-paging     2  minor          256     256  1 exact

                alice    1 of 2 right (50%)
                bob      1 of 1 right (100%)
                """);
        assertThat(r.err()).isEqualTo("pagelab: class results: ignored bob.tsv: 1 line not a result\n");

        Run j = results("os101", "--json");
        assertThat(j.status()).isZero();
        JsonNode n = JsonMapper.builder().build().readTree(j.out());
        assertThat(n.get("class").asString()).isEqualTo("os101");
        assertThat(n.get("results")).hasSize(3);
        JsonNode first = n.get("results").get(1);
        assertThat(first.get("student").asString()).isEqualTo("alice");
        assertThat(first.get("recipe").asString()).isEqualTo("guess");
        assertThat(first.get("step").asInt()).isEqualTo(2);
        assertThat(first.get("figure").asString()).isEqualTo("present");
        assertThat(first.get("predicted").asDouble()).isEqualTo(12.0);
        assertThat(first.get("actual").asDouble()).isEqualTo(16.0);
        assertThat(first.get("tolerance").asString()).isEqualTo("+-10%");
        assertThat(first.get("exact").asBoolean()).isFalse();
        assertThat(first.get("score").asInt()).isZero();
        assertThat(first.get("time").asString()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
        assertThat(n.get("students").get(0).get("student").asString()).isEqualTo("alice");
        assertThat(n.get("students").get(0).get("right").asInt()).isEqualTo(1);
        assertThat(n.get("students").get(0).get("scored").asInt()).isEqualTo(2);
        assertThat(n.get("ignored").get(0).asString()).isEqualTo("bob.tsv: 1 line not a result");
    }

    @Test
    void aSymbolicLinkPlantedUnderTheStudentsNameIsNotFollowed() throws Exception {
        Path elsewhere = Files.writeString(tmp.resolve("elsewhere.txt"), "untouched\n");
        Files.createSymbolicLink(layout.result("alice"), elsewhere);
        String problem = ClassResults.append(layout.result("alice"), scored("r", 1, "minor", 1, 1));
        assertThat(problem).isNotNull().contains("alice.tsv");
        assertThat(Files.readString(elsewhere)).isEqualTo("untouched\n");
        Run r = results("os101");
        assertThat(r.err()).contains("ignored alice.tsv: not a student's results file");
        assertThat(ClassResults.append(tmp.resolve("gone/alice.tsv"), scored("r", 1, "minor", 1, 1)))
                .isEqualTo("the class has no results directory " + tmp.resolve("gone"));
    }

    @Test
    void aFileOfAnotherOwnerIsNeitherWrittenNorCounted() throws Exception {
        assumeTrue(ClassAdmin.root(), "giving a file to another user needs root");
        UserPrincipal nobody;
        try {
            nobody = root.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
        } catch (IOException e) {
            assumeTrue(false, "no user 'nobody' here");
            return;
        }
        Path carol = layout.result("carol");
        Files.writeString(carol, ClassResults.line(scored("r", 1, "minor", 5, 5)));
        Files.setOwner(carol, nobody);
        Files.setPosixFilePermissions(carol, PosixFilePermissions.fromString("rw-rw-rw-"));
        String before = Files.readString(carol);
        assertThat(ClassResults.append(carol, scored("r", 2, "minor", 1, 1))).endsWith("carol.tsv is not yours");
        assertThat(Files.readString(carol)).isEqualTo(before);
        Run r = results("os101");
        assertThat(r.out()).startsWith("class os101: no predictions yet");
        assertThat(r.err()).contains("ignored carol.tsv: owned by nobody, not os101-carol");
    }
}
