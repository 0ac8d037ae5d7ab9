package dev.pagelab.commands;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Prefixes run commands that only read; a command that changes state needs its full name. */
class CommandRegistryTest {
    private final CommandRegistry registry = CommandRegistry.withSessionCommands();

    @Test
    void readingCommandsMayBeAbbreviated() throws Exception {
        assertThat(registry.lookup("insp").name()).isEqualTo("inspect-pagemap");
        assertThat(registry.lookup("kern").name()).isEqualTo("kernel");
        assertThat(registry.lookup("vi").name()).isEqualTo("view");
    }

    @Test
    void aPrefixNeverRunsACommandThatChangesState() throws Exception {
        assertThatThrownBy(() -> registry.lookup("clear"))
                .isInstanceOf(CommandError.class)
                .hasMessageContaining("'clear-refs' changes memory or kernel state and runs only by its full name");
        assertThatThrownBy(() -> registry.lookup("ev")).hasMessageContaining("'evict'");
        assertThatThrownBy(() -> registry.lookup("prot")).hasMessageContaining("'protect'");
        assertThat(registry.lookup("clear-refs").name()).isEqualTo("clear-refs");
        // help only shows a page: any unique prefix
        assertThat(registry.describe("clear").name()).isEqualTo("clear-refs");
    }

    @Test
    void everyCommandThatChangesStateSaysSo() {
        for (Command c : registry.all()) {
            boolean reads = java.util.Set.of("inspect-pagemap", "view", "maps", "list", "cache", "bench", "kernel")
                    .contains(c.name());
            assertThat(c.changesState()).as(c.name()).isEqualTo(!reads);
        }
    }
}
