package dev.pagelab.commands.machine;

import dev.pagelab.commands.Args;
import dev.pagelab.commands.BaseCommand;
import dev.pagelab.commands.CommandError;
import dev.pagelab.commands.CommandLine;
import dev.pagelab.commands.Session;
import dev.pagelab.commands.Sizes;
import dev.pagelab.commands.report.Report;
import dev.pagelab.commands.report.TextReport;
import dev.pagelab.linux.LinuxException;
import dev.pagelab.linux.proc.HugetlbPool;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code hugepages [SIZE COUNT]}: the hugetlb pools, and (as root) how many persistent huge pages one holds. The
 * session puts back every pool it changed when it ends.
 */
public final class HugepagesCommand extends BaseCommand {
    public HugepagesCommand() {
        super("hugepages", Args.OptionSpec.NONE);
    }

    @Override
    public List<String> complete(Session session, List<String> before, int wordIndex) {
        if (before.isEmpty()) {
            List<String> out = new ArrayList<>();
            for (long size : HugetlbPool.sizes()) out.add(Sizes.format(size));
            out.add("reset");
            return out;
        }
        if (before.size() == 1) return List.of("0", "1", "2", "4", "16");
        return List.of();
    }

    @Override
    public Report run(Session session, CommandLine line) throws CommandError {
        Args a = Args.parse(line, Args.OptionSpec.NONE);
        a.atMost(2, "hugepages [SIZE COUNT]");
        List<String> lines = new ArrayList<>();
        if (a.positional().size() == 1 && a.positional().get(0).text().equals("reset")) {
            boolean any = false;
            for (long size : HugetlbPool.sizes()) any |= session.restoreNow("hugetlb-" + size);
            lines.add(any ? "every pool this session changed is back to its size before" : "no pool was changed");
        } else if (a.positional().size() == 1) {
            throw CommandError.usage(
                    a.positional().get(0).index(),
                    "hugepages SIZE needs a COUNT",
                    "e.g. 'hugepages 2M 4', or 'hugepages' to list");
        }
        if (a.positional().size() == 2) {
            Args.Positional sizeWord = a.positional().get(0),
                    countWord = a.positional().get(1);
            long size = Sizes.parse(sizeWord.text(), 1, sizeWord.index(), "huge page size");
            HugetlbPool before = HugetlbPool.of(size)
                    .orElseThrow(() -> CommandError.usage(
                            sizeWord.index(),
                            "this kernel has no " + Sizes.format(size) + " hugetlb pool",
                            "pools: " + sizes()));
            long count;
            try {
                count = Long.parseLong(countWord.text());
            } catch (NumberFormatException e) {
                count = -1;
            }
            if (count < 0)
                throw CommandError.usage(
                        countWord.index(), "'" + countWord.text() + "' is not a number of pages", "e.g. 4");
            if (count > before.total()) {
                session.checkMemory(
                        Sizes.format(size) + " pool",
                        (count - before.total()) * size,
                        false,
                        "reserving " + (count - before.total()) + " more huge pages");
            }
            try {
                HugetlbPool.setPages(size, count);
            } catch (LinuxException e) {
                throw CommandError.kernel(
                        Sizes.format(size) + " pool",
                        e,
                        e.errno() == 13 || e.errno() == 1
                                ? "sizing a hugetlb pool needs root (write access to /sys/kernel/mm/hugepages)"
                                : "",
                        null);
            }
            // nr_hugepages counts surplus pages too; what the session puts back is the persistent pool
            long original = session.original("hugetlb-" + size, before.total() - before.surplus());
            session.restoreAtClose("hugetlb-" + size, () -> {
                try {
                    HugetlbPool.setPages(size, original);
                } catch (LinuxException ignored) {
                    // leaving: the pool keeps what it has
                }
            });
            HugetlbPool after = HugetlbPool.of(size).orElse(before);
            String granted = after.total() == count
                    ? ""
                    : " — the kernel granted " + after.total()
                            + (after.total() < count
                                    ? " (memory too fragmented for more)"
                                    : " (pages in use stay, as surplus pages)");
            lines.add(Sizes.format(size) + " pool: nr_hugepages " + before.total() + " \u2192 " + count + granted + "; "
                    + original + " again when the session ends");
        }
        lines.add(String.format(
                "%-6s %8s %8s %8s %8s %10s", "size", "total", "free", "reserved", "surplus", "overcommit"));
        for (long size : HugetlbPool.sizes()) {
            HugetlbPool.of(size)
                    .ifPresent(p -> lines.add(String.format(
                            "%-6s %8d %8d %8d %8d %10d",
                            Sizes.format(size), p.total(), p.free(), p.reserved(), p.surplus(), p.overcommit())));
        }
        return new TextReport("hugepages", lines);
    }

    private static String sizes() {
        List<String> out = new ArrayList<>();
        for (long s : HugetlbPool.sizes()) out.add(Sizes.format(s));
        return out.isEmpty() ? "none" : String.join(", ", out);
    }

    @Override
    public boolean changesState() {
        return true;
    }
}
