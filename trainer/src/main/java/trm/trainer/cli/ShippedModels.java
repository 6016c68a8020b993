package trm.trainer.cli;

import trm.engine.TrmException;
import trm.engine.io.ModelCheckpoint;
import trm.engine.io.Safetensors;
import trm.engine.model.TrmConfig;
import trm.trainer.data.sudoku.LinePuzzle;
import trm.trainer.data.sudoku.PuzzleLines;
import trm.trainer.data.sudoku.SudokuGeometry;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The Sudoku models shipped in {@code weights/} (under {@link Paths#root()}): every
 * {@code *.safetensors} there whose stored config is a Sudoku of 4×4, 6×6 or 9×9 cells (its
 * seq_len and vocab_size, read from the file's metadata, not from its name). {@code trm solve}
 * without {@code --weights} takes the one whose grid is the puzzle's.
 */
final class ShippedModels {
    static final String FOLDER = "weights";

    /** One shipped file and the grid it solves. */
    record Shipped(Path file, SudokuGeometry geometry) {
        String label() {
            int n = geometry.size();
            return n + "×" + n + " (" + Paths.root().toAbsolutePath().relativize(file.toAbsolutePath()) + ")";
        }
    }

    private ShippedModels() {}

    /** Every shipped Sudoku model, smallest grid first (for one grid size, the first file by name). */
    static List<Shipped> list() {
        Path dir = Paths.root().resolve(FOLDER);
        if (!Files.isDirectory(dir)) return List.of();
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".safetensors")).sorted().toList();
        } catch (IOException e) {
            throw new TrmException("cannot list " + dir + ": " + e.getMessage());
        }
        List<Shipped> found = new ArrayList<>();
        for (Path f : files) {
            TrmConfig c = ModelCheckpoint.config(Safetensors.read(f)); // a broken shipped file is said, naming it
            SudokuGeometry g = SudokuGeometry.forCellCountOrNull(c.seqLen());
            if (g != null && c.vocabSize() == g.size() + 2 && found.stream().noneMatch(s -> s.geometry() == g)) found.add(new Shipped(f, g));
        }
        found.sort(Comparator.comparingInt(s -> s.geometry().size()));
        return found;
    }

    /** The shipped model for n×n puzzles; none is one line naming the sizes there are. */
    static Shipped forSide(int n) {
        List<Shipped> all = list();
        return all.stream().filter(s -> s.geometry().size() == n).findFirst().orElseThrow(() -> new TrmException(
                "no shipped model solves " + n + "×" + n + " puzzles (" + available(all)
                        + "); train one (trm train --data gen:" + n + ":...) and give it with --weights"));
    }

    /** The shipped model for the largest grid (what solves the example when no puzzle is given). */
    static Shipped largest() {
        List<Shipped> all = list();
        if (all.isEmpty()) throw new TrmException("no model in " + Paths.root().resolve(FOLDER) + ": give one with --weights");
        return all.getLast();
    }

    static String available(List<Shipped> all) {
        return all.isEmpty() ? "there is none in " + Paths.root().resolve(FOLDER)
                : "shipped: " + all.stream().map(Shipped::label).collect(Collectors.joining(", "));
    }

    /**
     * The grid side of the puzzles to solve: that of the first argument, else of the first
     * well-formed line of {@code file}; 0 when neither tells (the caller then reports the input).
     */
    static int side(List<String> puzzles, Path file) {
        for (String p : puzzles) {
            SudokuGeometry g = SudokuGeometry.forCellCountOrNull(p.length());
            if (g != null) return g.size();
        }
        if (file == null) return 0;
        try (PuzzleLines.Reader r = PuzzleLines.open(file)) {
            for (int tries = 0; tries < 1000; tries++) {
                try {
                    if (!r.hasNext()) return 0;
                    LinePuzzle p = r.next();
                    return p.geometry().size();
                } catch (TrmException badLine) {
                    // skipped here; the solve loop names it
                }
            }
        }
        return 0;
    }
}
