package dev.pagelab.linux.measure;

import static dev.pagelab.linux.LinuxConstants.*;

import dev.pagelab.linux.LinuxException;
import dev.pagelab.linux.Mman;
import dev.pagelab.linux.PageGeometry;
import dev.pagelab.linux.proc.ProcMaps;
import dev.pagelab.linux.proc.ProcText;
import dev.pagelab.linux.proc.ThpSettings;
import java.util.ArrayList;
import java.util.List;

/**
 * Keeps khugepaged off the JVM's own memory, so that it cannot add a fault to a step.
 *
 * <p>A measured window reads and writes some of the JVM's memory besides the mapping it works on: the step thread's
 * {@code JavaThread} (malloc'd, in a glibc arena; compiled code reads its safepoint poll word and the downcall
 * stubs write its thread state), the compiled loop in the code cache, its stack, a few heap objects. When THP is
 * {@code always}, khugepaged also collapses memory nobody advised, the JVM's included: it clears the PMD of the
 * 2 MiB range, copies the 512 pages into a huge page and installs it, all under the mm's write lock. A thread that
 * touches the range meanwhile takes a page fault, waits for the lock, finds the huge PMD installed and returns: the
 * kernel counts that fault as one minor fault of the thread (handle_mm_fault returns 0; mm_account_fault counts it),
 * inside the window of whatever step was running. Measured on Debian's 7.2 kernel (THP {@code always}) under QEMU
 * TCG, where one collapse takes 10 ms to 3 s: {@code touch d} of 16384 fresh pages counted 16385 — the extra fault a
 * read by the compiled touch loop at an address in a malloc arena (not in the mapping), the step thread blocked (D)
 * on it until a collapse ended; 2 of 5 recipe runs had such a fault in a step whose count they check.
 *
 * <p>{@link #keepOffHugePages} sets {@code MADV_NOHUGEPAGE} on the memory of the process that is not the session's
 * (which keeps its own advice: the steps are about it). It leaves one base page at each end of every stretch of
 * contiguous VMAs untouched, so that a mapping the session makes next to the JVM's memory merges with it (or not)
 * exactly as it would without this; one page cannot hold a huge page of any size. It reads /proc/self/maps:
 * call it outside every window.
 */
public final class JvmMemory {
    private JvmMemory() {}

    /**
     * Whether khugepaged may collapse memory that carries no advice: THP {@code enabled} is {@code always}, or some
     * multi-size THP size is {@code always}. With {@code madvise} or {@code never} it touches only MADV_HUGEPAGE
     * ranges, and the JVM advises none.
     */
    public static boolean collapsesUnadvised() {
        if (ThpSettings.thpEnabled().orElse("").equals("always")) return true;
        return ThpSettings.read(true, false).anonBySizeKb().containsValue("always");
    }

    /**
     * Sets MADV_NOHUGEPAGE on every stretch of contiguous VMAs that overlaps none of {@code owned} (the session's
     * live ranges, [start, end) pairs), less one base page at each end of the stretch. Returns the bytes advised
     * (a VMA that was already advised counts again); errors (a VMA unmapped meanwhile) are skipped.
     */
    public static long keepOffHugePages(List<long[]> owned) {
        long page = PageGeometry.current().pageSize();
        long advised = 0;
        for (long[] r : stretches(maps(), owned, page)) {
            try {
                Mman.madvise(r[0], r[1] - r[0], MADV_NOHUGEPAGE, "MADV_NOHUGEPAGE");
                advised += r[1] - r[0];
            } catch (LinuxException e) {
                // ENOMEM: part of the range was unmapped since maps was read; the next step sees it again
            }
        }
        return advised;
    }

    /**
     * The ranges {@link #keepOffHugePages} advises: maximal runs of VMAs, each starting where the previous ends, of
     * which none overlaps an owned range or is a kernel-special mapping ([vvar], [vdso], [vsyscall], [uprobes]),
     * each less one page at both ends; runs of three pages or fewer are left out.
     */
    public static List<long[]> stretches(List<ProcMaps.VmArea> maps, List<long[]> owned, long page) {
        List<long[]> out = new ArrayList<>();
        long runStart = -1, runEnd = -1;
        for (ProcMaps.VmArea v : maps) {
            boolean breaker = special(v) || overlapsAny(v.start(), v.end(), owned);
            if (breaker || v.start() != runEnd) {
                addRun(out, runStart, runEnd, page);
                runStart = breaker ? -1 : v.start();
                runEnd = breaker ? -1 : v.end();
            } else {
                runEnd = v.end();
            }
        }
        addRun(out, runStart, runEnd, page);
        return out;
    }

    /**
     * /proc/self/maps with only what {@link #stretches} needs: each VMA's bounds, and its path when it is bracketed
     * ([heap], [vdso]…; "" otherwise). Read through a kept handle and parsed by hand: a JVM has a few hundred VMAs,
     * and this runs before every step ({@link ProcMaps#maps()} splits every line with a regular expression).
     */
    public static List<ProcMaps.VmArea> maps() {
        byte[] b;
        try {
            b = ProcText.readKept("/proc/self/maps", 64 << 10);
        } catch (java.io.IOException e) {
            return List.of();
        }
        List<ProcMaps.VmArea> out = new ArrayList<>();
        if (b == null) return out;
        int i = 0, n = b.length;
        while (i < n) {
            long start = 0, end = 0;
            for (; i < n && b[i] != '-'; i++) start = (start << 4) | Character.digit(b[i], 16);
            for (i++; i < n && b[i] != ' '; i++) end = (end << 4) | Character.digit(b[i], 16);
            for (int field = 0; field < 4 && i < n; field++) { // perms, offset, device, inode
                while (i < n && b[i] == ' ') i++;
                while (i < n && b[i] != ' ' && b[i] != '\n') i++;
            }
            while (i < n && b[i] == ' ') i++;
            int p = i;
            while (i < n && b[i] != '\n') i++;
            String path =
                    p < i && b[p] == '[' ? new String(b, p, i - p, java.nio.charset.StandardCharsets.ISO_8859_1) : "";
            out.add(new ProcMaps.VmArea(start, end, "", 0, "", 0, path));
            i++;
        }
        return out;
    }

    private static void addRun(List<long[]> out, long start, long end, long page) {
        if (start >= 0 && end - start > 3 * page) out.add(new long[] {start + page, end - page});
    }

    private static boolean special(ProcMaps.VmArea v) {
        String p = v.path();
        return p.startsWith("[") && !p.equals("[heap]") && !p.equals("[stack]") && !p.startsWith("[anon:");
    }

    private static boolean overlapsAny(long start, long end, List<long[]> owned) {
        for (long[] o : owned) {
            if (o[0] < end && start < o[1]) return true;
        }
        return false;
    }
}
