/**
 * The commands whose subject is the machine rather than one mapping: the page cache of files (cache, evict), the
 * hugetlb pool, resource limits, and bench, which sweeps populate strategies in mappings of its own. Not exported.
 */
package dev.pagelab.commands.machine;
