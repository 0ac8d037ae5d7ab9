package dev.pagelab.commands;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pagelab.commands.report.LatencyModes;
import dev.pagelab.commands.report.LatencyModes.Kind;
import dev.pagelab.commands.report.LatencyModes.Mode;
import dev.pagelab.linux.measure.LatencyHistogram;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Mode detection on synthetic histograms: shapes as measured on this VM, and the edge cases. */
class LatencyModesTest {
    final Random random = new Random(7);
    final LatencyHistogram h = new LatencyHistogram();

    /** {@code n} values spread evenly at random over [from, to]. */
    void add(int n, long from, long to) {
        for (int i = 0; i < n; i++) h.record(from + (long) (random.nextDouble() * (to - from)));
    }

    LatencyModes modes(long faults) {
        return LatencyModes.of(h, faults, 1);
    }

    static List<Kind> kinds(LatencyModes m) {
        return m.modes().stream().map(Mode::kind).toList();
    }

    static long attributed(LatencyModes m) {
        return m.modes().stream().mapToLong(x -> x.band().faults()).sum()
                + (m.elsewhere() == null ? 0 : m.elsewhere().faults());
    }

    @Test
    void emptyHistogramHasNoModes() {
        LatencyModes m = modes(5);
        assertThat(m.empty()).isTrue();
        assertThat(m.modes()).isEmpty();
        assertThat(m.elsewhere()).isNull();
        assertThat(m.attributed()).isZero();
    }

    @Test
    void everythingInOneBucketIsOneMode() {
        for (int i = 0; i < 1000; i++) h.record(1300);
        LatencyModes m = modes(1000);
        assertThat(kinds(m)).containsExactly(Kind.FAULTS);
        Mode a = m.modes().get(0);
        assertThat(a.band().count()).isEqualTo(1000);
        assertThat(a.band().faults()).isEqualTo(1000);
        assertThat(a.band().fromNanos()).isLessThanOrEqualTo(1300);
        assertThat(a.band().toNanos()).isGreaterThanOrEqualTo(1300);
        assertThat(a.band().firstBucket()).isEqualTo(a.band().lastBucket());
        assertThat(m.elsewhere()).isNull();
    }

    @Test
    void oneSpreadModeOfResidentAccesses() {
        add(10_000, 140, 190);
        LatencyModes m = modes(0);
        assertThat(kinds(m)).containsExactly(Kind.RESIDENT);
        assertThat(m.modes().get(0).band().typicalNanos()).isBetween(140L, 190L);
    }

    @Test
    void bimodalResidentAndFaults() {
        add(9_000, 150, 200);
        add(1_000, 1_200, 1_600);
        LatencyModes m = modes(1_000);
        assertThat(kinds(m)).containsExactly(Kind.RESIDENT, Kind.FAULTS);
        assertThat(m.modes().get(0).band().count()).isEqualTo(9_000);
        assertThat(m.modes().get(0).band().faults()).isZero();
        assertThat(m.modes().get(1).band().count()).isEqualTo(1_000);
        assertThat(m.modes().get(1).band().faults()).isEqualTo(1_000);
        assertThat(m.modes().get(1).band().fromNanos()).isGreaterThanOrEqualTo(1_024);
        assertThat(m.modes().get(1).band().toNanos()).isLessThan(1_800);
    }

    /** A first touch on this VM: backed pages, a band 3× slower (1 in 31), and pages the host backs first. */
    @Test
    void trimodalFirstTouchOnAVm() {
        add(30_000, 1_000, 1_500);
        add(1_000, 3_700, 4_300);
        add(60_000, 9_300, 10_500);
        LatencyModes m = modes(91_000);
        assertThat(kinds(m)).containsExactly(Kind.FAULTS, Kind.SLOWER_FAULTS, Kind.SLOWER_FAULTS);
        assertThat(m.modes().get(1).reference()).isZero();
        assertThat(m.modes().get(1).slowerBy()).isBetween(2.5, 4.0);
        assertThat(m.modes().get(2).slowerBy()).isBetween(6.0, 9.0);
        assertThat(m.modes().stream().mapToLong(x -> x.band().count()).toArray())
                .containsExactly(30_000, 1_000, 60_000);
    }

    @Test
    void aSlowBandWithoutFaultsIsNamedSoAndAFasterOneIsNot() {
        add(9_000, 20, 32);
        add(600, 150, 300);
        add(1_000, 8_000, 12_000);
        LatencyModes m = modes(0);
        assertThat(kinds(m)).containsExactly(Kind.RESIDENT, Kind.RESIDENT_SLOWER, Kind.NO_FAULT_BUT_SLOW);
        assertThat(m.modes().get(2).reference()).isZero();
        // The same shape with the slow band's accesses all faulting: those are faults, not "no fault but slow".
        LatencyModes f = modes(1_000);
        assertThat(kinds(f)).containsExactly(Kind.RESIDENT, Kind.RESIDENT_SLOWER, Kind.FAULTS);
    }

    @Test
    void faultsAreTheSlowestAccessesByRankEvenInsideOneBand() {
        for (int i = 0; i < 1000; i++) h.record(1300);
        LatencyModes m = modes(400);
        assertThat(kinds(m)).containsExactly(Kind.MIXED);
        assertThat(m.modes().get(0).band().faults()).isEqualTo(400);
        assertThat(m.modes().get(0).band().withoutFault()).isEqualTo(600);
    }

    /** A transparent huge page: four faults among 2044 resident accesses are a mode though under 1% of them. */
    @Test
    void aFewFaultsAmongManyResidentAccessesAreStillAMode() {
        add(2_044, 30, 50);
        add(4, 230_000, 390_000);
        LatencyModes m = modes(4);
        assertThat(kinds(m)).containsExactly(Kind.RESIDENT, Kind.FAULTS);
        assertThat(m.modes().get(1).band().count()).isEqualTo(4);
    }

    @Test
    void isolatedOutliersAreNotAMode() {
        add(10_000, 140, 190);
        h.record(28_000);
        h.record(36_000);
        LatencyModes m = modes(0);
        assertThat(kinds(m)).containsExactly(Kind.RESIDENT);
        assertThat(m.elsewhere()).isNotNull();
        assertThat(m.elsewhere().count()).isEqualTo(2);
        assertThat(m.elsewhere().faults()).isZero();
        assertThat(m.elsewhere().fromNanos()).isLessThanOrEqualTo(28_000);
        assertThat(m.elsewhere().toNanos()).isGreaterThanOrEqualTo(36_000);
    }

    /** A clock that steps by 10 ns gives only 20, 30 and 40: one band, once the buckets are grouped by the quantum. */
    @Test
    void theTimersQuantumKeepsItsStepsFromLookingLikeModes() {
        for (int i = 0; i < 4100; i++) h.record(20);
        for (int i = 0; i < 4050; i++) h.record(30);
        for (int i = 0; i < 1400; i++) h.record(40);
        assertThat(LatencyModes.of(h, 0, 10).modes()).hasSize(1);
        assertThat(LatencyModes.of(h, 0, 1).modes())
                .as("ungrouped, the steps look like modes")
                .hasSizeGreaterThan(1);
    }

    @Test
    void twoCloseBumpsWithAShallowDipAreOneMode() {
        add(5_000, 1_000, 1_300);
        add(4_000, 1_300, 1_700);
        add(3_000, 1_700, 2_000);
        assertThat(modes(12_000).modes()).hasSize(1);
    }

    @Test
    void attributedFaultsAlwaysAddUpToTheFaultCount() {
        for (int seed = 0; seed < 50; seed++) {
            Random r = new Random(seed);
            h.clear();
            int bands = 1 + r.nextInt(4);
            for (int b = 0; b < bands; b++) {
                long from = 16 + r.nextInt(100_000);
                add(1 + r.nextInt(5_000), from, from + 1 + r.nextInt((int) from));
            }
            for (int o = r.nextInt(5); o > 0; o--) h.record(r.nextInt(5_000_000));
            long faults = r.nextInt((int) h.count() + 10);
            LatencyModes m = modes(faults);
            assertThat(m.attributed()).isEqualTo(Math.min(faults, h.count()));
            assertThat(attributed(m)).as("seed %d", seed).isEqualTo(m.attributed());
            long counted = m.modes().stream().mapToLong(x -> x.band().count()).sum()
                    + (m.elsewhere() == null ? 0 : m.elsewhere().count());
            assertThat(counted)
                    .as("every access in a mode or elsewhere, seed %d", seed)
                    .isEqualTo(h.count());
            for (int k = 1; k < m.modes().size(); k++) {
                assertThat(m.modes().get(k).band().firstBucket())
                        .isGreaterThan(m.modes().get(k - 1).band().lastBucket());
            }
        }
    }

    @Test
    void moreFaultsThanAccessesAttributesThemAll() {
        add(100, 1_000, 1_400);
        LatencyModes m = modes(150);
        assertThat(m.faults()).isEqualTo(150);
        assertThat(m.attributed()).isEqualTo(100);
        assertThat(kinds(m)).containsExactly(Kind.FAULTS);
    }
}
