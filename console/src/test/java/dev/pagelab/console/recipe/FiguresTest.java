package dev.pagelab.console.recipe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pagelab.commands.CommandError;
import dev.pagelab.commands.report.Figure;
import dev.pagelab.commands.report.Figures;
import dev.pagelab.commands.report.StepReport;
import dev.pagelab.console.Outcome;
import dev.pagelab.linux.measure.FaultSample;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The one list of figures, as recipes see it: the names they may use, and the values a step gives them. */
class FiguresTest {
    /** Every name recipes could use before the figures were declared in one place, and no other. */
    @Test
    void recipeKeysAreTheNamesRecipesHaveAlwaysUsed() {
        Set<String> before = new HashSet<>(List.of(
                "ok",
                "error",
                "note",
                "minor",
                "major",
                "faults",
                "elapsed_ns",
                "process_minor",
                "rss_delta",
                "pages",
                "present",
                "present_before",
                "present_after",
                "accesses",
                "minor_per_page",
                "faults_per_page",
                "ns_per_access",
                "runs",
                "swapped",
                "file",
                "exclusive",
                "soft_dirty",
                "zero_page",
                "thp",
                "hugetlb",
                "locked",
                "guard",
                "written",
                "same_pfn",
                "not_present",
                "unmapped",
                "huge",
                "zero",
                "in_use",
                "protected",
                "before_kb",
                "after_kb",
                "cpus",
                "thp_eligible",
                "areas",
                "vm_flags"));
        for (String s : Figures.SMAPS) before.add(Figures.smapsName(s) + "_kb");
        assertThat(RecipeParser.KEYS).containsExactlyInAnyOrderElementsOf(before);
        assertThat(Figures.recipeNames())
                .filteredOn(Expectation::textKey)
                .containsExactlyInAnyOrder("error", "note", "vm_flags");
    }

    /** Within one object no two fields share a name, nor within one kind two recipe figures (they are flattened). */
    @Test
    void namesAreSnakeCaseAndUnique() {
        for (Figures.Kind k : Figures.Kind.values()) {
            List<Figure> all = new ArrayList<>(Figures.COMMON);
            all.addAll(k.figures());
            jsonNamesUnique(k.key(), all);
            List<String> recipe = new ArrayList<>();
            collectRecipe(all, recipe);
            assertThat(recipe).as(k.key() + ": recipe names").doesNotHaveDuplicates();
        }
    }

    private static void jsonNamesUnique(String where, List<Figure> figures) {
        List<String> names =
                figures.stream().map(Figure::json).filter(n -> n != null).toList();
        assertThat(names).as(where).doesNotHaveDuplicates().allMatch(n -> n.matches("[a-z][a-z0-9_]*"), "snake_case");
        for (Figure f : figures) if (!f.fields().isEmpty()) jsonNamesUnique(where + "." + f.name(), f.fields());
    }

    private static void collectRecipe(List<Figure> figures, List<String> out) {
        for (Figure f : figures) {
            if (f.recipe() != null) out.add(f.recipe());
            if (f.type() == Figure.Type.OBJECT) collectRecipe(f.fields(), out);
        }
    }

    @Test
    void aTouchGivesItsFiguresAndItsPerPageFigures() {
        StepReport touch = new StepReport(
                "touch",
                "m1",
                "write, seq, 16 accesses",
                new FaultSample(16, 0, 3200, 17, 0),
                OptionalLong.of(16),
                Optional.of(new StepReport.Present(4, 16)),
                new StepReport.Rss(100, 4196),
                Optional.of(new StepReport.Accesses(16, 16)),
                Optional.empty(),
                new LinkedHashMap<>(),
                List.of("a note"),
                Optional.empty());
        Observations o = Observations.of(new Outcome("touch m1", "touch", touch, null));
        Map<String, Double> n = o.numbers;
        assertThat(n)
                .containsEntry("ok", 1.0)
                .containsEntry("minor", 16.0)
                .containsEntry("major", 0.0)
                .containsEntry("faults", 16.0)
                .containsEntry("present_before", 4.0)
                .containsEntry("present", 16.0)
                .containsEntry("rss_delta", 4096.0)
                .containsEntry("process_minor", 17.0)
                .containsEntry("pages", 16.0)
                .containsEntry("accesses", 16.0)
                .containsEntry("minor_per_page", 1.0)
                .containsEntry("ns_per_access", 200.0)
                .containsEntry("elapsed_ns", 3200.0);
        assertThat(o.texts).containsEntry("note", "a note");
        assertThat(o.presentBefore).isEqualTo(4.0);
    }

    @Test
    void aProcessWideStepHasNoPresentOrPages() {
        StepReport lockall = new StepReport(
                "lockall",
                null,
                "mlockall(MCL_CURRENT)",
                new FaultSample(5, 0, 10, 5, 0),
                OptionalLong.empty(),
                Optional.empty(),
                new StepReport.Rss(0, 0),
                Optional.empty(),
                Optional.empty(),
                new LinkedHashMap<>(),
                List.of(),
                Optional.empty());
        Observations o = Observations.of(new Outcome("lockall current", "lockall", lockall, null));
        assertThat(o.numbers)
                .containsEntry("minor", 5.0)
                .doesNotContainKeys("present", "present_before", "pages", "accesses", "minor_per_page");
    }

    @Test
    void anErrorBeforeAnyMeasurementHasNoFaultFigures() {
        CommandError e = CommandError.refused("nosuch", "no mapping named 'nosuch'", "'list' shows them");
        Observations o = Observations.of(new Outcome("touch nosuch", "touch", null, e));
        assertThat(o.numbers).containsEntry("ok", 0.0).doesNotContainKeys("minor", "major");
        assertThat(o.texts.get("error")).contains("no mapping named 'nosuch'");
    }
}
