package dev.pagelab.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pagelab.commands.Session;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** man/ is the single source of the manual: every command has a page, every page a command, all render. */
class ManPageTest {
    static final Path MAN = Path.of("..", "man");

    @Test
    void everyCommandHasAPageAndEveryPageACommand() throws IOException {
        List<String> registry;
        try (Session session = new Session()) {
            Shell shell = new Shell(session, new PrintWriter(new StringWriter()), false, false, () -> 80);
            registry = shell.registry().names();
        }
        List<String> files;
        try (Stream<Path> s = Files.list(MAN)) {
            files = s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("pagelab-") && n.endsWith(".1"))
                    .map(n -> n.substring("pagelab-".length(), n.length() - 2)).sorted().toList();
        }
        assertThat(files).as("pages in man/").containsExactlyInAnyOrderElementsOf(registry);
        assertThat(ManPage.commandsWithPages()).as("man/pages.list").containsExactlyInAnyOrderElementsOf(registry);
        assertThat(Files.exists(MAN.resolve("pagelab.1"))).isTrue();
    }

    @Test
    void everyPageParsesWithSummarySynopsisAndFitsTheWidth() {
        for (String name : Stream.concat(ManPage.commandsWithPages().stream(), Stream.of("pagelab")).toList()) {
            ManPage page = ManPage.load(name).orElseThrow();
            assertThat(page.summary()).as(name + " summary").isNotBlank().doesNotContain("\\");
            assertThat(page.synopsis()).as(name + " synopsis").isNotBlank();
            for (ManPage.Line l : page.render(60)) {
                String text = l.plain();
                if (text.length() > 60) {
                    assertThat(text.trim()).as(name + ": an over-long line must be one unbreakable word").doesNotContain(" ");
                }
                assertThat(text).as(name).doesNotContain("\\f").doesNotContain("\\-");
            }
        }
    }

    @Test
    void boldAndItalicSpansSurvive() {
        ManPage p = ManPage.parse("x", ".TH X 1\n.SH NAME\nx \\- y\n.SH SYNOPSIS\n.B touch\n.I RANGE\n"
                + ".SH DESCRIPTION\nsee \\fBbold\\fR and \\fIital\\fP.\n");
        List<ManPage.Span> spans = p.render(80).stream().flatMap(l -> l.spans().stream()).toList();
        assertThat(spans).contains(new ManPage.Span("touch", ManPage.Style.BOLD), new ManPage.Span("RANGE", ManPage.Style.ITALIC),
                new ManPage.Span("bold", ManPage.Style.BOLD), new ManPage.Span("ital", ManPage.Style.ITALIC));
        assertThat(p.summary()).isEqualTo("y");
    }

    @Test
    void realManRendersEveryPageWithoutWarnings() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/man")), "man(1) is not installed");
        try (Stream<Path> s = Files.list(MAN)) {
            for (Path page : s.filter(p -> p.toString().endsWith(".1")).toList()) {
                Process pr = new ProcessBuilder("man", "--warnings", "-l", "-Tutf8", "-Z", page.toString())
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                String err = new String(pr.getErrorStream().readAllBytes());
                assertThat(pr.waitFor()).as(page + ": " + err).isZero();
                assertThat(err).as(page.toString()).isEmpty();
            }
        }
    }
}
