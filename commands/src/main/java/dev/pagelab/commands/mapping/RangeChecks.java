package dev.pagelab.commands.mapping;

import dev.pagelab.commands.CommandError;
import dev.pagelab.commands.Sizes;

/** Checks shared by commands that pass a range to the kernel. */
final class RangeChecks {
    private RangeChecks() {}

    /**
     * The whole range must still be the user's: after a partial unmap, another mapping (the JVM's) may sit in
     * the hole, and a syscall over it would change memory pagelab does not own.
     */
    static void mapped(Target t, String verb) throws CommandError {
        long hole = t.mapping().firstHole(t.offset(), t.length());
        if (hole >= 0) {
            throw CommandError.refused(
                    t.text(),
                    "offset " + Sizes.format(hole) + " of " + t.mapping().name() + " was unmapped",
                    verb + " only mapped parts ('list' shows them): the hole may now hold another mapping");
        }
    }
}
