package dev.pagelab.linux;

/**
 * A failed libc call: the call as made, the errno, its symbolic name and the kernel's text for it.
 * The one exception type the native layer throws for a kernel refusal.
 */
public final class LinuxException extends Exception {
    private final String call;
    private final int errno;

    public LinuxException(String call, int errno) {
        super(call + ": " + Errno.name(errno) + " (" + Errno.describe(errno) + ")");
        this.call = call;
        this.errno = errno;
    }

    /** The call as made, e.g. {@code madvise(0x7f..., 4096, MADV_COLLAPSE)}. */
    public String call() {
        return call;
    }

    public int errno() {
        return errno;
    }

    /** The symbolic name, e.g. {@code EINVAL}. */
    public String errnoName() {
        return Errno.name(errno);
    }

    /** The C library's text for the errno, e.g. {@code Invalid argument}. */
    public String meaning() {
        return Errno.describe(errno);
    }
}
