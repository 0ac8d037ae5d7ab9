package dev.pagelab.commands;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pagelab.commands.report.StepReport;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A touch watched by a progress display on another thread, polling every few tens of microseconds: the fault counts stay exact,
 * the counter moves only once per run of accesses (never per access), and reaches the total.
 */
class StepProgressTest {
    static SessionFixture f;

    @BeforeAll
    static void start() {
        f = new SessionFixture();
        assertThat(f.session.calibrationRounds())
                .as("warm-up reached exact one-page counts")
                .isPositive();
    }

    @AfterAll
    static void stop() {
        f.session.observeSteps(null);
        f.close();
    }

    /** Polls the progress from its own thread while the caller waits, as the console's progress line does. */
    static final class Poller implements StepProgress.Observer {
        final List<Long> seen = new CopyOnWriteArrayList<>();
        final List<String> verbs = new CopyOnWriteArrayList<>();
        volatile boolean stop;
        Thread thread;

        @Override
        public void waiting(StepProgress p) {
            stop = false;
            thread = Thread.ofPlatform().daemon().start(() -> {
                long last = -1;
                String lastVerb = null;
                while (!stop) {
                    String v = p.verb();
                    if (v != null) {
                        if (!v.equals(lastVerb)) verbs.add(lastVerb = v);
                        long d = p.done();
                        if (d != last) seen.add(last = d);
                    }
                    java.util.concurrent.locks.LockSupport.parkNanos(20_000);
                }
            });
        }

        @Override
        public void done() {
            stop = true;
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @ParameterizedTest(name = "{0} pages, {1}")
    @CsvSource({"100000, ''", "20000, --order random", "20000, --order reverse", "5000, --timing"})
    void aWatchedTouchCountsExactlyAndTheCounterReachesTheTotal(int n, String options) throws Exception {
        f.run("map p " + n + "p --no-thp");
        Poller poller = new Poller();
        f.session.observeSteps(poller);
        try {
            StepReport r = f.step("touch p " + options);
            assertThat(r.sample().minorFaults())
                    .as("minor faults of %d fresh pages, watched", n)
                    .isEqualTo(n);
            assertThat(r.sample().majorFaults()).isZero();
            assertThat(r.accesses().orElseThrow().made()).isEqualTo(n);
            assertThat(f.session.progress().done())
                    .as("the counter reaches the total")
                    .isEqualTo(n);
            assertThat(f.session.progress().total()).isEqualTo(n);
            assertThat(f.session.progress().verb())
                    .as("nothing in progress after the step")
                    .isNull();

            List<Long> seen = new ArrayList<>(poller.seen);
            assertThat(seen).as("the poller saw the loop running").isNotEmpty();
            assertThat(poller.verbs).containsOnly("touch");
            assertThat(seen).as("never backwards").isSorted();
            // 2 MiB runs of 4 KiB pages: 512 accesses each; the last run may be shorter
            assertThat(seen)
                    .as("published once per run, never per access")
                    .allSatisfy(
                            v -> assertThat(v % 512 == 0 || v == n).as("%d", v).isTrue());
            if (n >= 100000) {
                assertThat(seen).as("seen between the start and the end").anyMatch(v -> v > 0 && v < n);
            }
        } finally {
            f.session.observeSteps(null);
            f.run("unmap p");
        }
    }
}
