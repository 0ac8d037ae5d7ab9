/** The only module that calls libc or reads /proc. */
module dev.pagelab.linux {
    exports dev.pagelab.linux;
}
