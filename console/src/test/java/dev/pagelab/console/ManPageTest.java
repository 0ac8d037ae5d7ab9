package dev.pagelab.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.pagelab.commands.Session;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * man/ is the single source of the manual, read by {@code man -l} and, from the jar, by {@code help}: every
 * command has a page and every page a command, the pages keep to the macro subset {@link ManPage} renders, real
 * man renders them without warnings, and both renderers show the same text.
 */
class ManPageTest {
    static final Path MAN = Path.of("..", "man");
    static final int[] WIDTHS = {40, 60, 80, 132};

    /** The macros and escapes the pages may use: what the console's renderer understands (see the brief in man/). */
    static final Pattern MACRO =
            Pattern.compile("\\.(TH|SH|SS|PP|TP|IP|RS|RE|nf|fi|EX|EE|B|I|BR|IR|RB|BI)( .*)?|\\.\\\\\".*");

    static final Pattern ESCAPE =
            Pattern.compile("\\\\(-|\\(em|\\(en|\\(->|\\(<-|e|&|\\(bu|\\(mu|\\(~~|\\(!=|f[BIRP]|\")");

    static List<Path> pageFiles() throws IOException {
        try (Stream<Path> s = Files.list(MAN)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".1"))
                    .sorted()
                    .toList();
        }
    }

    /** Pages of the launcher's own subcommands (pagelab class ...): not console commands, so not in pages.list or help. */
    static final List<String> LAUNCHER_PAGES = List.of("class");

    static List<String> commandPagesOnDisk() throws IOException {
        return pageFiles().stream()
                .map(p -> p.getFileName().toString())
                .filter(n -> n.startsWith("pagelab-"))
                .map(n -> n.substring("pagelab-".length(), n.length() - 2))
                .filter(n -> !LAUNCHER_PAGES.contains(n))
                .sorted()
                .toList();
    }

    static List<String> pagesList() throws IOException {
        return Files.readAllLines(MAN.resolve("pages.list")).stream()
                .map(String::strip)
                .filter(s -> !s.isEmpty() && !s.startsWith("#"))
                .toList();
    }

    static ManPage page(Path file) throws IOException {
        String n = file.getFileName().toString();
        String name = n.equals("pagelab.1") ? "pagelab" : n.substring("pagelab-".length(), n.length() - 2);
        return ManPage.parse(name, Files.readString(file));
    }

    // ---- the set of pages -------------------------------------------------------------------------------------

    @Test
    void pagesListMatchesTheFilesAndTheResources() throws IOException {
        assertThat(pagesList())
                .as("man/pages.list against man/pagelab-*.1")
                .doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(commandPagesOnDisk())
                .doesNotContain("pagelab");
        assertThat(Files.exists(MAN.resolve("pagelab.1")))
                .as("the overview man/pagelab.1")
                .isTrue();
        // the copies packaged into the console (the resource block of console/pom.xml)
        assertThat(ManPage.commandsWithPages()).containsExactlyElementsOf(pagesList());
        for (String c : ManPage.commandsWithPages())
            assertThat(ManPage.load(c)).as("resource page of " + c).isPresent();
        assertThat(ManPage.load("pagelab")).isPresent();
        assertThat(ManPage.load("no-such-command")).isEmpty();
        assertThat(ManPage.load("../pagelab")).isEmpty();
    }

    @Test
    void everyCommandHasAPageAndEveryPageACommand() throws IOException {
        List<String> registry;
        try (Session session = new Session()) {
            Shell shell = new Shell(session, new PrintWriter(new StringWriter()), false, false, () -> 80);
            registry = shell.registry().names();
        }
        assertThat(commandPagesOnDisk()).as("pages in man/").containsExactlyInAnyOrderElementsOf(registry);
    }

    /**
     * A command's options are declared once, in its OptionSpec, which parsing and completion read; its page's
     * synopsis must name exactly those, so the manual cannot promise an option the parser refuses or hide one it takes.
     */
    @Test
    void everyCommandsOptionsAreTheOnesItsSynopsisNames() throws IOException {
        List<String> mismatches = new ArrayList<>();
        int withOptions = 0;
        try (Session session = new Session()) {
            Shell shell = new Shell(session, new PrintWriter(new StringWriter()), false, false, () -> 80);
            for (dev.pagelab.commands.Command c : shell.registry().all()) {
                java.util.Set<String> declared =
                        new java.util.TreeSet<>(c.options().all());
                java.util.Set<String> inSynopsis = new java.util.TreeSet<>();
                Matcher m = Pattern.compile("(?<![\\w-])--([a-z][a-z0-9-]*)")
                        .matcher(page(MAN.resolve("pagelab-" + c.name() + ".1")).synopsis());
                while (m.find()) inSynopsis.add(m.group(1));
                if (!inSynopsis.isEmpty()) withOptions++;
                // "--order seq|reverse|random": the words an option takes, as its spec declares them
                String synopsis =
                        page(MAN.resolve("pagelab-" + c.name() + ".1")).synopsis();
                Matcher w = Pattern.compile("--([a-z][a-z0-9-]*)[ =]([a-z0-9_]+(?:\\|[a-z0-9_]+)+)")
                        .matcher(synopsis);
                java.util.Map<String, List<String>> listed = new java.util.TreeMap<>();
                while (w.find()) listed.put(w.group(1), List.of(w.group(2).split("\\|")));
                java.util.Map<String, List<String>> spec =
                        new java.util.TreeMap<>(c.options().choices());
                if (!listed.equals(spec))
                    mismatches.add(c.name() + ": words declared " + spec + ", synopsis " + listed);
                if (!declared.equals(inSynopsis)) {
                    mismatches.add(c.name() + ": declared " + declared + ", synopsis " + inSynopsis);
                }
            }
        }
        assertThat(mismatches)
                .as("commands whose OptionSpec and man synopsis differ")
                .isEmpty();
        assertThat(withOptions)
                .as("commands with options (the synopses were read)")
                .isGreaterThan(10);
    }

    // ---- each page ----------------------------------------------------------------------------------------------

    @Test
    void pagesUseOnlyTheMacrosAndEscapesTheRendererSupports() throws IOException {
        for (Path f : pageFiles()) {
            List<String> lines = Files.readAllLines(f);
            for (int i = 0; i < lines.size(); i++) {
                String l = lines.get(i);
                String where = f.getFileName() + ":" + (i + 1) + ": " + l;
                if (l.startsWith(".") || l.startsWith("'"))
                    assertThat(l).as(where).matches(MACRO);
                if (l.startsWith(".\\\"")) continue;
                int at = 0;
                while (at < l.length() && (at = l.indexOf('\\', at)) >= 0) {
                    Matcher e = ESCAPE.matcher(l).region(at, l.length());
                    assertThat(e.lookingAt())
                            .as(where + " (escape at column " + (at + 1) + ")")
                            .isTrue();
                    at = e.end();
                }
                assertThat(l).as(where + ": trailing blank").doesNotEndWith(" ");
                assertThat(l.isEmpty()).as(where + ": blank line (use .PP)").isFalse();
            }
        }
    }

    @Test
    void everyCommandPageHasTheSectionsAndAOneLineName() throws IOException {
        for (String c : commandPagesOnDisk()) {
            Path f = MAN.resolve("pagelab-" + c + ".1");
            List<String> lines = Files.readAllLines(f);
            int name = lines.indexOf(".SH NAME");
            assertThat(name).as(c + ": .SH NAME").isPositive();
            assertThat(lines.get(name + 1))
                    .as(c + ": the NAME line")
                    .matches("pagelab\\\\-" + Pattern.quote(c.replace("-", "\\-")) + " \\\\- \\S.*");
            assertThat(lines.get(name + 2)).as(c + ": NAME is one line").startsWith(".SH");
            for (String section : List.of("NAME", "SYNOPSIS", "DESCRIPTION", "EXAMPLES", "SEE ALSO")) {
                assertThat(lines).as(c + ": section " + section).contains(".SH " + section);
            }
            assertThat(lines.stream().filter(l -> l.startsWith(".SH ERRORS") || l.startsWith(".SH REPORT")))
                    .as(c)
                    .isNotEmpty();
            ManPage p = page(f);
            assertThat(p.name()).isEqualTo(c);
            assertThat(p.summary())
                    .as(c + " summary")
                    .isNotBlank()
                    .doesNotContain("\\")
                    .doesNotContain("pagelab-");
            assertThat(p.synopsis())
                    .as(c + " synopsis")
                    .isNotBlank()
                    .startsWith(c)
                    .doesNotContain("\\");
        }
    }

    @Test
    void everyOptionOfTheSynopsisIsDescribedUnderOptions() throws IOException {
        for (Path f : pageFiles()) {
            ManPage p = page(f);
            List<String> options = new ArrayList<>();
            Matcher m = Pattern.compile("(?<![\\w-])--[a-z][a-z-]*").matcher(p.synopsis());
            while (m.find()) options.add(m.group());
            if (options.isEmpty()) continue;
            List<String> section = section(p.render(200), "OPTIONS");
            assertThat(section).as(f + ": an OPTIONS section").isNotEmpty();
            for (String o : options) {
                Pattern tag = Pattern.compile("^(-[a-z], )?" + Pattern.quote(o) + "(?![a-z-]).*");
                assertThat(section)
                        .as(f + ": " + o + " described as a .TP tag under OPTIONS")
                        .anyMatch(l -> tag.matcher(l.strip()).matches());
            }
        }
    }

    @Test
    void everyPageRendersWithinTheWidth() throws IOException {
        for (Path f : pageFiles()) {
            ManPage p = page(f);
            for (int width : WIDTHS) {
                List<ManPage.Line> lines = p.render(width);
                assertThat(lines).as(f + " at " + width).isNotEmpty();
                assertThat(lines.get(0).plain()).isEqualTo("NAME");
                boolean previousBlank = true;
                for (ManPage.Line l : lines) {
                    String text = l.plain();
                    if (text.length() > width) {
                        assertThat(text.strip())
                                .as(f + " at " + width + ": an over-long line is one unbreakable word")
                                .doesNotContain(" ");
                    }
                    assertThat(text)
                            .as(f + ": roff left in the output")
                            .doesNotContain("\\f")
                            .doesNotContain("\\-")
                            .doesNotContain("\\(")
                            .doesNotContain("\u00a0");
                    assertThat(text).as(f + ": trailing blanks").isEqualTo(text.stripTrailing());
                    assertThat(text.isEmpty() && previousBlank)
                            .as(f + " at " + width + ": two blank lines")
                            .isFalse();
                    previousBlank = text.isEmpty();
                }
            }
        }
    }

    /** The renderer shows the same text as groff, character for character once blanks are ignored. */
    @Test
    void theRendererShowsWhatManShows() throws Exception {
        Assumptions.assumeTrue(onPath("groff"), "groff is not installed");
        for (Path f : pageFiles()) {
            Process pr = new ProcessBuilder("groff", "-man", "-Tutf8", "-rHY=0", "-rLL=100n", "-P-cbou", f.toString())
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            String out = new String(pr.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(pr.waitFor(60, TimeUnit.SECONDS)).isTrue();
            List<String> lines = new ArrayList<>(out.lines().toList());
            // groff's header and footer lines (PAGELAB-MAP(1) ... ) are not part of the text
            while (!lines.isEmpty() && lines.get(lines.size() - 1).isBlank()) lines.remove(lines.size() - 1);
            lines.remove(lines.size() - 1);
            lines.remove(0);
            String groff = squeeze(String.join("\n", lines));
            StringBuilder ours = new StringBuilder();
            for (ManPage.Line l : page(f).render(100)) ours.append(l.plain()).append('\n');
            assertThat(squeeze(ours.toString()))
                    .as(f + ": the same text as groff -man")
                    .isEqualTo(groff);
        }
    }

    static String squeeze(String s) {
        return s.replace('\u2010', '-')
                .replace('\u2212', '-')
                .replace('\u2019', '\'')
                .replace('\u2018', '\'')
                .replace('\u201c', '"')
                .replace('\u201d', '"')
                .replaceAll("\\s+", "");
    }

    static List<String> section(List<ManPage.Line> lines, String heading) {
        List<String> out = new ArrayList<>();
        boolean in = false;
        for (ManPage.Line l : lines) {
            boolean isHeading = !l.spans().isEmpty() && l.spans().get(0).style() == ManPage.Style.HEADING;
            if (isHeading) in = l.plain().strip().equals(heading);
            else if (in) out.add(l.plain());
        }
        return out;
    }

    /** Real man renders every page without a warning (groff -ww, and man-db's own pipeline). */
    @Test
    void manAndGroffRenderEveryPageWithoutWarnings() throws Exception {
        boolean groff = onPath("groff"), man = onPath("man");
        Assumptions.assumeTrue(groff || man, "neither groff nor man is installed");
        for (Path f : pageFiles()) {
            if (groff) assertClean(f, "groff", "-ww", "-z", "-man", f.toString());
            if (man) assertClean(f, "man", "--warnings", "-l", "-Tutf8", "-Z", f.toString());
        }
    }

    static void assertClean(Path page, String... command) throws Exception {
        Process pr = new ProcessBuilder(command)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        String err = new String(pr.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(pr.waitFor(60, TimeUnit.SECONDS))
                .as(String.join(" ", command))
                .isTrue();
        assertThat(pr.exitValue())
                .as(page + ": " + String.join(" ", command) + ": " + err)
                .isZero();
        assertThat(err).as(page + ": " + String.join(" ", command)).isEmpty();
    }

    static boolean onPath(String binary) {
        String path = System.getenv("PATH");
        if (path == null) return false;
        for (String dir : path.split(":"))
            if (Files.isExecutable(Path.of(dir.isEmpty() ? "." : dir, binary))) return true;
        return false;
    }

    // ---- the renderer ---------------------------------------------------------------------------------------------

    @Test
    void boldAndItalicSpansSurvive() {
        ManPage p = ManPage.parse(
                "x",
                ".TH X 1\n.SH NAME\nx \\- y\n.SH SYNOPSIS\n.B touch\n.I RANGE\n"
                        + ".SH DESCRIPTION\nsee \\fBbold\\fR and \\fIital\\fP.\n.BR pagelab (1),\n.BI \\-\\-stride \" SIZE\"\n");
        List<ManPage.Span> spans =
                p.render(80).stream().flatMap(l -> l.spans().stream()).toList();
        assertThat(spans)
                .contains(
                        new ManPage.Span("touch", ManPage.Style.BOLD),
                        new ManPage.Span("RANGE", ManPage.Style.ITALIC),
                        new ManPage.Span("bold", ManPage.Style.BOLD),
                        new ManPage.Span("ital", ManPage.Style.ITALIC),
                        new ManPage.Span("pagelab", ManPage.Style.BOLD),
                        new ManPage.Span("(1),", ManPage.Style.PLAIN),
                        new ManPage.Span("--stride", ManPage.Style.BOLD),
                        new ManPage.Span("SIZE", ManPage.Style.ITALIC),
                        new ManPage.Span("NAME", ManPage.Style.HEADING));
        assertThat(p.summary()).isEqualTo("y");
        assertThat(p.synopsis()).isEqualTo("touch RANGE");
    }

    @Test
    void realPagesHaveBoldSpans() throws IOException {
        ManPage touch = page(MAN.resolve("pagelab-touch.1"));
        List<ManPage.Span> spans =
                touch.render(80).stream().flatMap(l -> l.spans().stream()).toList();
        assertThat(spans)
                .contains(
                        new ManPage.Span("--read", ManPage.Style.BOLD),
                        new ManPage.Span("touch", ManPage.Style.BOLD),
                        new ManPage.Span("RANGE", ManPage.Style.ITALIC));
        assertThat(touch.summary()).isEqualTo("access every page of a range and count the faults");
        assertThat(touch.synopsis())
                .startsWith("touch RANGE [--read|--write] [--stride SIZE]")
                .doesNotContain("\n");
        assertThat(page(MAN.resolve("pagelab-unmap.1")).synopsis())
                .as("one line per form")
                .isEqualTo("unmap NAME\nunmap NAME[OFFSET:LENGTH]");
    }

    @Test
    void layoutFollowsMan() {
        ManPage p = ManPage.parse(
                "x",
                String.join(
                        "\n",
                        ".TH X 1",
                        ".SH NAME",
                        "x \\- layout",
                        ".SH OPTIONS",
                        ".TP",
                        ".B \\-\\-read",
                        "Read instead.",
                        ".TP",
                        ".BI \\-\\-stride \" SIZE\"",
                        "Distance between accesses.",
                        ".PP",
                        "After.",
                        ".RS",
                        "Inset.",
                        ".RE",
                        "Back.",
                        ".PP",
                        ".EX",
                        "touch m1",
                        "  two  spaces",
                        ".EE",
                        ".IP \\(bu 2",
                        "bullet",
                        ".SS Sub",
                        "text \\(em dash, arrow \\(->, x \\(mu y, \\e, a\\&b"));
        List<String> l = p.render(60).stream().map(ManPage.Line::plain).toList();
        assertThat(l)
                .containsSubsequence(
                        "NAME",
                        "       x - layout",
                        "",
                        "OPTIONS",
                        "       --read Read instead.",
                        "",
                        "       --stride SIZE",
                        "              Distance between accesses.",
                        "",
                        "       After.",
                        "              Inset.",
                        "       Back.",
                        "",
                        "       touch m1",
                        "         two  spaces",
                        "",
                        "       \u2022 bullet",
                        "",
                        "   Sub",
                        "       text \u2014 dash, arrow \u2192, x \u00d7 y, \\, ab");
    }

    @Test
    void longVerbatimLinesAreBrokenOnlyWhenTheyDoNotFit() {
        ManPage p = ManPage.parse("x", ".SH EXAMPLES\n.EX\nmap 4M \\-\\-populate \\-\\-no\\-thp \\-\\-align 2M\n.EE\n");
        assertThat(p.render(80).stream().map(ManPage.Line::plain))
                .containsExactly("EXAMPLES", "       map 4M --populate --no-thp --align 2M");
        List<String> narrow = p.render(30).stream().map(ManPage.Line::plain).toList();
        assertThat(narrow).allSatisfy(s -> assertThat(s.length()).isLessThanOrEqualTo(30));
        assertThat(String.join(" ", narrow).replaceAll("\\s+", " "))
                .isEqualTo("EXAMPLES map 4M --populate --no-thp --align 2M");
    }

    @Test
    void oddInputNeverThrows() throws IOException {
        List<String> odd = new ArrayList<>(List.of(
                "",
                "\n\n",
                ".",
                ".SH",
                ".TP",
                ".TP\n",
                ".RE\n.RE\n.RE",
                ".RS 300\nx",
                "\\",
                "\\f",
                "\\(",
                "\\(e",
                "\\[",
                "\\*",
                "\\*(",
                "\\s",
                "\\s(1",
                "text\\c",
                ".B",
                ".B\n",
                ".BR \"",
                ".IP \"unterminated",
                ".EX\nno end",
                ".nf\n.fi\n.fi",
                ".XX unknown macro\nword",
                "'\\\" comment",
                ".SH \"SEE ALSO\"\n.BR a (1)",
                "\t\ttabs\t",
                ".IP \\(bu -3\nneg",
                ".ft B\nbold\n.ft\nplain",
                "\u0000\u0001\u00ff",
                ".SH NAME\n",
                ".SH NAME\nno dash here"));
        for (Path f : pageFiles()) {
            String s = Files.readString(f);
            odd.add(s.substring(0, s.length() / 2));
            odd.add(s.replace("\n", "\r\n"));
            odd.add(s.replace(".EE", "").replace(".RE", ""));
        }
        Random random = new Random(42);
        String alphabet = ".\\fBIRP()[]*\"' -\n\tTPSHRSEXnfabc";
        for (int i = 0; i < 500; i++) {
            StringBuilder b = new StringBuilder();
            int len = random.nextInt(200);
            for (int j = 0; j < len; j++) b.append(alphabet.charAt(random.nextInt(alphabet.length())));
            odd.add(b.toString());
        }
        for (String s : odd) {
            assertThatCode(() -> {
                        ManPage p = ManPage.parse("odd", s);
                        p.summary();
                        p.synopsis();
                        for (int w : new int[] {0, 1, 5, 20, 80}) p.render(w);
                    })
                    .as("input: %s", s.length() > 60 ? s.substring(0, 60) + "..." : s)
                    .doesNotThrowAnyException();
        }
        assertThat(ManPage.parse(null, null).render(80)).isEmpty();
    }
}
