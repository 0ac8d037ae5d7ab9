/**
 * The commands that read without changing memory — inspect-pagemap, view, maps, kernel — and clear-refs, which resets
 * the bits they read; with the pagemap walks they share ({@link dev.pagelab.commands.inspect.Residency},
 * {@link dev.pagelab.commands.inspect.MappedPages}). Not exported.
 */
package dev.pagelab.commands.inspect;
