package dev.pagelab.linux.measure;

import static dev.pagelab.linux.LinuxConstants.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pagelab.linux.LinuxException;
import dev.pagelab.linux.Mman;
import dev.pagelab.linux.PageGeometry;
import dev.pagelab.linux.proc.ProcMaps;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link JvmMemory}: which ranges it advises (worked by hand on a made-up address space), and that on this kernel
 * the JVM's memory ends up MADV_NOHUGEPAGE while a mapping of the caller's keeps its flags and both its neighbours'
 * edge pages keep theirs.
 */
class JvmMemoryTest {
    private static final long P = 4096;

    private static ProcMaps.VmArea vma(long start, long end, String path) {
        return new ProcMaps.VmArea(start * P, end * P, "rw-p", 0, "00:00", 0, path);
    }

    @Test
    void contiguousRunsLessAnEdgePageEachAndNeverTheOwnedOrSpecialOnes() {
        List<ProcMaps.VmArea> maps = List.of(
                vma(100, 110, ""),
                vma(110, 200, ""), // one run of two VMAs: [101, 199)
                vma(300, 303, ""), // three pages: left out
                vma(400, 420, ""),
                vma(420, 440, "[heap]"), // the owned one at 440 ends this run: [401, 439)
                vma(440, 460, ""), // owned
                vma(460, 500, "/usr/lib/libc.so.6"), // after the owned one: [461, 499)
                vma(600, 610, "[anon:jvm]"),
                vma(610, 612, "[vvar]"),
                vma(612, 614, "[vdso]"),
                vma(614, 700, "[stack]")); // [601, 609) and [615, 699)
        List<long[]> owned = List.of(new long[] {445 * P, 455 * P});
        assertThat(JvmMemory.stretches(maps, owned, P))
                .containsExactly(
                        new long[] {101 * P, 199 * P},
                        new long[] {401 * P, 439 * P},
                        new long[] {461 * P, 499 * P},
                        new long[] {601 * P, 609 * P},
                        new long[] {615 * P, 699 * P});
        assertThat(JvmMemory.stretches(List.of(), owned, P)).isEmpty();
    }

    @Test
    void theAdviceSplitsNothingFurtherOnTheNextPass() {
        // what the first pass leaves: the run [100, 200) split at its edge pages; the second advises the same range
        List<ProcMaps.VmArea> after = List.of(vma(100, 101, ""), vma(101, 199, ""), vma(199, 200, ""));
        assertThat(JvmMemory.stretches(after, List.of(), P)).containsExactly(new long[] {101 * P, 199 * P});
    }

    @Test
    void theJvmsMemoryIsAdvisedAndTheOwnedMappingIsNot() throws LinuxException {
        long page = PageGeometry.current().pageSize();
        long len = 64 * page;
        long a = Mman.mmap(0, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        try {
            boolean belowBefore = nh(a - page), aboveBefore = nh(a + len);
            assertThat(JvmMemory.keepOffHugePages(List.of(new long[] {a, a + len})))
                    .isPositive();
            List<ProcMaps.SmapsArea> all = ProcMaps.smaps(0, Long.MAX_VALUE);
            long advised = all.stream().filter(s -> s.vmFlags().contains("nh")).count();
            assertThat(advised).as("VMAs of the JVM with nh").isGreaterThan(all.size() / 3);
            for (ProcMaps.SmapsArea s : ProcMaps.smaps(a, a + len)) {
                assertThat(s.vmFlags()).as("the owned mapping keeps its flags").doesNotContain("nh");
            }
            // the pages next to it keep theirs, so that it merges with its neighbours as it would have
            assertThat(nh(a - page)).isEqualTo(belowBefore);
            assertThat(nh(a + len)).isEqualTo(aboveBefore);
        } finally {
            Mman.munmap(a, len);
        }
    }

    @Test
    void itsOwnMapsParserAgreesWithProcMaps() {
        // the JVM maps and unmaps on other threads meanwhile: compare the VMAs both readings have
        java.util.Map<Long, ProcMaps.VmArea> full = new java.util.HashMap<>();
        for (ProcMaps.VmArea v : ProcMaps.maps()) full.put(v.start(), v);
        List<ProcMaps.VmArea> lean = JvmMemory.maps();
        assertThat(lean).hasSizeGreaterThan(20);
        long same = lean.stream()
                .filter(v -> full.containsKey(v.start()) && full.get(v.start()).end() == v.end())
                .peek(v -> assertThat(v.path())
                        .isEqualTo(
                                full.get(v.start()).path().startsWith("[")
                                        ? full.get(v.start()).path()
                                        : ""))
                .count();
        assertThat(same).isGreaterThan(lean.size() * 9 / 10);
        assertThat(lean).anyMatch(v -> v.path().equals("[stack]"));
    }

    /** Whether the VMA holding {@code addr} is MADV_NOHUGEPAGE (false where nothing is mapped). */
    private static boolean nh(long addr) {
        return ProcMaps.smaps(addr, addr + 1).stream().anyMatch(s -> s.vmFlags().contains("nh"));
    }
}
