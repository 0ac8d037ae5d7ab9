package dev.pagelab.linux.proc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** The running kernel's release and the hypervisor under it, from /proc and /sys. */
public final class Machine {
    private Machine() {}

    /** /proc/sys/kernel/osrelease, e.g. {@code 6.12.48+deb13-amd64}. */
    public static String kernelRelease() {
        return ProcText.read("/proc/sys/kernel/osrelease").trim();
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
        boolean flag;
        try (var lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            flag = hypervisorFlag(
                    lines.filter(l -> l.startsWith("flags")).limit(1).toList());
        } catch (IOException | UncheckedIOException e) {
            return Optional.empty();
        }
        if (!flag) return Optional.empty();
        String vendor = ProcText.firstLine("/sys/class/dmi/id/sys_vendor");
        if (vendor.isEmpty()) vendor = ProcText.firstLine("/sys/hypervisor/type");
        if (vendor.isEmpty()) {
            vendor = clockSourceVendor(
                    ProcText.firstLine("/sys/devices/system/clocksource/clocksource0/available_clocksource"));
        }
        return Optional.of(vendor.isEmpty() ? "a hypervisor" : vendor);
    }

    /** Whether the first "flags" line of cpuinfo text holds the word "hypervisor". */
    public static boolean hypervisorFlag(List<String> cpuinfoLines) {
        return cpuinfoLines.stream()
                .filter(l -> l.startsWith("flags"))
                .findFirst()
                .map(l -> (" " + l.substring(l.indexOf(':') + 1) + " ").contains(" hypervisor "))
                .orElse(false);
    }

    /** The hypervisor a paravirtual clock source names (available_clocksource text), "" for none. */
    public static String clockSourceVendor(String availableClocksource) {
        String clocks = " " + availableClocksource + " ";
        return clocks.contains(" kvm-clock ")
                ? "KVM"
                : clocks.contains(" hyperv_clocksource") ? "Hyper-V" : clocks.contains(" xen ") ? "Xen" : "";
    }
}
