package dev.pagelab.console.recipe;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Where recipes are found: a path as given, or a name looked up in the recipe directories — those configured,
 * then the {@code recipes/} directory shipped beside the launcher ({@code -Dpagelab.home}). A name matches
 * {@code NAME.toml} or {@code NN-NAME.toml}, so {@code replay zero-page} finds {@code 02-zero-page.toml}.
 */
public final class RecipeLibrary {
    private final List<Path> directories;

    public RecipeLibrary(List<Path> configured) {
        Set<Path> dirs = new LinkedHashSet<>(configured);
        String home = System.getProperty("pagelab.home");
        if (home != null) dirs.add(Path.of(home, "recipes"));
        this.directories = List.copyOf(dirs);
    }

    public List<Path> directories() {
        return directories;
    }

    /** The recipe files a word stands for: a file, every *.toml of a directory, or a recipe name. */
    public List<Path> resolve(String word) {
        Path p = Path.of(word.startsWith("~/") ? System.getProperty("user.home") + word.substring(1) : word);
        if (Files.isDirectory(p)) return tomlFiles(p);
        if (Files.isRegularFile(p)) return List.of(p);
        for (Path dir : directories) {
            for (Path f : tomlFiles(dir)) {
                String file = f.getFileName().toString();
                String stem = file.substring(0, file.length() - ".toml".length());
                if (stem.equals(word) || stem.replaceFirst("^\\d+-", "").equals(word) || file.equals(word))
                    return List.of(f);
            }
        }
        return List.of();
    }

    /** Every recipe in the directories, in file-name order per directory. */
    public List<Path> all() {
        List<Path> out = new ArrayList<>();
        for (Path dir : directories) out.addAll(tomlFiles(dir));
        return out;
    }

    /** Names to complete: the file stems without their number. */
    public List<String> names() {
        List<String> out = new ArrayList<>();
        for (Path f : all()) {
            String file = f.getFileName().toString();
            out.add(file.substring(0, file.length() - ".toml".length()).replaceFirst("^\\d+-", ""));
        }
        return out;
    }

    public static List<Path> tomlFiles(Path dir) {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(f -> f.getFileName().toString().endsWith(".toml") && Files.isRegularFile(f))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            return List.of();
        }
    }
}
