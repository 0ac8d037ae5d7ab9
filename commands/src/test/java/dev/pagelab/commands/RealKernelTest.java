package dev.pagelab.commands;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/** One real session per test class; every test starts with no mappings. */
abstract class RealKernelTest {
    static SessionFixture f;

    @BeforeAll
    static void start() {
        f = new SessionFixture();
    }

    @AfterAll
    static void stop() {
        f.close();
    }

    @AfterEach
    void unmapAll() throws Exception {
        for (String n : f.session.names()) f.run("unmap " + n);
    }
}
