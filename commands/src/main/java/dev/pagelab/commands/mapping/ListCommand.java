package dev.pagelab.commands.mapping;

import dev.pagelab.commands.Args;
import dev.pagelab.commands.BaseCommand;
import dev.pagelab.commands.CommandError;
import dev.pagelab.commands.CommandLine;
import dev.pagelab.commands.Mapping;
import dev.pagelab.commands.Session;
import dev.pagelab.commands.Sizes;
import dev.pagelab.commands.inspect.MapsCommand;
import dev.pagelab.commands.report.ListReport;
import dev.pagelab.commands.report.Report;
import dev.pagelab.linux.LinuxException;
import dev.pagelab.linux.proc.ProcMaps;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** {@code list}: the session's mappings. Protections and locked bytes come from the kernel (smaps), not memory. */
public final class ListCommand extends BaseCommand {

    public ListCommand() {
        super("list", Args.OptionSpec.NONE);
    }

    @Override
    public List<String> complete(Session session, List<String> before, int wordIndex) {
        return List.of();
    }

    @Override
    public Report run(Session session, CommandLine line) throws CommandError {
        Args.parse(line, Args.OptionSpec.NONE).atMost(0, "list");
        long t0 = System.nanoTime();
        List<ListReport.Row> rows = new ArrayList<>();
        for (Mapping m : session.mappings()) {
            Set<String> prots = new LinkedHashSet<>();
            long locked = 0;
            for (ProcMaps.SmapsArea s : ProcMaps.smaps(m.base(), m.end())) {
                if (MapsCommand.labelFor(session, s.area()).isEmpty()) continue;
                prots.add(s.area().perms());
                locked += s.kb().getOrDefault("Locked", 0L) * 1024;
            }
            long present;
            try {
                present = session.present(m);
            } catch (LinuxException e) {
                present = -1;
            }
            rows.add(new ListReport.Row(
                    m.name(),
                    m.base(),
                    m.end(),
                    m.length(),
                    m.liveBytes(),
                    m.hugetlb()
                            ? "hugetlb " + Sizes.format(m.pageSize())
                            : m.kind().label(),
                    String.join(",", prots),
                    locked,
                    present,
                    String.join(" ", m.creation())));
        }
        return new ListReport(rows, System.nanoTime() - t0);
    }
}
