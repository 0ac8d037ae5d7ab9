package dev.pagelab.commands;

/** A command's name and option spec, held once; subclasses add what they do and how they complete. */
public abstract class BaseCommand implements Command {
    private final String name;
    private final Args.OptionSpec options;

    protected BaseCommand(String name, Args.OptionSpec options) {
        this.name = name;
        this.options = options;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final Args.OptionSpec options() {
        return options;
    }
}
