package dev.pagelab.linux;

import static dev.pagelab.linux.ffm.Libc.INT;

import dev.pagelab.linux.ffm.Libc;
import java.lang.foreign.FunctionDescriptor;
import java.lang.invoke.MethodHandle;

/** isatty(3): whether a standard stream is a terminal (stdout may be piped while stdin is not, and vice versa). */
public final class Tty {
    /** {@code int isatty(int fd);} isatty(3): 1 for a terminal, else 0 (errno is not needed). */
    private static final MethodHandle ISATTY = Libc.plain("isatty", FunctionDescriptor.of(INT, INT));

    private Tty() {}

    public static boolean isatty(int fd) {
        try {
            return (int) ISATTY.invokeExact(fd) == 1;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }
}
