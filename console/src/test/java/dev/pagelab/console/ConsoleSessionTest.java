package dev.pagelab.console;

import dev.pagelab.commands.Session;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * A test class that drives one real session through the console's shell (80 columns, no colour, text output
 * collected in {@link #buffer}) for all its tests; the session, and every mapping left in it, is closed after them.
 * Test classes run one after another (surefire's default), so each gets these fields to itself.
 */
abstract class ConsoleSessionTest {
    static Session session;
    static StringWriter buffer;
    static Shell shell;

    @BeforeAll
    static void startSession() {
        session = new Session();
        buffer = new StringWriter();
        shell = new Shell(session, new PrintWriter(buffer), false, false, () -> 80);
    }

    @AfterAll
    static void closeSession() {
        session.close();
    }
}
