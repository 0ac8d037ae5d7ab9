/**
 * What the console builds on: the {@link dev.pagelab.commands.Session} (named mappings, the step thread that runs
 * every measured window), command lines and their parsing ({@link dev.pagelab.commands.CommandLine},
 * {@link dev.pagelab.commands.Args} with its option specs), the one {@link dev.pagelab.commands.CommandRegistry},
 * sizes, errors, and the vocabulary recipes check against ({@link dev.pagelab.commands.Advice},
 * {@link dev.pagelab.commands.WriteTracking}). Exported; the commands themselves are not.
 */
package dev.pagelab.commands;
