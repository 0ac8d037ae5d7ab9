package dev.pagelab.commands;

import java.util.ArrayList;
import java.util.List;

/** Shared completion candidates. */
public final class Completions {
    private Completions() {}

    public static List<String> namesAndOptions(Session session, Args.OptionSpec spec) {
        List<String> out = new ArrayList<>(session.names());
        out.addAll(options(spec));
        return out;
    }

    public static List<String> options(Args.OptionSpec spec) {
        List<String> out = new ArrayList<>();
        for (String f : spec.flags()) out.add("--" + f);
        for (String v : spec.valued()) out.add("--" + v);
        for (String v : spec.optionalValue()) out.add("--" + v);
        out.sort(null);
        return out;
    }

    /** Ranges, then the command's options. */
    public static List<String> rangesAndOptions(Session session, Args.OptionSpec spec) {
        List<String> out = ranges(session);
        out.addAll(options(spec));
        return out;
    }

    /** Mapping names, and for a name already typed with '[', a few range shapes of it. */
    public static List<String> ranges(Session session) {
        List<String> out = new ArrayList<>(session.names());
        for (Mapping m : session.mappings()) {
            out.add(m.name() + "[0:" + Sizes.format(m.pageSize()) + "]");
            if (m.length() >= 2 * m.pageSize()) out.add(m.name() + "[" + Sizes.format(m.length() / 2) + ":]");
        }
        return out;
    }
}
