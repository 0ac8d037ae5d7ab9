package dev.pagelab.commands.inspect;

import dev.pagelab.commands.Args;
import dev.pagelab.commands.BaseCommand;
import dev.pagelab.commands.CommandError;
import dev.pagelab.commands.CommandLine;
import dev.pagelab.commands.Completions;
import dev.pagelab.commands.Session;
import dev.pagelab.commands.Sizes;
import dev.pagelab.commands.mapping.Target;
import dev.pagelab.commands.report.Report;
import dev.pagelab.linux.PageGeometry;
import dev.pagelab.linux.proc.Pagemap;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code view RANGE [--rows N] [--cell SIZE] [--method scan|pread]}: the residency picture of a mapping, one cell per
 * page or per group of pages. The command reads the states; the console draws them for its width.
 */
public final class ViewCommand extends BaseCommand {
    /** The words of {@code --method}, shared with inspect-pagemap. */
    static final String[] METHODS = {"scan", "pread"};

    private static final Args.OptionSpec OPTIONS =
            Args.OptionSpec.of(Set.of(), Set.of("rows", "cell", "method")).withChoices("method", METHODS);
    static final int MAX_ROWS = 200;

    public ViewCommand() {
        super("view", OPTIONS);
    }

    @Override
    public List<String> complete(Session session, List<String> before, int wordIndex) {
        String prev = before.isEmpty() ? "" : before.get(before.size() - 1);
        if (prev.equals("--rows")) return List.of("4", "8", "16", "32");
        if (prev.equals("--cell"))
            return List.of("1p", "16p", Sizes.format(PageGeometry.current().pmdSize()));
        return Completions.rangesAndOptions(session, OPTIONS);
    }

    @Override
    public Report run(Session session, CommandLine line) throws CommandError {
        Args a = Args.parse(line, OPTIONS);
        if (a.positional().isEmpty())
            throw CommandError.usage(0, "view needs a mapping", "e.g. 'view m1' or 'view m1[0:1M]'");
        a.atMost(1, "view RANGE [--rows N] [--cell SIZE] [--method scan|pread]");
        Target t = session.resolve(a.positional().get(0), false);
        session.checkPagemapReadable(t, "view");
        int rows = a.integer("rows", 1, MAX_ROWS, 0, "a number of rows");
        long cellPages = 0;
        if (a.has("cell")) {
            Args.Option o = a.option("cell");
            cellPages = cellPages(o, t.mapping().geometry());
        }
        return Residency.read(session, t, method(a), rows, cellPages);
    }

    /** {@code --cell SIZE} in base pages of {@code g}. */
    public static long cellPages(Args.Option o, PageGeometry g) throws CommandError {
        long bytes = Sizes.parse(o.value(), g.pageSize(), o.index(), "cell size");
        if (bytes < g.pageSize() || !g.aligned(bytes)) {
            throw CommandError.usage(
                    o.index(),
                    "a cell is a whole number of " + Sizes.exact(g.pageSize()) + " pages, not " + Sizes.format(bytes),
                    "e.g. --cell 1p, --cell " + Sizes.format(16 * g.pageSize()) + " or --cell "
                            + Sizes.format(g.pmdSize()));
        }
        return g.pages(bytes);
    }

    /** {@code --method scan|pread}, shared with inspect-pagemap. */
    static Residency.Method method(Args a) throws CommandError {
        if (!a.has("method")) return Residency.defaultMethod();
        Args.Option o = a.option("method");
        return switch (o.value().toLowerCase(Locale.ROOT)) {
            case "scan", "pagemap_scan" -> {
                if (!Pagemap.scanSupported()) {
                    throw CommandError.usage(
                            o.index(), "this kernel has no PAGEMAP_SCAN ioctl (Linux 6.7)", "use --method pread");
                }
                yield Residency.Method.SCAN;
            }
            case "pread", "read" -> Residency.Method.PREAD;
            default ->
                throw CommandError.usage(
                        o.index(), "'" + o.value() + "' is not a method", OPTIONS.choicesHint("method"));
        };
    }
}
