package dev.pagelab.linux;

import static dev.pagelab.linux.LinuxConstants.*;
import static dev.pagelab.linux.ffm.Libc.INT;
import static dev.pagelab.linux.ffm.Libc.LONG;

import dev.pagelab.linux.ffm.Libc;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * A userfaultfd (linux/userfaultfd.h) set up for asynchronous write-protection: the kernel resolves a write to a
 * write-protected page itself (UFFD_FEATURE_WP_ASYNC, Linux 6.7) instead of waking a handler thread, and
 * PAGEMAP_SCAN's "written" category then tells which pages were written since they were last protected. With
 * UFFD_FEATURE_WP_UNPOPULATED (6.4) pages not yet faulted in are protected too (by PTE markers), so a first write
 * counts as well. This is how pagelab tracks written pages on kernels built without CONFIG_MEM_SOFT_DIRTY.
 * <p>
 * The descriptor is opened with UFFD_USER_MODE_ONLY, so it needs no privilege when vm.unprivileged_userfaultfd is
 * 0: only faults raised by user code are tracked, which is all a touch makes. One owner: {@link #close()}.
 */
public final class Userfaultfd implements AutoCloseable {
    private static final int UFFD_USER_MODE_ONLY = 1;
    private static final long UFFD_API = 0xAA;
    public static final long FEATURE_WP_UNPOPULATED = 1L << 13, FEATURE_WP_ASYNC = 1L << 15;
    private static final long REGISTER_MODE_WP = 2;
    // _IOWR(0xAA, 0x3F, struct uffdio_api), _IOWR(0xAA, 0x00, struct uffdio_register), _IOR(0xAA, 0x01, struct
    // uffdio_range): values printed from the 6.18 headers with gcc.
    private static final long UFFDIO_API = 0xc018aa3fL, UFFDIO_REGISTER = 0xc020aa00L, UFFDIO_UNREGISTER = 0x8010aa01L;

    /** {@code long syscall(long number, ...);} syscall(2), here userfaultfd(2): glibc 2.36 has no wrapper for it. */
    private static final MethodHandle SYSCALL = Libc.LINKER.downcallHandle(
            Libc.LOOKUP.find("syscall").orElseThrow(),
            FunctionDescriptor.of(LONG, LONG, LONG),
            Linker.Option.firstVariadicArg(1),
            Linker.Option.captureCallState("errno"));
    /** {@code int ioctl(int fd, unsigned long request, ...);} ioctl(2), here ioctl_userfaultfd(2). */
    private static final MethodHandle IOCTL = Libc.LINKER.downcallHandle(
            Libc.LOOKUP.find("ioctl").orElseThrow(),
            FunctionDescriptor.of(INT, INT, LONG, LONG),
            Linker.Option.firstVariadicArg(2),
            Linker.Option.captureCallState("errno"));

    private final int fd;

    private Userfaultfd(int fd) {
        this.fd = fd;
    }

    /**
     * Opens a userfaultfd with WP_ASYNC and WP_UNPOPULATED. Fails with the kernel's errno when userfaultfd is
     * missing (ENOSYS), forbidden (EPERM) or lacks the features (EINVAL from UFFDIO_API on kernels before 6.7).
     */
    public static Userfaultfd openAsyncWriteProtect() throws LinuxException {
        MemorySegment cs = Libc.callState();
        long r;
        try {
            r = (long) SYSCALL.invokeExact(cs, SYS_userfaultfd, (long) (O_CLOEXEC | O_NONBLOCK | UFFD_USER_MODE_ONLY));
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
        if (r < 0) throw new LinuxException("userfaultfd(O_CLOEXEC|O_NONBLOCK|UFFD_USER_MODE_ONLY)", Libc.errno(cs));
        Userfaultfd u = new Userfaultfd((int) r);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment api = arena.allocate(24, 8);
            api.set(ValueLayout.JAVA_LONG, 0, UFFD_API);
            api.set(ValueLayout.JAVA_LONG, 8, FEATURE_WP_ASYNC | FEATURE_WP_UNPOPULATED);
            u.ioctl(UFFDIO_API, api, "UFFDIO_API, features WP_ASYNC|WP_UNPOPULATED");
        } catch (LinuxException e) {
            u.close();
            throw e;
        }
        return u;
    }

    /** Registers [address, address+length) for write-protect tracking (UFFDIO_REGISTER_MODE_WP). */
    public void registerWriteProtect(long address, long length) throws LinuxException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment reg = arena.allocate(32, 8);
            reg.set(ValueLayout.JAVA_LONG, 0, address);
            reg.set(ValueLayout.JAVA_LONG, 8, length);
            reg.set(ValueLayout.JAVA_LONG, 16, REGISTER_MODE_WP);
            ioctl(UFFDIO_REGISTER, reg, "UFFDIO_REGISTER, " + Libc.hex(address) + ", " + length + ", MODE_WP");
        }
    }

    public void unregister(long address, long length) throws LinuxException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment range = arena.allocate(16, 8);
            range.set(ValueLayout.JAVA_LONG, 0, address);
            range.set(ValueLayout.JAVA_LONG, 8, length);
            ioctl(UFFDIO_UNREGISTER, range, "UFFDIO_UNREGISTER, " + Libc.hex(address) + ", " + length);
        }
    }

    private void ioctl(long request, MemorySegment arg, String what) throws LinuxException {
        MemorySegment cs = Libc.callState();
        int r;
        try {
            r = (int) IOCTL.invokeExact(cs, fd, request, arg.address());
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
        if (r < 0) throw new LinuxException("ioctl(userfaultfd, " + what + ")", Libc.errno(cs));
    }

    @Override
    public void close() {
        try {
            FileIo.close(fd);
        } catch (LinuxException ignored) {
            // EBADF cannot happen for a descriptor this object owns; nothing else is reported by close here
        }
    }
}
