package dev.pagelab.console.recipe;

import dev.pagelab.commands.report.Figure;
import dev.pagelab.commands.report.Figures;
import dev.pagelab.commands.report.StepReport;
import dev.pagelab.console.Outcome;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The figures of one statement's outcome by the names recipes use in {@code expect.NAME}: those of {@link Figures}
 * with a recipe name (a step's minor, major, present…, an inspect-pagemap's totals, a view's pages per state, a
 * {@code maps NAME}'s smaps figures). Recording writes expectations with the same names.
 */
public final class Observations {
    public final Map<String, Double> numbers = new LinkedHashMap<>();
    /** For text expectations (error, note, vm_flags): what the outcome said. */
    final Map<String, String> texts = new LinkedHashMap<>();
    /** For present: the value before the step. */
    double presentBefore;

    private Observations() {}

    public static Observations of(Outcome o) {
        Observations obs = new Observations();
        Object subject = o.ok() ? o.report() : o.error();
        for (Figure f : Figures.COMMON) obs.observe(f, subject);
        for (Figure f : Figures.Kind.of(subject).figures()) obs.observe(f, subject);
        if (subject instanceof StepReport s) s.present().ifPresent(p -> obs.presentBefore = p.before());
        return obs;
    }

    /** Figure {@code f} of {@code subject}, when recipes compare it, and the recipe figures nested in it. */
    private void observe(Figure f, Object subject) {
        Object v = f.of(subject);
        if (v == null) return;
        if (f.recipe() != null) {
            switch (v) {
                case Number n -> numbers.put(f.recipe(), n.doubleValue());
                case Boolean b -> numbers.put(f.recipe(), b ? 1.0 : 0.0);
                case String t -> texts.put(f.recipe(), t);
                case List<?> l
                when f.text() ->
                    texts.put(
                            f.recipe(),
                            String.join("\n", l.stream().map(String::valueOf).toList()));
                case List<?> l -> numbers.put(f.recipe(), (double) l.size());
                default -> throw new IllegalStateException("figure " + f.recipe() + " has no value recipes compare");
            }
        }
        if (f.type() == Figure.Type.OBJECT) for (Figure g : f.fields()) observe(g, v);
    }

    /** The verdict on one expectation: passed, and what was observed, as text. */
    record Verdict(Expectation expectation, boolean passed, String observed) {}

    /**
     * Judges one expectation; figures it names are this step's, or with {@code previous.} those of {@code previous}
     * (the step before that ran a command, or null).
     */
    Verdict check(Expectation e, Observations previous) {
        if (!e.terms().isEmpty()) {
            String[] missing = new String[1];
            Expectation resolved = e.resolve(
                    name -> name.startsWith(Expectation.PREVIOUS)
                            ? previous == null
                                    ? null
                                    : previous.numbers.get(name.substring(Expectation.PREVIOUS.length()))
                            : numbers.get(name),
                    missing);
            if (resolved == null) {
                return new Verdict(
                        e,
                        false,
                        missing[0].startsWith(Expectation.PREVIOUS) && previous == null
                                ? "no step ran before this one"
                                : "no figure '" + missing[0] + "' to compare with");
            }
            Verdict v = check(resolved, null);
            String value = Observations.format(resolved.a());
            return new Verdict(e, v.passed(), v.observed() + (v.observed().equals(value) ? "" : ", against " + value));
        }
        return check(e);
    }

    Verdict check(Expectation e) {
        if (e.relation() == Expectation.Relation.TEXT) {
            String t = texts.get(e.key());
            if (t == null)
                return new Verdict(e, false, e.key().equals("error") ? "the step succeeded" : "no " + e.key());
            boolean ok = t.toLowerCase(Locale.ROOT).contains(e.text().toLowerCase(Locale.ROOT));
            return new Verdict(e, ok, t.isEmpty() ? "nothing" : "\"" + firstLine(t) + "\"");
        }
        Double v = numbers.get(e.key());
        if (v == null) {
            return new Verdict(
                    e,
                    false,
                    texts.containsKey("error") && !e.key().equals("ok")
                            ? "the step failed: " + firstLine(texts.get("error"))
                            : "this step reports no '" + e.key() + "' (it has: " + String.join(", ", numbers.keySet())
                                    + ")");
        }
        boolean ok = e.holds(presentBefore, v);
        String observed = e.relation() == Expectation.Relation.TRANSITION
                ? Expectation.Num.format(presentBefore) + " -> " + Expectation.Num.format(v)
                : e.key().equals("ok") ? (v == 1 ? "true" : "false") : format(v);
        return new Verdict(e, ok, observed);
    }

    public static String format(double v) {
        if (v == Math.rint(v)) return Expectation.Num.format(v);
        return String.format(Locale.ROOT, "%.3f", v);
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
