package dev.pagelab.commands;

import dev.pagelab.commands.inspect.InspectPagemapCommand;
import dev.pagelab.commands.mapping.Target;
import dev.pagelab.commands.report.SystemActivity;
import dev.pagelab.linux.LinuxException;
import dev.pagelab.linux.Mman;
import dev.pagelab.linux.PageGeometry;
import dev.pagelab.linux.measure.JvmMemory;
import dev.pagelab.linux.measure.NanoClock;
import dev.pagelab.linux.measure.StepMeter;
import dev.pagelab.linux.proc.KernelProfile;
import dev.pagelab.linux.proc.Pagemap;
import dev.pagelab.linux.proc.ProcMeminfo;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Pattern;

/**
 * The session: its named mappings (it owns them; {@code unmap} and {@link #close} are the only ways they are
 * freed) and the one thread on which every command runs. Fault counters are per thread, so running every
 * step on a dedicated, warmed-up thread keeps the console's own work (line editing, rendering, GC and JIT
 * threads) out of the figures.
 */
public final class Session implements AutoCloseable {
    private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_-]{0,31}");
    /** Head-room kept free when checking a request against MemAvailable. */
    public static final long MEMORY_MARGIN = 64L << 20;

    private final Map<String, Mapping> mappings = new LinkedHashMap<>();
    private final ExecutorService stepThread;
    private final Future<StepMeter> meter;
    private volatile int calibrationRounds;
    private volatile boolean systemContext = true;
    private int nextNumber = 1;
    /** mlockall(MCL_FUTURE) without MCL_ONFAULT is in force: every new mapping is populated inside mmap. */
    private boolean futureMappingsPopulated;

    private volatile boolean lockingUsed;
    /** What a command changed outside its mappings (limits, capabilities, pools), undone when the session ends. */
    private final java.util.Map<String, Runnable> restorers = new LinkedHashMap<>();
    /** Opened by the first 'clear-refs soft-dirty' on a kernel without soft-dirty; closed with the session. */
    private dev.pagelab.linux.Userfaultfd userfaultfd;

    public Session() {
        this(true);
    }

    /**
     * With {@code warmUpNow} false the step thread's warm-up waits for {@link #startWarmUp()}: an interactive
     * console starts it once its terminal is set up, so that the two do not share the CPUs before the first prompt
     * (measured on 2 vCPUs: the prompt came ~0.2 s sooner); the first command waits for it if typed very fast.
     */
    public Session(boolean warmUpNow) {
        if (warmUpNow) warmUpGate.countDown();
        stepThread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(null, r, "pagelab-step", 8L << 20);
            t.setDaemon(true);
            return t;
        });
        meter = stepThread.submit(() -> {
            warmUpGate.await();
            // This kernel's page sizes (linking sysconf and reading hpage_pmd_size: 10-30 ms) are read on another
            // thread while this one pre-touches its stack and links its clock; the warm-up needs them next.
            Thread.ofPlatform().daemon().name("pagelab-geometry").start(PageGeometry::current);
            preTouchStack(STACK_PRETOUCH_FRAMES);
            StepMeter m = new StepMeter();
            calibrationRounds = m.warmUp();
            residentTouchNanos = residentTouchNanos(m);
            NanoClock.calibration(); // touch --timing reports the timer's figures; measure them now
            // Run the system-wide sampling a few times, so that its classes are loaded and its parser compiled
            // before the first verbose step.
            for (int round = 0; round < 8; round++) {
                SystemActivity.Scope scope = new SystemActivity.Scope(
                        round % 2 == 0 ? Mapping.Kind.ANON_PRIVATE : Mapping.Kind.ANON_SHARED,
                        PageGeometry.current().pmdSize());
                SystemActivity.after(scope, SystemActivity.before(scope));
            }
            // What this kernel does (zero page, calls it has…): steps and reports consult it, and probing maps and
            // faults pages of its own, so it is done here, on the step thread but outside every window, after the
            // prompt is up.
            KernelProfile.current();
            warmUpDecoder();
            keepJvmOffHugePages();
            return m;
        });
    }

    /** How long the pagemap decoder's warm-up took (ns), -1 if it failed; for the tests. */
    volatile long decoderWarmUpNanos = -1;

    /** Compiles inspect-pagemap's decoder before the first step (see {@link InspectPagemapCommand#warmUp}). */
    private void warmUpDecoder() {
        try {
            decoderWarmUpNanos = InspectPagemapCommand.warmUp();
        } catch (LinuxException | RuntimeException e) {
            // a first inspect-pagemap is then only slower: nothing depends on it
        }
    }

    /**
     * Where THP is {@code always}, marks the JVM's own memory (everything but the session's mappings) MADV_NOHUGEPAGE,
     * so that khugepaged does not collapse a range a measured window reads (see {@link JvmMemory}: on Debian's 7.2
     * kernel it added a fault to 2 of 5 recipe runs). Run on the step thread at the end of the warm-up and before
     * every window, outside it: the JVM maps memory all along (code cache, heap, metaspace, thread stacks, arenas).
     * Does nothing, and reads nothing but the THP settings, where THP is {@code madvise} or {@code never}.
     */
    public void keepJvmOffHugePages() {
        if (!JvmMemory.collapsesUnadvised()) return;
        List<long[]> owned = new ArrayList<>();
        for (Mapping m : mappings()) {
            for (long[] p : m.liveParts()) owned.add(new long[] {m.base() + p[0], m.base() + p[1]});
        }
        JvmMemory.keepOffHugePages(owned);
    }

    /**
     * Thread stacks grow on demand, one page fault per new page. A step deeper in the stack than anything before
     * it would count that fault as its own, so the step thread first recurses far deeper than any command goes.
     */
    private static final int STACK_PRETOUCH_FRAMES = 20_000;

    private static long preTouchStack(int depth) {
        long[] pad = {depth, depth + 1, depth + 2, depth + 3};
        return depth == 0 ? pad[3] : preTouchStack(depth - 1) + pad[0];
    }

    private volatile double residentTouchNanos = -1;

    /**
     * What a write to a resident page costs here, per access in ns: the median of 5 sequential re-touches of 512
     * resident base pages (2 MiB on x86-64: more than the L1 TLB holds), measured at the end of the warm-up; -1 when
     * that could not be measured. A touch with no fault that costs far more is explained in its report
     * ({@code SlowWithoutFault}).
     */
    public double residentTouchNanos() {
        meter();
        return residentTouchNanos;
    }

    private static double residentTouchNanos(StepMeter m) {
        long page = PageGeometry.current().pageSize();
        int pages = 512;
        long len = pages * page;
        try {
            m.mmap(
                    0,
                    len,
                    dev.pagelab.linux.LinuxConstants.PROT_READ | dev.pagelab.linux.LinuxConstants.PROT_WRITE,
                    dev.pagelab.linux.LinuxConstants.MAP_PRIVATE | dev.pagelab.linux.LinuxConstants.MAP_ANONYMOUS,
                    -1,
                    0);
            long addr = m.lastAddress();
            try {
                try {
                    // base pages, as a user's mapping mostly is: one THP would make the re-touch a few TLB entries
                    m.madvise(addr, len, dev.pagelab.linux.LinuxConstants.MADV_NOHUGEPAGE, "MADV_NOHUGEPAGE");
                } catch (StepMeter.MeasuredFailure noThp) {
                    // a kernel without THP refuses the advice (EINVAL): its pages are base pages anyway
                }
                m.touch(
                        addr,
                        len,
                        0,
                        pages,
                        page,
                        dev.pagelab.linux.measure.PageToucher.Access.WRITE_ZERO,
                        dev.pagelab.linux.measure.PageToucher.Order.SEQ,
                        0,
                        null); // faulted in: resident from here
                long[] t = new long[5];
                for (int i = 0; i < t.length; i++) {
                    t[i] = m.touch(
                                    addr,
                                    len,
                                    0,
                                    pages,
                                    page,
                                    dev.pagelab.linux.measure.PageToucher.Access.WRITE_ZERO,
                                    dev.pagelab.linux.measure.PageToucher.Order.SEQ,
                                    0,
                                    null)
                            .elapsedNanos();
                }
                java.util.Arrays.sort(t);
                return (double) t[t.length / 2] / pages;
            } finally {
                m.munmap(addr, len);
            }
        } catch (StepMeter.MeasuredFailure e) {
            return -1;
        }
    }

    private final java.util.concurrent.CountDownLatch warmUpGate = new java.util.concurrent.CountDownLatch(1);

    /** Lets a deferred warm-up begin (see {@link #Session(boolean)}); harmless when it has begun. */
    public void startWarmUp() {
        warmUpGate.countDown();
    }

    /** Rounds the warm-up needed before one-page touches measured exactly; -1 if never (figures may be off). */
    public int calibrationRounds() {
        meter();
        return calibrationRounds;
    }

    /**
     * Whether steps sample the system-wide context (/proc/vmstat, /proc/meminfo, THP and hugetlb settings) around
     * their window. It costs a few tenths of a millisecond per step, so the console asks for it only when it
     * shows it (verbose feedback, JSON). On by default.
     */
    public void systemContext(boolean on) {
        systemContext = on;
    }

    public boolean systemContext() {
        return systemContext;
    }

    /** How far a long step has got, for a display on another thread (see {@link StepProgress}). */
    private final StepProgress progress = new StepProgress();

    private volatile StepProgress.Observer stepObserver;

    public StepProgress progress() {
        return progress;
    }

    /** Tells {@code o} (on the caller's thread) when a caller starts and stops waiting for a step; null: nobody. */
    public void observeSteps(StepProgress.Observer o) {
        stepObserver = o;
    }

    /** Runs {@code work} on the step thread and waits for it. */
    public <T> T call(Callable<T> work) throws CommandError {
        Future<T> f = stepThread.submit(work);
        StepProgress.Observer o = stepObserver;
        try {
            if (o != null) o.waiting(progress);
            try {
                return f.get();
            } finally {
                if (o != null) o.done();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CommandError.refused(null, "interrupted while waiting for the step", "");
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof CommandError ce) throw ce;
            if (c instanceof RuntimeException re) throw re;
            if (c instanceof Error er) throw er;
            throw new IllegalStateException(c);
        }
    }

    /** Asks a running touch to stop between two accesses (Ctrl-C). */
    public void cancelStep() {
        if (meter.isDone()) meter().toucher().cancel();
    }

    /** The step thread's meter; only the step thread may use it. */
    public StepMeter meter() {
        try {
            return meter.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("step thread failed to start: " + e.getCause(), e.getCause());
        }
    }

    // The table is changed on the step thread and read by Tab completion on the console thread.
    public synchronized Collection<Mapping> mappings() {
        return List.copyOf(mappings.values());
    }

    public synchronized Mapping mapping(String name) {
        return mappings.get(name);
    }

    public synchronized List<String> names() {
        return new ArrayList<>(mappings.keySet());
    }

    /** The next free default name: m1, m2, … */
    public synchronized String nextName() {
        while (mappings.containsKey("m" + nextNumber)) nextNumber++;
        return "m" + nextNumber;
    }

    public static boolean validName(String s) {
        return NAME.matcher(s).matches();
    }

    public boolean futureMappingsPopulated() {
        return futureMappingsPopulated;
    }

    /**
     * Whether any mlock-family call or MAP_LOCKED was made in this session. Until then no VMA of a mapping can be
     * VM_LOCKED, and pictures skip reading /proc/self/smaps (milliseconds for a JVM's few hundred VMAs).
     */
    public boolean lockingUsed() {
        return lockingUsed;
    }

    /**
     * Registers how to undo a change to the process (keyed, so the first registration, holding the original value,
     * wins); run on the step thread when the session closes. Returns whether this key was new.
     */
    public boolean restoreAtClose(String key, Runnable undo) {
        return restorers.putIfAbsent(key, undo) == null;
    }

    private final java.util.Map<String, Long> originals = new java.util.HashMap<>();

    /** The value {@code key} had before the session first changed it ({@code current} if this is the first time). */
    public long original(String key, long current) {
        return originals.computeIfAbsent(key, k -> current);
    }

    /** Undoes the change registered under {@code key} now (step thread); false when there was none. */
    public boolean restoreNow(String key) {
        Runnable r = restorers.remove(key);
        if (r != null) r.run();
        return r != null;
    }

    public void lockingUsed(boolean on) {
        lockingUsed |= on;
    }

    /** The session's userfaultfd for async write-protect tracking, opened on first use (step thread only). */
    public dev.pagelab.linux.Userfaultfd userfaultfd() throws LinuxException {
        if (userfaultfd == null) userfaultfd = dev.pagelab.linux.Userfaultfd.openAsyncWriteProtect();
        return userfaultfd;
    }

    public void futureMappingsPopulated(boolean on) {
        futureMappingsPopulated = on;
    }

    public synchronized void add(Mapping m) {
        mappings.put(m.name(), m);
    }

    public synchronized void remove(Mapping m) {
        mappings.remove(m.name());
        m.closeFile();
    }

    /** The mapping named by {@code word}, which may carry a range ({@code m1[0:4M]}); the range is ignored. */
    public synchronized Mapping mappingOf(Args.Positional word) throws CommandError {
        String text = word.text();
        int bracket = text.indexOf('[');
        String name = bracket < 0 ? text : text.substring(0, bracket);
        Mapping m = mappings.get(name);
        if (m == null) {
            throw CommandError.usage(
                    word.index(),
                    "no mapping named '" + name + "'",
                    mappings.isEmpty()
                            ? "create one with 'map 4M'"
                            : "mappings: " + String.join(", ", mappings.keySet()));
        }
        return m;
    }

    /**
     * Resolves {@code m1}, {@code m1[OFF:LEN]}, {@code m1[OFF:]} or {@code m1[:LEN]}. With {@code aligned}, the
     * offset must be a multiple of the mapping's page size and the length is rounded up to one, as the kernel
     * does for mprotect/madvise/mlock/munmap.
     */
    public Target resolve(Args.Positional word, boolean aligned) throws CommandError {
        return resolve(mappingOf(word), word, aligned);
    }

    /** {@link #resolve(Args.Positional, boolean)} of a range of {@code m}: sizes in {@code p} count its pages. */
    public static Target resolve(Mapping m, Args.Positional word, boolean aligned) throws CommandError {
        String text = word.text();
        int bracket = text.indexOf('[');
        if (bracket < 0) return new Target(m, 0, m.length(), text);
        if (!text.endsWith("]")) {
            throw CommandError.usage(
                    word.index(), "'" + text + "': a range ends with ']'", "write e.g. " + m.name() + "[1M:64p]");
        }
        String inner = text.substring(bracket + 1, text.length() - 1);
        int colon = inner.indexOf(':');
        if (colon < 0) {
            throw CommandError.usage(
                    word.index(),
                    "'" + text + "': a range is [OFFSET:LENGTH]",
                    "write e.g. " + m.name() + "[1M:64p], " + m.name() + "[1M:] or " + m.name() + "[:64p]");
        }
        String offText = inner.substring(0, colon).trim(),
                lenText = inner.substring(colon + 1).trim();
        long off = offText.isEmpty() ? 0 : Sizes.parse(offText, m.pageSize(), word.index(), "range offset");
        if (off >= m.length()) {
            throw CommandError.usage(
                    word.index(),
                    "offset " + Sizes.format(off) + " is outside " + m.name() + " (" + Sizes.format(m.length()) + ")",
                    "offsets run from 0 to " + Sizes.format(m.length() - 1));
        }
        long len =
                lenText.isEmpty() ? m.length() - off : Sizes.parse(lenText, m.pageSize(), word.index(), "range length");
        if (len <= 0) throw CommandError.usage(word.index(), "the range's length is 0", "give a length, e.g. [0:4K]");
        if (len > m.length() - off) {
            throw CommandError.usage(
                    word.index(),
                    "range " + text + " runs past the end of " + m.name() + " (" + Sizes.format(m.length()) + ")",
                    "the longest range from " + Sizes.format(off) + " is " + Sizes.format(m.length() - off));
        }
        if (aligned) {
            if (off % m.pageSize() != 0) {
                throw CommandError.usage(
                        word.index(),
                        "offset " + Sizes.format(off) + " is not a multiple of the page size ("
                                + Sizes.format(m.pageSize()) + ")",
                        "the kernel needs page-aligned starts; use " + Sizes.format(off - off % m.pageSize()));
            }
            long rounded = (len + m.pageSize() - 1) / m.pageSize() * m.pageSize();
            len = Math.min(rounded, m.length() - off);
        }
        return new Target(m, off, len, text);
    }

    /** Refuses a request whose part still to be made resident would not fit in MemAvailable, unless forced. */
    public void checkMemory(String subject, long bytesNeeded, boolean force, String what) throws CommandError {
        if (force || bytesNeeded <= 0) return;
        long avail = ProcMeminfo.memAvailableBytes();
        if (bytesNeeded > avail - MEMORY_MARGIN) {
            throw CommandError.refused(
                    subject,
                    what + " needs up to " + Sizes.human(bytesNeeded)
                            + " but MemAvailable is " + Sizes.human(avail) + " (less a " + Sizes.human(MEMORY_MARGIN)
                            + " margin)",
                    "the OOM killer would end the session; use a smaller range, or add --force");
        }
    }

    /** Present base pages of the mapping's live parts. */
    public long present(Mapping m) throws LinuxException {
        long n = 0;
        for (long[] p : m.liveParts()) n += Pagemap.countPresent(m.base() + p[0], m.base() + p[1]);
        return n;
    }

    /**
     * Refuses to read a range's pagemap entry by entry where that would take minutes: a kernel without PAGEMAP_SCAN
     * (before 6.7) writes an entry for every page of a hole too (see {@code Pagemap.ENTRY_READ_LIMIT}).
     */
    public void checkPagemapReadable(Target t, String verb) throws CommandError {
        long pages = PageGeometry.current()
                .pages(t.mapping().geometry().alignUp(t.end())
                        - t.mapping().geometry().alignDown(t.offset()));
        if (Pagemap.scanSupported() || pages <= Pagemap.ENTRY_READ_LIMIT) return;
        String limit = Sizes.format(Pagemap.ENTRY_READ_LIMIT * Pagemap.PAGE_SIZE);
        throw CommandError.refused(
                t.text(),
                "this kernel has no PAGEMAP_SCAN (Linux 6.7), so pagemap is read 8 bytes " + "a page, holes too: "
                        + Sizes.format(t.length()) + " is " + Sizes.human(pages * 8) + " of entries",
                "read at most " + limit + " at a time, e.g. '" + verb + " "
                        + t.mapping().name() + "[0:" + limit + "]'");
    }

    /** Whether {@link #present(Mapping)} counts every part of the mapping exactly (see {@code Pagemap.countsExactly}). */
    public boolean presentExact(Mapping m) {
        for (long[] p : m.liveParts()) if (!Pagemap.countsExactly(m.base() + p[0], m.base() + p[1])) return false;
        return true;
    }

    public long present(Target t) throws LinuxException {
        long n = 0;
        // touch accepts unaligned offsets; PAGEMAP_SCAN wants page-aligned bounds
        long from = t.mapping().geometry().alignDown(t.offset());
        long to = Math.min(t.mapping().length(), t.mapping().geometry().alignUp(t.end()));
        for (long[] p : t.mapping().liveWithin(from, to - from)) {
            n += Pagemap.countPresent(t.mapping().base() + p[0], t.mapping().base() + p[1]);
        }
        return n;
    }

    /** Unmaps everything the session owns. */
    @Override
    public void close() {
        if (stepThread.isShutdown()) return;
        if (!meter.isDone() && mappings.isEmpty() && restorers.isEmpty() && userfaultfd == null) {
            // Nothing ever ran on the step thread (every step waits for the warm-up): a "-c list" need not wait
            // for a warm-up it never used before the process leaves.
            stepThread.shutdownNow();
            return;
        }
        startWarmUp(); // a deferred warm-up must not hold the step thread forever
        try {
            call(() -> {
                for (Mapping m : mappings()) {
                    for (long[] p : m.liveParts()) {
                        try {
                            Mman.munmap(m.base() + p[0], p[1] - p[0]);
                        } catch (LinuxException ignored) {
                            // the process is leaving; the kernel frees the rest at exit
                        }
                    }
                    remove(m);
                }
                if (userfaultfd != null) userfaultfd.close();
                for (Runnable r : restorers.values()) {
                    try {
                        r.run();
                    } catch (RuntimeException ignored) {
                        // leaving: nothing more can be done about it
                    }
                }
                return null;
            });
        } catch (CommandError ignored) {
            // nothing to report while closing
        } finally {
            stepThread.shutdownNow();
        }
    }
}
