package dev.pagelab.console;

import dev.pagelab.console.terminal.OutputCharset;

/**
 * Everything printed goes to the console's output and, while a recording runs, to a copy. The output is the
 * one place where text meets the charset: in ASCII every character goes through {@link OutputCharset#ascii}
 * on its way out (the copy, an asciinema file, is UTF-8 and keeps the glyphs).
 */
final class OutputTee extends java.io.Writer {
    private final java.io.Writer base;
    volatile java.io.Writer copy;
    /** While set, output is held here instead of being shown (a recipe check shows it only on failure). */
    volatile StringBuilder held;
    /** Class mode's teacher: sees what is shown (not what is held), before the charset's substitutions. */
    volatile Shell.Listener listener;

    volatile OutputCharset charset = OutputCharset.UTF8;
    /** A high surrogate at the end of the last write, waiting for its low half. */
    private char highSurrogate;

    OutputTee(java.io.Writer base) {
        this.base = base;
    }

    @Override
    public void write(char[] b, int off, int len) throws java.io.IOException {
        StringBuilder h = held;
        if (h != null) {
            h.append(b, off, len);
            return;
        }
        if (charset.unicode()) {
            base.write(b, off, len);
        } else {
            StringBuilder s = new StringBuilder(len + 1);
            if (highSurrogate != 0) s.append(highSurrogate);
            s.append(b, off, len);
            highSurrogate = 0;
            if (!s.isEmpty() && Character.isHighSurrogate(s.charAt(s.length() - 1))) {
                highSurrogate = s.charAt(s.length() - 1);
                s.setLength(s.length() - 1);
            }
            base.write(OutputCharset.ascii(s));
        }
        java.io.Writer c = copy;
        if (c != null) c.write(b, off, len);
        Shell.Listener l = listener;
        if (l != null) l.shown(new String(b, off, len));
    }

    @Override
    public void flush() throws java.io.IOException {
        base.flush();
        java.io.Writer c = copy;
        if (c != null) c.flush();
    }

    @Override
    public void close() throws java.io.IOException {
        flush();
    }
}
