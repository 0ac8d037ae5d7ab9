package dev.pagelab.console.render;

import dev.pagelab.commands.report.Figure;
import dev.pagelab.commands.report.Figures;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON Schema (draft 2020-12) of what {@code --json} writes, generated from {@link Figures}: the same list the
 * renderer writes, so the schema cannot drift from the output. {@code pagelab --json-schema} prints it; the copy in
 * docs/ is checked against it by a test.
 */
public final class OutputSchema {
    private OutputSchema() {}

    public static final String DIALECT = "https://json-schema.org/draft/2020-12/schema";

    /** The schema as one JSON document, indented to be read. */
    public static String json() {
        StringBuilder b = new StringBuilder();
        pretty(b, schema(), "");
        return b.append('\n').toString();
    }

    /** Two spaces a level; an object or list of plain values stays on one line when short. */
    private static void pretty(StringBuilder b, Object v, String indent) {
        String flat = Json.encode(v);
        if (flat.length() + indent.length() <= 100 || !(v instanceof Map<?, ?> || v instanceof List<?>)) {
            b.append(flat);
            return;
        }
        String inner = indent + "  ";
        if (v instanceof Map<?, ?> m) {
            b.append("{\n");
            int i = 0;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                b.append(inner).append(Json.encode(String.valueOf(e.getKey()))).append(": ");
                pretty(b, e.getValue(), inner);
                b.append(++i < m.size() ? ",\n" : "\n");
            }
            b.append(indent).append('}');
        } else {
            List<?> l = (List<?>) v;
            b.append("[\n");
            for (int i = 0; i < l.size(); i++) {
                b.append(inner);
                pretty(b, l.get(i), inner);
                b.append(i + 1 < l.size() ? ",\n" : "\n");
            }
            b.append(indent).append(']');
        }
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> schema() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("$schema", DIALECT);
        s.put("$id", "https://pagelab.dev/schema/pagelab-output.schema.json");
        s.put("title", "pagelab --json: one object per statement, one per line");
        s.put(
                "description",
                "Every object has command, ok, verb and report; report names the kind of object, and "
                        + "the kind decides the other fields (see $defs). Units: fields ending in _ns are nanoseconds, _bytes "
                        + "bytes, _kb kibibytes; counts of pages are in base pages of page_size_bytes.");
        s.put("type", "object");
        s.put(
                "required",
                List.of(Figures.COMMAND.json(), Figures.OK.json(), Figures.VERB.json(), Figures.REPORT.json()));
        Map<String, Object> props = new LinkedHashMap<>();
        for (Figure f : common()) props.put(f.json(), property(f));
        List<String> kinds = new ArrayList<>();
        for (Figures.Kind k : Figures.Kind.values()) kinds.add(k.key());
        ((Map<String, Object>) props.get(Figures.REPORT.json())).put("enum", kinds);
        s.put("properties", props);
        List<Object> dispatch = new ArrayList<>();
        Map<String, Object> defs = new LinkedHashMap<>();
        for (Figures.Kind k : Figures.Kind.values()) {
            Map<String, Object> when = ordered(
                    "properties",
                    Map.of(Figures.REPORT.json(), Map.of("const", k.key())),
                    "required",
                    List.of(Figures.REPORT.json()));
            dispatch.add(ordered("if", when, "then", Map.of("$ref", "#/$defs/" + k.key())));
            Map<String, Object> d = object(concat(common(), k.figures()));
            d.put("description", k.description());
            // ok is true for every report and false for an error
            ((Map<String, Object>) ((Map<String, Object>) d.get("properties")).get(Figures.OK.json()))
                    .put("const", k != Figures.Kind.ERROR);
            defs.put(k.key(), d);
        }
        s.put("allOf", dispatch);
        s.put("$defs", defs);
        return s;
    }

    /** The common figures JSON carries (cpus is for recipes only). */
    private static List<Figure> common() {
        return Figures.COMMON.stream().filter(f -> f.json() != null).toList();
    }

    private static List<Figure> concat(List<Figure> a, List<Figure> b) {
        List<Figure> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    /** An object with exactly the JSON figures of {@code figures}: required unless optional, nothing else. */
    private static Map<String, Object> object(List<Figure> figures) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("type", "object");
        Map<String, Object> props = new LinkedHashMap<>();
        List<String> required = new ArrayList<>();
        for (Figure f : figures) {
            if (f.json() == null) continue;
            props.put(f.json(), property(f));
            if (f.presence() != Figure.Presence.OPTIONAL) required.add(f.json());
        }
        o.put("required", required);
        o.put("properties", props);
        o.put("additionalProperties", false);
        return o;
    }

    private static Map<String, Object> property(Figure f) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("description", f.description() + (f.unit() == null ? "" : " (" + f.unit() + ")"));
        Map<String, Object> shape = switch (f.type()) {
            case INTEGER -> Map.of("type", "integer");
            case NUMBER -> Map.of("type", "number");
            case STRING -> Map.of("type", "string");
            case BOOLEAN -> Map.of("type", "boolean");
            case STRINGS -> ordered("type", "array", "items", Map.of("type", "string"));
            case INTEGERS -> ordered("type", "array", "items", Map.of("type", "integer"));
            case OBJECT -> object(f.fields());
            case LIST -> ordered("type", "array", "items", f.fields().isEmpty() ? Map.of() : object(f.fields()));
            case MAP ->
                ordered(
                        "type",
                        "object",
                        "additionalProperties",
                        f.fields().isEmpty() ? Map.of("type", "integer") : object(f.fields()));
            case FREE -> Map.of("type", "object");
            case ANY -> Map.of();
        };
        p.putAll(shape);
        if (f.presence() == Figure.Presence.NULLABLE) {
            Object t = p.get("type");
            if (t != null) p.put("type", List.of(t, "null"));
        }
        return p;
    }

    private static Map<String, Object> ordered(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i + 1 < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }
}
