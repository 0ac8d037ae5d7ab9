package dev.pagelab.commands.inspect;

import dev.pagelab.commands.Advice;
import dev.pagelab.commands.Args;
import dev.pagelab.commands.BaseCommand;
import dev.pagelab.commands.CommandError;
import dev.pagelab.commands.CommandLine;
import dev.pagelab.commands.Session;
import dev.pagelab.commands.Sizes;
import dev.pagelab.commands.report.KernelReport;
import dev.pagelab.commands.report.KernelReport.Fact;
import dev.pagelab.commands.report.KernelReport.Section;
import dev.pagelab.commands.report.KernelReport.Standing;
import dev.pagelab.commands.report.Report;
import dev.pagelab.linux.proc.HugetlbPool;
import dev.pagelab.linux.proc.KernelProfile;
import dev.pagelab.linux.proc.ThpSettings;
import java.util.ArrayList;
import java.util.List;

/** {@code kernel}: what this kernel does, as probed, and what each fact changes for the steps you take. */
public final class KernelCommand extends BaseCommand {
    public KernelCommand() {
        super("kernel", Args.OptionSpec.NONE);
    }

    @Override
    public List<String> complete(Session session, List<String> before, int wordIndex) {
        return List.of();
    }

    @Override
    public Report run(Session session, CommandLine line) throws CommandError {
        Args.parse(line, Args.OptionSpec.NONE).atMost(0, "kernel");
        return report(KernelProfile.current());
    }

    static KernelReport report(KernelProfile p) {
        List<Section> sections = new ArrayList<>();
        sections.add(new Section(
                "pages",
                List.of(
                        fact(
                                "page_size",
                                "page size",
                                p.pageSize(),
                                Sizes.format(p.pageSize()),
                                p.pageSize() == 4096 ? Standing.USUAL : Standing.DIFFERS, // x86-64's, the textbook's
                                "the unit of every fault, of 'p' in sizes and of pagemap (x86-64: 4K; arm64 kernels: 4K, 16K "
                                        + "or 64K)"),
                        fact(
                                "pmd_size",
                                "PMD huge page",
                                p.pmdSize(),
                                Sizes.format(p.pmdSize()),
                                Standing.USUAL,
                                "a transparent huge page: one fault maps this much, and map --thp aligns to it"),
                        zeroPage(p),
                        hugeZeroPage(p))));

        List<Fact> pagemap = new ArrayList<>();
        pagemap.add(
                p.pagemapScan()
                        ? fact(
                                "pagemap_scan",
                                "PAGEMAP_SCAN",
                                true,
                                "yes (" + String.join(" ", categoryNames(p.scanCategories())) + ")",
                                Standing.USUAL,
                                "present pages are counted in the kernel by runs: a sparse 64 GiB "
                                        + "mapping costs only its touched pages")
                        : fact(
                                "pagemap_scan",
                                "PAGEMAP_SCAN",
                                false,
                                "no (Linux 6.7)",
                                Standing.MISSING,
                                "pagelab reads one 8-byte pagemap entry per page instead: the same figures, slower on large "
                                        + "sparse ranges; zero pages are told by the exclusive bit (or the PFN as root)"));
        pagemap.add(
                p.pfnsVisible()
                        ? fact(
                                "pfns",
                                "PFNs",
                                true,
                                "visible (CAP_SYS_ADMIN)",
                                Standing.USUAL,
                                "inspect-pagemap shows page frame numbers; copy-on-write and the zero page show by PFN")
                        : fact(
                                "pfns",
                                "PFNs",
                                false,
                                "hidden (not root)",
                                Standing.MISSING,
                                "pagemap reads PFNs as 0 for ordinary users (Linux 4.2+): PFN columns are left out"));
        pagemap.add(
                p.kpageflagsUnavailable().isEmpty()
                        ? fact(
                                "kpageflags",
                                "/proc/kpageflags",
                                true,
                                "readable",
                                Standing.USUAL,
                                "THP, hugetlb, mlocked and KSM pages are named per page by inspect-pagemap")
                        : fact(
                                "kpageflags",
                                "/proc/kpageflags",
                                false,
                                "not readable",
                                Standing.MISSING,
                                "needs CAP_SYS_ADMIN: per-page flags (THP, mlocked, KSM) are left out; smaps gives totals"));
        sections.add(new Section("pagemap", pagemap));

        List<Fact> advice = new ArrayList<>();
        List<String> known = new ArrayList<>(), missing = new ArrayList<>();
        for (Advice a : Advice.values()) (p.madvise(a.value()) ? known : missing).add(a.word());
        advice.add(fact(
                "madvise",
                "madvise",
                known,
                known.size() + " of " + Advice.values().length + " advices known",
                missing.isEmpty() ? Standing.USUAL : Standing.MISSING,
                missing.isEmpty()
                        ? "every advice 'advise' offers works here"
                        : "advise refuses the missing ones before calling, naming the release that added them"));
        for (Advice a : Advice.values()) {
            if (p.madvise(a.value())) continue;
            advice.add(fact(
                    "madv_" + a.word(),
                    a.constant(),
                    false,
                    "missing (" + missingWhy(a, p) + ")",
                    Standing.MISSING,
                    consequence(a)));
        }
        sections.add(new Section("madvise", advice));

        List<Fact> thp = new ArrayList<>();
        ThpSettings t = p.thp();
        if (!p.thpAvailable()) {
            thp.add(fact(
                    "thp_enabled",
                    "THP",
                    "absent",
                    "absent (CONFIG_TRANSPARENT_HUGEPAGE off)",
                    Standing.MISSING,
                    "every anonymous page is a base page; --thp is refused"));
        } else {
            thp.add(fact(
                    "thp_enabled",
                    "THP enabled",
                    t.enabled(),
                    t.enabled(),
                    t.enabled().equals("madvise") ? Standing.USUAL : Standing.DIFFERS,
                    switch (t.enabled()) {
                        case "always" ->
                            "every large enough anonymous mapping may get huge pages unasked: one fault " + "per "
                                    + Sizes.format(p.pmdSize()) + "; 'map --no-thp' shows base pages";
                        case "never" ->
                            "no transparent huge pages, even with --thp: one fault per " + Sizes.format(p.pageSize())
                                    + " page";
                        default -> "huge pages only where asked: 'map --thp' (MADV_HUGEPAGE)";
                    }));
            thp.add(fact(
                    "thp_defrag",
                    "THP defrag",
                    t.defrag(),
                    t.defrag(),
                    Standing.USUAL,
                    "whether a huge page fault may stall to compact memory (" + t.defrag() + ")"));
            if (!t.shmemEnabled().isEmpty()) {
                thp.add(fact(
                        "thp_shmem",
                        "THP shmem",
                        t.shmemEnabled(),
                        t.shmemEnabled(),
                        Standing.USUAL,
                        "huge pages for shared memory and memfd mappings"));
            }
            List<String> mthp = new ArrayList<>();
            boolean mthpOn = false;
            for (var e : t.anonBySizeKb().entrySet()) {
                if (e.getKey() << 10 == p.pmdSize()) continue;
                mthp.add(Sizes.format(e.getKey() << 10) + " " + e.getValue());
                mthpOn |= !e.getValue().equals("never");
            }
            if (!mthp.isEmpty()) {
                thp.add(fact(
                        "mthp",
                        "mTHP sizes",
                        mthp,
                        String.join(", ", mthp),
                        mthpOn ? Standing.DIFFERS : Standing.USUAL,
                        mthpOn
                                ? "anonymous faults may map multi-size folios: fewer faults than pages touched"
                                : "multi-size THP (Linux 6.8) is off for every size: base pages below the PMD size"));
            }
        }
        sections.add(new Section("transparent huge pages", thp));

        List<Fact> hugetlb = new ArrayList<>();
        List<String> pools = new ArrayList<>();
        for (HugetlbPool pool : p.hugetlbPools()) {
            pools.add(Sizes.format(pool.sizeBytes()) + ": " + pool.free() + " free of " + pool.total());
        }
        hugetlb.add(
                pools.isEmpty()
                        ? fact(
                                "hugetlb_pools",
                                "hugetlb pools",
                                pools,
                                "none (CONFIG_HUGETLBFS off)",
                                Standing.MISSING,
                                "map --hugetlb is refused")
                        : fact(
                                "hugetlb_pools",
                                "hugetlb pools",
                                pools,
                                String.join(", ", pools),
                                p.hugetlbPools().stream().allMatch(x -> x.free() == 0)
                                        ? Standing.MISSING
                                        : Standing.USUAL,
                                "map --hugetlb needs free pages of its size; as root 'hugepages 2M N' fills a pool"));
        sections.add(new Section("hugetlb", hugetlb));

        List<Fact> reclaim = new ArrayList<>();
        reclaim.add(
                p.swapTotalBytes() == 0
                        ? fact(
                                "swap",
                                "swap",
                                0L,
                                "none",
                                Standing.MISSING,
                                "anonymous pages cannot be paged out: MADV_PAGEOUT keeps them, and major faults come from "
                                        + "files only")
                        : fact(
                                "swap",
                                "swap",
                                p.swapTotalBytes(),
                                Sizes.human(p.swapTotalBytes()) + " (" + String.join("; ", p.swapDevices()) + ")",
                                Standing.USUAL,
                                "MADV_PAGEOUT writes anonymous pages out; a re-touch faults them back in, minor while they "
                                        + "are still in the swap cache"));
        if (!p.zswap().isEmpty()) {
            reclaim.add(fact(
                    "zswap",
                    "zswap",
                    p.zswap(),
                    p.zswap().equals("Y") ? "on" : "off",
                    p.zswap().equals("Y") ? Standing.DIFFERS : Standing.USUAL,
                    p.zswap().equals("Y")
                            ? "pages paged out are compressed in memory first: swap-ins are fast, often minor"
                            : "pages paged out go straight to the swap device"));
        }
        if (!p.multiGenLru().isEmpty()) {
            boolean on = !p.multiGenLru().equals("0x0000");
            reclaim.add(fact(
                    "lru_gen",
                    "multi-gen LRU",
                    p.multiGenLru(),
                    on ? "on (" + p.multiGenLru() + ")" : "off",
                    Standing.USUAL,
                    "which pages reclaim takes first (generations rather than two lists)"));
        }
        if (!p.ksm().isEmpty()) {
            boolean running = p.ksm().equals("1");
            reclaim.add(fact(
                    "ksm",
                    "KSM",
                    p.ksm(),
                    running ? "running" : "stopped",
                    running ? Standing.DIFFERS : Standing.USUAL,
                    running
                            ? "identical pages of MADV_MERGEABLE ranges are merged: fewer exclusive pages than written"
                            : "'advise mergeable' marks ranges, but nothing merges until ksmd runs"));
        }
        String oc = p.overcommit();
        reclaim.add(fact(
                "overcommit",
                "overcommit",
                oc,
                switch (oc) {
                    case "0" -> "0 (heuristic)";
                    case "1" -> "1 (always)";
                    case "2" -> "2 (never)";
                    default -> oc.isEmpty() ? "unknown" : oc;
                },
                oc.equals("2") ? Standing.DIFFERS : Standing.USUAL,
                oc.equals("2")
                        ? "mmap fails with ENOMEM beyond the commit limit, --noreserve included"
                        : "mmap of more than memory succeeds; the pages are found (or not) when touched"));
        sections.add(new Section("swap and reclaim", reclaim));

        List<Fact> tracking = new ArrayList<>();
        tracking.add(fact(
                "soft_dirty",
                "soft-dirty",
                p.softDirty(),
                p.softDirty() ? "yes" : "no (CONFIG_MEM_SOFT_DIRTY off)",
                p.softDirty() ? Standing.USUAL : Standing.MISSING,
                p.softDirty()
                        ? "'clear-refs soft-dirty' then 'inspect-pagemap --written' shows pages written since"
                        : "written pages are tracked with userfaultfd write-protect instead, where it exists"));
        tracking.add(
                p.uffdWpAsyncUnavailable().isEmpty()
                        ? fact(
                                "uffd_wp_async",
                                "userfaultfd WP",
                                true,
                                "async write-protect (Linux 6.7)",
                                Standing.USUAL,
                                "written pages can be tracked without soft-dirty bits")
                        : fact(
                                "uffd_wp_async",
                                "userfaultfd WP",
                                false,
                                "unavailable",
                                Standing.MISSING,
                                p.uffdWpAsyncUnavailable().get()));
        tracking.add(fact(
                "cachestat",
                "cachestat",
                p.cachestat(),
                p.cachestat() ? "yes" : "no (Linux 6.5)",
                p.cachestat() ? Standing.USUAL : Standing.MISSING,
                p.cachestat()
                        ? "'cache FILE' shows dirty, writeback and evicted pages besides resident ones"
                        : "'cache FILE' counts resident pages with mincore only"));
        sections.add(new Section("tracking", tracking));

        List<Fact> process = new ArrayList<>();
        process.add(fact(
                "memlock_limit",
                "RLIMIT_MEMLOCK",
                p.memlockLimit(),
                (p.memlockLimit() < 0 ? "unlimited" : Sizes.human(p.memlockLimit()))
                        + (p.capIpcLock() ? ", CAP_IPC_LOCK (not bound by it)" : ""),
                Standing.USUAL,
                p.capIpcLock()
                        ? "lock and lockall may lock as much as memory allows"
                        : "lock refuses more than the limit with ENOMEM/EAGAIN (5.16 raised the default to 8 MiB)"));
        if (!p.cgroup().isEmpty()) {
            boolean limited = p.cgroup().contains("memory.max") && !p.cgroup().contains("memory.max max");
            process.add(fact(
                    "cgroup",
                    "cgroup",
                    p.cgroup(),
                    p.cgroup(),
                    limited ? Standing.DIFFERS : Standing.USUAL,
                    limited
                            ? "this cgroup's memory limit reclaims (or OOM-kills) before the machine runs short"
                            : "no cgroup memory limit applies below the machine's memory"));
        }
        sections.add(new Section("this process", process));

        List<Fact> machine = new ArrayList<>();
        machine.add(
                fact(
                        "hypervisor",
                        "hypervisor",
                        p.hypervisor(),
                        p.hypervisor().isEmpty() ? "none (bare metal)" : p.hypervisor(),
                        Standing.USUAL,
                        p.hypervisor().isEmpty()
                                ? "fault costs are the kernel's alone"
                                : "a first touch also pays the hypervisor backing the guest page: a step can be slow with no fault"));
        machine.add(fact(
                "boot_parameters",
                "boot parameters",
                p.bootParameters(),
                p.bootParameters().isEmpty() ? "none that change memory" : String.join(" ", p.bootParameters()),
                p.bootParameters().stream().anyMatch(KernelCommand::changesTextbook)
                        ? Standing.DIFFERS
                        : Standing.USUAL,
                "memory-related parameters from /proc/cmdline"));
        sections.add(new Section("machine", machine));
        return new KernelReport(p.release(), p.version(), sections, p.probeNanos());
    }

    private static Fact zeroPage(KernelProfile p) {
        String how = switch (p.zeroPageEvidence()) {
            case PFNZERO -> "PAGEMAP_SCAN PFNZERO";
            case PFN -> "same PFN in two mappings";
            case EXCLUSIVE_BIT -> "pagemap exclusive bit";
            case NONE -> "no evidence";
        };
        return switch (p.zeroPage()) {
            case SHARED ->
                fact(
                        "zero_page",
                        "zero page",
                        "shared",
                        "shared (" + how + (p.zeroPfn() >= 0 ? ", pfn 0x" + Long.toHexString(p.zeroPfn()) : "") + ")",
                        Standing.USUAL,
                        "a read of untouched memory maps the shared zero page: present, no memory of its own; the "
                                + "first write faults again to copy it");
            case PRIVATE ->
                fact(
                        "zero_page",
                        "zero page",
                        "private",
                        "none: reads allocate (" + how + ")",
                        Standing.DIFFERS,
                        "a read of untouched memory allocates a private zeroed page (" + zeroPageCause(p)
                                + "): RSS grows on the read and the write after it takes no fault");
            case UNKNOWN ->
                fact(
                        "zero_page",
                        "zero page",
                        "unknown",
                        "unknown",
                        Standing.MISSING,
                        "the probe could not tell what a read maps");
        };
    }

    /** Why there is no shared zero page, as far as this machine shows. */
    public static String zeroPageCause(KernelProfile p) {
        for (String b : p.bootParameters()) if (b.startsWith("pvm_no_zero_page")) return "boot parameter " + b;
        return p.hypervisor().isEmpty() ? "this kernel's choice" : "this kernel under " + p.hypervisor();
    }

    private static Fact hugeZeroPage(KernelProfile p) {
        String setting = p.thpUseZeroPage().isEmpty() ? "" : " (use_zero_page " + p.thpUseZeroPage() + ")";
        return switch (p.hugeZeroPage()) {
            case SHARED ->
                fact(
                        "huge_zero_page",
                        "huge zero page",
                        "shared",
                        "shared" + setting,
                        Standing.USUAL,
                        "a read of an untouched THP range maps one " + Sizes.format(p.pmdSize()) + " zero page: "
                                + Sizes.format(p.pmdSize()) + " present for one fault, no memory used");
            case PRIVATE_HUGE ->
                fact(
                        "huge_zero_page",
                        "huge zero page",
                        "private_huge",
                        "none: reads allocate a huge page" + setting,
                        Standing.DIFFERS,
                        "a read of an untouched THP range allocates a whole " + Sizes.format(p.pmdSize())
                                + " huge page");
            case BASE_PAGES ->
                fact(
                        "huge_zero_page",
                        "huge zero page",
                        "base_pages",
                        "not used (THP "
                                + (p.thp().enabled().isEmpty()
                                        ? "absent"
                                        : p.thp().enabled()) + ")",
                        Standing.DIFFERS,
                        "reads of THP ranges fault base pages one by one");
            case UNKNOWN ->
                fact(
                        "huge_zero_page",
                        "huge zero page",
                        "unknown",
                        "unknown" + (p.thpAvailable() ? "" : " (no THP)"),
                        Standing.MISSING,
                        "the probe could not tell what a read of a THP range maps");
        };
    }

    private static boolean changesTextbook(String bootParameter) {
        return bootParameter.startsWith("pvm_no_zero_page")
                || bootParameter.startsWith("transparent_hugepage=never")
                || bootParameter.startsWith("transparent_hugepage=always")
                || bootParameter.startsWith("init_on_alloc=1")
                || bootParameter.startsWith("init_on_free=1")
                || bootParameter.startsWith("mem=");
    }

    /** Why an advice is missing: too old a kernel, or a feature compiled out. */
    static String missingWhy(Advice a, KernelProfile p) {
        return switch (a) {
            case MERGEABLE, UNMERGEABLE -> "no KSM: CONFIG_KSM off";
            case HUGEPAGE, NOHUGEPAGE, COLLAPSE ->
                p.thpAvailable() ? "Linux " + a.since() : "no THP: CONFIG_TRANSPARENT_HUGEPAGE off";
            default -> "Linux " + a.since();
        };
    }

    private static String consequence(Advice a) {
        return switch (a) {
            case POPULATE_READ, POPULATE_WRITE ->
                "map --populate with --thp or --no-thp faults the range in by touching "
                        + "it after the advice (same page size, figures counted on the map step)";
            case COLLAPSE -> "'advise R collapse' is refused; khugepaged may still collapse in the background";
            case GUARD_INSTALL, GUARD_REMOVE ->
                "guard regions cannot be installed: 'protect R none' shows the same " + "refusal with a VMA split";
            case PAGEOUT, COLD -> "reclaim cannot be asked for one range";
            case FREE -> "lazy freeing is missing: use dontneed";
            case DONTNEED_LOCKED -> "locked ranges must be unlocked before dontneed";
            default -> "'advise R " + a.word() + "' is refused";
        };
    }

    static List<String> categoryNames(long mask) {
        String[] names = {"wpallowed", "written", "file", "present", "swapped", "pfnzero", "huge", "soft_dirty", "guard"
        };
        List<String> out = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            if ((mask & (1L << i)) != 0) out.add(i < names.length ? names[i] : "bit" + i);
        }
        return out;
    }

    private static Fact fact(String key, String label, Object value, String shown, Standing standing, String meaning) {
        return new Fact(key, label, value, shown, standing, meaning);
    }
}
