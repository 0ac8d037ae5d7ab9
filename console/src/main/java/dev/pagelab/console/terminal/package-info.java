/**
 * The terminal: opening it (JNI, exec, dumb; the terminfo cache that keeps start-up fast), the line reader with its
 * completion and history ({@link dev.pagelab.console.terminal.Repl}), and what the output can carry
 * ({@link dev.pagelab.console.terminal.OutputCharset}: UTF-8 or ASCII stand-ins under a C locale).
 */
package dev.pagelab.console.terminal;
