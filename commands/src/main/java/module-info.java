/** The session (named mappings) and the commands that act on it. */
module dev.pagelab.commands {
    requires transitive dev.pagelab.linux;
    exports dev.pagelab.commands;
}
