package dev.pagelab.commands.inspect;

import dev.pagelab.commands.Args;
import dev.pagelab.commands.BaseCommand;
import dev.pagelab.commands.CommandError;
import dev.pagelab.commands.CommandLine;
import dev.pagelab.commands.Mapping;
import dev.pagelab.commands.Session;
import dev.pagelab.commands.Sizes;
import dev.pagelab.commands.report.MapsReport;
import dev.pagelab.commands.report.Report;
import dev.pagelab.commands.report.VmFlags;
import dev.pagelab.linux.proc.ProcMaps;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** {@code maps [NAME | --all]}: /proc/self/maps with pagelab's mappings labelled; smaps for one mapping. */
public final class MapsCommand extends BaseCommand {
    private static final Args.OptionSpec OPTIONS = Args.OptionSpec.of(Set.of("all"), Set.of());

    public MapsCommand() {
        super("maps", OPTIONS);
    }

    @Override
    public Report run(Session session, CommandLine line) throws CommandError {
        Args a = Args.parse(line, OPTIONS);
        a.atMost(1, "maps [NAME | --all]");
        long t0 = System.nanoTime();
        if (a.has("all") && !a.positional().isEmpty()) {
            throw CommandError.usage(a.positional().get(0).index(), "give a NAME or --all, not both", "e.g. 'maps m1'");
        }
        List<MapsReport.Line> lines = new ArrayList<>();
        List<MapsReport.Area> areas = new ArrayList<>();
        if (a.positional().size() == 1) {
            Mapping m = session.mappingOf(a.positional().get(0));
            for (ProcMaps.SmapsArea s : ProcMaps.smaps(m.base(), m.end())) {
                String label = labelFor(session, s.area());
                if (label.isEmpty()) continue;
                lines.add(new MapsReport.Line(
                        label, s.area().start(), s.area().end(), s.area().line()));
                areas.add(new MapsReport.Area(
                        label,
                        s.area().start(),
                        s.area().end(),
                        s.area().perms(),
                        s.kb(),
                        s.vmFlags(),
                        VmFlags.words(s.vmFlags()),
                        s.thpEligible()));
            }
            return new MapsReport(m.name(), lines, areas, System.nanoTime() - t0);
        }
        for (ProcMaps.VmArea v : ProcMaps.maps()) {
            String label = labelFor(session, v);
            if (label.isEmpty() && !a.has("all")) continue;
            lines.add(new MapsReport.Line(label, v.start(), v.end(), v.line()));
        }
        return new MapsReport(a.has("all") ? "all" : "pagelab", lines, areas, System.nanoTime() - t0);
    }

    /**
     * "m1", "m1[1M:1M]", or "m1+" when the VMA also covers memory that is not the mapping's: the kernel merges
     * adjacent anonymous VMAs with equal flags (two maps side by side, or a JVM thread stack made next to one),
     * and then smaps figures are for the whole merged VMA. "" for VMAs with nothing of the session's.
     */
    public static String labelFor(Session session, ProcMaps.VmArea v) {
        for (Mapping m : session.mappings()) {
            long s = Math.max(v.start(), m.base()), e = Math.min(v.end(), m.end());
            if (s >= e || m.liveWithin(s - m.base(), e - s).isEmpty()) continue;
            boolean merged = v.start() < m.base() || v.end() > m.end() || m.firstHole(s - m.base(), e - s) >= 0;
            String label = s == m.base() && e == m.end()
                    ? m.name()
                    : m.name() + "[" + Sizes.format(s - m.base()) + ":" + Sizes.format(e - s) + "]";
            return merged ? label + "+" : label;
        }
        return "";
    }
}
