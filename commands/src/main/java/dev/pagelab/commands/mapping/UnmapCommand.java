package dev.pagelab.commands.mapping;

import dev.pagelab.commands.Args;
import dev.pagelab.commands.BaseCommand;
import dev.pagelab.commands.CommandError;
import dev.pagelab.commands.CommandLine;
import dev.pagelab.commands.Completions;
import dev.pagelab.commands.Mapping;
import dev.pagelab.commands.Session;
import dev.pagelab.commands.Sizes;
import dev.pagelab.commands.report.Report;
import dev.pagelab.commands.report.StepReport;
import dev.pagelab.linux.measure.FaultSample;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** {@code unmap NAME} or {@code unmap RANGE}: munmap(2); a partial unmap leaves a hole in the name's range. */
public final class UnmapCommand extends BaseCommand {
    private static final Args.OptionSpec OPTIONS = Args.OptionSpec.of(Set.of(), Set.of());

    public UnmapCommand() {
        super("unmap", OPTIONS);
    }

    @Override
    public List<String> complete(Session session, List<String> before, int wordIndex) {
        return Completions.ranges(session);
    }

    @Override
    public Report run(Session session, CommandLine line) throws CommandError {
        Args a = Args.parse(line, OPTIONS);
        if (a.positional().isEmpty())
            throw CommandError.usage(0, "unmap needs a mapping", "e.g. 'unmap m1' or 'unmap m1[1M:1M]'");
        a.atMost(1, "unmap NAME[RANGE]");
        Target t = session.resolve(a.positional().get(0), true);
        Mapping m = t.mapping();
        // Only the parts still mapped are passed to munmap: a hole may hold someone else's mapping by now.
        List<long[]> parts = m.liveWithin(t.offset(), t.length());
        if (parts.isEmpty()) {
            throw CommandError.refused(
                    t.text(), "nothing of it is mapped any more", "'list' shows what is left of " + m.name());
        }
        List<String> notes = new ArrayList<>();
        StepReport r = Steps.run(
                session,
                "unmap",
                t.text(),
                "munmap",
                m,
                t.basePages(),
                Steps.details("address", Steps.hex(t.address()), "length_bytes", t.length()),
                notes,
                KernelHints::unmap,
                meter -> {
                    FaultSample s = FaultSample.NONE;
                    for (long[] p : parts) {
                        s = s.plus(meter.munmap(m.base() + p[0], p[1] - p[0]));
                        m.removeLive(p[0], p[1] - p[0]);
                    }
                    return s;
                });
        if (m.fullyUnmapped()) {
            session.remove(m);
            notes.add(m.name() + " is gone");
        } else {
            notes.add(m.name() + " keeps " + Sizes.format(m.liveBytes()) + " of " + Sizes.format(m.length())
                    + "; its offsets are unchanged");
        }
        return r.withPresentAfter(
                m.fullyUnmapped() ? 0 : r.present().orElseThrow().after(), notes);
    }

    @Override
    public boolean changesState() {
        return true;
    }
}
