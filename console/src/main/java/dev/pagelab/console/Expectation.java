package dev.pagelab.console;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One claim a recipe makes about a step's report: {@code minor = 256}, {@code major > 0}, {@code present = "0 -> 256"},
 * {@code minor_per_page <= 1.05}, {@code count = "256 ± 2"}, {@code error = "EACCES"}. Written in TOML as
 * {@code expect.KEY = VALUE}: a number or boolean means equality, a string holds a relation.
 */
record Expectation(String key, Relation relation, double a, double b, String text, String source) {
    enum Relation { EQ, NE, LT, LE, GT, GE, WITHIN, RANGE, TRANSITION, TEXT, BOOL }

    // "<= 1.05", "> 0", "= 5", "!= 0"
    private static final Pattern COMPARE = Pattern.compile("\\s*(<=|>=|!=|==|=|<|>|\u2264|\u2265|\u2260)\\s*(" + Num.RE + ")\\s*");
    // "256 ± 2", "256 +- 2", "256 ± 5%"
    private static final Pattern WITHIN = Pattern.compile("\\s*(" + Num.RE + ")\\s*(?:\u00b1|\\+-|\\+/-)\\s*(" + Num.RE + ")(%?)\\s*");
    // "250..260"
    private static final Pattern RANGE = Pattern.compile("\\s*(" + Num.RE + ")\\s*\\.\\.\\s*(" + Num.RE + ")\\s*");
    // "0 -> 256"
    private static final Pattern TRANSITION = Pattern.compile("\\s*(" + Num.RE + ")\\s*(?:->|\u2192)\\s*(" + Num.RE + ")\\s*");

    /** Keys whose value is text (an errno name or words of the message), not a number. */
    static boolean textKey(String key) { return key.equals("error") || key.equals("note"); }

    /** Keys that also take a before → after pair (a number or relation alone is about the value after). */
    static boolean transitionKey(String key) { return key.equals("present"); }

    /**
     * Parses the TOML value of {@code expect.KEY}; {@code source} is file:line:column for messages.
     *
     * @throws IllegalArgumentException with what was expected, when the value is no relation this key can take
     */
    static Expectation of(String key, Object value, String source) {
        if (value instanceof Boolean bool) {
            if (!key.equals("ok")) throw new IllegalArgumentException("expect." + key + " takes a number or a relation, not "
                    + bool);
            return new Expectation(key, Relation.BOOL, bool ? 1 : 0, 0, bool.toString(), source);
        }
        if (key.equals("ok")) throw new IllegalArgumentException("expect.ok takes true or false");
        if (textKey(key)) {
            if (!(value instanceof String s) || s.isBlank()) {
                throw new IllegalArgumentException("expect." + key + " takes text: an errno name such as \"EACCES\" or words of the message");
            }
            return new Expectation(key, Relation.TEXT, 0, 0, s, source);
        }
        if (value instanceof Long || value instanceof Double) {
            double v = ((Number) value).doubleValue();
            return new Expectation(key, Relation.EQ, v, 0, Num.format(v), source);
        }
        if (!(value instanceof String s)) {
            throw new IllegalArgumentException("expect." + key + " takes a number or a relation in quotes, e.g. \"> 0\"");
        }
        Matcher m = TRANSITION.matcher(s);
        if (m.matches()) {
            if (!transitionKey(key)) throw new IllegalArgumentException("'" + s + "': only present takes BEFORE -> AFTER");
            return new Expectation(key, Relation.TRANSITION, Num.parse(m.group(1)), Num.parse(m.group(2)), s.trim(), source);
        }
        m = COMPARE.matcher(s);
        if (m.matches()) {
            Relation r = switch (m.group(1)) {
                case "<" -> Relation.LT;
                case "<=", "\u2264" -> Relation.LE;
                case ">" -> Relation.GT;
                case ">=", "\u2265" -> Relation.GE;
                case "!=", "\u2260" -> Relation.NE;
                default -> Relation.EQ;
            };
            return new Expectation(key, r, Num.parse(m.group(2)), 0, s.trim(), source);
        }
        m = WITHIN.matcher(s);
        if (m.matches()) {
            double centre = Num.parse(m.group(1)), tol = Num.parse(m.group(2));
            if (!m.group(3).isEmpty()) tol = Math.abs(centre) * tol / 100;
            return new Expectation(key, Relation.WITHIN, centre, tol, s.trim(), source);
        }
        m = RANGE.matcher(s);
        if (m.matches()) {
            double lo = Num.parse(m.group(1)), hi = Num.parse(m.group(2));
            if (lo > hi) throw new IllegalArgumentException("'" + s + "': the range runs backwards");
            return new Expectation(key, Relation.RANGE, lo, hi, s.trim(), source);
        }
        throw new IllegalArgumentException("'" + s + "' is not a relation: write e.g. 256, \"> 0\", \"<= 1.05\", \"256 \u00b1 2\", "
                + "\"250..260\" or, for present, \"0 -> 256\"");
    }

    /** Whether {@code actual} satisfies it (numbers; for TRANSITION, {@code actual} is after, {@code before} before). */
    boolean holds(double before, double actual) {
        return switch (relation) {
            case EQ, BOOL -> actual == a;
            case NE -> actual != a;
            case LT -> actual < a;
            case LE -> actual <= a;
            case GT -> actual > a;
            case GE -> actual >= a;
            case WITHIN -> Math.abs(actual - a) <= b + 1e-9;
            case RANGE -> actual >= a && actual <= b;
            case TRANSITION -> before == a && actual == b;
            case TEXT -> false;
        };
    }

    /** The claim as a reader would write it: {@code minor = 256}, {@code present 0 -> 256}. */
    String describe() {
        return switch (relation) {
            case EQ, BOOL -> key + " = " + text;
            case TRANSITION -> key + " " + text;
            case TEXT -> key + " ~ \"" + text + "\"";
            default -> key + " " + text;
        };
    }

    /** Numbers as TOML writes them. */
    static final class Num {
        static final String RE = "[-+]?(?:\\d[\\d_]*)(?:\\.\\d+)?(?:[eE][-+]?\\d+)?";

        static double parse(String s) { return Double.parseDouble(s.replace("_", "")); }

        static String format(double v) {
            if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v);
            return String.format(Locale.ROOT, "%s", v);
        }

        private Num() {}
    }
}
