package dev.pagelab.commands;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** Sizes, words, statements and options as users type them. */
class ParserTest {
    @Test
    void sizes() throws CommandError {
        assertThat(Sizes.parse("4096", 4096, 1, "size")).isEqualTo(4096);
        assertThat(Sizes.parse("0x1000", 4096, 1, "size")).isEqualTo(4096);
        assertThat(Sizes.parse("4K", 4096, 1, "size")).isEqualTo(4096);
        assertThat(Sizes.parse("4k", 4096, 1, "size")).isEqualTo(4096);
        assertThat(Sizes.parse("2MiB", 4096, 1, "size")).isEqualTo(2L << 20);
        assertThat(Sizes.parse("1G", 4096, 1, "size")).isEqualTo(1L << 30);
        assertThat(Sizes.parse("1T", 4096, 1, "size")).isEqualTo(1L << 40);
        assertThat(Sizes.parse("256p", 4096, 1, "size")).isEqualTo(1L << 20);
        assertThat(Sizes.parse("2p", 2L << 20, 1, "size")).isEqualTo(4L << 20);
        assertThatThrownBy(() -> Sizes.parse("4Q", 4096, 3, "size"))
                .isInstanceOfSatisfying(
                        CommandError.class, e -> assertThat(e.wordIndex()).isEqualTo(3));
        assertThatThrownBy(() -> Sizes.parse("99999999999T", 4096, 1, "size")).isInstanceOf(CommandError.class);
        assertThatThrownBy(() -> Sizes.parse("-4K", 4096, 1, "size")).isInstanceOf(CommandError.class);
        assertThat(Sizes.format(4096)).isEqualTo("4K");
        assertThat(Sizes.format(1536 * 1024)).isEqualTo("1536K");
        assertThat(Sizes.format(100)).isEqualTo("100");
        assertThat(Sizes.human(1536 * 1024)).isEqualTo("1.5 MiB");
    }

    @Test
    void wordsQuotesAndStatements() throws CommandError {
        CommandLine cl = CommandLine.parse("map f 4K --file \"/tmp/a b\"  --shared");
        assertThat(cl.words())
                .extracting(CommandLine.Word::text)
                .containsExactly("map", "f", "4K", "--file", "/tmp/a b", "--shared");
        assertThat(cl.words().get(2).column()).isEqualTo(6);
        assertThat(CommandLine.splitStatements("map 4M; touch m1 ;; list"))
                .containsExactly("map 4M", "touch m1", "list");
        assertThat(CommandLine.splitStatements("map f 4K --file 'a;b'")).containsExactly("map f 4K --file 'a;b'");
        assertThatThrownBy(() -> CommandLine.parse("map \"open"))
                .isInstanceOf(CommandError.class)
                .hasMessageContaining("unterminated");
    }

    @Test
    void options() throws CommandError {
        Args.OptionSpec spec = new Args.OptionSpec(Set.of("read"), Set.of("stride"), Set.of("hugetlb"));
        Args a = Args.parse(CommandLine.parse("touch m1 --stride=8K --read --hugetlb=1G"), spec);
        assertThat(a.value("stride")).isEqualTo("8K");
        assertThat(a.has("read")).isTrue();
        assertThat(a.value("hugetlb")).isEqualTo("1G");
        assertThat(a.positional()).extracting(Args.Positional::text).containsExactly("m1");
        assertThatThrownBy(() -> Args.parse(CommandLine.parse("touch m1 --stride"), spec))
                .hasMessageContaining("--stride needs a value");
        assertThatThrownBy(() -> Args.parse(CommandLine.parse("touch m1 --read --read"), spec))
                .hasMessageContaining("given twice");
        assertThatThrownBy(() -> Args.parse(CommandLine.parse("touch m1 --read=yes"), spec))
                .hasMessageContaining("takes no value");
    }

    @Test
    void registryLookupByUniquePrefix() throws CommandError {
        CommandRegistry r = CommandRegistry.withSessionCommands();
        assertThat(r.lookup("inspect").name()).isEqualTo("inspect-pagemap");
        assertThat(r.describe("tou").name()).as("help's lookup: any command").isEqualTo("touch");
        assertThat(r.lookup("map").name()).isEqualTo("map");
        assertThatThrownBy(() -> r.lookup("lo"))
                .hasMessageContaining("ambiguous")
                .hasMessageContaining("lock, lockall");
    }
}
