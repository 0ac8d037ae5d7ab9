package dev.pagelab.linux.proc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pagelab.linux.FileStat;
import dev.pagelab.linux.Limits;
import dev.pagelab.linux.LinuxConstants;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The parsers of sysfs settings and small /proc files on canned text: THP's bracketed choices and mTHP sizes, a
 * hugetlb pool directory, CapEff, /proc/self/limits, mountinfo, and the hypervisor hints.
 */
class SysSettingsTest {
    @Test
    void thpChoicesAreTheBracketedWord() {
        assertThat(ProcText.bracketed("always [madvise] never\n")).isEqualTo("madvise");
        assertThat(ProcText.bracketed("[always] inherit madvise never\n")).isEqualTo("always");
        assertThat(ProcText.bracketed("always defer defer+madvise [madvise] never\n"))
                .isEqualTo("madvise");
        assertThat(ProcText.bracketed("always within_size advise [never] deny force\n"))
                .isEqualTo("never");
        assertThat(ProcText.bracketed("2097152\n"))
                .as("unbracketed: the whole value")
                .isEqualTo("2097152");
    }

    @Test
    void mthpSizesFromDirectoryNames() {
        assertThat(ThpSettings.sizesKb(new String[] {
                    "enabled",
                    "hugepages-2048kB",
                    "defrag",
                    "hugepages-64kB",
                    "khugepaged",
                    "hugepages-16kB",
                    "hpage_pmd_size",
                    "hugepages-xkB"
                }))
                .containsExactly(16, 64, 2048);
        assertThat(ThpSettings.sizesKb(new String[0])).isEmpty();
    }

    @Test
    void aHugetlbPoolDirectory(@TempDir Path root) throws Exception {
        Path two = Files.createDirectories(root.resolve("hugepages-2048kB"));
        Files.writeString(two.resolve("nr_hugepages"), "4\n");
        Files.writeString(two.resolve("free_hugepages"), "3\n");
        Files.writeString(two.resolve("resv_hugepages"), "1\n");
        Files.writeString(two.resolve("surplus_hugepages"), "0\n");
        Files.writeString(two.resolve("nr_overcommit_hugepages"), "2\n");
        Path gig = Files.createDirectories(root.resolve("hugepages-1048576kB"));
        Files.writeString(gig.resolve("nr_hugepages"), "0\n"); // the other files missing
        Files.createDirectories(root.resolve("not-a-pool"));

        assertThat(HugetlbPool.sizes(root)).containsExactly(2L << 20, 1L << 30);
        assertThat(HugetlbPool.read(root.toString(), 2L << 20)).contains(new HugetlbPool(2L << 20, 4, 3, 1, 0, 2));
        assertThat(HugetlbPool.read(root.toString(), 1L << 30))
                .as("an incomplete pool")
                .isEmpty();
        assertThat(HugetlbPool.read(root.toString(), 32L << 20))
                .as("no such size")
                .isEmpty();
        assertThat(HugetlbPool.sizes(root.resolve("absent"))).isEmpty();
    }

    @Test
    void effectiveCapabilitiesFromStatus() {
        long eff = Capabilities.effective(List.of(
                "Name:\tjava",
                "CapInh:\t0000000000000000",
                "CapPrm:\t000001fffeffffff",
                "CapEff:\t000001fffeffffff",
                "CapBnd:\t000001ffffffffff"));
        assertThat(eff).isEqualTo(0x1fffeffffffL);
        assertThat(eff & (1L << LinuxConstants.CAP_IPC_LOCK)).isNotZero();
        assertThat(eff & (1L << LinuxConstants.CAP_SYS_ADMIN)).isNotZero();
        assertThat(eff & (1L << 24)).as("CAP_SYS_RESOURCE dropped").isZero();
        long unprivileged = Capabilities.effective(List.of("CapPrm:\t0000000000000000", "CapEff:\t0000000000000000"));
        assertThat(unprivileged).isZero();
        assertThat(Capabilities.effective(List.of("Name:\tx")))
                .as("no CapEff line")
                .isZero();
        assertThat(Capabilities.effective(List.of("CapEff:\tffffffffffffffff")))
                .as("all 64 bits")
                .isEqualTo(-1L);
    }

    @Test
    void memlockLimitFromProcLimits() {
        String head = "Limit                     Soft Limit           Hard Limit           Units     ";
        assertThat(Limits.memlockLimit(List.of(
                        head,
                        "Max processes             96367                96367                processes ",
                        "Max locked memory         8388608              16777216             bytes     ")))
                .isEqualTo(8388608);
        assertThat(Limits.memlockLimit(List.of(
                        head, "Max locked memory         unlimited            unlimited            bytes     ")))
                .isEqualTo(-1);
        assertThat(Limits.memlockLimit(List.of(
                        head, "Max locked memory         0                    0                    bytes     ")))
                .isZero();
        assertThat(Limits.memlockLimit(List.of(head))).as("absent").isEqualTo(-1);
    }

    @Test
    void mountTypeByDevice() {
        List<String> mountinfo = List.of(
                "22 27 0:21 / /proc rw,relatime - proc proc rw",
                "27 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw,errors=remount-ro",
                "40 27 0:35 / /tmp rw,nosuid,nodev shared:20 master:3 - tmpfs tmpfs rw,size=4096k",
                "41 27 254:0 /home /home rw - ext4 /dev/vda rw");
        assertThat(FileStat.mountType(mountinfo, 254, 0)).contains("ext4");
        assertThat(FileStat.mountType(mountinfo, 0, 35))
                .as("optional fields before the separator")
                .contains("tmpfs");
        assertThat(FileStat.mountType(mountinfo, 0, 1)).isEmpty();
    }

    @Test
    void hypervisorHints() {
        assertThat(Machine.hypervisorFlag(
                        List.of("processor\t: 0", "flags\t\t: fpu vme de pse hypervisor lahf_lm", "flags\t\t: fpu")))
                .isTrue();
        assertThat(Machine.hypervisorFlag(List.of("flags\t\t: fpu vme de pse lahf_lm hypervisorx")))
                .isFalse();
        assertThat(Machine.hypervisorFlag(List.of("processor\t: 0"))).isFalse();
        assertThat(Machine.clockSourceVendor("kvm-clock tsc acpi_pm")).isEqualTo("KVM");
        assertThat(Machine.clockSourceVendor("tsc hyperv_clocksource_tsc_page acpi_pm"))
                .isEqualTo("Hyper-V");
        assertThat(Machine.clockSourceVendor("xen tsc")).isEqualTo("Xen");
        assertThat(Machine.clockSourceVendor("tsc hpet acpi_pm")).isEmpty();
    }
}
