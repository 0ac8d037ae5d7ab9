package dev.pagelab.commands;

import dev.pagelab.linux.LinuxException;
import dev.pagelab.linux.measure.FaultSample;

/**
 * Why a command did not do what was asked, in one line: what was wrong, and what to do. Either a refusal
 * (bad input, or an access pagelab will not make because it would crash the JVM) or a kernel error, which
 * adds the errno name and the kernel's meaning. Throwing one never harms the session.
 */
public final class CommandError extends Exception {
    private final String subject;
    private final String errnoName;
    private final String meaning;
    private final String hint;
    private final int wordIndex;
    private final FaultSample sample;
    private final boolean usage;

    private CommandError(
            String subject,
            String message,
            String errnoName,
            String meaning,
            String hint,
            int wordIndex,
            FaultSample sample,
            Throwable cause,
            boolean usage) {
        super(message, cause);
        this.subject = subject;
        this.errnoName = errnoName;
        this.meaning = meaning;
        this.hint = hint;
        this.wordIndex = wordIndex;
        this.sample = sample;
        this.usage = usage;
    }

    /** Bad input: {@code wordIndex} is the offending word (0 = the command name), or -1. */
    public static CommandError usage(int wordIndex, String message, String hint) {
        return new CommandError(null, message, null, null, hint, wordIndex, null, null, true);
    }

    /** An access or request pagelab refuses before making it. */
    public static CommandError refused(String subject, String message, String hint) {
        return new CommandError(subject, message, null, null, hint, -1, null, null, false);
    }

    /** The kernel said no. */
    public static CommandError kernel(String subject, LinuxException e, String hint, FaultSample sample) {
        return new CommandError(subject, e.call(), e.errnoName(), e.meaning(), hint, -1, sample, e, false);
    }

    /** Whether the input was at fault (a usage error) rather than the request being refused or failing. */
    public boolean isUsage() {
        return usage;
    }

    /** What the error is about, e.g. {@code m1[0:4M]}; may be null. */
    public String subject() {
        return subject;
    }

    public String errnoName() {
        return errnoName;
    }

    public String meaning() {
        return meaning;
    }

    public String hint() {
        return hint;
    }

    public int wordIndex() {
        return wordIndex;
    }

    /** Faults measured up to a kernel failure inside a window, or null. */
    public FaultSample sample() {
        return sample;
    }

    /** The one line: {@code m1[0:4M]: EACCES (Permission denied) — hint}, without the command name. */
    public String line() {
        StringBuilder b = new StringBuilder();
        if (subject != null) b.append(subject).append(": ");
        if (errnoName != null) {
            b.append(errnoName).append(" (").append(meaning).append(") from ").append(getMessage());
        } else {
            b.append(getMessage());
        }
        if (hint != null && !hint.isEmpty()) b.append(" \u2014 ").append(hint);
        return b.toString();
    }
}
