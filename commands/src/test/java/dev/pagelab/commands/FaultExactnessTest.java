package dev.pagelab.commands;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.pagelab.linux.KPageFlags;
import dev.pagelab.linux.ProcFs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The step report's figures against the real kernel, for fresh 4 KiB pages with THP off, each case repeated:
 * the numbers must be exact, not approximately right.
 */
class FaultExactnessTest {
    static SessionFixture f;
    static final int REPEATS = 3;

    @BeforeAll
    static void start() {
        f = new SessionFixture();
        assertThat(f.session.calibrationRounds()).as("warm-up reached exact one-page counts").isPositive();
    }

    @AfterAll
    static void stop() {
        f.close();
    }

    @ParameterizedTest(name = "N = {0}")
    @ValueSource(ints = {1, 64, 1000, 100000})
    void writeTouchFaultsOncePerPage(int n) throws Exception {
        for (int rep = 0; rep < REPEATS; rep++) {
            f.run("map w " + n + "p --no-thp");
            StepReport r = f.step("touch w --write");
            assertThat(r.sample().minorFaults()).as("minor faults, run %d", rep).isEqualTo(n);
            assertThat(r.sample().majorFaults()).isZero();
            assertThat(r.presentBefore()).isZero();
            assertThat(r.presentAfter()).isEqualTo(n);
            assertThat(r.accesses()).isEqualTo(n);
            StepReport again = f.step("touch w --write");
            assertThat(again.sample().minorFaults()).as("re-touch of resident pages").isZero();
            f.run("unmap w");
        }
    }

    @ParameterizedTest(name = "N = {0}")
    @ValueSource(ints = {1, 64, 1000, 100000})
    void readThenWriteFaultsTwice(int n) throws Exception {
        for (int rep = 0; rep < REPEATS; rep++) {
            f.run("map z " + n + "p --no-thp");
            StepReport read = f.step("touch z --read --order random");
            assertThat(read.sample().minorFaults()).as("read faults map the zero page").isEqualTo(n);
            assertThat(read.presentAfter()).isEqualTo(n);
            if (KPageFlags.availability().isEmpty() && rep == 0) {
                PagemapReport p = f.pagemap("inspect-pagemap z");
                assertThat(p.totals().zeroPage()).as("pages mapped to the shared zero page").isEqualTo(n);
            }
            StepReport write = f.step("touch z --write --order reverse");
            assertThat(write.sample().minorFaults()).as("copy-on-write of the zero page").isEqualTo(n);
            if (KPageFlags.availability().isEmpty() && rep == 0) {
                assertThat(f.pagemap("inspect-pagemap z").totals().zeroPage()).isZero();
            }
            f.run("unmap z");
        }
    }

    @ParameterizedTest(name = "N = {0}")
    @ValueSource(ints = {1, 64, 1000, 100000})
    void populateFaultsOnTheMapStep(int n) throws Exception {
        for (int rep = 0; rep < REPEATS; rep++) {
            StepReport map = f.step("map p " + n + "p --populate --no-thp");
            assertThat(map.sample().minorFaults()).as("MAP_POPULATE faults inside mmap").isEqualTo(n);
            assertThat(map.presentAfter()).isEqualTo(n);
            StepReport touch = f.step("touch p");
            assertThat(touch.sample().minorFaults()).isZero();
            f.run("unmap p");
        }
    }

    @ParameterizedTest(name = "N = {0}")
    @ValueSource(ints = {1, 64, 1000, 100000})
    void dontneedDropsAndFreeKeepsWithoutPressure(int n) throws Exception {
        for (int rep = 0; rep < REPEATS; rep++) {
            f.run("map d " + n + "p --no-thp");
            f.run("touch d");
            StepReport dontneed = f.step("advise d dontneed");
            assertThat(dontneed.presentAfter()).isZero();
            assertThat(f.step("touch d").sample().minorFaults()).as("after MADV_DONTNEED").isEqualTo(n);
            StepReport free = f.step("advise d free");
            assertThat(free.sample().minorFaults()).isZero();
            assertThat(f.step("touch d").sample().minorFaults()).as("after MADV_FREE, no pressure").isZero();
            f.run("unmap d");
        }
    }

    @Test
    void transparentHugePagesFaultOncePer2M() throws Exception {
        String thp = ProcFs.thpEnabled().orElse("never");
        assumeTrue(!thp.equals("never"), "THP is disabled on this machine (transparent_hugepage/enabled = never)");
        for (int rep = 0; rep < REPEATS; rep++) {
            StepReport map = f.step("map h 8M --thp");
            assertThat(map.notes()).anyMatch(s -> s.contains("aligned to 2M"));
            Mapping m = f.session.mapping("h");
            assertThat(m.base() % (2L << 20)).isZero();
            StepReport touch = f.step("touch h");
            assertThat(touch.sample().minorFaults()).as("one fault per 2 MiB huge page").isEqualTo(4);
            assertThat(touch.presentAfter()).isEqualTo(4 * 512);
            if (KPageFlags.availability().isEmpty()) {
                PagemapReport p = f.pagemap("inspect-pagemap h");
                assertThat(p.totals().thp()).as("pages flagged THP in kpageflags").isEqualTo(4 * 512);
                assertThat(p.runs().stream().mapToLong(PagemapReport.Run::hugeHeads).sum()).as("huge pages").isEqualTo(4);
            }
            f.run("unmap h");
        }
    }
}
