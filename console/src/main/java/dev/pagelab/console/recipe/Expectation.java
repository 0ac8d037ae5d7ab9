package dev.pagelab.console.recipe;

import dev.pagelab.commands.report.Figures;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One claim a recipe makes about a step's report: {@code minor = 256}, {@code major > 0}, {@code present = "0 -> 256"},
 * {@code minor_per_page <= 1.05}, {@code count = "256 ± 2"}, {@code error = "EACCES"}. Written in TOML as
 * {@code expect.KEY = VALUE}: a number or boolean means equality, a string holds a relation.
 *
 * <p>The value a relation compares with may be a sum of figures and numbers instead of a number: figures of the
 * same step ({@code minor = "= present_after - present_before"}) or of the step before that ran a command
 * ({@code faults = "= previous.swapped"}). Such claims hold by construction where a count legitimately varies from
 * run to run (how many pages reclaim left behind) but its consequence does not.
 *
 * @param terms the figures and numbers {@code a} is the sum of, or empty when {@code a} is a number as written
 */
public record Expectation(
        String key, Relation relation, double a, double b, String text, String source, List<Term> terms) {
    enum Relation {
        EQ,
        NE,
        LT,
        LE,
        GT,
        GE,
        WITHIN,
        RANGE,
        TRANSITION,
        TEXT,
        BOOL
    }

    /** One addend of a compared value: {@code sign * constant * figure}, or {@code sign * constant} when figure is null. */
    record Term(int sign, String figure, double constant) {}

    /** Prefix of a figure of the step before. */
    static final String PREVIOUS = "previous.";

    public Expectation(String key, Relation relation, double a, double b, String text, String source) {
        this(key, relation, a, b, text, source, List.of());
    }

    // "<= 1.05", "> 0", "= 5", "!= 0", "= pages - present", ">= previous.minor - 64"
    private static final Pattern COMPARE =
            Pattern.compile("\\s*(<=|>=|!=|==|=|<|>|\u2264|\u2265|\u2260)\\s*(\\S.*?)\\s*");
    // "256 ± 2", "256 +- 2", "256 ± 5%", "previous.swapped ± 2"
    private static final Pattern WITHIN =
            Pattern.compile("\\s*(\\S.*?)\\s*(?:\u00b1|\\+-|\\+/-)\\s*(" + Num.RE + ")(%?)\\s*");
    private static final String NUMBER = "\\d[\\d_]*(?:\\.\\d+)?(?:[eE][-+]?\\d+)?";
    // "pages", "- 64", "+ previous.minor", "- 31 * cpus"
    private static final Pattern TERM = Pattern.compile(
            "\\s*([-+])?\\s*(?:(" + NUMBER + ")\\s*\\*\\s*)?(" + NUMBER + "|(?:previous\\.)?[a-z_][a-z0-9_]*)\\s*");
    // "250..260"
    private static final Pattern RANGE = Pattern.compile("\\s*(" + Num.RE + ")\\s*\\.\\.\\s*(" + Num.RE + ")\\s*");
    // "0 -> 256"
    private static final Pattern TRANSITION =
            Pattern.compile("\\s*(" + Num.RE + ")\\s*(?:->|\u2192)\\s*(" + Num.RE + ")\\s*");

    /** Keys whose value is text (an errno name or words of the message), not a number. */
    static boolean textKey(String key) {
        return Figures.recipeText(key);
    }

    /** Keys that also take a before → after pair (a number or relation alone is about the value after). */
    static boolean transitionKey(String key) {
        return key.equals("present");
    }

    /**
     * Parses the TOML value of {@code expect.KEY}; {@code source} is file:line:column for messages.
     *
     * @throws IllegalArgumentException with what was expected, when the value is no relation this key can take
     */
    public static Expectation of(String key, Object value, String source) {
        if (value instanceof Boolean bool) {
            if (!key.equals("ok"))
                throw new IllegalArgumentException("expect." + key + " takes a number or a relation, not " + bool);
            return new Expectation(key, Relation.BOOL, bool ? 1 : 0, 0, bool.toString(), source);
        }
        if (key.equals("ok")) throw new IllegalArgumentException("expect.ok takes true or false");
        if (textKey(key)) {
            if (!(value instanceof String s) || s.isBlank()) {
                throw new IllegalArgumentException("expect." + key + " takes text: "
                        + (key.equals("vm_flags")
                                ? "VmFlags codes such as \"lo\""
                                : "an errno name such as \"EACCES\" or words of the message"));
            }
            return new Expectation(key, Relation.TEXT, 0, 0, s, source);
        }
        if (value instanceof Long || value instanceof Double) {
            double v = ((Number) value).doubleValue();
            return new Expectation(key, Relation.EQ, v, 0, Num.format(v), source);
        }
        if (!(value instanceof String s)) {
            throw new IllegalArgumentException(
                    "expect." + key + " takes a number or a relation in quotes, e.g. \"> 0\"");
        }
        Matcher m = TRANSITION.matcher(s);
        if (m.matches()) {
            if (!transitionKey(key))
                throw new IllegalArgumentException("'" + s + "': only present takes BEFORE -> AFTER");
            return new Expectation(
                    key, Relation.TRANSITION, Num.parse(m.group(1)), Num.parse(m.group(2)), s.trim(), source);
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
            List<Term> terms = terms(m.group(2), s);
            return new Expectation(key, r, constant(terms), 0, s.trim(), source, figures(terms));
        }
        m = WITHIN.matcher(s);
        if (m.matches()) {
            List<Term> terms = terms(m.group(1), s);
            double centre = constant(terms), tol = Num.parse(m.group(2));
            if (!m.group(3).isEmpty()) {
                if (!figures(terms).isEmpty())
                    throw new IllegalArgumentException("'" + s + "': a percentage needs a number to be "
                            + "a percentage of; give the tolerance in pages or bytes");
                tol = Math.abs(centre) * tol / 100;
            }
            return new Expectation(key, Relation.WITHIN, centre, tol, s.trim(), source, figures(terms));
        }
        m = RANGE.matcher(s);
        if (m.matches()) {
            double lo = Num.parse(m.group(1)), hi = Num.parse(m.group(2));
            if (lo > hi) throw new IllegalArgumentException("'" + s + "': the range runs backwards");
            return new Expectation(key, Relation.RANGE, lo, hi, s.trim(), source);
        }
        throw new IllegalArgumentException(
                "'" + s + "' is not a relation: write e.g. 256, \"> 0\", \"<= 1.05\", \"256 \u00b1 2\", "
                        + "\"250..260\", \"= pages - present\" or, for present, \"0 -> 256\"");
    }

    /**
     * "pages - present + 3" as signed terms. A lone number stays a number (one constant term).
     *
     * @throws IllegalArgumentException when it is not a sum of numbers and figure names
     */
    private static List<Term> terms(String expr, String whole) {
        List<Term> out = new ArrayList<>();
        Matcher t = TERM.matcher(expr);
        int at = 0;
        while (at < expr.length()) {
            t.region(at, expr.length());
            if (!t.lookingAt() || (t.group(1) == null && !out.isEmpty())) {
                throw new IllegalArgumentException(
                        "'" + whole + "' is not a relation: after the operator comes a number, or "
                                + "figures and numbers joined by + and -, e.g. \"= pages - present\", \">= previous.minor - 64\" or \"< 32 * cpus\"");
            }
            int sign = "-".equals(t.group(1)) ? -1 : 1;
            double factor = t.group(2) == null ? 1 : Num.parse(t.group(2));
            String word = t.group(3);
            if (Character.isDigit(word.charAt(0))) out.add(new Term(sign, null, factor * Num.parse(word)));
            else out.add(new Term(sign, word, factor));
            at = t.end();
        }
        if (out.isEmpty())
            throw new IllegalArgumentException("'" + whole + "' is not a relation: a number or a figure is missing");
        return out;
    }

    /** The sum of the constant terms. */
    private static double constant(List<Term> terms) {
        double c = 0;
        for (Term t : terms) if (t.figure() == null) c += t.sign() * t.constant();
        return c;
    }

    /** The terms that name figures (empty when the value is a plain number). */
    private static List<Term> figures(List<Term> terms) {
        return terms.stream().filter(t -> t.figure() != null).toList();
    }

    /** Whether the compared value depends on the step before. */
    public boolean usesPrevious() {
        return terms.stream().anyMatch(t -> t.figure().startsWith(PREVIOUS));
    }

    /**
     * The same claim with the figures it names filled in: {@code figure} gives a figure's value by name (with the
     * {@code previous.} prefix for the step before), or null when there is no such figure.
     *
     * @return the claim with a plain number, or null (and the missing name in {@code missing[0]}) when a figure is
     * missing
     */
    public Expectation resolve(java.util.function.Function<String, Double> figure, String[] missing) {
        if (terms.isEmpty()) return this;
        double v = a;
        for (Term t : terms) {
            Double f = figure.apply(t.figure());
            if (f == null) {
                missing[0] = t.figure();
                return null;
            }
            v += t.sign() * t.constant() * f;
        }
        return new Expectation(key, relation, v, b, text, source, List.of());
    }

    /** Whether {@code actual} satisfies it (numbers; for TRANSITION, {@code actual} is after, {@code before} before). */
    public boolean holds(double before, double actual) {
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
    public String describe() {
        return switch (relation) {
            case EQ, BOOL ->
                text.startsWith("=") ? key + " " + text.replaceFirst("^==?\\s*", "= ") : key + " = " + text;
            case TRANSITION -> key + " " + text;
            case TEXT -> key + " ~ \"" + text + "\"";
            default -> key + " " + text;
        };
    }

    /** Numbers as TOML writes them. */
    public static final class Num {
        static final String RE = "[-+]?(?:\\d[\\d_]*)(?:\\.\\d+)?(?:[eE][-+]?\\d+)?";

        static double parse(String s) {
            return Double.parseDouble(s.replace("_", ""));
        }

        public static String format(double v) {
            if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v);
            return String.format(Locale.ROOT, "%s", v);
        }

        private Num() {}
    }
}
