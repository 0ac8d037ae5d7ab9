package dev.pagelab.console.recipe;

import dev.pagelab.commands.report.Figure;
import dev.pagelab.commands.report.Figures;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One figure a step asks the user to predict before it runs ({@code predict = ["minor"]}, or with a tolerance
 * {@code predict = { minor = "exact", rss_delta = "± 5%" }}), and how an answer is scored against what the kernel did.
 * The OSTEP homework simulators' idea: say what will happen, then see.
 *
 * @param figure    a recipe name of {@link Figures} (minor, major, present, rss_delta...)
 * @param tolerance how far an answer may be from the kernel's figure and still count: a number, or a percentage of
 *                  the kernel's figure when {@code percent}; 0 means exact
 */
public record Prediction(String figure, double tolerance, boolean percent) {
    /** What a recipe gets when it names no tolerance: close is right, as a first guess at a count should be. */
    public static final double DEFAULT_PERCENT = 10;

    public static Prediction of(String figure) {
        return new Prediction(figure, DEFAULT_PERCENT, true);
    }

    private static final Pattern TOLERANCE =
            Pattern.compile("\\s*(?:\u00b1|\\+-|\\+/-)?\\s*(\\d+(?:\\.\\d+)?)\\s*(%?)\\s*");

    /** The figures a prediction may name: numbers of {@link Figures} with a recipe name. */
    static Set<String> predictable() {
        Set<String> out = new TreeSet<>();
        for (String n : Figures.recipeNames()) if (predictable(n)) out.add(n);
        return out;
    }

    static boolean predictable(String name) {
        Figure f = Figures.recipeFigure(name);
        return f != null
                && (f.type() == Figure.Type.INTEGER
                        || f.type() == Figure.Type.NUMBER
                        || f.type() == Figure.Type.INTEGERS);
    }

    /**
     * The tolerance as a recipe writes it: "exact", "± N", "± N%" (or +- for ±), or a bare number.
     *
     * @throws IllegalArgumentException with what a tolerance looks like
     */
    static Prediction of(String figure, Object value) {
        if (value instanceof Long l && l >= 0) return new Prediction(figure, l, false);
        if (value instanceof Double d && d >= 0) return new Prediction(figure, d, false);
        if (value instanceof String s) {
            if (s.strip().equalsIgnoreCase("exact")) return new Prediction(figure, 0, false);
            Matcher m = TOLERANCE.matcher(s);
            if (m.matches()) {
                double t = Double.parseDouble(m.group(1));
                boolean percent = !m.group(2).isEmpty();
                if (!percent || t <= 100) return new Prediction(figure, t, percent);
            }
        }
        throw new IllegalArgumentException("the tolerance of predict." + figure
                + " is \"exact\", \"± N\" or \"± N%\" (N% of the kernel's figure, at most 100%), not "
                + (value instanceof String s ? "\"" + s + "\"" : String.valueOf(value)));
    }

    /** What the user is asked, e.g. "minor faults the step thread took in the measured window (exact)". */
    public String question() {
        Figure f = Figures.recipeFigure(figure);
        return f == null ? figure : f.description();
    }

    /** "exact", "±10%", "±2": how close an answer must be, as shown to the user. */
    public String toleranceText() {
        if (tolerance == 0) return "exact";
        return "\u00b1" + Expectation.Num.format(tolerance) + (percent ? "%" : "");
    }

    /** How an answer fared: exactly right, right within the tolerance, or off. */
    public record Score(boolean exact, boolean within) {
        /** 1 for an answer within the tolerance (exact included), else 0: what the running score adds. */
        public int points() {
            return within ? 1 : 0;
        }
    }

    public Score score(double predicted, double actual) {
        boolean exact = Math.abs(predicted - actual) < 1e-9;
        double allowed = percent ? Math.abs(actual) * tolerance / 100 : tolerance;
        // a count within 10% of 256 is 231..281: the bound is the figure's own, rounded outwards by no more than
        // floating point noise
        return new Score(exact, exact || Math.abs(predicted - actual) <= allowed + 1e-9);
    }

    /** An answer as typed: a number, nothing (skip), or why it is not one. */
    public record Answer(Double value, String problem) {
        static final Answer SKIP = new Answer(null, null);

        boolean skipped() {
            return value == null && problem == null;
        }
    }

    private static final Pattern NUMBER = Pattern.compile("-?\\d{1,15}(?:\\.\\d{1,9})?");

    /**
     * Reads what the user typed. Only plain decimal numbers: "1k" or "256 pages" is refused rather than guessed at,
     * since a wrong guess at what they meant would score them on a number they did not give.
     */
    public static Answer parse(String typed) {
        String t = typed.strip().replace("_", "");
        if (t.isEmpty()) return Answer.SKIP;
        if (NUMBER.matcher(t).matches()) return new Answer(Double.parseDouble(t), null);
        String shown = typed.strip().length() > 20 ? typed.strip().substring(0, 17) + "..." : typed.strip();
        String hint = t.matches("(?i)-?\\d+(\\.\\d+)?\\s*[kmgt]i?b?")
                ? "write the number itself, e.g. 1024 for 1k"
                : "type a number such as 256, or Enter to skip";
        return new Answer(null, "'" + shown.replaceAll("\\p{Cntrl}", "?") + "' is not a number: " + hint);
    }
}
