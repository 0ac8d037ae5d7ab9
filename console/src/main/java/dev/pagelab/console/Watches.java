package dev.pagelab.console;

import dev.pagelab.commands.CommandError;
import dev.pagelab.commands.report.ResidencyReport;
import java.util.ArrayList;
import java.util.List;

/**
 * The ranges whose residency picture is redrawn under every step report ({@code watch}, {@code unwatch}). Pictures
 * are read through {@code view} on the step thread like any command that reads the session, so a watched range
 * costs its pagemap reads after the measured window, never inside it.
 */
final class Watches {
    /** A watched range; {@code rows} 0 lets the screen decide. */
    record Watch(String target, int rows) {}

    /** Reads the picture of a range now, as {@code view RANGE} would. */
    interface Viewer {
        ResidencyReport view(String target) throws CommandError;
    }

    /** Where a redrawn picture goes: the renderer chosen at start, with the share of the screen it may take. */
    interface Sink {
        void picture(String target, ResidencyReport picture, int rows);

        void dropped(String target, CommandError why);
    }

    private final List<Watch> watches = new ArrayList<>();
    private final Viewer viewer;

    Watches(Viewer viewer) {
        this.viewer = viewer;
    }

    List<Watch> all() {
        return List.copyOf(watches);
    }

    boolean isEmpty() {
        return watches.isEmpty();
    }

    List<String> targets() {
        return watches.stream().map(Watch::target).toList();
    }

    /** Resolves {@code target} now, so a typo is refused when typed rather than at the next step. */
    ResidencyReport view(String target) throws CommandError {
        return viewer.view(target);
    }

    void watch(String target, int rows) {
        for (int i = 0; i < watches.size(); i++) {
            if (watches.get(i).target().equals(target)) {
                watches.set(i, new Watch(target, rows));
                return;
            }
        }
        watches.add(new Watch(target, rows));
    }

    boolean unwatch(String target) {
        return watches.removeIf(w -> w.target().equals(target));
    }

    void clear() {
        watches.clear();
    }

    /**
     * Draws every watched picture in its compact form. At 80×24 a step report (3 lines), one picture (header, 8
     * rows, legend) and the prompt fit together; with several, each gets its share of the screen. A range that can
     * no longer be drawn (unmapped) is dropped with a word why.
     */
    void redraw(int screenHeight, Sink sink) {
        for (Watch w : List.copyOf(watches)) {
            ResidencyReport r;
            try {
                r = viewer.view(w.target());
            } catch (CommandError e) {
                watches.remove(w);
                sink.dropped(w.target(), e);
                continue;
            }
            int share = screenHeight > 0 ? Math.max(2, Math.min(8, (screenHeight - 9) / watches.size() - 2)) : 8;
            sink.picture(w.target(), r, w.rows() > 0 ? w.rows() : share);
        }
    }
}
