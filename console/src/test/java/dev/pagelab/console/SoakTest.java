package dev.pagelab.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.pagelab.commands.Mapping;
import dev.pagelab.linux.proc.ProcMaps;
import dev.pagelab.linux.proc.ProcMeminfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Thousands of random commands, valid and not, against the real kernel: map, unmap (whole and partial), touch,
 * advise, lock, unlock, protect, with random sizes and ranges under a memory cap. After every command the session's
 * idea of its mappings must match /proc/self/maps: every live part of every mapping is mapped, with the protection
 * pagelab believes it has, and nothing it unmapped is still its own. Bounded: a fixed number of commands.
 */
class SoakTest extends ConsoleSessionTest {
    static final long SEED = 42L;
    static final int COMMANDS = 4000;
    /** What the soak's mappings may hold in RSS at once (above the JVM's own 256 MiB or so) before all are unmapped. */
    static final long CAP = 512L << 20;

    static final String[] ADVICE = {
        "dontneed",
        "free",
        "willneed",
        "cold",
        "pageout",
        "populate_read",
        "populate_write",
        "hugepage",
        "nohugepage",
        "guard_install",
        "guard_remove",
        "remove",
        "mergeable",
        "bogus",
        "collapse"
    };
    static final String[] PROT = {"r", "rw", "none", "rx", "w", "zz"};
    static final String[] SIZES = {"4K", "8K", "64K", "1M", "2M", "4M", "16M", "3p", "100", "0", "-4K", "1T", "64M"};

    @Test
    void thousandsOfRandomStepsKeepTheSessionAndTheKernelInAgreement() {
        Random r = new Random(SEED);
        int[] failed = {0};
        assertTimeoutPreemptively(Duration.ofMinutes(8), () -> {
            for (int i = 0; i < COMMANDS; i++) {
                String line = command(r);
                buffer.getBuffer().setLength(0);
                if (!shell.execute(line)) failed[0]++;
                String out = buffer.toString();
                assertThat(out).as("seed %d, command %d: %s", SEED, i, line).doesNotContain("internal error");
                assertAgreement(i, line);
                if (ProcMeminfo.rssBytes() > CAP + (256L << 20))
                    for (String n : session.names()) shell.execute("unmap " + n);
            }
        });
        assertThat(failed[0])
                .as("a good share of random commands are refused")
                .isBetween(COMMANDS / 10, COMMANDS * 9 / 10);
        for (String n : session.names()) assertThat(shell.execute("unmap " + n)).isTrue();
    }

    String command(Random r) {
        List<String> names = session.names();
        String name = names.isEmpty() || r.nextInt(12) == 0 ? "m" + r.nextInt(9) : names.get(r.nextInt(names.size()));
        Mapping m = session.mapping(name);
        // Whole-range steps on a 1 TiB --noreserve mapping are legitimate but take minutes (a read touch maps 268
        // million zero-page entries): big mappings get ranges, so the soak fits a CI run.
        boolean whole = r.nextBoolean() && (m == null || m.length() <= (256L << 20));
        String range = name + (whole ? "" : "[" + r.nextInt(5000) * 1024L + ":" + (1 + r.nextInt(300)) * 4096L + "]");
        return switch (r.nextInt(10)) {
            case 0, 1 ->
                "map " + (r.nextInt(4) == 0 ? "" : "m" + r.nextInt(9) + " ") + SIZES[r.nextInt(SIZES.length)]
                        + List.of(
                                        "",
                                        " --no-thp",
                                        " --thp --align 2M",
                                        " --populate",
                                        " --noreserve",
                                        " --prot r",
                                        " --shared",
                                        " --memfd --shared")
                                .get(r.nextInt(8));
            case 2 -> "unmap " + range;
            case 3, 4 ->
                "touch " + range
                        + List.of("", " --read", " --stride 16K", " --order random", " --order reverse")
                                .get(r.nextInt(5));
            case 5 -> "advise " + range + " " + ADVICE[r.nextInt(ADVICE.length)];
            case 6 -> "lock " + range + (r.nextBoolean() ? " --onfault" : "");
            case 7 -> "unlock " + range;
            case 8 -> "protect " + range + " " + PROT[r.nextInt(PROT.length)];
            default ->
                List.of("inspect-pagemap " + range, "view " + range, "list", "maps " + name)
                        .get(r.nextInt(4));
        };
    }

    /** Every live part of every mapping is covered by VMAs of /proc/self/maps, with the expected protection. */
    static void assertAgreement(int i, String line) {
        List<ProcMaps.VmArea> maps = ProcMaps.maps();
        for (Mapping m : session.mappings()) {
            for (long[] part : m.liveParts()) {
                long at = m.base() + part[0], end = m.base() + part[1];
                List<ProcMaps.VmArea> covering = new ArrayList<>();
                for (ProcMaps.VmArea a : maps) if (a.end() > at && a.start() < end) covering.add(a);
                long c = at;
                for (ProcMaps.VmArea a : covering) {
                    assertThat(a.start())
                            .as("command %d (%s): %s part [%x, %x) has a gap at %x", i, line, m.name(), at, end, c)
                            .isLessThanOrEqualTo(c);
                    c = Math.max(c, a.end());
                }
                assertThat(c)
                        .as(
                                "command %d (%s): %s part [%x, %x) is not all mapped (maps end at %x)",
                                i, line, m.name(), at, end, c)
                        .isGreaterThanOrEqualTo(end);
            }
        }
    }
}
