package trm.trainer.data.sudoku;

import trm.engine.TrmException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Sudoku data named the way the command line names it: a Sudoku-Extreme CSV with solutions, a
 * puzzle-per-line file (solved here by the exact solver; puzzles without a unique solution are
 * skipped with a note on stderr), or {@code gen:SIDE:COUNT[:MIN_RATING[:SEED]]}.
 */
public final class SudokuData {
    private SudokuData() {}

    /** The dataset {@code spec} names, or {@code subsample} puzzles of it drawn with {@code seed} (null: all). */
    public static SudokuDataset load(String spec, Integer subsample, long seed) {
        SudokuDataset d;
        if (spec.startsWith("gen:")) {
            d = new SudokuDataset(generate(spec));
        } else {
            Path p = Path.of(spec);
            if (!Files.exists(p)) throw new TrmException("data file not found: " + p);
            if (spec.endsWith(".csv")) {
                d = subsample != null ? SudokuDataset.loadSubsample(p, subsample, seed) : SudokuDataset.load(p);
                return d;
            }
            List<LinePuzzle> puzzles = PuzzleLines.readAll(p);
            List<SudokuConverter.Rejected> rejected = new ArrayList<>();
            List<SudokuExample> solved = SudokuConverter.solveAll(puzzles, SudokuConverter.sourceName(p), rejected);
            if (!rejected.isEmpty())
                System.err.println("trm: skipped " + rejected.size() + " puzzle(s) of " + p + " without a unique solution (first: line "
                        + rejected.getFirst().lineNumber() + ", " + rejected.getFirst().reason() + ")");
            if (solved.isEmpty()) throw new TrmException(p + ": no puzzle with a unique solution");
            d = new SudokuDataset(solved);
        }
        return subsample != null && subsample < d.size() ? d.subsample(subsample, seed) : d;
    }

    /** gen:SIDE:COUNT[:MIN_RATING[:SEED]] — freshly generated puzzles with unique solutions. */
    public static List<SudokuExample> generate(String spec) {
        String[] f = spec.split(":");
        try {
            if (f.length < 3 || f.length > 5) throw new NumberFormatException();
            int side = Integer.parseInt(f[1]), count = Integer.parseInt(f[2]);
            int rating = f.length > 3 ? Integer.parseInt(f[3]) : 0;
            long seed = f.length > 4 ? Long.parseLong(f[4]) : 0;
            SudokuGeometry g = SudokuGeometry.forSide(side);
            return new SudokuGenerator(g, seed).generate(count, new SudokuGenerator.Target(rating, 0, 1000), "generated");
        } catch (NumberFormatException e) {
            throw new TrmException("bad data spec '" + spec + "' (expected gen:SIDE:COUNT[:MIN_RATING[:SEED]], e.g. gen:4:1000:0:1)");
        }
    }
}
