package dev.pagelab.console.terminal;

import dev.pagelab.console.Shell;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

/**
 * Opens the JLine system terminal on a thread of its own, started first thing in {@code main}, while the main
 * thread reads the settings and sets up the session: on 2 CPUs the two halves of the launch overlap (measured:
 * opening the terminal took ~150 ms of a ~400 ms launch, much of it linking JLine's native calls and signal
 * handler; the provider choice below took another ~100 ms off).
 */
public final class TerminalOpener {
    private final CompletableFuture<Terminal> terminal = new CompletableFuture<>();
    private final CompletableFuture<LineReader> reader = new CompletableFuture<>();
    /** The shell that Ctrl-C during a step and Tab completion go to; set by the main thread once it exists. */
    private final AtomicReference<Shell> shell = new AtomicReference<>();

    private TerminalOpener() {}

    /**
     * With {@code lineReader}, the same thread goes on to register the Ctrl-C handler and build the line reader
     * (~20 ms more that the main thread need not wait for): the interactive console. Without, only the terminal
     * (a recipe played step by step reads single keys).
     */
    public static TerminalOpener start(boolean lineReader, java.nio.charset.Charset output) {
        TerminalOpener opener = new TerminalOpener();
        Thread t = new Thread(
                () -> {
                    try {
                        Terminal term = open(output);
                        opener.handleInterrupt(term);
                        opener.terminal.complete(term);
                        if (lineReader) opener.reader.complete(opener.buildReader(term));
                    } catch (Throwable e) {
                        opener.terminal.completeExceptionally(e);
                        opener.reader.completeExceptionally(e);
                    }
                },
                "pagelab-terminal-open");
        t.setDaemon(true);
        t.start();
        return opener;
    }

    /** The terminal, once open. */
    Terminal get() throws IOException {
        return await(terminal);
    }

    /** The line reader, once built (only when started with one). */
    public LineReader reader() throws IOException {
        return await(reader);
    }

    /** From now on Ctrl-C and completion go to this shell. */
    void shell(Shell s) {
        shell.set(s);
    }

    /**
     * While a step runs the terminal is not in raw mode, so Ctrl-C arrives as SIGINT: stop the touch loop between
     * two accesses. At the prompt JLine reads Ctrl-C itself (UserInterruptException). Before the shell exists
     * there is nothing to stop.
     */
    private void handleInterrupt(Terminal term) {
        term.handle(Terminal.Signal.INT, signal -> {
            Shell s = shell.get();
            if (s == null) return;
            s.interrupt();
            term.writer().println(); // the tty echoed ^C; the report starts on a line of its own
            term.writer().flush();
        });
    }

    private LineReader buildReader(Terminal term) {
        return LineReaderBuilder.builder()
                .terminal(term)
                .appName("pagelab")
                .completer(new Repl.CommandCompleter(shell::get))
                .variable(LineReader.HISTORY_FILE, Repl.historyFile())
                .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true)
                .option(LineReader.Option.HISTORY_IGNORE_DUPS, true)
                .build();
    }

    private static <T> T await(CompletableFuture<T> f) throws IOException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while opening the terminal", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof IOException io) throw io;
            if (c instanceof RuntimeException re) throw re;
            if (c instanceof Error er) throw er;
            throw new IOException(c);
        }
    }

    /**
     * JLine's JNI provider first. Its FFM provider, measured on this 2-CPU machine, added ~100 ms to the launch
     * (every libc call it binds spins a class, interpreted at start-up) and installs its signal handler as an FFM
     * upcall, which runs Java code on whichever thread the kernel interrupts — possibly the step thread inside a
     * measured window. The JNI provider leaves signals to the JDK's dispatcher thread. FFM next, should the JNI
     * library not load; then JLine's own choice (a dumb terminal at worst). {@code -Dorg.jline.terminal.provider}
     * picks one.
     */
    static Terminal open(java.nio.charset.Charset output) throws IOException {
        Optional<TerminfoCache> cache = TerminfoCache.forEnvironment(System.getenv());
        cache.ifPresent(TerminfoCache::seed);
        Terminal t = null;
        String chosen = System.getProperty(TerminalBuilder.PROP_PROVIDER);
        List<String> providers = chosen != null
                ? List.of(chosen)
                : List.of(TerminalBuilder.PROP_PROVIDER_JNI, TerminalBuilder.PROP_PROVIDER_FFM);
        for (String provider : providers) {
            try {
                // Only this provider: JLine otherwise also loads its exec provider, which runs `test -t 1` in a
                // child process just to be listed (~40 ms). dumb(false): fail rather than quietly go dumb.
                t = builder(output).provider(provider).dumb(false).build();
                break;
            } catch (IOException | RuntimeException | LinkageError e) {
                // try the next one
            }
        }
        if (t == null) t = builder(output).build();
        cache.ifPresent(TerminfoCache::store);
        return t;
    }

    private static TerminalBuilder builder(java.nio.charset.Charset output) {
        // No grapheme-cluster probe: it writes DECRQM queries and waits up to 200 ms (and drains 25 ms more) for
        // the terminal's answers — a network round trip over SSH — for a mode pagelab, whose output is ASCII and
        // box drawing, has no use for.
        // The output encoding is the locale's decision (OutputCharset), not the JDK's stdout.encoding: with a locale
        // name the C library does not know, the JDK falls back to ASCII, and JLine would print '?' for every glyph.
        return TerminalBuilder.builder()
                .system(true)
                .name("pagelab")
                .graphemeCluster(false)
                .stdoutEncoding(output)
                .stderrEncoding(output);
    }
}
