package dev.pagelab.console.classroom;

import dev.pagelab.commands.CommandError;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Where a class lives and what its accounts are called. Everything is derived from the class NAME and a student ID,
 * both checked against narrow patterns first, so that no name can carry a path ("../", "/") or an option ("-x") into
 * a file name, a user name or an sshd_config line.
 *
 * <pre>
 *   ROOT/NAME/                     root:pagelab-NAME 0750   the class
 *   ROOT/NAME/shared/              root:pagelab-NAME 0750   the teacher's read-only material
 *   ROOT/NAME/keys/ACCOUNT         root:root 0644           each student's public key (sshd's AuthorizedKeysFile)
 *   ROOT/NAME/ledger               root:pagelab-NAME 0660   the class memory budget and what each console holds
 *   ROOT/NAME/students/            root:root 0711           traversable, not listable
 *   ROOT/NAME/students/ID/         root:root 0711           the account's home: not writable by the student
 *   ROOT/NAME/students/ID/work/    ACCOUNT:pagelab-NAME 0700  the student's private directory
 *   ROOT/NAME/results/             root:pagelab-NAME 1730   the drop directory: students create, cannot list
 *   ROOT/NAME/results/ID.tsv       ACCOUNT:pagelab-NAME 0600  a student's scored predictions, read by root
 *   ROOT/NAME/student-memory       root:root 0644           each student's cgroup memory limit, in bytes
 * </pre>
 *
 * @param root  the directory holding every class (default {@value #DEFAULT_ROOT})
 * @param name  the class
 */
public record ClassLayout(Path root, String name) {
    public static final String DEFAULT_ROOT = "/var/lib/pagelab/class";
    /** Lower-case letters and digits: a Unix group name part, a file name, a word sshd_config takes unquoted. */
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9]{0,15}");
    /** The account is NAME-ID, at most 32 characters (useradd's limit): ID takes up to 15. */
    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9_]{0,14}");

    public ClassLayout {
        root = root.toAbsolutePath().normalize();
    }

    /** The layout of class {@code name}, refused in one line when the name is not one. */
    public static ClassLayout of(Path root, String name) throws CommandError {
        if (!NAME.matcher(name).matches()) {
            throw CommandError.usage(
                    0,
                    "'" + name + "' is not a class name",
                    "a class name is a lower-case letter then up to 15 lower-case letters or digits, e.g. os101");
        }
        return new ClassLayout(root, name);
    }

    /** {@code id} when it is a student ID, else a one-line refusal. */
    public static String checkId(String id) throws CommandError {
        if (!ID.matcher(id).matches()) {
            throw CommandError.usage(
                    0,
                    "'" + id + "' is not a student ID",
                    "an ID is up to 15 lower-case letters, digits or _, starting with a letter or digit, e.g. alice or s042");
        }
        return id;
    }

    public String group() {
        return "pagelab-" + name;
    }

    public String account(String id) {
        return name + "-" + id;
    }

    /** The student ID of {@code account}, or null when it is no account of this class. */
    public String idOf(String account) {
        if (!account.startsWith(name + "-")) return null;
        String id = account.substring(name.length() + 1);
        return ID.matcher(id).matches() ? id : null;
    }

    public Path dir() {
        return root.resolve(name);
    }

    public Path shared() {
        return dir().resolve("shared");
    }

    public Path keys() {
        return dir().resolve("keys");
    }

    public Path key(String account) {
        return keys().resolve(account);
    }

    public Path ledger() {
        return dir().resolve("ledger");
    }

    public Path students() {
        return dir().resolve("students");
    }

    public Path home(String id) {
        return students().resolve(id);
    }

    public Path work(String id) {
        return home(id).resolve("work");
    }

    /** The drop directory of scored predictions ({@link ClassResults}). */
    public Path results() {
        return dir().resolve("results");
    }

    public Path result(String id) {
        return results().resolve(id + ".tsv");
    }

    /** What {@code class init --student-memory} chose, for {@code class add} to write into each student's slice. */
    public Path studentMemory() {
        return dir().resolve("student-memory");
    }

    /** The student ID of a file name of {@link #results()}, or null when it is none. */
    public static String idOfResult(String fileName) {
        if (!fileName.endsWith(".tsv")) return null;
        String id = fileName.substring(0, fileName.length() - 4);
        return ID.matcher(id).matches() ? id : null;
    }
}
