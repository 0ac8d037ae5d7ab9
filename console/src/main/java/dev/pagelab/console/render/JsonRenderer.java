package dev.pagelab.console.render;

import dev.pagelab.commands.report.BenchReport;
import dev.pagelab.commands.report.CacheReport;
import dev.pagelab.commands.report.ClearRefsReport;
import dev.pagelab.commands.CommandError;
import dev.pagelab.commands.report.EvictReport;
import dev.pagelab.commands.report.KernelReport;
import dev.pagelab.commands.report.LatencyModes;
import dev.pagelab.commands.report.ListReport;
import dev.pagelab.commands.report.MapsReport;
import dev.pagelab.commands.report.PageState;
import dev.pagelab.commands.report.PagemapReport;
import dev.pagelab.commands.report.Report;
import dev.pagelab.commands.report.ResidencyReport;
import dev.pagelab.commands.report.StepReport;
import dev.pagelab.commands.report.SystemActivity;
import dev.pagelab.commands.report.TextReport;
import dev.pagelab.linux.measure.LatencyHistogram;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reports as one JSON object per line (--json): what the text report says, in fields. */
public final class JsonRenderer {
    private JsonRenderer() {}

    public static String render(String command, Report report) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("command", command);
        o.put("ok", true);
        switch (report) {
            case StepReport s -> step(o, s);
            case PagemapReport p -> pagemap(o, p);
            case MapsReport m -> maps(o, m);
            case ListReport l -> list(o, l);
            case CacheReport c -> cache(o, c);
            case EvictReport e -> evict(o, e);
            case TextReport t -> {
                o.put("verb", t.verb());
                o.put("lines", t.lines());
            }
            case dev.pagelab.commands.report.ManualReport m -> {
                o.put("verb", m.verb());
                o.put("lines", m.texts());
            }
            case ResidencyReport v -> residency(o, v);
            case ClearRefsReport c -> clearRefs(o, c);
            case BenchReport b -> bench(o, b);
            case KernelReport k -> kernel(o, k);
            case dev.pagelab.commands.report.SweepReport w -> {
                o.put("verb", "bench");
                o.put("benchmark", "sweep");
                o.put("context", w.context());
                o.put("reps", w.reps());
                o.put("complete", w.complete());
                List<Object> cells = new ArrayList<>();
                for (dev.pagelab.commands.report.SweepReport.Cell c : w.cells()) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("size_bytes", c.size());
                    m.put("strategy", c.strategy());
                    m.put("median_ns", c.medianNs());
                    m.put("min_ns", c.minNs());
                    m.put("max_ns", c.maxNs());
                    m.put("ns_per_page", c.nsPerPage());
                    m.put("faults", c.faults());
                    m.put("faults_per_page", c.faultsPerPage());
                    cells.add(m);
                }
                o.put("cells", cells);
                if (w.csv() != null) o.put("csv", w.csv());
                o.put("notes", w.notes());
            }
        }
        return Json.encode(o);
    }

    public static String error(String command, String verb, CommandError e) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("command", command);
        o.put("ok", false);
        o.put("verb", verb);
        o.put("error", e.line());
        if (e.errnoName() != null) {
            o.put("errno", e.errnoName());
            o.put("errno_meaning", e.meaning());
            o.put("call", e.getMessage());
        }
        if (e.hint() != null && !e.hint().isEmpty()) o.put("hint", e.hint());
        if (e.sample() != null) {
            o.put("minor_faults", e.sample().minorFaults());
            o.put("major_faults", e.sample().majorFaults());
            o.put("elapsed_ns", e.sample().elapsedNanos());
        }
        return Json.encode(o);
    }

    static void residency(Map<String, Object> o, ResidencyReport v) {
        o.put("verb", "view");
        o.put("target", v.target());
        o.put("address", "0x" + Long.toHexString(v.start()));
        o.put("pages", v.pages());
        o.put("page_size_bytes", v.pageSize());
        o.put("method", v.method());
        o.put("elapsed_ns", v.elapsedNanos());
        if (v.tracking() != null) o.put("written_tracking", v.tracking());
        Map<String, Object> counts = new LinkedHashMap<>();
        for (PageState st : PageState.values()) if (v.count(st) > 0) counts.put(key(st), v.count(st));
        o.put("counts", counts);
        List<Object> runs = new ArrayList<>();
        for (int i = 0; i < v.runs(); i++) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("page", v.runStart()[i]);
            r.put("pages", v.runPages()[i]);
            r.put("state", key(v.state(i)));
            runs.add(r);
        }
        o.put("runs", runs);
        if (!v.notes().isEmpty()) o.put("notes", v.notes());
    }

    private static String key(PageState st) {
        return st.name().toLowerCase(java.util.Locale.ROOT);
    }

    private static void bench(Map<String, Object> o, BenchReport b) {
        o.put("verb", "bench");
        o.put("title", b.title());
        o.put("context", b.context());
        List<Object> rows = new ArrayList<>();
        for (BenchReport.Row r : b.rows()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("scenario", r.scenario());
            m.put("operation", r.operation());
            m.put("method", r.method());
            m.put("median_ns", r.medianNs());
            m.put("min_ns", r.minNs());
            m.put("max_ns", r.maxNs());
            m.put("reps", r.reps());
            m.put("result", r.result());
            rows.add(m);
        }
        o.put("rows", rows);
        List<Object> ratios = new ArrayList<>();
        for (BenchReport.Ratio r : b.ratios()) ratios.add(Map.of("label", r.label(), "value", r.value()));
        o.put("ratios", ratios);
        o.put("notes", b.notes());
    }

    private static void clearRefs(Map<String, Object> o, ClearRefsReport c) {
        o.put("verb", "clear-refs");
        o.put("mode", c.mode());
        if (c.written() >= 0) o.put("clear_refs_value", c.written());
        if (c.mechanism() != null) o.put("written_tracking", c.mechanism());
        if (c.before() >= 0) {
            o.put(c.mode().equals("peak-rss") ? "vmhwm_kb_before" : "referenced_kb_before", c.before());
            o.put(c.mode().equals("peak-rss") ? "vmhwm_kb_after" : "referenced_kb_after", c.after());
        }
        List<Object> rows = new ArrayList<>();
        for (ClearRefsReport.Row r : c.mappings()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", r.name());
            if (r.protectedPages() >= 0) m.put("write_protected_pages", r.protectedPages());
            m.put("present", r.present());
            if (r.referencedKb() >= 0) m.put("referenced_kb", r.referencedKb());
            rows.add(m);
        }
        o.put("mappings", rows);
        o.put("elapsed_ns", c.elapsedNanos());
        o.put("notes", c.notes());
    }

    private static void step(Map<String, Object> o, StepReport s) {
        o.put("verb", s.verb());
        o.put("target", s.target());
        o.put("action", s.action());
        o.put("minor_faults", s.sample().minorFaults());
        o.put("major_faults", s.sample().majorFaults());
        o.put("present_before", s.presentBefore() < 0 ? null : s.presentBefore());
        o.put("present_after", s.presentBefore() < 0 ? null : s.presentAfter());
        if (s.presentEstimated()) o.put("present_estimated", true);
        o.put("rss_before_bytes", s.rssBefore());
        o.put("rss_after_bytes", s.rssAfter());
        o.put("rss_delta_bytes", s.rssDelta());
        o.put("elapsed_ns", s.sample().elapsedNanos());
        o.put("process_minor_faults", s.sample().processMinorFaults());
        o.put("process_major_faults", s.sample().processMajorFaults());
        if (s.pages() >= 0) o.put("pages", s.pages());
        if (s.accesses() >= 0) {
            o.put("accesses", s.accesses());
            o.put("accesses_asked", s.accessesAsked());
            o.put("interrupted", s.cancelled());
        }
        if (s.timing() != null) o.put("latency", latency(s.timing()));
        o.put("details", s.details());
        o.put("notes", s.notes());
        if (s.system() != null) o.put("system", system(s.system()));
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
            m.put("hugetlb_pool", Map.of("size_bytes", sys.pool().before().sizeBytes(), "before", pool(sys.pool().before()),
                    "after", pool(sys.pool().after())));
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
        l.put("fault_attribution", "by rank: the slowest " + lm.attributed() + " accesses are taken as the step's faults");
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

    private static void pagemap(Map<String, Object> o, PagemapReport p) {
        o.put("verb", "inspect-pagemap");
        o.put("target", p.target());
        o.put("start", "0x" + Long.toHexString(p.start()));
        o.put("pages", p.pages());
        o.put("page_size_bytes", p.pageSize());
        o.put("method", p.method());
        o.put("pfns_visible", p.pfnsVisible());
        if (p.kpageflagsNote() != null) o.put("kpageflags_unavailable", p.kpageflagsNote());
        if (p.tracking() != null) o.put("written_tracking", p.tracking());
        if (p.writtenOnly()) o.put("written_only", true);
        List<Object> runs = new ArrayList<>();
        for (PagemapReport.Run r : p.runs()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("offset", r.offset());
            m.put("pages", r.pages());
            m.put("state", r.state());
            m.put("flags", r.flags());
            m.put("pfn", r.firstPfn());
            m.put("pfn_contiguous", r.contiguous());
            m.put("pfn_same", r.samePfn());
            m.put("huge_pages", r.hugeHeads());
            m.put("mapcount", r.mapCount() < 0 ? null : r.mapCount());
            runs.add(m);
        }
        o.put("runs", runs);
        o.put("truncated", p.truncated());
        PagemapReport.Totals t = p.totals();
        Map<String, Object> tm = new LinkedHashMap<>();
        tm.put("present", t.present());
        tm.put("swapped", t.swapped());
        tm.put("file_or_shared", t.file());
        tm.put("exclusive", t.exclusive());
        tm.put("soft_dirty", t.softDirty());
        tm.put("zero_page", t.zeroPage());
        tm.put("thp", t.thp());
        tm.put("hugetlb", t.hugetlb());
        tm.put("locked", t.locked());
        tm.put("guard", t.guard());
        if (p.tracking() != null) tm.put("written", t.written());
        o.put("totals", tm);
    }

    private static void maps(Map<String, Object> o, MapsReport m) {
        o.put("verb", "maps");
        o.put("scope", m.scope());
        List<Object> lines = new ArrayList<>();
        for (MapsReport.Line l : m.lines()) lines.add(Map.of("label", l.label(), "line", l.text()));
        o.put("lines", lines);
        List<Object> areas = new ArrayList<>();
        for (MapsReport.Area a : m.areas()) {
            Map<String, Object> am = new LinkedHashMap<>();
            am.put("label", a.label());
            am.put("start", "0x" + Long.toHexString(a.start()));
            am.put("end", "0x" + Long.toHexString(a.end()));
            am.put("perms", a.perms());
            am.put("kb", a.kb());
            am.put("vm_flags", a.vmFlags());
            am.put("vm_flag_words", a.vmFlagWords());
            am.put("thp_eligible", a.thpEligible());
            areas.add(am);
        }
        o.put("areas", areas);
    }

    /** Each fact under its key, as {value, standing, meaning}; the release and probe time beside them. */
    private static void kernel(Map<String, Object> o, KernelReport k) {
        o.put("verb", "kernel");
        o.put("release", k.release());
        o.put("version", k.version());
        o.put("probe_ns", k.probeNanos());
        Map<String, Object> facts = new LinkedHashMap<>();
        for (KernelReport.Fact f : k.facts()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("value", f.value());
            m.put("shown", f.shown());
            m.put("standing", f.standing().name().toLowerCase(java.util.Locale.ROOT));
            m.put("meaning", f.meaning());
            facts.put(f.key(), m);
        }
        o.put("facts", facts);
    }

    private static void list(Map<String, Object> o, ListReport l) {
        o.put("verb", "list");
        List<Object> rows = new ArrayList<>();
        for (ListReport.Row r : l.rows()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", r.name());
            m.put("start", "0x" + Long.toHexString(r.start()));
            m.put("end", "0x" + Long.toHexString(r.end()));
            m.put("size_bytes", r.size());
            m.put("mapped_bytes", r.mappedBytes());
            m.put("kind", r.kind());
            m.put("prot", r.prot());
            m.put("locked_bytes", r.locked());
            m.put("present_pages", r.present());
            m.put("options", r.creation());
            rows.add(m);
        }
        o.put("mappings", rows);
    }

    private static void cache(Map<String, Object> o, CacheReport c) {
        o.put("verb", "cache");
        List<Object> files = new ArrayList<>();
        for (CacheReport.FileResidency f : c.files()) files.add(file(f));
        o.put("files", files);
        o.put("total_pages", c.totalPages());
        o.put("total_resident_pages", c.totalResident());
        o.put("notes", c.notes());
    }

    static Map<String, Object> file(CacheReport.FileResidency f) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("label", f.label());
        m.put("path", f.path());
        m.put("mapping", f.mapping());
        m.put("fs", f.fsType());
        m.put("size_bytes", f.size());
        m.put("allocated_bytes", f.allocated());
        m.put("pages", f.pages());
        m.put("page_size_bytes", f.pageSize());
        m.put("resident_pages", f.resident());
        m.put("resident_percent", f.pages() == 0 ? null : f.percent());
        List<Object> runs = new ArrayList<>();
        for (CacheReport.Run r : f.runs()) {
            Map<String, Object> rm = new LinkedHashMap<>();
            rm.put("first_page", r.firstPage());
            rm.put("pages", r.pages());
            rm.put("resident", r.resident());
            runs.add(rm);
        }
        m.put("runs", runs);
        m.put("runs_truncated", f.runsTruncated());
        Map<String, Object> strip = new LinkedHashMap<>();
        strip.put("cell_pages", f.cellPages());
        strip.put("resident", f.cellResident());
        m.put("strip", strip);
        if (f.cachestat() != null) {
            Map<String, Object> cs = new LinkedHashMap<>();
            cs.put("cached", f.cachestat().cached());
            cs.put("dirty", f.cachestat().dirty());
            cs.put("writeback", f.cachestat().writeback());
            cs.put("evicted", f.cachestat().evicted());
            cs.put("recently_evicted", f.cachestat().recentlyEvicted());
            m.put("cachestat", cs);
        } else {
            m.put("cachestat", null);
            m.put("cachestat_unavailable", f.cachestatNote());
        }
        m.put("mincore_pages", f.mincorePages());
        m.put("elapsed_ns", f.elapsedNanos());
        return m;
    }

    private static void evict(Map<String, Object> o, EvictReport e) {
        o.put("verb", "evict");
        o.put("target", e.before().label());
        o.put("path", e.before().path());
        o.put("fs", e.before().fsType());
        o.put("pages", e.before().pages());
        o.put("resident_before", e.before().resident());
        o.put("resident_after", e.after().resident());
        o.put("dropped", e.dropped());
        o.put("fsync", e.synced());
        o.put("dirty_before", e.dirtyBefore() < 0 ? null : e.dirtyBefore());
        o.put("writeback_before", e.writebackBefore() < 0 ? null : e.writebackBefore());
        o.put("dirty_after_fsync", e.dirtyAfterSync() < 0 ? null : e.dirtyAfterSync());
        o.put("fsync_ns", e.syncNanos());
        o.put("fadvise_ns", e.fadviseNanos());
        List<Object> holders = new ArrayList<>();
        for (EvictReport.Holder h : e.mappedHere()) {
            Map<String, Object> hm = new LinkedHashMap<>();
            hm.put("label", h.label());
            hm.put("mapping", h.mapping());
            hm.put("pages", h.pages());
            holders.add(hm);
        }
        o.put("mapped_here", holders);
        o.put("mapped_pages", e.mappedPages());
        o.put("unexplained_pages", e.unexplained());
        o.put("dirty_or_writeback_after", e.dirtyAfter() < 0 ? null : e.dirtyAfter());
        o.put("before", file(e.before()));
        o.put("after", file(e.after()));
        o.put("notes", e.notes());
    }
}
