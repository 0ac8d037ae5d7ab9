package dev.pagelab.console.render;

import dev.pagelab.commands.CommandError;
import dev.pagelab.commands.report.Figure;
import dev.pagelab.commands.report.Figures;
import dev.pagelab.commands.report.LatencyModes;
import dev.pagelab.commands.report.Report;
import dev.pagelab.commands.report.StepReport;
import dev.pagelab.commands.report.SystemActivity;
import dev.pagelab.linux.measure.LatencyHistogram;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reports as one JSON object per line (--json): what the text report says, in fields. Which fields, in which order,
 * is {@link Figures}: this class writes the figures declared there and no others ({@link OutputSchema} describes
 * the same list).
 */
public final class JsonRenderer {
    private JsonRenderer() {}

    public static String render(String command, Report report) {
        return Json.encode(object(command, null, report));
    }

    /** A statement that failed; {@code verb} is the command it named (a report knows its own). */
    public static String error(String command, String verb, CommandError e) {
        return Json.encode(object(command, verb, e));
    }

    private static Map<String, Object> object(String command, String verb, Object subject) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put(Figures.COMMAND.json(), command);
        o.put(Figures.OK.json(), Figures.OK.of(subject));
        Object v = Figures.VERB.of(subject);
        o.put(Figures.VERB.json(), v != null ? v : verb);
        o.put(Figures.REPORT.json(), Figures.REPORT.of(subject));
        fields(o, Figures.Kind.of(subject).figures(), subject);
        return o;
    }

    /** The JSON fields of {@code figures} read from {@code subject}, into {@code o}. */
    private static void fields(Map<String, Object> o, List<Figure> figures, Object subject) {
        for (Figure f : figures) {
            if (f.json() == null) continue;
            Object v = f.of(subject);
            if (v == null && f.presence() == Figure.Presence.OPTIONAL) continue;
            o.put(f.json(), v == null ? null : value(f, v));
        }
    }

    private static Object value(Figure f, Object v) {
        return switch (f.type()) {
            case OBJECT -> object(f.fields(), v);
            case LIST -> {
                List<Object> out = new ArrayList<>();
                for (Object e : (List<?>) v) out.add(f.fields().isEmpty() ? e : object(f.fields(), e));
                yield out;
            }
            case MAP -> {
                Map<Object, Object> out = new LinkedHashMap<>();
                for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
                    out.put(e.getKey(), f.fields().isEmpty() ? e.getValue() : object(f.fields(), e.getValue()));
                }
                yield out;
            }
            case FREE ->
                switch (v) {
                    case StepReport.Timing t -> latency(t);
                    case SystemActivity sys -> system(sys);
                    default -> v;
                };
            default -> v;
        };
    }

    private static Map<String, Object> object(List<Figure> figures, Object subject) {
        Map<String, Object> m = new LinkedHashMap<>();
        fields(m, figures, subject);
        return m;
    }

    /** System-wide context: only the counters that moved; meminfo in kB, HugePages_* in huge pages. */
    static Map<String, Object> system(SystemActivity sys) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("scope", "system-wide (all processes): /proc/vmstat and /proc/meminfo just before and after the step");
        Map<String, Object> vm = new LinkedHashMap<>();
        for (SystemActivity.Delta d : sys.vmstat()) vm.put(d.name(), d.delta());
        m.put("vmstat_delta", vm);
        Map<String, Object> kb = new LinkedHashMap<>(), huge = new LinkedHashMap<>();
        for (SystemActivity.Delta d : sys.meminfo()) (d.hugePages() ? huge : kb).put(d.name(), d.delta());
        m.put("meminfo_delta_kb", kb);
        m.put("meminfo_delta_huge_pages", huge);
        m.put("settings", sys.settings());
        m.put("settings_line", sys.settingsLine());
        if (sys.pool() != null) {
            m.put(
                    "hugetlb_pool",
                    Map.of(
                            "size_bytes",
                            sys.pool().before().sizeBytes(),
                            "before",
                            pool(sys.pool().before()),
                            "after",
                            pool(sys.pool().after())));
        }
        m.put("sample_ns", sys.sampleNanos());
        return m;
    }

    private static Map<String, Object> pool(dev.pagelab.linux.proc.HugetlbPool p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("total", p.total());
        m.put("free", p.free());
        m.put("reserved", p.reserved());
        m.put("surplus", p.surplus());
        m.put("overcommit", p.overcommit());
        return m;
    }

    static Map<String, Object> latency(StepReport.Timing t) {
        LatencyHistogram h = t.histogram();
        Map<String, Object> l = new LinkedHashMap<>();
        l.put("count", h.count());
        l.put("min_ns", h.min());
        l.put("p50_ns", h.quantile(0.5));
        l.put("p90_ns", h.quantile(0.9));
        l.put("p99_ns", h.quantile(0.99));
        l.put("max_ns", h.max());
        l.put("mean_ns", h.mean());
        l.put("approximate", "percentiles within 12.5% (log-linear buckets); min and max exact");
        l.put("pow2_buckets", h.powerOfTwoCounts());
        List<Object> buckets = new ArrayList<>();
        for (int b = 0; b < LatencyHistogram.buckets(); b++) {
            if (h.countAt(b) == 0) continue;
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("lower_ns", LatencyModes.lower(b));
            m.put("upper_ns", LatencyHistogram.upperBound(b));
            m.put("count", h.countAt(b));
            buckets.add(m);
        }
        l.put("buckets", buckets);
        LatencyModes lm = t.modes();
        l.put("faults", lm.faults());
        l.put(
                "fault_attribution",
                "by rank: the slowest " + lm.attributed() + " accesses are taken as the step's faults");
        List<Object> modes = new ArrayList<>();
        for (LatencyModes.Mode m : lm.modes()) {
            Map<String, Object> mm = band(m.band());
            mm.put("kind", m.kind().name().toLowerCase(java.util.Locale.ROOT));
            mm.put("name", StepRenderer.modeName(m, lm));
            if (m.reference() >= 0) {
                mm.put("compared_with", m.reference());
                mm.put("slower_by", Math.round(m.slowerBy() * 100) / 100.0);
            }
            modes.add(mm);
        }
        l.put("modes", modes);
        if (lm.elsewhere() != null) l.put("scattered", band(lm.elsewhere()));
        Map<String, Object> clock = new LinkedHashMap<>();
        clock.put("source", "System.nanoTime");
        clock.put("pair_median_ns", t.clock().pairMedianNanos());
        clock.put("pair_min_ns", t.clock().pairMinNanos());
        clock.put("quantum_ns", t.clock().quantumNanos());
        l.put("timer", clock);
        l.put("virtualization", t.virtualization().orElse(null));
        return l;
    }

    private static Map<String, Object> band(LatencyModes.Band b) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("from_ns", b.fromNanos());
        m.put("to_ns", b.toNanos());
        if (b.typicalNanos() > 0) m.put("typical_ns", b.typicalNanos());
        m.put("count", b.count());
        m.put("faults", b.faults());
        return m;
    }
}
