package dev.pagelab.linux.proc;

import dev.pagelab.linux.Errno;
import dev.pagelab.linux.LinuxException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * This process's mappings as /proc/self/maps, /proc/self/smaps and /proc/self/smaps_rollup print them
 * (Documentation/filesystems/proc.rst), and /proc/self/clear_refs, which resets bits those files and pagemap report.
 * Each parser takes the text, so that it can be tested on canned files. Read outside any measured window.
 */
public final class ProcMaps {
    private ProcMaps() {}

    /** One line of /proc/self/maps. */
    public record VmArea(long start, long end, String perms, long offset, String device, long inode, String path) {
        public long size() {
            return end - start;
        }

        public boolean readable() {
            return perms.charAt(0) == 'r';
        }

        public boolean writable() {
            return perms.charAt(1) == 'w';
        }

        public boolean executable() {
            return perms.charAt(2) == 'x';
        }

        public boolean shared() {
            return perms.charAt(3) == 's';
        }

        /** The line as the kernel prints it (path column aligned the same way). */
        public String line() {
            String head = String.format("%08x-%08x %s %08x %s %d", start, end, perms, offset, device, inode);
            // as the kernel writes it: the header ends in a space, and a path follows once the line is 72 columns
            // wide and one more space (show_map_vma: seq_setwidth(25 + 6 * sizeof(void *) - 1), then seq_pad)
            return path.isEmpty() ? head + " " : String.format("%-72s %s", head, path);
        }
    }

    /** One VMA of /proc/self/smaps: its maps line, its "Key: N kB" figures (in kB) and VmFlags. */
    public record SmapsArea(VmArea area, Map<String, Long> kb, List<String> vmFlags, String thpEligible) {}

    public static List<VmArea> maps() {
        return parseMaps(ProcText.lines("/proc/self/maps"));
    }

    public static List<VmArea> parseMaps(List<String> lines) {
        List<VmArea> out = new ArrayList<>();
        for (String line : lines) out.add(parseMapsLine(line));
        return out;
    }

    static VmArea parseMapsLine(String line) {
        // start-end perms offset dev inode [path]; the path may contain spaces.
        String[] f = line.trim().split("\\s+", 6);
        int dash = f[0].indexOf('-');
        return new VmArea(
                Long.parseUnsignedLong(f[0].substring(0, dash), 16),
                Long.parseUnsignedLong(f[0].substring(dash + 1), 16),
                f[1],
                Long.parseUnsignedLong(f[2], 16),
                f[3],
                Long.parseLong(f[4]),
                f.length > 5 ? f[5] : "");
    }

    /** The smaps entries of VMAs that overlap [start, end). */
    public static List<SmapsArea> smaps(long start, long end) {
        return parseSmaps(ProcText.lines("/proc/self/smaps"), start, end);
    }

    /** The entries of smaps text whose VMAs overlap [start, end). */
    public static List<SmapsArea> parseSmaps(List<String> lines, long start, long end) {
        List<SmapsArea> out = new ArrayList<>();
        VmArea current = null;
        Map<String, Long> kb = null;
        List<String> flags = List.of();
        String thp = "";
        for (String line : lines) {
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
                    kb.put(
                            key,
                            Long.parseLong(
                                    value.substring(0, value.length() - 3).trim()));
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

    /**
     * Whether this kernel tracks soft-dirty bits (CONFIG_MEM_SOFT_DIRTY). With it, every new VMA carries VM_SOFTDIRTY,
     * which smaps prints as "sd" in VmFlags, so the process's own VMAs tell without a kernel config file.
     */
    public static boolean softDirtyAvailable() {
        return softDirtyIn(ProcText.lines("/proc/self/smaps"));
    }

    /** Whether any VmFlags line of smaps text holds "sd". */
    public static boolean softDirtyIn(List<String> smapsLines) {
        for (String line : smapsLines) {
            if (line.startsWith("VmFlags:") && (" " + line.substring(8) + " ").contains(" sd ")) return true;
        }
        return false;
    }

    /** /proc/self/smaps_rollup: the process's smaps figures summed over all VMAs (kB). */
    public static Map<String, Long> smapsRollup() {
        return parseRollup(ProcText.lines("/proc/self/smaps_rollup"));
    }

    /** The "Key: N kB" lines of smaps_rollup text, in kB; its first line (the range it covers) is left out. */
    public static Map<String, Long> parseRollup(List<String> lines) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (String line : lines) {
            int colon = line.indexOf(':');
            if (colon < 0 || !line.endsWith(" kB")) continue;
            out.put(
                    line.substring(0, colon),
                    Long.parseLong(line.substring(colon + 1, line.length() - 3).trim()));
        }
        return out;
    }

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
            throw new LinuxException(
                    "write(/proc/self/clear_refs, \"" + value + "\")",
                    e.getMessage() != null && e.getMessage().contains("Invalid argument")
                            ? Errno.EINVAL
                            : Errno.EACCES);
        }
    }
}
