package dev.pagelab.commands;

import dev.pagelab.commands.report.PagemapReport;
import dev.pagelab.commands.report.Report;
import dev.pagelab.commands.report.StepReport;

/** Runs command lines against a real session on the real kernel, as the console does. */
final class SessionFixture implements AutoCloseable {
    final Session session = new Session();
    final CommandRegistry registry = CommandRegistry.withSessionCommands();

    Report run(String line) throws CommandError {
        CommandLine cl = CommandLine.parse(line);
        Command c = registry.lookup(cl.name());
        return session.call(() -> c.run(session, cl));
    }

    StepReport step(String line) throws CommandError {
        return (StepReport) run(line);
    }

    PagemapReport pagemap(String line) throws CommandError {
        return (PagemapReport) run(line);
    }

    CommandError error(String line) {
        try {
            run(line);
        } catch (CommandError e) {
            return e;
        }
        throw new AssertionError("expected '" + line + "' to fail");
    }

    @Override
    public void close() {
        session.close();
    }
}
