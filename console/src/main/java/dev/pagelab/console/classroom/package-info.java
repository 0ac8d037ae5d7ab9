/**
 * Class mode: a class of students over SSH on one server, each in a console of their own under their own uid
 * ({@code pagelab class init|add|join}). Set-up writes an OpenSSH Match block; {@link
 * dev.pagelab.console.classroom.ClassPolicy} confines files, refuses machine-wide commands and holds the class to a
 * shared memory budget ({@link dev.pagelab.console.classroom.Ledger}); {@link dev.pagelab.console.classroom.SecurePager}
 * pages without a shell escape.
 */
package dev.pagelab.console.classroom;
