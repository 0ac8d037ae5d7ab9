package dev.pagelab.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every constant of {@link LinuxConstants} that this machine's kernel headers define as a plain number has that
 * number (the headers of linux-libc-dev; a constant newer than them, or defined by an expression, is not checked).
 */
class LinuxConstantsTest {
    static final List<String> HEADERS = List.of(
            "asm-generic/mman-common.h",
            "asm-generic/mman.h",
            "x86_64-linux-gnu/asm/mman.h",
            "linux/mman.h",
            "linux/memfd.h",
            "asm-generic/fcntl.h",
            "linux/fadvise.h",
            "asm-generic/resource.h",
            "linux/resource.h",
            "linux/capability.h",
            "x86_64-linux-gnu/asm/unistd_64.h");
    static final Pattern DEFINE = Pattern.compile(
            "^#\\s*define\\s+(\\w+)\\s+\\(?(0x[0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)[uUlL]*\\)?\\s*(?:/\\*.*)?$");

    /** The last plain-number definition of each name (linux/fadvise.h defines s390x's values first). */
    static Map<String, Long> defines() throws Exception {
        Map<String, Long> out = new HashMap<>();
        for (String h : HEADERS) {
            Path p = Path.of("/usr/include", h);
            if (!Files.isRegularFile(p)) continue;
            for (String line : Files.readAllLines(p)) {
                Matcher m = DEFINE.matcher(line.strip());
                if (!m.matches()) continue;
                String v = m.group(2);
                out.put(
                        m.group(1),
                        v.startsWith("0x")
                                ? Long.parseLong(v.substring(2), 16)
                                : v.length() > 1 && v.startsWith("0")
                                        ? Long.parseLong(v.substring(1), 8)
                                        : Long.parseLong(v));
            }
        }
        return out;
    }

    @Test
    void everyConstantTheHeadersDefineHasTheirValue() throws Exception {
        assumeTrue(
                Files.isRegularFile(Path.of("/usr/include/asm-generic/mman-common.h")),
                "needs the kernel's uapi headers (linux-libc-dev)");
        Map<String, Long> headers = defines();
        int checked = 0;
        for (Field f : LinuxConstants.class.getFields()) {
            if (!Modifier.isStatic(f.getModifiers())) continue;
            String name = f.getName().startsWith("SYS_") ? "__NR_" + f.getName().substring(4) : f.getName();
            Long expected = headers.get(name);
            if (expected == null) continue;
            long actual = f.getType() == int.class ? f.getInt(null) : f.getLong(null);
            assertThat(actual).as(f.getName()).isEqualTo(expected);
            checked++;
        }
        // mman-common.h alone defines PROT_*, MAP_ANONYMOUS, MLOCK_ONFAULT and MADV_ up to 25 on every kernel since 6.1
        assertThat(checked).as("constants checked against the headers").isGreaterThan(40);
    }

    @Test
    void theMadviseValuesProbedCoverEveryAdvice() {
        assertThat(LinuxConstants.MADV_COLLAPSE).isEqualTo(25);
        assertThat(LinuxConstants.MADV_GUARD_REMOVE).isLessThan(128);
    }
}
