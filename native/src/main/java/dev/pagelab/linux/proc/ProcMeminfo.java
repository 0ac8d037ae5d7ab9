package dev.pagelab.linux.proc;

import dev.pagelab.linux.PageGeometry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Memory figures: the machine's (/proc/meminfo, /proc/vmstat) and this process's (/proc/self/statm,
 * /proc/self/status). Each parser takes the text, so that it can be tested on canned files ({@link KernelCounters}
 * parses meminfo and vmstat). Read outside any measured window.
 */
public final class ProcMeminfo {
    private ProcMeminfo() {}

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
            text = ProcText.readKept(path, previous == null ? 8192 : Math.max(8192, previous.size() * 64));
        } catch (IOException e) {
            throw new UncheckedIOException(path + ": " + e.getMessage(), e);
        }
        if (text == null) throw new UncheckedIOException(new java.io.FileNotFoundException(path));
        return KernelCounters.parse(text, text.length, previous);
    }

    /** Swap configured on this machine (/proc/meminfo SwapTotal), in bytes; 0 when there is none. */
    public static long swapTotalBytes() {
        return bytes(meminfo(), "SwapTotal");
    }

    public static long memAvailableBytes() {
        return bytes(meminfo(), "MemAvailable");
    }

    /** A kB figure of parsed meminfo in bytes, 0 when the file has no such line. */
    public static long bytes(Map<String, Long> meminfo, String key) {
        return meminfo.getOrDefault(key, 0L) * 1024;
    }

    /** Resident set size of this process, from /proc/self/statm (field 2, in pages). */
    public static long rssBytes() {
        return statmRssPages(ProcText.read("/proc/self/statm"))
                * PageGeometry.current().pageSize();
    }

    /** Field 2 of statm text ("size resident shared text lib data dt", in pages): the resident pages. */
    public static long statmRssPages(String statm) {
        String[] f = statm.trim().split("\\s+");
        return Long.parseLong(f[1]);
    }

    /** "Key: value" lines of /proc/self/status. */
    public static Map<String, String> status() {
        return parseStatus(ProcText.lines("/proc/self/status"));
    }

    /** The "Key: value" lines of status text, values trimmed, in file order. */
    public static Map<String, String> parseStatus(List<String> lines) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : lines) {
            int colon = line.indexOf(':');
            if (colon > 0)
                out.put(line.substring(0, colon), line.substring(colon + 1).trim());
        }
        return out;
    }

    /** A "NNN kB" field of /proc/self/status in kB (VmHWM, VmRSS…), -1 when absent. */
    public static long statusKb(String key) {
        return kb(status(), key);
    }

    /** A "NNN kB" value of parsed status text in kB, -1 when absent or not in kB. */
    public static long kb(Map<String, String> status, String key) {
        String v = status.get(key);
        if (v == null || !v.endsWith(" kB")) return -1;
        return Long.parseLong(v.substring(0, v.length() - 3).trim());
    }
}
