package dev.pagelab.commands;

import dev.pagelab.linux.LinuxException;
import dev.pagelab.linux.Userfaultfd;
import dev.pagelab.linux.proc.Pagemap;
import dev.pagelab.linux.proc.PagemapEntry;
import dev.pagelab.linux.proc.ProcMaps;

/**
 * Which pages were written since a point in time. Kernels built with CONFIG_MEM_SOFT_DIRTY answer with the
 * soft-dirty bit (pagemap bit 55, cleared by writing 4 to /proc/self/clear_refs). Kernels without it (this
 * project's CI machine among them) can answer with userfaultfd's asynchronous write-protect (6.7+): the range is
 * registered, every page is write-protected, and PAGEMAP_SCAN's "written" category marks those written since.
 * Both cost the same thing on the next write to each page: one minor fault, in which the kernel notes the write.
 */
public final class WriteTracking {
    public enum Mechanism {
        SOFT_DIRTY("soft-dirty bits (clear_refs 4, pagemap bit 55)"),
        UFFD_WP_ASYNC("userfaultfd async write-protect + PAGEMAP_SCAN 'written'");

        private final String description;

        Mechanism(String description) {
            this.description = description;
        }

        public String description() {
            return description;
        }
    }

    /** The mechanism this kernel offers, or the reason there is none. */
    public record Availability(Mechanism mechanism, String unavailableReason) {}

    private static volatile Availability availability;

    private WriteTracking() {}

    public static Availability availability() {
        Availability a = availability;
        if (a == null) {
            if (ProcMaps.softDirtyAvailable()) {
                a = new Availability(Mechanism.SOFT_DIRTY, null);
            } else if (!Pagemap.scanSupported()) {
                a = new Availability(
                        null,
                        "this kernel has neither soft-dirty tracking (CONFIG_MEM_SOFT_DIRTY) nor "
                                + "PAGEMAP_SCAN (Linux 6.7) for userfaultfd write-protect tracking");
            } else {
                try (Userfaultfd probe = Userfaultfd.openAsyncWriteProtect()) {
                    a = new Availability(Mechanism.UFFD_WP_ASYNC, null);
                } catch (LinuxException e) {
                    a = new Availability(
                            null,
                            "this kernel has no soft-dirty tracking (CONFIG_MEM_SOFT_DIRTY) and "
                                    + "userfaultfd write-protect failed: " + e.getMessage());
                }
            }
            availability = a;
        }
        return a;
    }

    /** Whether the page of {@code e} was written since tracking was armed, for a mapping tracked by {@code m}. */
    public static boolean written(PagemapEntry e, Mechanism m) {
        if (m == null || !(e.present() || e.swapped())) return false;
        return m == Mechanism.SOFT_DIRTY ? e.softDirty() : !e.uffdWriteProtected();
    }

    /** PAGEMAP_SCAN categories that all mean "written since", for {@code m}. */
    public static long writtenCategories(Mechanism m) {
        return m == Mechanism.SOFT_DIRTY
                ? Pagemap.PAGE_IS_SOFT_DIRTY
                : Pagemap.PAGE_IS_WRITTEN | Pagemap.PAGE_IS_WPALLOWED;
    }
}
