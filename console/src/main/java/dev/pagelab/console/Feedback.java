package dev.pagelab.console;

import java.util.Locale;
import java.util.Optional;

/** How much a step report says, as jshell's feedback modes. */
public enum Feedback {
    VERBOSE,
    NORMAL,
    CONCISE,
    SILENT;

    static Optional<Feedback> of(String word) {
        for (Feedback f : values()) if (f.name().equalsIgnoreCase(word)) return Optional.of(f);
        return Optional.empty();
    }

    String word() {
        return name().toLowerCase(Locale.ROOT);
    }
}
