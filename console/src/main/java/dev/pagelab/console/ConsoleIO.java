package dev.pagelab.console;

import java.io.Writer;
import java.util.List;
import java.util.function.Consumer;
import org.jline.utils.AttributedString;

/**
 * What the console's own commands and the recipe player may use of the console — its output, the screen's size,
 * and running statements as if typed — rather than the whole {@link Shell} (the seam jshell calls
 * {@code IOContext}). The shell is the one implementation; a statement run here is measured, rendered and observed
 * exactly as a typed one.
 */
public interface ConsoleIO {
    /** Prints styled lines (colour only where the terminal and the settings allow it). */
    void print(List<AttributedString> lines);

    void println(String s);

    /** Prints {@code s} without a line end and flushes, for the typing effect. */
    void printRaw(String s);

    /** Columns to lay text out in (at least 40). */
    int width();

    /** Rows of the screen, 0 when output is not a terminal. */
    int height();

    boolean color();

    /** Runs one statement (no ';' splitting), prints it as the console does, and returns what it did. */
    Outcome run(String statement);

    /** Runs one statement as {@link #run} does, but holds its output in {@code output} instead of printing it. */
    Outcome runHeld(String statement, StringBuilder output);

    /** Copies all output to {@code w} from now on (null stops it): a recording's asciinema cast. */
    void copyOutputTo(Writer w);

    /** Calls {@code o} after every statement's outcome has been printed, until {@link #stopObserving}. */
    void observe(Consumer<Outcome> o);

    void stopObserving(Consumer<Outcome> o);

    /**
     * Says where the statements run from now on come from (a script's {@code <stdin>:2}, a recipe's
     * {@code file.toml:14}), for the position a script's errors carry; returns the origin it replaces.
     */
    String origin(String where);

    /** A line about the input rather than a result (a recipe's format problems): with the errors in a script. */
    void warn(String line);

    /** Whether reports are written as JSON, for a program to read: nothing then waits for a person's answer. */
    default boolean json() {
        return false;
    }
}
