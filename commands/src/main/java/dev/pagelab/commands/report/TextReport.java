package dev.pagelab.commands.report;

import java.util.List;

/** Plain lines (help, history, settings); {@code styled} lines may carry console markup left to the renderer. */
public record TextReport(String verb, List<String> lines) implements Report {}
