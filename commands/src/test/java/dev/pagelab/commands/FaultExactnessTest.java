package dev.pagelab.commands;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.pagelab.commands.report.PagemapReport;
import dev.pagelab.commands.report.StepReport;
import dev.pagelab.linux.proc.KPageFlags;
import dev.pagelab.linux.proc.KernelProfile;
import dev.pagelab.linux.proc.ThpSettings;
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
        assertThat(f.session.calibrationRounds())
                .as("warm-up reached exact one-page counts")
                .isPositive();
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
            try {
                StepReport r = f.step("touch w --write");
                assertThat(r.sample().minorFaults())
                        .as("minor faults, run %d", rep)
                        .isEqualTo(n);
                assertThat(r.sample().majorFaults()).isZero();
                assertThat(r.present().orElseThrow().before()).isZero();
                assertThat(r.present().orElseThrow().after()).isEqualTo(n);
                assertThat(r.accessesMade()).isEqualTo(n);
                StepReport again = f.step("touch w --write");
                assertThat(again.sample().minorFaults())
                        .as("re-touch of resident pages")
                        .isZero();
            } finally {
                f.run("unmap w");
            }
        }
    }

    /**
     * With the shared zero page (the textbook) a read faults once per page and the write after it once more, to copy
     * the zero page; without it (a PVM guest booted with pvm_no_zero_page=1) the read allocates private pages and the
     * write takes no fault. Either way the counts are exact, and the report says which happened.
     */
    @ParameterizedTest(name = "N = {0}")
    @ValueSource(ints = {1, 64, 1000, 100000})
    void readThenWriteFaultsAsTheKernelBacksReads(int n) throws Exception {
        boolean zeroPage = KernelProfile.current().zeroPage() == KernelProfile.ZeroPage.SHARED;
        for (int rep = 0; rep < REPEATS; rep++) {
            f.run("map z " + n + "p --no-thp");
            try {
                StepReport read = f.step("touch z --read --order random");
                assertThat(read.sample().minorFaults())
                        .as("read faults, run %d", rep)
                        .isEqualTo(n);
                assertThat(read.present().orElseThrow().after()).isEqualTo(n);
                if (rep == 0) {
                    PagemapReport p = f.pagemap("inspect-pagemap z");
                    if (KPageFlags.availability().isEmpty()) {
                        assertThat(p.totals().zeroPage())
                                .as("pages mapped to the shared zero page")
                                .isEqualTo(zeroPage ? n : 0);
                    }
                    assertThat(p.totals().exclusive())
                            .as("pages of our own after the read")
                            .isEqualTo(zeroPage ? 0 : n);
                }
                if (!zeroPage) {
                    assertThat(read.notes()).anyMatch(s -> s.startsWith("no shared zero page on this kernel"));
                }
                StepReport write = f.step("touch z --write --order reverse");
                assertThat(write.sample().minorFaults())
                        .as(zeroPage ? "copy-on-write of the zero page" : "no copy: the read made the pages private")
                        .isEqualTo(zeroPage ? n : 0);
                if (rep == 0 && KPageFlags.availability().isEmpty()) {
                    assertThat(f.pagemap("inspect-pagemap z").totals().zeroPage())
                            .isZero();
                }
            } finally {
                f.run("unmap z");
            }
        }
    }

    @ParameterizedTest(name = "N = {0}")
    @ValueSource(ints = {1, 64, 1000, 100000})
    void populateFaultsOnTheMapStep(int n) throws Exception {
        for (int rep = 0; rep < REPEATS; rep++) {
            StepReport map = f.step("map p " + n + "p --populate --no-thp");
            try {
                assertThat(map.sample().minorFaults())
                        .as("populated with the advice first, faults on the map step")
                        .isEqualTo(n);
                assertThat(map.present().orElseThrow().after()).isEqualTo(n);
                StepReport touch = f.step("touch p");
                assertThat(touch.sample().minorFaults()).isZero();
            } finally {
                f.run("unmap p");
            }
        }
    }

    @ParameterizedTest(name = "N = {0}")
    @ValueSource(ints = {1, 64, 1000, 100000})
    void dontneedDropsAndFreeKeepsWithoutPressure(int n) throws Exception {
        for (int rep = 0; rep < REPEATS; rep++) {
            f.run("map d " + n + "p --no-thp");
            try {
                f.run("touch d");
                StepReport dontneed = f.step("advise d dontneed");
                assertThat(dontneed.present().orElseThrow().after()).isZero();
                assertThat(f.step("touch d").sample().minorFaults())
                        .as("after MADV_DONTNEED")
                        .isEqualTo(n);
                StepReport free = f.step("advise d free");
                assertThat(free.sample().minorFaults()).isZero();
                assertThat(f.step("touch d").sample().minorFaults())
                        .as("after MADV_FREE, no pressure")
                        .isZero();
            } finally {
                f.run("unmap d");
            }
        }
    }

    @Test
    void transparentHugePagesFaultOncePer2M() throws Exception {
        String thp = ThpSettings.thpEnabled().orElse("never");
        assumeTrue(!thp.equals("never"), "THP is disabled on this machine (transparent_hugepage/enabled = never)");
        for (int rep = 0; rep < REPEATS; rep++) {
            StepReport map = f.step("map h 8M --thp");
            assertThat(map.notes()).anyMatch(s -> s.contains("aligned to 2M"));
            Mapping m = f.session.mapping("h");
            assertThat(m.base() % (2L << 20)).isZero();
            StepReport touch = f.step("touch h");
            assertThat(touch.sample().minorFaults())
                    .as("one fault per 2 MiB huge page")
                    .isEqualTo(4);
            assertThat(touch.present().orElseThrow().after()).isEqualTo(4 * 512);
            if (KPageFlags.availability().isEmpty()) {
                PagemapReport p = f.pagemap("inspect-pagemap h");
                assertThat(p.totals().thp())
                        .as("pages flagged THP in kpageflags")
                        .isEqualTo(4 * 512);
                assertThat(p.runs().stream()
                                .mapToLong(PagemapReport.Run::hugeHeads)
                                .sum())
                        .as("huge pages")
                        .isEqualTo(4);
            }
            f.run("unmap h");
        }
    }
}
