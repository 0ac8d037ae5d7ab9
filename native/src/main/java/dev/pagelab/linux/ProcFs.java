package dev.pagelab.linux;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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
        Map<String, Long> out = new LinkedHashMap<>();
        for (String line : lines("/proc/meminfo")) {
            int colon = line.indexOf(':');
            if (colon < 0) continue;
            String v = line.substring(colon + 1).trim();
            if (v.endsWith(" kB")) v = v.substring(0, v.length() - 3).trim();
            try {
                out.put(line.substring(0, colon), Long.parseLong(v));
            } catch (NumberFormatException ignored) {
                // not a number: not a figure pagelab uses
            }
        }
        return out;
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
        return Long.parseLong(f[1]) * Pagemap.PAGE_SIZE;
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

    /** The bracketed choice of a /sys "a [b] c" setting, e.g. THP's "madvise". */
    public static Optional<String> sysChoice(String path) {
        try {
            String s = Files.readString(Path.of(path));
            int a = s.indexOf('['), b = s.indexOf(']');
            return a >= 0 && b > a ? Optional.of(s.substring(a + 1, b)) : Optional.of(s.trim());
        } catch (IOException e) {
            return Optional.empty();
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
        return sysChoice("/sys/kernel/mm/transparent_hugepage/enabled");
    }

    public static Optional<String> thpDefrag() {
        return sysChoice("/sys/kernel/mm/transparent_hugepage/defrag");
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
        String eff = status().getOrDefault("CapEff", "0");
        return (Long.parseUnsignedLong(eff, 16) & (1L << bit)) != 0;
    }

    public static final int CAP_IPC_LOCK = 14, CAP_SYS_ADMIN = 21;

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
