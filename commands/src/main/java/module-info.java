/** The session (named mappings) and the commands that act on it. */
module dev.pagelab.commands {
    requires transitive dev.pagelab.linux;
    // the API the console builds on: the session, command lines and their parsing, the registry
    exports dev.pagelab.commands;
    // what a command returns, for renderers
    exports dev.pagelab.commands.report;
// dev.pagelab.commands.{mapping,inspect,machine} hold the commands themselves: reached only through the registry
}
