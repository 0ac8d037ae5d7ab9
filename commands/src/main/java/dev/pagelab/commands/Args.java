package dev.pagelab.commands;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A command's words after its name, checked against its {@link OptionSpec}: positional words and options
 * ({@code --flag}, {@code --opt VALUE}, {@code --opt=VALUE}), each remembering its word index for errors.
 */
public final class Args {
    public record Positional(String text, int index) {}

    public record Option(String name, String value, int index) {}

    /**
     * Which options a command takes: flags, options that need a value, options whose value is optional, and for an
     * option that takes one of a few words, those words (its canonical spellings: what completion offers, what the
     * man page's synopsis lists, what a wrong value's hint names; a command may accept aliases besides).
     */
    public record OptionSpec(
            Set<String> flags, Set<String> valued, Set<String> optionalValue, Map<String, List<String>> choices) {
        public static final OptionSpec NONE = new OptionSpec(Set.of(), Set.of(), Set.of());

        public OptionSpec(Set<String> flags, Set<String> valued, Set<String> optionalValue) {
            this(flags, valued, optionalValue, Map.of());
        }

        public static OptionSpec of(Set<String> flags, Set<String> valued) {
            return new OptionSpec(flags, valued, Set.of());
        }

        /** This spec with {@code option} (one it takes a value for) limited to {@code words}. */
        public OptionSpec withChoices(String option, String... words) {
            if (!valued.contains(option) && !optionalValue.contains(option)) {
                throw new IllegalArgumentException("--" + option + " takes no value");
            }
            Map<String, List<String>> c = new LinkedHashMap<>(choices);
            c.put(option, List.of(words));
            return new OptionSpec(flags, valued, optionalValue, Map.copyOf(c));
        }

        /** The words {@code option} takes, empty where its value is free (a size, a path). */
        public List<String> choicesOf(String option) {
            return choices.getOrDefault(option, List.of());
        }

        /** "use seq, reverse or random": the hint for a value of {@code option} that is none of its words. */
        public String choicesHint(String option) {
            List<String> w = choicesOf(option);
            if (w.isEmpty()) return "";
            if (w.size() == 1) return "use " + w.get(0);
            return "use " + String.join(", ", w.subList(0, w.size() - 1)) + " or " + w.get(w.size() - 1);
        }

        public List<String> all() {
            List<String> out = new ArrayList<>(flags);
            out.addAll(valued);
            out.addAll(optionalValue);
            out.sort(null);
            return out;
        }
    }

    private final List<Positional> positional = new ArrayList<>();
    private final Map<String, Option> options = new LinkedHashMap<>();

    public static Args parse(CommandLine line, OptionSpec spec) throws CommandError {
        Args a = new Args();
        List<CommandLine.Word> w = line.words();
        for (int i = 1; i < w.size(); i++) {
            String t = w.get(i).text();
            if (t.startsWith("--") && t.length() > 2) {
                int eq = t.indexOf('=');
                String name = eq < 0 ? t.substring(2) : t.substring(2, eq);
                String value = eq < 0 ? null : t.substring(eq + 1);
                if (spec.flags().contains(name)) {
                    if (value != null)
                        throw CommandError.usage(i, "--" + name + " takes no value", "write just --" + name);
                } else if (spec.valued().contains(name)) {
                    if (value == null) {
                        if (i + 1 >= w.size()) {
                            throw CommandError.usage(i, "--" + name + " needs a value", "e.g. --" + name + " VALUE");
                        }
                        value = w.get(++i).text();
                    }
                } else if (!spec.optionalValue().contains(name)) {
                    throw CommandError.usage(
                            i,
                            "unknown option '" + t + "'",
                            spec.all().isEmpty()
                                    ? line.name() + " takes no options"
                                    : "options: --" + String.join(", --", spec.all()));
                }
                if (a.options.containsKey(name))
                    throw CommandError.usage(i, "--" + name + " given twice", "give it once");
                a.options.put(name, new Option(name, value, i));
            } else {
                a.positional.add(new Positional(t, i));
            }
        }
        return a;
    }

    public List<Positional> positional() {
        return positional;
    }

    public boolean has(String option) {
        return options.containsKey(option);
    }

    public Option option(String name) {
        return options.get(name);
    }

    public String value(String name) {
        Option o = options.get(name);
        return o == null ? null : o.value();
    }

    /**
     * The whole number given with option {@code name}, from {@code min} to {@code max}, or {@code dflt} when the
     * option is absent; {@code what} names it in the error ("a count", "a number of rows").
     */
    public int integer(String name, int min, int max, int dflt, String what) throws CommandError {
        Option o = options.get(name);
        if (o == null) return dflt;
        int v;
        try {
            v = Integer.parseInt(o.value());
        } catch (NumberFormatException | NullPointerException e) {
            v = min - 1;
        }
        if (v < min || v > max) {
            throw CommandError.usage(
                    o.index(),
                    "'" + o.value() + "' is not " + what + " from " + min + " to " + max,
                    "e.g. --" + name + " " + Math.max(min, Math.min(max, dflt > 0 ? dflt : min)));
        }
        return v;
    }

    /** Fails on the first positional word past {@code max}. */
    public void atMost(int max, String usage) throws CommandError {
        if (positional.size() > max) {
            Positional p = positional.get(max);
            throw CommandError.usage(p.index(), "unexpected '" + p.text() + "'", "usage: " + usage);
        }
    }

    /** Fails when both options are given. */
    public void exclusive(String a, String b) throws CommandError {
        if (has(a) && has(b)) {
            throw CommandError.usage(option(b).index(), "--" + a + " and --" + b + " exclude each other", "choose one");
        }
    }
}
