package dev.pagelab.commands;

import dev.pagelab.commands.inspect.ClearRefsCommand;
import dev.pagelab.commands.inspect.InspectPagemapCommand;
import dev.pagelab.commands.inspect.KernelCommand;
import dev.pagelab.commands.inspect.MapsCommand;
import dev.pagelab.commands.inspect.ViewCommand;
import dev.pagelab.commands.machine.BenchCommand;
import dev.pagelab.commands.machine.CacheCommand;
import dev.pagelab.commands.machine.EvictCommand;
import dev.pagelab.commands.machine.HugepagesCommand;
import dev.pagelab.commands.machine.LimitCommand;
import dev.pagelab.commands.mapping.AdviseCommand;
import dev.pagelab.commands.mapping.ListCommand;
import dev.pagelab.commands.mapping.LockCommand;
import dev.pagelab.commands.mapping.LockallCommand;
import dev.pagelab.commands.mapping.MapCommand;
import dev.pagelab.commands.mapping.ProtectCommand;
import dev.pagelab.commands.mapping.TouchCommand;
import dev.pagelab.commands.mapping.UnlockCommand;
import dev.pagelab.commands.mapping.UnlockallCommand;
import dev.pagelab.commands.mapping.UnmapCommand;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one table of commands: lookup by exact name, then by unique prefix (as jshell does) for the commands that
 * only read; a command that changes state needs its full name ({@link Command#changesState}).
 */
public final class CommandRegistry {
    private final Map<String, Command> commands = new LinkedHashMap<>();

    /** The registry with every kernel and session command; the console adds its own (help, set, …). */
    public static CommandRegistry withSessionCommands() {
        CommandRegistry r = new CommandRegistry();
        for (Command c : List.of(
                new MapCommand(),
                new UnmapCommand(),
                new TouchCommand(),
                new AdviseCommand(),
                new LockCommand(),
                new UnlockCommand(),
                new LockallCommand(),
                new UnlockallCommand(),
                new ProtectCommand(),
                new InspectPagemapCommand(),
                new ViewCommand(),
                new ClearRefsCommand(),
                new MapsCommand(),
                new ListCommand(),
                new CacheCommand(),
                new EvictCommand(),
                new BenchCommand(),
                new LimitCommand(),
                new HugepagesCommand(),
                new KernelCommand())) {
            r.register(c);
        }
        return r;
    }

    public void register(Command c) {
        if (commands.putIfAbsent(c.name(), c) != null)
            throw new IllegalArgumentException("two commands named " + c.name());
    }

    public List<String> names() {
        return new ArrayList<>(commands.keySet());
    }

    public List<Command> all() {
        return new ArrayList<>(commands.values());
    }

    /** The command named by {@code word}, or uniquely abbreviated by it when the command only reads. */
    public Command lookup(String word) throws CommandError {
        return lookup(word, false);
    }

    /**
     * The command named or uniquely abbreviated by {@code word}, whatever it does: for {@code help}, which only
     * shows a page ({@code help cl} is clear-refs's).
     */
    public Command describe(String word) throws CommandError {
        return lookup(word, true);
    }

    private Command lookup(String word, boolean anyPrefix) throws CommandError {
        Command exact = commands.get(word);
        if (exact != null) return exact;
        List<String> matches =
                commands.keySet().stream().filter(n -> n.startsWith(word)).toList();
        if (matches.size() == 1) {
            Command only = commands.get(matches.get(0));
            if (anyPrefix || !only.changesState()) return only;
            throw CommandError.usage(
                    0,
                    "'" + word + "' is not a command: '" + only.name() + "' changes memory or kernel "
                            + "state and runs only by its full name",
                    "type '" + only.name() + "' if that is what you meant");
        }
        if (matches.isEmpty()) {
            throw CommandError.usage(0, "unknown command '" + word + "'", "'help' lists the commands");
        }
        throw CommandError.usage(0, "'" + word + "' is ambiguous: " + String.join(", ", matches), "type more of it");
    }

    public Optional<Command> find(String name) {
        return Optional.ofNullable(commands.get(name));
    }
}
