/** The only module that calls libc or reads /proc. */
module dev.pagelab.linux {
    // the C library's calls and constants, the kernel's errors, page geometry
    exports dev.pagelab.linux;
    // readers of /proc and /sys: pagemap, kpageflags, maps and smaps, meminfo, THP and hugetlb settings, the profile
    exports dev.pagelab.linux.proc;
    // the measured window: per-thread fault counters, clocks, the touch loop
    exports dev.pagelab.linux.measure;
// dev.pagelab.linux.ffm (the linker and its layouts) stays inside: only this module makes downcalls
}
