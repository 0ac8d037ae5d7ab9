package dev.pagelab.console.recipe;

import static dev.pagelab.linux.LinuxConstants.CAP_IPC_LOCK;

import dev.pagelab.commands.Advice;
import dev.pagelab.commands.Sizes;
import dev.pagelab.commands.WriteTracking;
import dev.pagelab.linux.Limits;
import dev.pagelab.linux.proc.Capabilities;
import dev.pagelab.linux.proc.HugetlbPool;
import dev.pagelab.linux.proc.KPageFlags;
import dev.pagelab.linux.proc.KernelProfile;
import dev.pagelab.linux.proc.Machine;
import dev.pagelab.linux.proc.Pagemap;
import dev.pagelab.linux.proc.ProcMeminfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What recipes and steps may need, in words, and whether this machine offers it. Every word is decided from what the
 * kernel was seen to do ({@link KernelProfile}: a call tried, a fresh page read) or what this process holds, never
 * from a release number: distribution kernels backport features, and hypervisors change textbook behaviour.
 * Any word may be negated with {@code no_} ({@code no_shared_zero_page}, {@code no_root}).
 */
public final class RecipeRequirements {
    private RecipeRequirements() {}

    /** Prefix that negates a word. */
    static final String NO = "no_";

    /**
     * One capability word.
     *
     * @param need    what a step needs, for "needs ..." ({@code the shared zero page})
     * @param without the negated need ({@code a kernel without the shared zero page})
     * @param manual  what it means, for the manual and 'help replay'
     */
    record Word(String name, String need, String without, String manual) {}

    /** The vocabulary, in the manual's order. */
    public static final Map<String, Word> WORDS = words();

    private static Map<String, Word> words() {
        Map<String, Word> w = new LinkedHashMap<>();
        add(
                w,
                "shared_zero_page",
                "the shared zero page",
                "a kernel without the shared zero page",
                "a read fault on untouched private memory maps the shared zero page (a PVM guest booted with "
                        + "pvm_no_zero_page=1 allocates a private page instead)");
        add(
                w,
                "huge_zero_page",
                "the huge zero page",
                "a kernel that does not map the huge zero page",
                "a read fault in a THP range maps the huge zero page");
        add(
                w,
                "thp",
                "transparent huge pages",
                "a kernel without transparent huge pages",
                "THP enabled = always or madvise");
        add(w, "thp_always", "THP enabled = always", "THP not in 'always' mode", "THP enabled = always");
        add(w, "thp_madvise", "THP enabled = madvise", "THP not in 'madvise' mode", "THP enabled = madvise");
        add(w, "swap", "swap", "no swap", "swap space is on (SwapTotal > 0)");
        add(w, "ksm", "KSM", "a kernel without KSM", "KSM is built in (CONFIG_KSM)");
        for (Advice a : Advice.values()) {
            add(
                    w,
                    "madv_" + a.word(),
                    a.constant(),
                    "a kernel without " + a.constant(),
                    "madvise(" + a.constant() + ") is accepted (upstream since Linux " + a.since() + ")");
        }
        add(
                w,
                "pagemap_scan",
                "the PAGEMAP_SCAN ioctl",
                "a kernel without PAGEMAP_SCAN",
                "the PAGEMAP_SCAN ioctl (Linux 6.7); without it pagelab reads every pagemap entry, with the same results");
        add(
                w,
                "cachestat",
                "cachestat(2)",
                "a kernel without cachestat(2)",
                "the cachestat(2) system call (Linux 6.5)");
        add(
                w,
                "soft_dirty",
                "soft-dirty bits",
                "a kernel without soft-dirty bits",
                "soft-dirty bits (CONFIG_MEM_SOFT_DIRTY)");
        add(
                w,
                "userfaultfd",
                "userfaultfd async write-protect",
                "no userfaultfd async write-protect",
                "userfaultfd's async write-protect (Linux 6.7), usable by this user");
        add(
                w,
                "write_tracking",
                "written-page tracking",
                "no written-page tracking",
                "written pages can be told: soft-dirty bits or userfaultfd async write-protect");
        add(
                w,
                "root",
                "root (CAP_SYS_ADMIN)",
                "an ordinary user",
                "CAP_SYS_ADMIN: PFNs, /proc/kpageflags (zero, huge, locked pages by their flags), sizing hugetlb pools");
        add(
                w,
                "cap_ipc_lock",
                "CAP_IPC_LOCK",
                "a user without CAP_IPC_LOCK",
                "CAP_IPC_LOCK: mlock is not bound by RLIMIT_MEMLOCK (root has it)");
        add(
                w,
                "huge_flag",
                "huge pages told apart in pagemap",
                "pagemap that cannot tell huge pages",
                "view and inspect can tell a THP from small pages: PAGEMAP_SCAN's HUGE category (Linux 6.7), or "
                        + "/proc/kpageflags as root");
        add(
                w,
                "disk_tmp",
                "a directory on a disk file system",
                "no directory on a disk file system",
                "${tmpdir} is on a disk file system (major faults need a backing store): TMPDIR, /var/tmp or /tmp");
        return Collections.unmodifiableMap(w);
    }

    private static void add(Map<String, Word> w, String name, String need, String without, String manual) {
        w.put(name, new Word(name, need, without, manual));
    }

    /** Whether {@code word} is in the vocabulary, negated or not. */
    static boolean known(String word) {
        return WORDS.containsKey(word) || word.startsWith(NO) && WORDS.containsKey(word.substring(NO.length()));
    }

    /** What the machine showed for one word: whether it holds, and the fact, said so that a reader can act on it. */
    public record Fact(boolean holds, String state) {
        Fact negate() {
            return new Fact(!holds, state);
        }
    }

    /** The machine's side of every requirement; {@link #current()} is this one, tests give others. */
    public interface Machine {
        /** The fact behind a plain word (never negated; never a word outside {@link #WORDS}). */
        Fact fact(String word);

        /** THP's enabled mode, "" when the kernel has no THP. */
        String thpMode();

        /** The hugetlb pool of {@code size} bytes, empty when this kernel has none of that size. */
        Optional<HugetlbPool> hugetlbPool(long size);

        /** Whether this user may resize that pool (write nr_hugepages). */
        boolean canSizeHugetlb(long size);

        /** RLIMIT_MEMLOCK's soft limit in bytes, -1 for unlimited. */
        long memlockLimit();

        /** {@code uname -r}. */
        String release();

        /** The fact behind a word that may be negated. */
        default Fact check(String word) {
            return word.startsWith(NO) && WORDS.containsKey(word.substring(NO.length()))
                    ? fact(word.substring(NO.length())).negate()
                    : fact(word);
        }
    }

    /** This machine and this process, as probed. */
    public static Machine current() {
        return Current.INSTANCE;
    }

    /** The needs not met, each as a reason a reader can act on; empty when the recipe or step can run. */
    static List<String> unmet(Recipe.Requirements r, Machine m) {
        List<String> out = new ArrayList<>();
        if (r.root()) need(out, m, "root");
        if (!r.thp().isEmpty()) {
            String mode = m.thpMode().isEmpty() ? "absent" : m.thpMode();
            if (!r.thp().contains(mode)) {
                out.add("needs transparent huge pages enabled=" + String.join(" or ", r.thp()) + ", this machine has "
                        + mode);
            }
        }
        if (r.hugetlbSize() > 0) {
            String size = Sizes.exact(r.hugetlbSize());
            Optional<HugetlbPool> pool = m.hugetlbPool(r.hugetlbSize());
            if (pool.isEmpty()) {
                out.add("needs a " + size + " hugetlb pool, which this kernel does not offer");
            } else if (pool.get().free() < r.hugetlbPages() && !m.canSizeHugetlb(r.hugetlbSize())) {
                out.add("needs " + r.hugetlbPages() + " free " + size + " hugetlb pages: the pool has "
                        + pool.get().free() + " free, and only root can add pages (nr_hugepages)");
            }
        }
        if (r.memlock() > 0) {
            Fact ipcLock = m.check("cap_ipc_lock");
            long limit = m.memlockLimit();
            if (!ipcLock.holds() && limit >= 0 && limit < r.memlock()) {
                out.add("needs to lock " + Sizes.human(r.memlock()) + ": RLIMIT_MEMLOCK is " + Sizes.human(limit)
                        + " and this user has no CAP_IPC_LOCK (before Linux 5.16 the default limit was 64 KiB; root, "
                        + "or /etc/security/limits.conf, can raise it)");
            }
        }
        for (String f : r.features()) need(out, m, f);
        return out;
    }

    private static void need(List<String> out, Machine m, String word) {
        if (!known(word)) {
            out.add("needs '" + word + "', which this pagelab does not know");
            return;
        }
        Fact f = m.check(word);
        if (f.holds()) return;
        boolean negated = !WORDS.containsKey(word);
        Word w = WORDS.get(negated ? word.substring(NO.length()) : word);
        out.add("needs " + (negated ? w.without() : w.need()) + ": " + f.state());
    }

    /** A fresh scratch directory for ${tmpdir}, on a disk file system when there is one. */
    static Path scratchDirectory() throws IOException {
        Path base = diskDirectory();
        if (base == null) base = Path.of(System.getProperty("java.io.tmpdir"));
        return Files.createTempDirectory(base, "pagelab-recipe-");
    }

    /** The first of $TMPDIR, /var/tmp, /tmp whose file system is not in memory, or null. */
    static Path diskDirectory() {
        List<String> candidates = new ArrayList<>();
        String env = System.getenv("TMPDIR");
        if (env != null && !env.isBlank()) candidates.add(env);
        candidates.add("/var/tmp");
        candidates.add("/tmp");
        for (String c : candidates) {
            Path p = Path.of(c);
            if (!Files.isDirectory(p) || !Files.isWritable(p)) continue;
            // fstatfs(2), not Files.getFileStore: that looks the directory up in the mount table, which a chroot
            // whose root is not a mount point does not have (found installing the .deb into a debootstrapped root)
            try {
                int fd = dev.pagelab.linux.FileIo.open(c, dev.pagelab.linux.LinuxConstants.O_RDONLY, 0);
                try {
                    if (!dev.pagelab.linux.FileStat.fstatfs(fd).memoryOnly()) return p;
                } finally {
                    dev.pagelab.linux.FileIo.close(fd);
                }
            } catch (dev.pagelab.linux.LinuxException e) {
                // not usable: try the next
            }
        }
        return null;
    }

    /** Why there is no shared zero page, as far as this machine shows (as the 'kernel' command says it). */
    static String zeroPageCause(KernelProfile p) {
        for (String b : p.bootParameters()) if (b.startsWith("pvm_no_zero_page")) return "boot parameter " + b;
        return p.hypervisor().isEmpty() ? "this kernel's choice" : "this kernel under " + p.hypervisor();
    }

    /** The kernel profile and this process's privileges, read when asked (the profile is probed once). */
    private static final class Current implements Machine {
        static final Current INSTANCE = new Current();

        @Override
        public Fact fact(String word) {
            KernelProfile p = KernelProfile.current();
            if (word.startsWith("madv_")) {
                Advice a = Advice.of(word.substring(5)).orElseThrow();
                if (p.madvise(a.value())) return new Fact(true, a.constant() + " is accepted");
                String why = switch (a) {
                    case MERGEABLE, UNMERGEABLE -> "this kernel has no KSM (CONFIG_KSM off)";
                    case HUGEPAGE, NOHUGEPAGE, COLLAPSE ->
                        p.thpAvailable()
                                ? "Linux " + a.since() + " added it; this is " + p.release()
                                : "this kernel has no THP (CONFIG_TRANSPARENT_HUGEPAGE off)";
                    default -> "Linux " + a.since() + " added it; this is " + p.release();
                };
                return new Fact(false, why);
            }
            return switch (word) {
                case "shared_zero_page" ->
                    switch (p.zeroPage()) {
                        case SHARED -> new Fact(true, "a read fault maps the shared zero page");
                        case PRIVATE ->
                            new Fact(
                                    false,
                                    "a read fault allocates a private zeroed page here (" + zeroPageCause(p) + ")");
                        case UNKNOWN -> new Fact(false, "the probe could not tell what a read fault maps here");
                    };
                case "huge_zero_page" ->
                    switch (p.hugeZeroPage()) {
                        case SHARED -> new Fact(true, "a read fault in a THP range maps the huge zero page");
                        case PRIVATE_HUGE ->
                            new Fact(
                                    false,
                                    "a read fault in a THP range allocates a huge page (use_zero_page "
                                            + p.thpUseZeroPage() + ")");
                        case BASE_PAGES ->
                            new Fact(false, "reads of THP ranges fault base pages (THP " + thpMode() + ")");
                        case UNKNOWN -> new Fact(false, "the probe could not tell what a read of a THP range maps");
                    };
                case "thp" ->
                    new Fact(
                            thpMode().equals("always") || thpMode().equals("madvise"),
                            "THP enabled = "
                                    + (thpMode().isEmpty() ? "absent (CONFIG_TRANSPARENT_HUGEPAGE off)" : thpMode()));
                case "thp_always", "thp_madvise" ->
                    new Fact(
                            thpMode().equals(word.substring(4)),
                            "THP enabled = " + (thpMode().isEmpty() ? "absent" : thpMode()));
                case "swap" ->
                    p.swapTotalBytes() > 0
                            ? new Fact(
                                    true,
                                    "this machine has " + Sizes.human(p.swapTotalBytes()) + " of swap ("
                                            + String.join(", ", p.swapDevices()) + ")")
                            : new Fact(false, "this machine has no swap (/proc/swaps lists none)");
                case "ksm" ->
                    new Fact(
                            !p.ksm().isEmpty(),
                            p.ksm().isEmpty() ? "this kernel has no KSM (CONFIG_KSM off)" : "KSM is built in");
                case "pagemap_scan" ->
                    new Fact(
                            p.pagemapScan(),
                            p.pagemapScan()
                                    ? "PAGEMAP_SCAN works"
                                    : "no PAGEMAP_SCAN ioctl (Linux 6.7) on " + p.release());
                case "cachestat" ->
                    new Fact(
                            p.cachestat(),
                            p.cachestat() ? "cachestat works" : "no cachestat(2) (Linux 6.5) on " + p.release());
                case "soft_dirty" ->
                    new Fact(
                            p.softDirty(),
                            p.softDirty()
                                    ? "soft-dirty bits are kept"
                                    : "this kernel keeps no soft-dirty bits (CONFIG_MEM_SOFT_DIRTY off)");
                case "userfaultfd" ->
                    p.uffdWpAsyncUnavailable()
                            .map(why -> new Fact(false, why))
                            .orElse(new Fact(true, "userfaultfd async write-protect works"));
                case "write_tracking" -> {
                    WriteTracking.Availability a = WriteTracking.availability();
                    yield a.mechanism() == null
                            ? new Fact(false, a.unavailableReason())
                            : new Fact(
                                    true,
                                    "written pages are told by " + a.mechanism().description());
                }
                case "root" ->
                    KPageFlags.availability().isEmpty()
                            ? new Fact(true, "this process has CAP_SYS_ADMIN")
                            : new Fact(
                                    false,
                                    "pagelab runs as uid "
                                            + ProcMeminfo.status()
                                                    .getOrDefault("Uid", "?")
                                                    .trim()
                                                    .split("\\s+")[0] + ", without CAP_SYS_ADMIN");
                case "cap_ipc_lock" ->
                    Capabilities.has(CAP_IPC_LOCK)
                            ? new Fact(true, "this process holds CAP_IPC_LOCK")
                            : new Fact(
                                    false,
                                    "this process does not hold CAP_IPC_LOCK, so RLIMIT_MEMLOCK ("
                                            + (Limits.memlockLimit() < 0
                                                    ? "unlimited"
                                                    : Sizes.human(Limits.memlockLimit()))
                                            + ") binds it");
                case "huge_flag" -> {
                    if (p.pagemapScan() && (p.scanCategories() & Pagemap.PAGE_IS_HUGE) != 0) {
                        yield new Fact(true, "PAGEMAP_SCAN's HUGE category tells huge pages");
                    }
                    yield KPageFlags.availability()
                            .map(why -> new Fact(
                                    false,
                                    "no PAGEMAP_SCAN (Linux 6.7) on " + p.release()
                                            + ", and /proc/kpageflags is closed to this user"))
                            .orElse(new Fact(true, "/proc/kpageflags tells huge pages"));
                }
                case "disk_tmp" ->
                    diskDirectory() != null
                            ? new Fact(true, "${tmpdir} is on " + diskDirectory())
                            : new Fact(false, "TMPDIR, /var/tmp and /tmp are all in memory here (tmpfs)");
                default -> throw new IllegalArgumentException("not a capability word: " + word);
            };
        }

        @Override
        public String thpMode() {
            String m = KernelProfile.current().thp().enabled();
            return m == null ? "" : m.toLowerCase(Locale.ROOT);
        }

        @Override
        public Optional<HugetlbPool> hugetlbPool(long size) {
            return HugetlbPool.of(size);
        }

        @Override
        public boolean canSizeHugetlb(long size) {
            return Files.isWritable(Path.of("/sys/kernel/mm/hugepages/hugepages-" + (size >> 10) + "kB/nr_hugepages"));
        }

        @Override
        public long memlockLimit() {
            return Limits.memlockLimit();
        }

        @Override
        public String release() {
            return KernelProfile.current().release();
        }
    }
}
