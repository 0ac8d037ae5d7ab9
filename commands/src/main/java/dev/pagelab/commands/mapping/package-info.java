/**
 * The commands that create, change and touch mappings — map, unmap, protect, advise, lock/unlock, lockall/unlockall,
 * touch, list — with what they share: resolving a {@code name[off:len]} target, the measured step
 * ({@link dev.pagelab.commands.mapping.Steps}), the checks that refuse a touch before it could fault the JVM, and
 * the hints each errno gets. Not exported: the console reaches them through the registry.
 */
package dev.pagelab.commands.mapping;
