/**
 * The console: {@link dev.pagelab.console.Main} (flags, modes), the {@link dev.pagelab.console.Shell} that runs a
 * statement and hands its report to the renderer chosen at start, the user's {@link dev.pagelab.console.Config},
 * manual pages, and the console's own commands (help, history, set, watch, replay, record, exit).
 */
package dev.pagelab.console;
