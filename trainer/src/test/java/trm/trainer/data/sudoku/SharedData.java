package trm.trainer.data.sudoku;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Finds the project's shared data folder ({@code shared/data}, beside the repository) without
 * copying anything into the repository: walks up from the working directory to the first folder
 * that contains {@code shared/data}. Tests that need a file are skipped, with a message, if absent.
 */
final class SharedData {
    private SharedData() {}

    /** The shared data folder, or null if there is none above the working directory. */
    static Path dataDir() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("shared").resolve("data");
            if (Files.isDirectory(candidate)) return candidate;
        }
        return null;
    }

    /** The Sudoku collection {@code name}, or the calling test is skipped. */
    static Path sudokuFile(String name) {
        Path dir = dataDir();
        assumeTrue(dir != null, "no shared/data folder above " + Path.of("").toAbsolutePath() + "; skipping");
        Path file = dir.resolve("sudoku").resolve(name);
        assumeTrue(Files.isReadable(file), file + " is missing; skipping");
        return file;
    }

    static final String MAGICTOUR = "puzzles3_magictour_top1465.txt";
    static final String FORUM_HARDEST = "puzzles5_forum_hardest_1905_11+.txt";
    static final String SERG = "puzzles7_serg_benchmark.txt";

    /** The first {@code count} puzzles of a collection (skips the test if it is absent). */
    static List<LinePuzzle> firstPuzzles(String name, int count) {
        try (var puzzles = PuzzleLines.stream(sudokuFile(name))) {
            return puzzles.limit(count).toList();
        }
    }
}
