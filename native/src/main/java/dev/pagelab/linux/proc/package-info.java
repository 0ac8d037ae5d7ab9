/**
 * What the kernel says about memory in /proc and /sys: pagemap entries and the PAGEMAP_SCAN ioctl (emulated where
 * the kernel lacks it), kpageflags, maps and smaps, meminfo and vmstat, THP and hugetlb settings, capabilities, the
 * machine, and the {@link dev.pagelab.linux.proc.KernelProfile} probed once per process. Each text parser is tested
 * on canned /proc text.
 */
package dev.pagelab.linux.proc;
