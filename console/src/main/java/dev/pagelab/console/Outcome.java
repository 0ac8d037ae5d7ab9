package dev.pagelab.console;

import dev.pagelab.commands.CommandError;
import dev.pagelab.commands.report.Report;

/** What one statement did: its report, or the error it was refused with (exactly one of the two is null). */
public record Outcome(String statement, String verb, Report report, CommandError error) {
    public boolean ok() {
        return error == null;
    }
}
