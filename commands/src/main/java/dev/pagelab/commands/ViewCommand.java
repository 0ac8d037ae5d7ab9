package dev.pagelab.commands;

import dev.pagelab.linux.Pagemap;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code view RANGE [--rows N] [--cell SIZE] [--method scan|pread]}: the residency picture of a mapping, one cell per
 * page or per group of pages. The command reads the states; the console draws them for its width.
 */
public final class ViewCommand extends BaseCommand {
    private static final Args.OptionSpec OPTIONS = Args.OptionSpec.of(Set.of(), Set.of("rows", "cell", "method"));
    static final int MAX_ROWS = 200;

    public ViewCommand() {
        super("view", OPTIONS);
    }

    @Override
    public List<String> complete(Session session, List<String> before, int wordIndex) {
        String prev = before.isEmpty() ? "" : before.get(before.size() - 1);
        if (prev.equals("--method")) return List.of("scan", "pread");
        if (prev.equals("--rows")) return List.of("4", "8", "16", "32");
        if (prev.equals("--cell")) return List.of("1p", "16p", "2M");
        return Completions.rangesAndOptions(session, OPTIONS);
    }

    @Override
    public Report run(Session session, CommandLine line) throws CommandError {
        Args a = Args.parse(line, OPTIONS);
        if (a.positional().isEmpty()) throw CommandError.usage(0, "view needs a mapping", "e.g. 'view m1' or 'view m1[0:1M]'");
        a.atMost(1, "view RANGE [--rows N] [--cell SIZE] [--method scan|pread]");
        Target t = session.resolve(a.positional().get(0), false);
        int rows = a.integer("rows", 1, MAX_ROWS, 0, "a number of rows");
        long cellPages = 0;
        if (a.has("cell")) {
            Args.Option o = a.option("cell");
            long bytes = Sizes.parse(o.value(), Pagemap.PAGE_SIZE, o.index(), "cell size");
            if (bytes < Pagemap.PAGE_SIZE || bytes % Pagemap.PAGE_SIZE != 0) {
                throw CommandError.usage(o.index(), "a cell is a whole number of 4 KiB pages, not " + Sizes.format(bytes),
                        "e.g. --cell 1p, --cell 64K or --cell 2M");
            }
            cellPages = bytes / Pagemap.PAGE_SIZE;
        }
        return Residency.read(session, t, method(a), rows, cellPages);
    }

    /** {@code --method scan|pread}, shared with inspect-pagemap. */
    static Residency.Method method(Args a) throws CommandError {
        if (!a.has("method")) return Residency.defaultMethod();
        Args.Option o = a.option("method");
        return switch (o.value().toLowerCase(Locale.ROOT)) {
            case "scan", "pagemap_scan" -> {
                if (!Pagemap.scanSupported()) {
                    throw CommandError.usage(o.index(), "this kernel has no PAGEMAP_SCAN ioctl (Linux 6.7)", "use --method pread");
                }
                yield Residency.Method.SCAN;
            }
            case "pread", "read" -> Residency.Method.PREAD;
            default -> throw CommandError.usage(o.index(), "'" + o.value() + "' is not a method", "use scan or pread");
        };
    }
}
