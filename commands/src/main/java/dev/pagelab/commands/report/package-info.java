/**
 * What a command returns: one record per kind of result under the sealed {@link dev.pagelab.commands.report.Report},
 * measured figures only — no text, no colour. Renderers in the console switch over it exhaustively, so a new report
 * kind does not compile until every renderer handles it. Exported.
 */
package dev.pagelab.commands.report;
