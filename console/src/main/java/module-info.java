/** The JLine REPL, rendering, and the launcher's main class. */
module dev.pagelab.console {
    requires org.tomlj;
    requires dev.pagelab.commands;
    requires org.jline.reader;
    requires org.jline.terminal;
}
