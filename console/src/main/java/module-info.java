/** The JLine REPL, rendering, and the launcher's main class. */
module dev.pagelab.console {
    requires org.tomlj;
    requires dev.pagelab.commands;
    requires org.jline.reader;
    requires org.jline.terminal;
    // JLine's JNI terminal handles SIGINT/SIGWINCH through sun.misc.Signal, which it finds by reflection: the
    // module must be in the graph, or the console would get neither Ctrl-C during a step nor resizes.
    requires jdk.unsupported;
}
