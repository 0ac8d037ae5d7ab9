/**
 * The C library as pagelab calls it, read like C: every constant in {@link dev.pagelab.linux.LinuxConstants} under
 * its header, each downcall with its prototype and man page in the class of its header ({@code Mman},
 * {@code FileIo}, {@code FileStat}, {@code Limits}, {@code Userfaultfd}, {@code PageCache}), errno turned into one
 * {@link dev.pagelab.linux.LinuxException} that names the call; and the page geometry of this machine.
 */
package dev.pagelab.linux;
