package dev.pagelab.linux;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Text files under /proc and /sys about this process and the machine. Read outside any measured window. */
public final class ProcFs {
    private ProcFs() {}

    /** One line of /proc/self/maps. */
    public record VmArea(long start, long end, String perms, long offset, String device, long inode, String path) {
        public long size() { return end - start; }

        public boolean readable() { return perms.charAt(0) == 'r'; }

        public boolean writable() { return perms.charAt(1) == 'w'; }

        public boolean executable() { return perms.charAt(2) == 'x'; }

        public boolean shared() { return perms.charAt(3) == 's'; }

        /** The line as the kernel prints it (path column aligned the same way). */
        public String line() {
            String head = String.format("%08x-%08x %s %08x %s %d", start, end, perms, offset, device, inode);
            return path.isEmpty() ? head : String.format("%-73s %s", head, path);
        }
    }

    /** One VMA of /proc/self/smaps: its maps line, its "Key: N kB" figures (in kB) and VmFlags. */
    public record SmapsArea(VmArea area, Map<String, Long> kb, List<String> vmFlags, String thpEligible) {}

    public static List<VmArea> maps() {
        List<VmArea> out = new ArrayList<>();
        for (String line : lines("/proc/self/maps")) out.add(parseMapsLine(line));
        return out;
    }

    static VmArea parseMapsLine(String line) {
        // start-end perms offset dev inode [path]; the path may contain spaces.
        String[] f = line.trim().split("\\s+", 6);
        int dash = f[0].indexOf('-');
        return new VmArea(Long.parseUnsignedLong(f[0].substring(0, dash), 16),
                Long.parseUnsignedLong(f[0].substring(dash + 1), 16), f[1], Long.parseUnsignedLong(f[2], 16),
                f[3], Long.parseLong(f[4]), f.length > 5 ? f[5] : "");
    }

    /** The smaps entries of VMAs that overlap [start, end). */
    public static List<SmapsArea> smaps(long start, long end) {
        List<SmapsArea> out = new ArrayList<>();
        VmArea current = null;
        Map<String, Long> kb = null;
        List<String> flags = List.of();
        String thp = "";
        for (String line : lines("/proc/self/smaps")) {
            if (looksLikeMapsLine(line)) {
                if (current != null && current.end() > start && current.start() < end) {
                    out.add(new SmapsArea(current, kb, flags, thp));
                }
                current = parseMapsLine(line);
                kb = new LinkedHashMap<>();
                flags = List.of();
                thp = "";
            } else if (current != null) {
                int colon = line.indexOf(':');
                if (colon < 0) continue;
                String key = line.substring(0, colon);
                String value = line.substring(colon + 1).trim();
                if (key.equals("VmFlags")) {
                    flags = List.of(value.split("\\s+"));
                } else if (key.equals("THPeligible")) {
                    thp = value;
                } else if (value.endsWith(" kB")) {
                    kb.put(key, Long.parseLong(value.substring(0, value.length() - 3).trim()));
                }
            }
        }
        if (current != null && current.end() > start && current.start() < end) {
            out.add(new SmapsArea(current, kb, flags, thp));
        }
        return out;
    }

    private static boolean looksLikeMapsLine(String line) {
        int sp = line.indexOf(' ');
        if (sp <= 0) return false;
        String first = line.substring(0, sp);
        int dash = first.indexOf('-');
        if (dash <= 0) return false;
        for (int i = 0; i < first.length(); i++) {
            char ch = first.charAt(i);
            if (i != dash && Character.digit(ch, 16) < 0) return false;
        }
        return true;
    }

    /** /proc/meminfo figures in kB (HugePages_* are counts). */
    public static Map<String, Long> meminfo() {
        return meminfoCounters().asMap();
    }

    private static volatile KernelCounters lastVmstat, lastMeminfo;

    /**
     * Every counter of /proc/vmstat (system-wide event counts since boot, and nr_* gauges in pages). One read
     * costs some 25 µs here, most of it the kernel summing per-CPU counters.
     */
    public static KernelCounters vmstat() {
        KernelCounters c = readCounters("/proc/vmstat", lastVmstat);
        lastVmstat = c;
        return c;
    }

    /** Every figure of /proc/meminfo, in kB (HugePages_* are counts of huge pages). */
    public static KernelCounters meminfoCounters() {
        KernelCounters c = readCounters("/proc/meminfo", lastMeminfo);
        lastMeminfo = c;
        return c;
    }

    private static KernelCounters readCounters(String path, KernelCounters previous) {
        byte[] text;
        try {
            text = readKept(path, previous == null ? 8192 : Math.max(8192, previous.size() * 64));
        } catch (IOException e) {
            throw new UncheckedIOException(path + ": " + e.getMessage(), e);
        }
        if (text == null) throw new UncheckedIOException(new java.io.FileNotFoundException(path));
        return KernelCounters.parse(text, text.length, previous);
    }

    /** Swap configured on this machine (/proc/meminfo SwapTotal), in bytes; 0 when there is none. */
    public static long swapTotalBytes() {
        return meminfo().getOrDefault("SwapTotal", 0L) * 1024;
    }

    /**
     * The type of the file system mounted from device {@code major:minor} (field 3 of /proc/self/mountinfo, the
     * type follows the " - " separator), e.g. ext4, which statfs cannot tell from ext2 or ext3. Empty for a
     * device no mount in this namespace shows (memfd, anonymous inodes).
     */
    public static Optional<String> mountType(long major, long minor) {
        String dev = major + ":" + minor;
        for (String line : lines("/proc/self/mountinfo")) {
            String[] f = line.split(" ");
            if (f.length < 3 || !f[2].equals(dev)) continue;
            int sep = line.indexOf(" - ");
            if (sep < 0) continue;
            String[] tail = line.substring(sep + 3).split(" ");
            if (tail.length > 0 && !tail[0].isEmpty()) return Optional.of(tail[0]);
        }
        return Optional.empty();
    }

    public static long memAvailableBytes() {
        return meminfo().getOrDefault("MemAvailable", 0L) * 1024;
    }

    /** Resident set size of this process, from /proc/self/statm (field 2, in pages). */
    public static long rssBytes() {
        String[] f = read("/proc/self/statm").trim().split("\\s+");
        return Long.parseLong(f[1]) * PageGeometry.current().pageSize();
    }

    /** "Key: value" lines of /proc/self/status. */
    public static Map<String, String> status() {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : lines("/proc/self/status")) {
            int colon = line.indexOf(':');
            if (colon > 0) out.put(line.substring(0, colon), line.substring(colon + 1).trim());
        }
        return out;
    }

    public static String kernelRelease() {
        return read("/proc/sys/kernel/osrelease").trim();
    }

    /** The bracketed choice of a /sys "a [b] c" setting, e.g. THP's "madvise" (the whole value if unbracketed). */
    public static Optional<String> sysChoice(String path) {
        String s = readSmall(path);
        if (s == null) return Optional.empty();
        int a = s.indexOf('['), b = s.indexOf(']');
        return a >= 0 && b > a ? Optional.of(s.substring(a + 1, b)) : Optional.of(s.trim());
    }

    /** A small /sys or /proc file (under 512 bytes) as Latin-1 text, or null when it cannot be read. */
    static String readSmall(String path) {
        try {
            byte[] b = readKept(path, 512);
            return b == null ? null : new String(b, java.nio.charset.StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return null;
        }
    }

    /** Handles of the /proc and /sys files read per step, kept open; empty for a file this kernel lacks. */
    private static final Map<String, Optional<RandomAccessFile>> KEPT = new ConcurrentHashMap<>();

    /**
     * The whole of a /proc or /sys file, read again from offset 0 through a handle kept open for the life of the
     * process (seq_file and sysfs regenerate the text on every read from 0). Per step this saves an open and a
     * close and, since the sampling code mostly runs interpreted, most of its cost: measured here, a kept
     * handle reads a sysfs setting in some 5 µs where opening it anew took 25 to 45 µs. Null when the file does
     * not exist (remembered: sysfs files do not appear later).
     */
    static byte[] readKept(String path, int sizeHint) throws IOException {
        Optional<RandomAccessFile> kept = KEPT.get(path);
        if (kept == null) {
            try {
                kept = Optional.of(new RandomAccessFile(path, "r"));
            } catch (java.io.FileNotFoundException e) {
                if (Files.exists(Path.of(path))) throw e;     // exists but unreadable: not remembered
                kept = Optional.empty();
            }
            Optional<RandomAccessFile> raced = KEPT.putIfAbsent(path, kept);
            if (raced != null) {
                if (kept.isPresent()) kept.get().close();
                kept = raced;
            }
        }
        if (kept.isEmpty()) return null;
        RandomAccessFile f = kept.get();
        synchronized (f) {
            f.seek(0);
            byte[] buf = new byte[sizeHint];
            int len = 0, r;
            while ((r = f.read(buf, len, buf.length - len)) > 0) {
                len += r;
                if (len == buf.length) buf = Arrays.copyOf(buf, buf.length * 2);
            }
            return len == buf.length ? buf : Arrays.copyOf(buf, len);
        }
    }

    /** Free pages of the hugetlb pool of {@code size} bytes (each size has its own pool), 0 if none. */
    public static long hugePagesFree(long size) {
        try {
            return Long.parseLong(Files.readString(Path.of("/sys/kernel/mm/hugepages/hugepages-" + (size >> 10)
                    + "kB/free_hugepages")).trim());
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    public static Optional<String> thpEnabled() {
        return sysChoice(THP + "/enabled");
    }

    public static Optional<String> thpDefrag() {
        return sysChoice(THP + "/defrag");
    }

    static final String THP = "/sys/kernel/mm/transparent_hugepage";

    /**
     * The transparent huge page settings under /sys/kernel/mm/transparent_hugepage (the kernel's
     * Documentation/admin-guide/mm/transhuge.rst): {@code enabled} and {@code defrag}; {@code shmem_enabled} when
     * asked for; and the multi-size THP settings (hugepages-64kB/enabled, …/shmem_enabled) keyed by size in kB,
     * when asked for (two files per size). A file this kernel lacks reads as "" or is left out of the map.
     */
    public record ThpSettings(String enabled, String defrag, String shmemEnabled, Map<Long, String> anonBySizeKb,
                              Map<Long, String> shmemBySizeKb) {}

    public static ThpSettings thpSettings(boolean anonSizes, boolean shmem) {
        Map<Long, String> anon = new java.util.TreeMap<>(), shm = new java.util.TreeMap<>();
        if (anonSizes || shmem) {
            for (long kb : mthpSizesKb()) {
                String d = THP + "/hugepages-" + kb + "kB";
                if (anonSizes) sysChoice(d + "/enabled").ifPresent(v -> anon.put(kb, v));
                if (shmem) sysChoice(d + "/shmem_enabled").ifPresent(v -> shm.put(kb, v));
            }
        }
        return new ThpSettings(sysChoice(THP + "/enabled").orElse(""), sysChoice(THP + "/defrag").orElse(""),
                shmem ? sysChoice(THP + "/shmem_enabled").orElse("") : "", anon, shm);
    }

    private static volatile long[] mthpSizes;

    /** The sizes (kB) of the hugepages-NkB directories under transparent_hugepage: fixed while the kernel runs. */
    static long[] mthpSizesKb() {
        long[] sizes = mthpSizes;
        if (sizes == null) {
            String[] dirs = new java.io.File(THP).list();
            sizes = java.util.Arrays.stream(dirs == null ? new String[0] : dirs)
                    .filter(d -> d.matches("hugepages-[0-9]+kB"))
                    .mapToLong(d -> Long.parseLong(d.substring("hugepages-".length(), d.length() - 2))).sorted().toArray();
            mthpSizes = sizes;
        }
        return sizes;
    }

    /**
     * One hugetlb pool (/sys/kernel/mm/hugepages/hugepages-NkB/): nr_hugepages, free_hugepages, resv_hugepages,
     * surplus_hugepages and nr_overcommit_hugepages, in huge pages of {@code sizeBytes}.
     */
    public record HugetlbPool(long sizeBytes, long total, long free, long reserved, long surplus, long overcommit) {}

    /** The pool of huge pages of {@code size} bytes, or empty when this kernel has no such size. */
    public static Optional<HugetlbPool> hugetlbPool(long size) {
        String dir = "/sys/kernel/mm/hugepages/hugepages-" + (size >> 10) + "kB/";
        try {
            return Optional.of(new HugetlbPool(size, sysLong(dir + "nr_hugepages"), sysLong(dir + "free_hugepages"),
                    sysLong(dir + "resv_hugepages"), sysLong(dir + "surplus_hugepages"),
                    sysLong(dir + "nr_overcommit_hugepages")));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Sizes (bytes) of the hugetlb pools this kernel offers, smallest first. */
    public static long[] hugetlbSizes() {
        try (var s = Files.list(Path.of("/sys/kernel/mm/hugepages"))) {
            return s.map(p -> p.getFileName().toString()).filter(d -> d.matches("hugepages-[0-9]+kB"))
                    .mapToLong(d -> Long.parseLong(d.substring("hugepages-".length(), d.length() - 2)) << 10).sorted().toArray();
        } catch (IOException e) {
            return new long[0];
        }
    }

    /**
     * Asks for {@code count} persistent huge pages of {@code size} bytes (writes nr_hugepages; needs root). The
     * kernel may grant fewer when memory is fragmented: read the pool back to know.
     */
    public static void setHugetlbPages(long size, long count) throws LinuxException {
        String path = "/sys/kernel/mm/hugepages/hugepages-" + (size >> 10) + "kB/nr_hugepages";
        try {
            Files.writeString(Path.of(path), Long.toString(count));
        } catch (java.nio.file.AccessDeniedException e) {
            throw new LinuxException("write(" + path + ", " + count + ")", 13);            // EACCES
        } catch (java.nio.file.NoSuchFileException e) {
            throw new LinuxException("write(" + path + ", " + count + ")", 2);             // ENOENT
        } catch (IOException e) {
            String m = String.valueOf(e.getMessage());
            int errno = m.contains("Operation not permitted") ? 1 : m.contains("Invalid argument") ? 22
                    : m.contains("Cannot allocate memory") ? 12 : 5;
            throw new LinuxException("write(" + path + ", " + count + ")", errno);
        }
    }

    private static long sysLong(String path) throws IOException {
        String s = readSmall(path);
        if (s == null) throw new IOException(path + ": unreadable");
        return Long.parseLong(s.trim());
    }

    private static volatile Optional<String> virtualization;

    /**
     * Whether this kernel runs under a hypervisor, and which when that can be told from files: empty on bare
     * metal. The "hypervisor" CPU flag in /proc/cpuinfo (CPUID leaf 1, ECX bit 31, set by every hypervisor that
     * follows the convention) decides; the name comes from /sys/class/dmi/id/sys_vendor, /sys/hypervisor/type or
     * the paravirtual clock source (kvm-clock, hyperv_clocksource, xen), else it is "a hypervisor".
     */
    public static Optional<String> virtualization() {
        Optional<String> v = virtualization;
        if (v == null) {
            v = detectVirtualization();
            virtualization = v;
        }
        return v;
    }

    private static Optional<String> detectVirtualization() {
        boolean flag = false;
        try (var lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            flag = lines.filter(l -> l.startsWith("flags")).findFirst()
                    .map(l -> (" " + l.substring(l.indexOf(':') + 1) + " ").contains(" hypervisor ")).orElse(false);
        } catch (IOException | UncheckedIOException e) {
            return Optional.empty();
        }
        if (!flag) return Optional.empty();
        String vendor = firstLine("/sys/class/dmi/id/sys_vendor");
        if (vendor.isEmpty()) vendor = firstLine("/sys/hypervisor/type");
        if (vendor.isEmpty()) {
            String clocks = " " + firstLine("/sys/devices/system/clocksource/clocksource0/available_clocksource") + " ";
            vendor = clocks.contains(" kvm-clock ") ? "KVM" : clocks.contains(" hyperv_clocksource") ? "Hyper-V"
                    : clocks.contains(" xen ") ? "Xen" : "";
        }
        return Optional.of(vendor.isEmpty() ? "a hypervisor" : vendor);
    }

    private static String firstLine(String path) {
        try {
            String s = Files.readString(Path.of(path)).trim();
            int nl = s.indexOf('\n');
            return nl < 0 ? s : s.substring(0, nl).trim();
        } catch (IOException | UncheckedIOException e) {
            return "";
        }
    }

    /** RLIMIT_MEMLOCK soft limit in bytes, -1 for unlimited, from /proc/self/limits. */
    public static long memlockLimit() {
        for (String line : lines("/proc/self/limits")) {
            if (line.startsWith("Max locked memory")) {
                String[] f = line.substring("Max locked memory".length()).trim().split("\\s+");
                return f[0].equals("unlimited") ? -1 : Long.parseLong(f[0]);
            }
        }
        return -1;
    }

    /** Whether the effective capability set holds {@code bit} (CAP_IPC_LOCK 14, CAP_SYS_ADMIN 21). */
    public static boolean hasCapability(int bit) {
        // Capabilities are per thread ('limit ipc_lock off' drops one on the step thread only): ask for this one.
        String eff = "0";
        for (String line : lines("/proc/thread-self/status")) {
            if (line.startsWith("CapEff:")) eff = line.substring(7).trim();
        }
        return (Long.parseUnsignedLong(eff, 16) & (1L << bit)) != 0;
    }

    public static final int CAP_IPC_LOCK = 14, CAP_SYS_ADMIN = 21;

    /**
     * Writes {@code value} to /proc/self/clear_refs (Documentation/admin-guide/mm/soft-dirty.rst, proc.rst):
     * 1 clears the referenced/accessed bits of all pages, 2 of anonymous pages, 3 of file-mapped pages, 4 the
     * soft-dirty bits, 5 resets the peak RSS (VmHWM).
     */
    public static void clearRefs(int value) throws LinuxException {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), Integer.toString(value));
        } catch (IOException e) {
            // Files reports errno only as text; EINVAL (an unknown value) and EACCES are the causes seen in practice
            throw new LinuxException("write(/proc/self/clear_refs, \"" + value + "\")",
                    e.getMessage() != null && e.getMessage().contains("Invalid argument") ? 22 : 13);
        }
    }

    /**
     * Whether this kernel tracks soft-dirty bits (CONFIG_MEM_SOFT_DIRTY). With it, every new VMA carries VM_SOFTDIRTY,
     * which smaps prints as "sd" in VmFlags, so the process's own VMAs tell without a kernel config file.
     */
    public static boolean softDirtyAvailable() {
        for (String line : lines("/proc/self/smaps")) {
            if (line.startsWith("VmFlags:") && (" " + line.substring(8) + " ").contains(" sd ")) return true;
        }
        return false;
    }

    /** /proc/self/smaps_rollup: the process's smaps figures summed over all VMAs (kB). */
    public static Map<String, Long> smapsRollup() {
        Map<String, Long> out = new LinkedHashMap<>();
        for (String line : lines("/proc/self/smaps_rollup")) {
            int colon = line.indexOf(':');
            if (colon < 0 || !line.endsWith(" kB")) continue;
            out.put(line.substring(0, colon), Long.parseLong(line.substring(colon + 1, line.length() - 3).trim()));
        }
        return out;
    }

    /** A "NNN kB" field of /proc/self/status in kB (VmHWM, VmRSS…), -1 when absent. */
    public static long statusKb(String key) {
        String v = status().get(key);
        if (v == null || !v.endsWith(" kB")) return -1;
        return Long.parseLong(v.substring(0, v.length() - 3).trim());
    }

    static String read(String path) {
        try {
            return Files.readString(Path.of(path));
        } catch (IOException e) {
            throw new UncheckedIOException(path + ": " + e.getMessage(), e);
        }
    }

    static List<String> lines(String path) {
        try {
            return Files.readAllLines(Path.of(path));
        } catch (IOException e) {
            throw new UncheckedIOException(path + ": " + e.getMessage(), e);
        }
    }
}
