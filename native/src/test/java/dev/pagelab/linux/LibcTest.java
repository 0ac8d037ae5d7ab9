package dev.pagelab.linux;

import static dev.pagelab.linux.ffm.Libc.INT;
import static dev.pagelab.linux.ffm.Libc.LONG;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pagelab.linux.ffm.Libc;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import org.junit.jupiter.api.Test;

/** A function the C library lacks links all the same, and every call of it answers -1 with errno ENOSYS. */
class LibcTest {
    @Test
    void aMissingFunctionAnswersEnosysAtCallTime() throws Throwable {
        MethodHandle h = Libc.withErrno("pagelab_no_such_function", FunctionDescriptor.of(INT, LONG, LONG, INT));
        MemorySegment cs = Libc.callState();
        int r = (int) h.invokeExact(cs, 1L, 2L, 3);
        assertThat(r).isEqualTo(-1);
        assertThat(Libc.errno(cs)).isEqualTo(Errno.ENOSYS);
        MethodHandle l = Libc.withErrno("pagelab_no_such_function", FunctionDescriptor.of(LONG, Libc.PTR, INT));
        long lr = (long) l.invokeExact(cs, MemorySegment.NULL, 0);
        assertThat(lr).isEqualTo(-1L);
        LinuxException e = new LinuxException("mlock2(0x1000, 4096, MLOCK_ONFAULT)", Libc.errno(cs));
        assertThat(e.getMessage()).isEqualTo("mlock2(0x1000, 4096, MLOCK_ONFAULT): ENOSYS (Function not implemented)");
    }

    @Test
    void aPresentFunctionIsTheRealOne() throws Throwable {
        MethodHandle h = Libc.withErrno("getpid", FunctionDescriptor.of(INT));
        assertThat((int) h.invokeExact(Libc.callState()))
                .isEqualTo((int) ProcessHandle.current().pid());
    }
}
