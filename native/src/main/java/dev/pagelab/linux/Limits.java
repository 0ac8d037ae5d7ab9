package dev.pagelab.linux;

import static dev.pagelab.linux.LinuxConstants.*;
import static dev.pagelab.linux.ffm.Libc.INT;

import dev.pagelab.linux.ffm.Libc;
import dev.pagelab.linux.proc.ProcText;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Resource limits (getrlimit/setrlimit, sys/resource.h) and the calling thread's capability sets (capget/capset,
 * linux/capability.h). RLIMIT_MEMLOCK caps what mlock may lock — unless the caller has CAP_IPC_LOCK in its
 * effective set, which root has. Capabilities are per thread on Linux: dropping one from the effective set of the
 * thread that makes the calls is enough, and it can be raised again while it stays in the permitted set.
 */
public final class Limits {

    // One holder class per function (see Mman): linked on first call.
    /** {@code int getrlimit(int resource, struct rlimit *rlim);} getrlimit(2) */
    private static final class Getrlimit {
        static final MethodHandle HANDLE = Libc.withErrno("getrlimit", FunctionDescriptor.of(INT, INT, Libc.PTR));
    }
    /** {@code int setrlimit(int resource, const struct rlimit *rlim);} getrlimit(2) */
    private static final class Setrlimit {
        static final MethodHandle HANDLE = Libc.withErrno("setrlimit", FunctionDescriptor.of(INT, INT, Libc.PTR));
    }
    /** {@code int capget(cap_user_header_t hdrp, cap_user_data_t datap);} capget(2) */
    private static final class Capget {
        static final MethodHandle HANDLE = Libc.withErrno("capget", FunctionDescriptor.of(INT, Libc.PTR, Libc.PTR));
    }
    /** {@code int capset(cap_user_header_t hdrp, const cap_user_data_t datap);} capget(2) */
    private static final class Capset {
        static final MethodHandle HANDLE = Libc.withErrno("capset", FunctionDescriptor.of(INT, Libc.PTR, Libc.PTR));
    }

    private Limits() {}

    /** Soft and hard limit in bytes; {@link LinuxConstants#RLIM_INFINITY} for unlimited. */
    public record Rlimit(long soft, long hard) {}

    public static Rlimit get(int resource) throws LinuxException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment r = a.allocate(16, 8);
            call(Getrlimit.HANDLE, resource, r, "getrlimit(" + name(resource) + ")");
            return new Rlimit(r.get(ValueLayout.JAVA_LONG, 0), r.get(ValueLayout.JAVA_LONG, 8));
        }
    }

    public static void set(int resource, Rlimit limit) throws LinuxException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment r = a.allocate(16, 8);
            r.set(ValueLayout.JAVA_LONG, 0, limit.soft());
            r.set(ValueLayout.JAVA_LONG, 8, limit.hard());
            call(
                    Setrlimit.HANDLE,
                    resource,
                    r,
                    "setrlimit(" + name(resource) + ", " + text(limit.soft()) + ", " + text(limit.hard()) + ")");
        }
    }

    /** RLIMIT_MEMLOCK soft limit in bytes, -1 for unlimited, from /proc/self/limits. */
    public static long memlockLimit() {
        return memlockLimit(ProcText.lines("/proc/self/limits"));
    }

    /** The soft "Max locked memory" of /proc/self/limits text in bytes; -1 for unlimited or when absent. */
    public static long memlockLimit(java.util.List<String> limitsLines) {
        for (String line : limitsLines) {
            if (line.startsWith("Max locked memory")) {
                String[] f = line.substring("Max locked memory".length()).trim().split("\\s+");
                return f[0].equals("unlimited") ? -1 : Long.parseLong(f[0]);
            }
        }
        return -1;
    }

    /** The calling thread's effective and permitted capability sets (low 64 bits). */
    public record Capabilities(long effective, long permitted) {
        public boolean effective(int cap) {
            return (effective & (1L << cap)) != 0;
        }

        public boolean permitted(int cap) {
            return (permitted & (1L << cap)) != 0;
        }
    }

    public static Capabilities capabilities() throws LinuxException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment header = header(a);
            MemorySegment data = a.allocate(24, 4);
            capCall(Capget.HANDLE, header, data, "capget(0)");
            return new Capabilities(word(data, 0), word(data, 4));
        }
    }

    /** Adds or removes {@code cap} from the calling thread's effective set (it must be permitted to add it). */
    public static void setEffective(int cap, boolean on) throws LinuxException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment header = header(a);
            MemorySegment data = a.allocate(24, 4);
            capCall(Capget.HANDLE, header, data, "capget(0)");
            int index = cap / 32 * 12;
            int bit = 1 << (cap % 32);
            int eff = data.get(ValueLayout.JAVA_INT, index);
            data.set(ValueLayout.JAVA_INT, index, on ? eff | bit : eff & ~bit);
            capCall(Capset.HANDLE, header(a), data, "capset(0, " + (on ? "+" : "-") + "CAP " + cap + " effective)");
        }
    }

    /** Low 64 bits of a capability set: word 0 at {@code offset}, word 1 twelve bytes on. */
    private static long word(MemorySegment data, int offset) {
        return (data.get(ValueLayout.JAVA_INT, offset) & 0xffffffffL)
                | ((long) data.get(ValueLayout.JAVA_INT, offset + 12) << 32);
    }

    private static MemorySegment header(Arena a) {
        MemorySegment h = a.allocate(8, 4);
        h.set(ValueLayout.JAVA_INT, 0, _LINUX_CAPABILITY_VERSION_3);
        h.set(ValueLayout.JAVA_INT, 4, 0); // 0: the calling thread
        return h;
    }

    private static void call(MethodHandle h, int resource, MemorySegment r, String what) throws LinuxException {
        MemorySegment cs = Libc.callState();
        int rc;
        try {
            rc = (int) h.invokeExact(cs, resource, r);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
        if (rc != 0) throw new LinuxException(what, Libc.errno(cs));
    }

    private static void capCall(MethodHandle h, MemorySegment header, MemorySegment data, String what)
            throws LinuxException {
        MemorySegment cs = Libc.callState();
        int rc;
        try {
            rc = (int) h.invokeExact(cs, header, data);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
        if (rc != 0) throw new LinuxException(what, Libc.errno(cs));
    }

    private static String name(int resource) {
        return resource == RLIMIT_MEMLOCK ? "RLIMIT_MEMLOCK" : Integer.toString(resource);
    }

    private static String text(long v) {
        return v == RLIM_INFINITY ? "RLIM_INFINITY" : Long.toString(v);
    }
}
