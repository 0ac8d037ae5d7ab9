package dev.pagelab.console;

import dev.pagelab.console.render.Json;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes what the console prints as an asciinema v2 recording (docs.asciinema.org, "asciicast v2"): a header
 * line, then one {@code [seconds, "o", text]} event per flush, so the typing effect and pauses play back at the
 * pace they ran. Line ends become CR LF, as a terminal's output processing would make them.
 */
final class CastWriter extends Writer {
    private final Writer file;
    private final long start = System.nanoTime();
    private final StringBuilder pending = new StringBuilder();
    private final Path path;

    CastWriter(Path path, int width, int height, String title) throws IOException {
        this.path = path;
        Path parent = path.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        this.file = new BufferedWriter(Files.newBufferedWriter(path, StandardCharsets.UTF_8));
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("version", 2);
        header.put("width", width);
        header.put("height", height);
        header.put("timestamp", System.currentTimeMillis() / 1000);
        header.put("title", title);
        Map<String, Object> env = new LinkedHashMap<>();
        env.put("TERM", System.getenv().getOrDefault("TERM", "xterm-256color"));
        env.put("SHELL", System.getenv().getOrDefault("SHELL", "/bin/sh"));
        header.put("env", env);
        file.write(Json.encode(header));
        file.write('\n');
    }

    Path path() {
        return path;
    }

    @Override
    public synchronized void write(char[] buf, int off, int len) {
        pending.append(buf, off, len);
    }

    @Override
    public synchronized void flush() throws IOException {
        if (pending.isEmpty()) return;
        String text = pending.toString().replace("\r\n", "\n").replace("\n", "\r\n");
        pending.setLength(0);
        double t = (System.nanoTime() - start) / 1e9;
        file.write("[" + String.format(java.util.Locale.ROOT, "%.6f", t) + ", \"o\", " + Json.encode(text) + "]\n");
        file.flush();
    }

    @Override
    public synchronized void close() throws IOException {
        flush();
        file.close();
    }
}
