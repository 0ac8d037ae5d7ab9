package dev.pagelab.console.recipe;

import dev.pagelab.console.Outcome;
import dev.pagelab.commands.report.ClearRefsReport;
import dev.pagelab.commands.report.MapsReport;
import dev.pagelab.commands.report.PageState;
import dev.pagelab.commands.report.PagemapReport;
import dev.pagelab.commands.report.Report;
import dev.pagelab.commands.report.ResidencyReport;
import dev.pagelab.commands.report.StepReport;
import java.lang.reflect.RecordComponent;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The figures of one statement's outcome by the names recipes use in {@code expect.NAME}: what a step report says
 * (minor, major, present…), an inspect-pagemap's totals (zero_page, thp, written…), a view's pages per state, and
 * a {@code maps NAME}'s smaps figures (locked_kb, anon_huge_pages_kb, swap_kb… and vm_flags), and for other reports
 * their numeric fields in snake_case. Recording writes expectations with the same names.
 */
public final class Observations {
    /** The smaps lines (Linux 5.10 to 7.2) by the names {@code maps NAME} offers them, each in kB. */
    static final List<String> SMAPS = List.of("Size", "KernelPageSize", "MMUPageSize", "Rss", "Pss", "Pss_Dirty",
            "Pss_Anon", "Pss_File", "Pss_Shmem", "Shared_Clean", "Shared_Dirty", "Private_Clean", "Private_Dirty",
            "Referenced", "Anonymous", "KSM", "LazyFree", "AnonHugePages", "ShmemPmdMapped", "FilePmdMapped",
            "Shared_Hugetlb", "Private_Hugetlb", "Swap", "SwapPss", "Locked");
    /** Figure names of a maps report: each smaps line as NAME_kb, thp_eligible, areas, and the text vm_flags. */
    static final Set<String> MAPS_KEYS = mapsKeys();

    private static Set<String> mapsKeys() {
        Set<String> k = new java.util.TreeSet<>();
        for (String s : SMAPS) k.add(smapsName(s) + "_kb");
        k.add("thp_eligible");
        k.add("areas");
        k.add("vm_flags");
        return java.util.Collections.unmodifiableSet(k);
    }

    /** "AnonHugePages" → "anon_huge_pages", "MMUPageSize" → "mmu_page_size", "Private_Dirty" → "private_dirty". */
    static String smapsName(String smaps) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < smaps.length(); i++) {
            char c = smaps.charAt(i);
            boolean boundary = i > 0 && Character.isUpperCase(c) && (Character.isLowerCase(smaps.charAt(i - 1))
                    || i + 1 < smaps.length() && Character.isLowerCase(smaps.charAt(i + 1)) && Character.isUpperCase(smaps.charAt(i - 1)));
            if (boundary && b.charAt(b.length() - 1) != '_') b.append('_');
            b.append(Character.toLowerCase(c));
        }
        return b.toString();
    }

    public final Map<String, Double> numbers = new LinkedHashMap<>();
    /** For text expectations (error, note): what the outcome said. */
    final Map<String, String> texts = new LinkedHashMap<>();
    /** For present: the value before the step. */
    double presentBefore;

    private Observations() {}

    public static Observations of(Outcome o) {
        Observations obs = new Observations();
        obs.numbers.put("ok", o.ok() ? 1.0 : 0.0);
        // not a figure of the report: the CPUs this process may run on, for tolerances that grow with them (per-CPU
        // batches of pages the kernel has not moved yet)
        obs.numbers.put("cpus", (double) Runtime.getRuntime().availableProcessors());
        if (!o.ok()) {
            String errno = o.error().errnoName() == null ? "" : o.error().errnoName() + " ";
            obs.texts.put("error", errno + o.error().line());
            if (o.error().sample() != null) {
                obs.numbers.put("minor", (double) o.error().sample().minorFaults());
                obs.numbers.put("major", (double) o.error().sample().majorFaults());
            }
            return obs;
        }
        switch (o.report()) {
            case StepReport s -> obs.step(s);
            case PagemapReport p -> obs.pagemap(p);
            case ResidencyReport v -> obs.residency(v);
            case ClearRefsReport c -> obs.clearRefs(c);
            case MapsReport m when !m.areas().isEmpty() -> obs.maps(m);
            default -> obs.fields("", o.report());
        }
        return obs;
    }

    private void step(StepReport s) {
        long minor = s.sample().minorFaults(), major = s.sample().majorFaults();
        put("minor", minor);
        put("major", major);
        put("faults", minor + major);
        put("elapsed_ns", s.sample().elapsedNanos());
        put("process_minor", s.sample().processMinorFaults());
        put("rss_delta", s.rssDelta());
        if (s.pages() >= 0) put("pages", s.pages());
        if (s.presentBefore() >= 0) {
            put("present_before", s.presentBefore());
            put("present_after", s.presentAfter());
            put("present", s.presentAfter());
            presentBefore = s.presentBefore();
        }
        if (s.accesses() >= 0) {
            put("accesses", s.accesses());
            long touched = Math.max(1, Math.min(s.accesses(), s.pages() > 0 ? s.pages() : s.accesses()));
            numbers.put("minor_per_page", (double) minor / touched);
            numbers.put("faults_per_page", (double) (minor + major) / touched);
            if (s.accesses() > 0) numbers.put("ns_per_access", (double) s.sample().elapsedNanos() / s.accesses());
        }
        texts.put("note", String.join("\n", s.notes()));
    }

    private void pagemap(PagemapReport p) {
        put("pages", p.pages());
        put("runs", p.runs().size());
        fields("", p.totals());
        put("zero_page", p.totals().zeroPage());
        // every present run maps one PFN throughout: what the shared zero page looks like
        boolean samePfn = !p.runs().isEmpty();
        for (PagemapReport.Run r : p.runs()) if (r.state().contains("present") && r.pages() > 1 && !r.samePfn()) samePfn = false;
        numbers.put("same_pfn", samePfn ? 1.0 : 0.0);
    }

    private void residency(ResidencyReport v) {
        put("pages", v.pages());
        long inUse = 0;
        for (PageState st : PageState.values()) {
            put(st.name().toLowerCase(Locale.ROOT), v.count(st));
            if (st.inUse()) inUse += v.count(st);
        }
        put("in_use", inUse);
    }

    /** One mapping's smaps, summed over its areas (a partial mprotect or mlock splits it). */
    private void maps(MapsReport m) {
        Map<String, Long> kb = new LinkedHashMap<>();
        long eligible = 1;
        java.util.Set<String> flags = new java.util.LinkedHashSet<>();
        for (MapsReport.Area a : m.areas()) {
            a.kb().forEach((k, v) -> kb.merge(k, v, Long::sum));
            if (!"1".equals(a.thpEligible())) eligible = 0;
            flags.addAll(a.vmFlags());
        }
        for (String s : SMAPS) put(smapsName(s) + "_kb", kb.getOrDefault(s, 0L));
        put("thp_eligible", eligible);
        put("areas", m.areas().size());
        texts.put("vm_flags", String.join(" ", flags));
    }

    private void clearRefs(ClearRefsReport c) {
        long prot = 0, present = 0;
        for (ClearRefsReport.Row r : c.mappings()) {
            prot += Math.max(0, r.protectedPages());
            present += r.present();
        }
        put("protected", prot);
        put("present", present);
        if (c.before() >= 0) {
            put("before_kb", c.before());
            put("after_kb", c.after());
        }
    }

    /** Numeric and boolean components of a record (and of records inside it), by snake_case name. */
    private void fields(String prefix, Object record) {
        if (record == null || !record.getClass().isRecord()) return;
        for (RecordComponent rc : record.getClass().getRecordComponents()) {
            Object v;
            try {
                v = rc.getAccessor().invoke(record);
            } catch (ReflectiveOperationException | RuntimeException e) {
                continue;
            }
            String name = prefix + snake(rc.getName());
            if (v instanceof Number n) numbers.put(name, n.doubleValue());
            else if (v instanceof Boolean b) numbers.put(name, b ? 1.0 : 0.0);
            else if (v != null && v.getClass().isRecord() && prefix.isEmpty()) fields("", v);
        }
    }

    private void put(String key, long v) { numbers.put(key, (double) v); }

    static String snake(String camel) {
        StringBuilder b = new StringBuilder();
        for (char c : camel.toCharArray()) {
            if (Character.isUpperCase(c)) b.append('_').append(Character.toLowerCase(c));
            else b.append(c);
        }
        return b.toString();
    }

    /** The verdict on one expectation: passed, and what was observed, as text. */
    record Verdict(Expectation expectation, boolean passed, String observed) {}

    /**
     * Judges one expectation; figures it names are this step's, or with {@code previous.} those of {@code previous}
     * (the step before that ran a command, or null).
     */
    Verdict check(Expectation e, Observations previous) {
        if (!e.terms().isEmpty()) {
            String[] missing = new String[1];
            Expectation resolved = e.resolve(name -> name.startsWith(Expectation.PREVIOUS)
                    ? previous == null ? null : previous.numbers.get(name.substring(Expectation.PREVIOUS.length()))
                    : numbers.get(name), missing);
            if (resolved == null) {
                return new Verdict(e, false, missing[0].startsWith(Expectation.PREVIOUS) && previous == null
                        ? "no step ran before this one" : "no figure '" + missing[0] + "' to compare with");
            }
            Verdict v = check(resolved, null);
            String value = Observations.format(resolved.a());
            return new Verdict(e, v.passed(), v.observed() + (v.observed().equals(value) ? "" : ", against " + value));
        }
        return check(e);
    }

    Verdict check(Expectation e) {
        if (e.relation() == Expectation.Relation.TEXT) {
            String t = texts.get(e.key());
            if (t == null) return new Verdict(e, false, e.key().equals("error") ? "the step succeeded" : "no " + e.key());
            boolean ok = t.toLowerCase(Locale.ROOT).contains(e.text().toLowerCase(Locale.ROOT));
            return new Verdict(e, ok, t.isEmpty() ? "nothing" : "\"" + firstLine(t) + "\"");
        }
        Double v = numbers.get(e.key());
        if (v == null) {
            return new Verdict(e, false, texts.containsKey("error") && !e.key().equals("ok")
                    ? "the step failed: " + firstLine(texts.get("error")) : "this step reports no '" + e.key() + "' (it has: "
                    + String.join(", ", numbers.keySet()) + ")");
        }
        boolean ok = e.holds(presentBefore, v);
        String observed = e.relation() == Expectation.Relation.TRANSITION
                ? Expectation.Num.format(presentBefore) + " -> " + Expectation.Num.format(v)
                : e.key().equals("ok") ? (v == 1 ? "true" : "false") : format(v);
        return new Verdict(e, ok, observed);
    }

    public static String format(double v) {
        if (v == Math.rint(v)) return Expectation.Num.format(v);
        return String.format(Locale.ROOT, "%.3f", v);
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
