package dev.pagelab.commands.report;

import java.util.List;
import java.util.function.Function;

/**
 * One named figure of a report, declared once in {@link Figures}: the JSON renderer writes it under {@code json},
 * recipes compare it as {@code expect.RECIPE}, and the published JSON Schema describes it.
 *
 * @param json        its field in the JSON object, or null when JSON leaves it out (a figure only recipes compare,
 *                    such as faults per page)
 * @param recipe      its name in recipe expectations, or null when recipes cannot compare it
 * @param type        what kind of value it is
 * @param presence    whether the field is always there, may be null, or is left out when it does not apply
 * @param unit        what one of it is (ns, bytes, pages, kB…), or null for words and counts of things named
 * @param description what it says, one phrase
 * @param value       reads it from its subject (the report, an element of it, or the error); null: no such figure
 *                    for this subject (left out, or JSON null when {@link Presence#NULLABLE})
 * @param fields      for {@link Type#OBJECT}, {@link Type#LIST} and {@link Type#MAP}: the figures of each element
 *                    (empty for a map of plain numbers)
 */
public record Figure(
        String json,
        String recipe,
        Type type,
        Presence presence,
        String unit,
        String description,
        Function<Object, Object> value,
        List<Figure> fields) {
    public enum Type {
        INTEGER,
        NUMBER,
        STRING,
        BOOLEAN,
        /** a list of strings; recipes compare it as its lines joined, as text */
        STRINGS,
        /** a list of integers */
        INTEGERS,
        /** an object whose fields are {@link #fields} */
        OBJECT,
        /** a list of objects whose fields are {@link #fields}; recipes compare its length */
        LIST,
        /** an object from names to values, each an object of {@link #fields} or, without fields, an integer */
        MAP,
        /** an object whose shape its description gives (the latency histogram, free-form details) */
        FREE,
        /** a value of any JSON type */
        ANY
    }

    public enum Presence {
        /** always there, never null */
        ALWAYS,
        /** always there, null when unknown */
        NULLABLE,
        /** there only when it applies */
        OPTIONAL
    }

    public Figure {
        fields = List.copyOf(fields);
    }

    /** This figure's value for {@code subject}, or null. */
    public Object of(Object subject) {
        return value.apply(subject);
    }

    /** The same figure, also compared by recipes as {@code expect.NAME}. */
    public Figure recipe(String name) {
        return new Figure(json, name, type, presence, unit, description, value, fields);
    }

    /** The same figure, left out where it does not apply. */
    public Figure optional() {
        return new Figure(json, recipe, type, Presence.OPTIONAL, unit, description, value, fields);
    }

    /** The same figure, null where it is unknown. */
    public Figure nullable() {
        return new Figure(json, recipe, type, Presence.NULLABLE, unit, description, value, fields);
    }

    /** The same figure with {@code elements} as the figures of each element (for OBJECT, LIST, MAP). */
    public Figure of(List<Figure> elements) {
        return new Figure(json, recipe, type, presence, unit, description, value, elements);
    }

    /** Its name: the JSON field, else the recipe name. */
    public String name() {
        return json != null ? json : recipe;
    }

    /** Whether recipes compare it as text (by words it contains) rather than as a number. */
    public boolean text() {
        return type == Type.STRING || type == Type.STRINGS;
    }
}
