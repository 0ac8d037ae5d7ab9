package dev.pagelab.commands;

import dev.pagelab.commands.report.Report;
import java.util.List;

/**
 * One console command: its name, the options it takes, what it does, and how its arguments complete. Its
 * summary, synopsis and prose live in its manual page, {@code man/pagelab-NAME.1}.
 */
public interface Command {
    String name();

    Args.OptionSpec options();

    /** Runs the command on the step thread; bad input or a kernel refusal is a {@link CommandError}. */
    Report run(Session session, CommandLine line) throws CommandError;

    /** Candidates for word {@code wordIndex} (1 = first argument) given the words before it. */
    default List<String> complete(Session session, List<String> before, int wordIndex) {
        return Completions.namesAndOptions(session, options());
    }

    /**
     * As {@link #complete(Session, List, int)}, also given the part of the word typed so far: commands that take
     * file names list the directory it names. The console filters the candidates by that prefix.
     */
    default List<String> complete(Session session, List<String> before, int wordIndex, String partial) {
        // the value of an option that takes one of a few words: those words, from the one place they are declared
        if (!before.isEmpty() && before.get(before.size() - 1).startsWith("--")) {
            List<String> words =
                    options().choicesOf(before.get(before.size() - 1).substring(2));
            if (!words.isEmpty()) return words;
        }
        return complete(session, before, wordIndex);
    }

    /**
     * Whether it runs on the session's step thread (every command that reads or changes the session's memory
     * does, so that steps never overlap); console settings and help run where they are typed.
     */
    default boolean runsOnStepThread() {
        return true;
    }

    /**
     * Whether it changes the kernel's or the session's state (memory, bits, limits, the page cache). Such a command
     * runs only by its full name, never by a prefix: a typo must not clear soft-dirty bits ({@code clear} is not
     * {@code clear-refs}). Commands that only read may be abbreviated, as in jshell.
     */
    default boolean changesState() {
        return false;
    }
}
