package dev.pagelab.console.classroom;

import dev.pagelab.commands.CommandError;
import dev.pagelab.commands.Sizes;
import dev.pagelab.console.terminal.OutputCharset;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code pagelab class ...}: the launcher's entry to class mode.
 * <pre>
 *   pagelab class [--root DIR] init NAME [--budget SIZE] [--student-memory SIZE] [--sshd-config FILE]  (root)
 *   pagelab class [--root DIR] add NAME ID KEYFILE                               (root)
 *   pagelab class [--root DIR] join NAME                                         (the student's ForceCommand)
 *   pagelab class [--root DIR] teach NAME                                        (root or the class's owner)
 *   pagelab class [--root DIR] results NAME [--json]                             (root: the scored predictions)
 * </pre>
 */
public final class ClassCommand {
    private ClassCommand() {}

    static final String USAGE = """
            usage: pagelab class [--root DIR] init NAME [--budget SIZE] [--student-memory SIZE] [--sshd-config FILE]
                   pagelab class [--root DIR] add NAME ID KEYFILE
                   pagelab class [--root DIR] join NAME
                   pagelab class [--root DIR] teach NAME
                   pagelab class [--root DIR] results NAME [--json]
            (man pagelab-class)""";

    /** Runs {@code args} (the words after 'class'); returns the exit status. */
    public static int run(String[] args, OutputCharset output, PrintStream out, PrintStream err) {
        Path root = Path.of(ClassLayout.DEFAULT_ROOT);
        int i = 0;
        if (i < args.length && (args[i].equals("-h") || args[i].equals("--help"))) {
            out.println(USAGE);
            return 0;
        }
        if (i + 1 < args.length && args[i].equals("--root")) {
            root = Path.of(args[i + 1]);
            i += 2;
        }
        if (i >= args.length) return usage(err, "class needs init, add, join, teach or results");
        String verb = args[i++];
        String[] rest = java.util.Arrays.copyOfRange(args, i, args.length);
        try {
            switch (verb) {
                case "init" -> {
                    if (rest.length < 1) return usage(err, "class init needs a NAME, e.g. pagelab class init os101");
                    ClassLayout layout = ClassLayout.of(root, rest[0]);
                    long budget = ClassAdmin.defaultBudget();
                    boolean budgetGiven = false;
                    long studentMemory = 0;
                    Path sshdConfig = Path.of("/etc/ssh/sshd_config");
                    for (int j = 1; j < rest.length; j++) {
                        switch (rest[j]) {
                            case "--budget" -> {
                                if (j + 1 >= rest.length) return usage(err, "--budget needs a size, e.g. --budget 4G");
                                budget = Sizes.parse(rest[++j], 4096, 0, "budget");
                                budgetGiven = true;
                                if (budget <= 0) return usage(err, "--budget must be more than 0");
                            }
                            case "--student-memory" -> {
                                if (j + 1 >= rest.length)
                                    return usage(err, "--student-memory needs a size, e.g. --student-memory 1G");
                                studentMemory = Sizes.parse(rest[++j], 4096, 0, "student memory");
                                if (studentMemory < (64L << 20))
                                    return usage(
                                            err,
                                            "--student-memory must be at least 64M: a console's Java VM alone needs"
                                                    + " more");
                            }
                            case "--sshd-config" -> {
                                if (j + 1 >= rest.length) return usage(err, "--sshd-config needs a file");
                                sshdConfig = Path.of(rest[++j]);
                            }
                            default -> {
                                return usage(err, "class init: unknown argument '" + rest[j] + "'");
                            }
                        }
                    }
                    return new ClassAdmin(layout, out, err)
                            .init(budget, budgetGiven, studentMemory, sshdConfig, launcher());
                }
                case "add" -> {
                    if (rest.length != 3)
                        return usage(
                                err, "class add needs NAME ID KEYFILE, e.g. pagelab class add os101 alice alice.pub");
                    ClassLayout layout = ClassLayout.of(root, rest[0]);
                    return new ClassAdmin(layout, out, err).add(ClassLayout.checkId(rest[1]), Path.of(rest[2]));
                }
                case "join" -> {
                    if (rest.length != 1) return usage(err, "class join needs the class NAME");
                    return ClassJoin.join(ClassLayout.of(root, rest[0]), output, err);
                }
                case "teach" -> {
                    if (rest.length != 1) return usage(err, "class teach needs the class NAME");
                    return ClassTeach.teach(ClassLayout.of(root, rest[0]), output, err);
                }
                case "results" -> {
                    boolean json = rest.length == 2 && rest[1].equals("--json");
                    if (rest.length < 1 || rest.length > 2 || rest.length == 2 && !json)
                        return usage(err, "class results needs the class NAME, and --json for graders");
                    return ClassResults.print(ClassLayout.of(root, rest[0]), json, out, err);
                }
                default -> {
                    return usage(err, "unknown class command '" + verb + "' (init, add, join, teach, results)");
                }
            }
        } catch (CommandError e) {
            err.println("pagelab: class " + verb + ": " + e.line());
            return 2;
        }
    }

    private static int usage(PrintStream err, String problem) {
        err.println("pagelab: " + problem);
        err.println(USAGE);
        return 2;
    }

    /**
     * The launcher students' logins run: the clone's ./pagelab (pagelab.home is the clone), or the installed
     * PREFIX/bin/pagelab (pagelab.home is PREFIX/share/pagelab); /usr/bin/pagelab when neither is found.
     */
    static String launcher() {
        String home = System.getProperty("pagelab.home");
        if (home != null) {
            Path h = Path.of(home).toAbsolutePath().normalize();
            Path clone = h.resolve("pagelab");
            if (Files.isRegularFile(clone) && Files.isExecutable(clone)) return clone.toString();
            Path parent = h.getParent() == null ? null : h.getParent().getParent();
            if (parent != null && Files.isExecutable(parent.resolve("bin/pagelab")))
                return parent.resolve("bin/pagelab").toString();
        }
        return "/usr/bin/pagelab";
    }
}
