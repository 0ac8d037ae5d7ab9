package dev.pagelab.linux.proc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The PFN ordering behind KPageFlags' reads: plain arithmetic, no kernel needed. */
class KPageFlagsOrderTest {
    @Test
    void radixSortAgreesWithArraysSort() {
        SplittableRandom r = new SplittableRandom(5);
        for (int bits : new int[] {1, 11, 12, 13, 23, 24, 25, 40}) {
            for (int n : new int[] {1, 2, 100, 65536}) {
                int low = 17;
                long[] keys = new long[n];
                for (int i = 0; i < n; i++) keys[i] = r.nextLong(1L << bits) << low | i;
                long[] expected = keys.clone();
                Arrays.sort(expected);
                KPageFlags.sortByHighBits(keys, n, low, bits, n % 2 == 0 ? null : new long[n + 3]);
                assertThat(keys).as(bits + " bits, " + n + " keys").isEqualTo(expected);
            }
        }
    }

    @Test
    void byPfnSkipsZerosKeepsRepeatsAndRemembersEachPage() {
        long[] pfns = {0, 0x5f7f67, 0x5f7f66, 0, 0x3b34, 0x3b34, 0x17b467, 0x5f7f65};
        KPageFlags.ByPfn order = KPageFlags.ByPfn.of(pfns, pfns.length, false, null, null);
        assertThat(order.size).isEqualTo(6);
        long[] sortedPfns = new long[order.size];
        int[] pages = new int[order.size];
        for (int k = 0; k < order.size; k++) {
            sortedPfns[k] = order.keys[k] >>> order.indexBits;
            pages[k] = (int) (order.keys[k] & ((1L << order.indexBits) - 1));
        }
        assertThat(sortedPfns).containsExactly(0x3b34, 0x3b34, 0x17b467, 0x5f7f65, 0x5f7f66, 0x5f7f67);
        assertThat(pages).containsExactly(4, 5, 6, 7, 2, 1);
        KPageFlags.ByPfn odd = order.keep(i -> i % 2 == 1);
        assertThat(odd.size).isEqualTo(3);
        assertThat(KPageFlags.ByPfn.of(new long[] {0, 0}, 2, false, null, null)).isNull();
        long present = 1L << 63;
        long[] entries = {present | 9, 9, present | 3, 1L << 62 | 5}; // only present entries have a PFN
        KPageFlags.ByPfn fromEntries = KPageFlags.ByPfn.of(entries, 4, true, new long[4], new long[4]);
        assertThat(fromEntries.size).isEqualTo(2);
        assertThat(fromEntries.keys[0] >>> fromEntries.indexBits).isEqualTo(3);
        assertThat(fromEntries.keys[1] >>> fromEntries.indexBits).isEqualTo(9);
        assertThat(order.keep(i -> false)).isNull();
    }

    @Test
    void aMapCountComesFromTheEntryOnlyForAnExclusiveSmallPage() {
        long present = 1L << 63, exclusive = 1L << 56, pfn = 0x1234;
        assertThat(KPageFlags.mappedOnce(present | exclusive | pfn, 1L << KPageFlags.ANON))
                .isTrue();
        assertThat(KPageFlags.mappedOnce(present | pfn, 1L << KPageFlags.ANON))
                .as("not exclusive")
                .isFalse();
        assertThat(KPageFlags.mappedOnce(exclusive | pfn, 0)).as("not present").isFalse();
        assertThat(KPageFlags.mappedOnce(
                        present | exclusive | pfn, 1L << KPageFlags.COMPOUND_TAIL | 1L << KPageFlags.THP))
                .as("THP tail: the bit is the head's")
                .isFalse();
        assertThat(KPageFlags.mappedOnce(present | exclusive | pfn, 1L << KPageFlags.COMPOUND_HEAD))
                .isFalse();
        assertThat(KPageFlags.mappedOnce(present | exclusive | pfn, 1L << KPageFlags.NOPAGE))
                .isFalse();
    }
}
