package dev.pagelab.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.pagelab.commands.report.Figures;
import dev.pagelab.console.render.OutputSchema;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The JSON Schema generated from report.Figures against what --json really writes: every command of the registry
 * runs in JSON mode (each report kind at least once, errors included) and each object is validated by a real
 * draft 2020-12 validator (networknt); the published copy in docs/ is the generated one.
 */
class OutputSchemaTest extends ConsoleSessionTest {
    static final Path PUBLISHED = Path.of("..", "docs", "pagelab-output.schema.json");
    static final JsonMapper MAPPER = JsonMapper.builder().build();
    static Schema schema;

    @TempDir
    static Path tmp;

    @BeforeAll
    static void loadSchema() {
        schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                .getSchema(OutputSchema.json());
    }

    static List<String> problems(String json) {
        return schema.validate(json, InputFormat.JSON).stream()
                .map(e -> e.getInstanceLocation() + " " + e.getMessage())
                .toList();
    }

    /** Statements per verb: each verb of the registry must have one (a new command fails here until added). */
    static Map<String, List<String>> statements(Path dir) throws IOException {
        Path file = Files.write(dir.resolve("f.bin"), new byte[16384]);
        Path recipe =
                Files.writeString(dir.resolve("r.toml"), "title = \"t\"\nsummary = \"s\"\n[[step]]\nrun = \"list\"\n");
        Map<String, List<String>> s = new LinkedHashMap<>();
        s.put("map", List.of("map s1 64K --no-thp", "map f1 16K --file " + file + " --shared"));
        s.put("touch", List.of("touch s1", "touch s1[0:16K] --read --timing", "touch nosuch"));
        s.put("view", List.of("view s1"));
        s.put("inspect-pagemap", List.of("inspect-pagemap s1", "inspect-pagemap s1 --pages"));
        s.put("maps", List.of("maps s1", "maps"));
        s.put("list", List.of("list"));
        s.put("advise", List.of("advise s1 dontneed"));
        s.put("protect", List.of("protect s1 r", "protect s1 rw"));
        s.put("lock", List.of("lock s1"));
        s.put("unlock", List.of("unlock s1"));
        s.put("lockall", List.of("lockall current"));
        s.put("unlockall", List.of("unlockall"));
        s.put("clear-refs", List.of("clear-refs soft-dirty s1", "clear-refs peak-rss", "clear-refs all"));
        s.put("cache", List.of("cache " + file, "cache f1"));
        s.put("evict", List.of("evict " + file));
        s.put("bench", List.of("bench sweep --max 64K --reps 1", "bench pagemap --reps 1 --dense 64K"));
        s.put("limit", List.of("limit"));
        s.put("hugepages", List.of("hugepages"));
        s.put("kernel", List.of("kernel"));
        s.put("help", List.of("help", "help touch"));
        s.put("history", List.of("history"));
        s.put("set", List.of("set"));
        s.put("watch", List.of("watch s1", "touch s1[0:8K]"));
        s.put("unwatch", List.of("unwatch s1"));
        s.put("record", List.of("record " + dir.resolve("rec.toml") + " --force", "record stop"));
        s.put("replay", List.of("replay nosuch"));
        s.put("unmap", List.of("unmap s1", "unmap f1"));
        s.put("exit", List.of("exit"));
        return s;
    }

    @Test
    void everyCommandsJsonObjectMatchesTheSchema() throws IOException {
        StringWriter out = new StringWriter();
        Shell json = new Shell(session, new PrintWriter(out), true, false, () -> 80);
        Map<String, List<String>> statements = statements(tmp);
        assertThat(statements.keySet())
                .as("a statement for every verb of the registry")
                .containsAll(json.registry().names());
        statements.values().stream().flatMap(List::stream).forEach(json::execute);
        json.execute("bogus command");

        // replay prints the recipe's narration and verdicts as text between the objects of its steps (a defect of
        // its own): only its own closing object is held to the schema here
        StringWriter replayOut = new StringWriter();
        Shell replaying = new Shell(session, new PrintWriter(replayOut), true, false, () -> 80);
        replaying.execute("replay --check " + tmp.resolve("r.toml"));
        List<String> objects = new ArrayList<>(out.toString().lines().toList());
        objects.add(replayOut.toString().lines().reduce((a, b) -> b).orElseThrow());
        List<String> bad = new ArrayList<>();
        Set<String> kinds = new TreeSet<>(), verbs = new TreeSet<>();
        for (String o : objects) {
            List<String> p = problems(o);
            if (!p.isEmpty()) bad.add(o.substring(0, Math.min(160, o.length())) + "\n    " + String.join("\n    ", p));
            JsonNode n = MAPPER.readTree(o);
            kinds.add(n.get("report").asString());
            verbs.add(n.get("verb").asString());
        }
        assertThat(bad).as("objects the schema rejects").isEmpty();
        assertThat(verbs).containsAll(json.registry().names());
        assertThat(kinds)
                .as("every kind of object was written at least once")
                .containsExactlyInAnyOrderElementsOf(Arrays.stream(Figures.Kind.values())
                        .map(Figures.Kind::key)
                        .toList());
    }

    /** The published schema is the generated one: regenerate it with ./pagelab --json-schema. */
    @Test
    void publishedSchemaIsTheGeneratedOne() throws IOException {
        assertThat(Files.readString(PUBLISHED))
                .as("docs/pagelab-output.schema.json: regenerate with "
                        + "'./pagelab --json-schema > docs/pagelab-output.schema.json'")
                .isEqualTo(OutputSchema.json());
    }

    @Test
    void schemaIsValidDraft202012() {
        Schema meta = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                .getSchema(SchemaLocation.of(OutputSchema.DIALECT));
        assertThat(meta.validate(OutputSchema.json(), InputFormat.JSON)).isEmpty();
    }

    /** The schema is strict enough to catch a renderer that drifts from the declared figures. */
    @Test
    void schemaRejectsObjectsThatDriftFromTheFigures() {
        StringWriter out = new StringWriter();
        Shell json = new Shell(session, new PrintWriter(out), true, false, () -> 80);
        json.execute("map d1 16K; touch d1; touch nosuch; unmap d1");
        List<ObjectNode> o =
                out.toString().lines().map(l -> (ObjectNode) MAPPER.readTree(l)).toList();
        ObjectNode touch = o.get(1), error = o.get(2);
        assertThat(problems(touch.toString())).isEmpty();
        assertThat(problems(error.toString())).isEmpty();
        assertThat(error.get("minor_faults").isNull())
                .as("no measurement before the error")
                .isTrue();

        assertThat(problems(touch.deepCopy().without("minor_faults").toString()))
                .as("a figure left out")
                .isNotEmpty();
        assertThat(problems(touch.deepCopy().put("minor", 3).toString()))
                .as("an undeclared field")
                .isNotEmpty();
        assertThat(problems(touch.deepCopy().put("minor_faults", "3").toString()))
                .as("a wrong type")
                .isNotEmpty();
        assertThat(problems(touch.deepCopy().putNull("rss_delta_bytes").toString()))
                .as("null where not nullable")
                .isNotEmpty();
        assertThat(problems(touch.deepCopy().put("report", "view").toString()))
                .as("another kind's shape")
                .isNotEmpty();
        assertThat(problems(touch.deepCopy().put("ok", false).toString()))
                .as("a report that failed")
                .isNotEmpty();
        assertThat(problems(error.deepCopy().without("elapsed_ns").toString()))
                .as("an error without its common fields")
                .isNotEmpty();
        assertThat(problems(error.deepCopy().put("report", "nosuch").toString()))
                .isNotEmpty();
    }

    /** The README's JSON section names the kinds of object and where their shape is. */
    @Test
    void readmeDocumentsEachKind() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"));
        assertThat(readme).contains("--json-schema", "docs/pagelab-output.schema.json");
        for (Figures.Kind k : Figures.Kind.values()) assertThat(readme).contains("`" + k.key() + "`");
    }
}
