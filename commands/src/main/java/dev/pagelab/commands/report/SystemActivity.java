package dev.pagelab.commands.report;

import dev.pagelab.commands.Mapping;
import dev.pagelab.commands.Sizes;
import dev.pagelab.linux.PageGeometry;
import dev.pagelab.linux.proc.HugetlbPool;
import dev.pagelab.linux.proc.KernelCounters;
import dev.pagelab.linux.proc.ProcMeminfo;
import dev.pagelab.linux.proc.ThpSettings;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the whole machine did while a step ran: the /proc/vmstat counters and the /proc/meminfo figures that
 * moved between a sample just before the step's measured window and one just after it, and the THP and hugetlb
 * settings the step ran under. System-wide: every process and the kernel's own threads are in these figures, so
 * they are context for the step's own exact counts, never a measurement of it.
 *
 * @param vmstat   counters of the chosen set that moved, in a fixed order (faults first), as after − before
 * @param meminfo  headline /proc/meminfo figures that moved by at least one page (kB) or one huge page (HugePages_*)
 * @param settings the settings that apply to the step, keyed by their path under /sys/kernel/mm (state before)
 * @param pool     for a hugetlb mapping: its pool before and after the step; else null
 * @param sampleNanos time spent taking the two samples (outside the window)
 */
public record SystemActivity(
        List<Delta> vmstat, List<Delta> meminfo, Map<String, String> settings, PoolChange pool, long sampleNanos) {

    /** One figure's change. For meminfo, kB unless {@link #hugePages()}. */
    public record Delta(String name, long delta) {
        public boolean hugePages() {
            return name.startsWith("HugePages_");
        }
    }

    public record PoolChange(HugetlbPool before, HugetlbPool after) {}

    /**
     * The /proc/vmstat counters worth showing for a step, as name prefixes in display order: what a user of
     * {@code vmstat -s} and of the THP documentation looks for (faults, allocation, THP and the huge zero page,
     * mlock and the unevictable list, reclaim and the working set, paging and swap, compaction, hugetlb, the OOM
     * killer). A counter matching none (NUMA, KSM, slab, …) is left out.
     */
    static final List<String> VMSTAT = List.of(
            "pgfault",
            "pgmajfault",
            "pgalloc_",
            "pgfree",
            "thp_",
            "nr_anon_transparent_hugepages",
            "nr_mlock",
            "nr_unevictable",
            "unevictable_pgs_",
            "pglazyfree",
            "pglazyfreed",
            "pgactivate",
            "pgdeactivate",
            "pgrefill",
            "pgscan_",
            "pgsteal_",
            "pgrotated",
            "workingset_",
            "pgpgin",
            "pgpgout",
            "pswpin",
            "pswpout",
            "zswpin",
            "zswpout",
            "compact_stall",
            "compact_fail",
            "compact_success",
            "pgmigrate_",
            "htlb_buddy_alloc_",
            "oom_kill");

    /** The /proc/meminfo figures worth showing, in display order. */
    static final List<String> MEMINFO = List.of(
            "MemFree",
            "MemAvailable",
            "Cached",
            "AnonPages",
            "AnonHugePages",
            "Shmem",
            "ShmemHugePages",
            "Mapped",
            "Mlocked",
            "Unevictable",
            "Dirty",
            "Writeback",
            "PageTables",
            "HugePages_Total",
            "HugePages_Free",
            "HugePages_Rsvd",
            "HugePages_Surp");

    /** What the step acts on, for choosing its settings: a mapping's kind and its hugetlb page size (0 if none), or neither. */
    public record Scope(Mapping.Kind kind, long hugePageSize) {
        static final Scope NONE = new Scope(null, 0);

        public static Scope of(Mapping m) {
            return m == null ? NONE : new Scope(m.kind(), m.hugetlb() ? m.pageSize() : 0);
        }

        boolean hugetlb() {
            return hugePageSize != 0;
        }

        boolean shmem() {
            return kind == Mapping.Kind.ANON_SHARED || kind == Mapping.Kind.MEMFD;
        }

        boolean anonPrivate() {
            return kind == Mapping.Kind.ANON_PRIVATE;
        }
    }

    /** The state read before the window. */
    public record Before(
            KernelCounters vmstat,
            KernelCounters meminfo,
            Map<String, String> settings,
            Optional<HugetlbPool> pool,
            long nanos) {}

    /** Reads the settings, then /proc/meminfo, then /proc/vmstat last (closest to the window). */
    public static Before before(Scope scope) {
        long t0 = System.nanoTime();
        Optional<HugetlbPool> pool = scope.hugetlb() ? HugetlbPool.of(scope.hugePageSize()) : Optional.empty();
        Map<String, String> settings = settings(scope, pool);
        KernelCounters meminfo = ProcMeminfo.meminfoCounters();
        KernelCounters vmstat = ProcMeminfo.vmstat();
        return new Before(vmstat, meminfo, settings, pool, System.nanoTime() - t0);
    }

    /** Reads /proc/vmstat first (closest to the window), then /proc/meminfo, and builds the changes. */
    public static SystemActivity after(Scope scope, Before b) {
        long t0 = System.nanoTime();
        KernelCounters vmstat = ProcMeminfo.vmstat();
        KernelCounters meminfo = ProcMeminfo.meminfoCounters();
        Optional<HugetlbPool> pool = scope.hugetlb() ? HugetlbPool.of(scope.hugePageSize()) : Optional.empty();
        long nanos = b.nanos() + System.nanoTime() - t0;
        PoolChange change = b.pool().isPresent() && pool.isPresent()
                ? new PoolChange(b.pool().get(), pool.get())
                : null;
        return new SystemActivity(
                vmstatDeltas(b.vmstat(), vmstat), meminfoDeltas(b.meminfo(), meminfo), b.settings(), change, nanos);
    }

    /** The chosen counters that moved, in the order of {@link #VMSTAT}, then file order. */
    static List<Delta> vmstatDeltas(KernelCounters before, KernelCounters after) {
        record Ranked(int rank, int index, Delta d) {}
        List<Ranked> moved = new ArrayList<>();
        int[] ranks = ranks(after);
        for (int i = 0; i < after.size(); i++) {
            int rank = ranks[i];
            if (rank < 0) continue;
            long d = KernelCounters.delta(before, after, i);
            if (d != 0) moved.add(new Ranked(rank, i, new Delta(after.name(i), d)));
        }
        moved.sort(Comparator.comparingInt(Ranked::rank).thenComparingInt(Ranked::index));
        return moved.stream().map(Ranked::d).toList();
    }

    private static volatile KernelCounters ranked;
    private static volatile int[] rankOf;

    /** The rank of every counter of {@code c}, computed once per kernel (while its names stay the same). */
    private static int[] ranks(KernelCounters c) {
        KernelCounters last = ranked;
        int[] r = rankOf;
        if (last != null && r != null && KernelCounters.sameNames(last, c)) return r;
        r = new int[c.size()];
        for (int i = 0; i < r.length; i++) r[i] = rank(c.name(i));
        rankOf = r;
        ranked = c;
        return r;
    }

    private static int rank(String name) {
        for (int r = 0; r < VMSTAT.size(); r++) {
            String p = VMSTAT.get(r);
            if (p.endsWith("_") ? name.startsWith(p) : name.equals(p)) return r;
        }
        return -1;
    }

    /** The headline figures that moved by a page (4 kB on x86-64) or more, or by one huge page for HugePages_*. */
    static List<Delta> meminfoDeltas(KernelCounters before, KernelCounters after) {
        List<Delta> out = new ArrayList<>();
        for (String name : MEMINFO) {
            int i = after.indexOf(name);
            if (i < 0) continue;
            long d = KernelCounters.delta(before, after, i);
            long page =
                    name.startsWith("HugePages_") ? 1 : PageGeometry.current().pageSize() / 1024;
            if (Math.abs(d) >= page) out.add(new Delta(name, d));
        }
        return out;
    }

    /**
     * The settings that decide what the step's faults do: THP enabled and defrag always; for private anonymous
     * memory the multi-size THP sizes that are not off; for shmem (shared anonymous, memfd) shmem_enabled and
     * its sizes that are not off; for hugetlb the pool of the mapping's size.
     */
    static Map<String, String> settings(Scope scope, Optional<HugetlbPool> pool) {
        Map<String, String> out = new LinkedHashMap<>();
        ThpSettings t = ThpSettings.read(scope.anonPrivate(), scope.shmem());
        if (!t.enabled().isEmpty()) out.put("transparent_hugepage/enabled", t.enabled());
        if (!t.defrag().isEmpty()) out.put("transparent_hugepage/defrag", t.defrag());
        if (scope.shmem() && !t.shmemEnabled().isEmpty())
            out.put("transparent_hugepage/shmem_enabled", t.shmemEnabled());
        long pmdKb = PageGeometry.current().pmdSize() >> 10;
        t.anonBySizeKb().forEach((kb, v) -> {
            if (kb != pmdKb && !v.equals("never")) out.put("transparent_hugepage/hugepages-" + kb + "kB/enabled", v);
        });
        t.shmemBySizeKb().forEach((kb, v) -> {
            if (kb != pmdKb && !v.equals("never"))
                out.put("transparent_hugepage/hugepages-" + kb + "kB/shmem_enabled", v);
        });
        if (scope.hugetlb()) {
            String dir = "hugepages/hugepages-" + (scope.hugePageSize() >> 10) + "kB/";
            pool.ifPresent(p -> {
                out.put(dir + "nr_hugepages", Long.toString(p.total()));
                out.put(dir + "free_hugepages", Long.toString(p.free()));
                out.put(dir + "resv_hugepages", Long.toString(p.reserved()));
                out.put(dir + "surplus_hugepages", Long.toString(p.surplus()));
                out.put(dir + "nr_overcommit_hugepages", Long.toString(p.overcommit()));
            });
        }
        return out;
    }

    /**
     * The settings in one line: {@code THP enabled=madvise defrag=madvise}, then {@code shmem_enabled=…}, the
     * multi-size THP sizes ({@code mTHP 64K=always}), and a hugetlb pool ({@code hugetlb 2M pool 4, free 4→2, …}).
     */
    public String settingsLine() {
        StringBuilder b = new StringBuilder("THP");
        String en = settings.get("transparent_hugepage/enabled"), df = settings.get("transparent_hugepage/defrag");
        b.append(en == null ? " unavailable" : " enabled=" + en);
        if (df != null) b.append(" defrag=").append(df);
        String shmem = settings.get("transparent_hugepage/shmem_enabled");
        if (shmem != null) b.append(" shmem_enabled=").append(shmem);
        List<String> sizes = new ArrayList<>();
        for (Map.Entry<String, String> e : settings.entrySet()) {
            String k = e.getKey();
            if (!k.startsWith("transparent_hugepage/hugepages-")) continue;
            String kb = k.substring("transparent_hugepage/hugepages-".length(), k.indexOf("kB/"));
            sizes.add(Sizes.format(Long.parseLong(kb) << 10) + (k.endsWith("/shmem_enabled") ? " shmem" : "") + "="
                    + e.getValue());
        }
        if (!sizes.isEmpty()) b.append("; mTHP ").append(String.join(" ", sizes));
        if (pool != null) {
            HugetlbPool p0 = pool.before(), p1 = pool.after();
            b.append("; hugetlb ")
                    .append(Sizes.format(p0.sizeBytes()))
                    .append(" pool ")
                    .append(moved(p0.total(), p1.total()))
                    .append(", free ")
                    .append(moved(p0.free(), p1.free()))
                    .append(", resv ")
                    .append(moved(p0.reserved(), p1.reserved()))
                    .append(", surplus ")
                    .append(moved(p0.surplus(), p1.surplus()))
                    .append(", overcommit ")
                    .append(p0.overcommit());
        }
        return b.toString();
    }

    private static String moved(long before, long after) {
        return before == after ? Long.toString(before) : before + "\u2192" + after;
    }

    /** The change of vmstat counter {@code name}, 0 when it did not move or is not in the chosen set. */
    public long vmstatDelta(String name) {
        for (Delta d : vmstat) if (d.name().equals(name)) return d.delta();
        return 0;
    }
}
