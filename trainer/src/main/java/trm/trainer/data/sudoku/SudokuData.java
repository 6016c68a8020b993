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
        return load(spec, subsample, seed, Integer.MAX_VALUE);
    }

    /**
     * The first {@code first} puzzles of what {@code spec} names (all when there are fewer), read
     * lazily: only as much of a file as they need is read, parsed and solved.
     */
    public static SudokuDataset first(String spec, int first) {
        return load(spec, null, 0, first);
    }

    private static SudokuDataset load(String spec, Integer subsample, long seed, int first) {
        check(spec);
        SudokuDataset d;
        if (spec.startsWith("gen:")) {
            d = new SudokuDataset(generate(spec, first));
        } else {
            Path p = Path.of(spec);
            if (spec.endsWith(".csv")) {
                if (subsample != null) return SudokuDataset.loadSubsample(p, subsample, seed);
                try (var rows = SudokuCsv.stream(p)) {
                    List<SudokuExample> examples = rows.limit(first).toList();
                    if (examples.isEmpty()) throw new TrmException(p + ": no puzzles after the header");
                    return new SudokuDataset(examples);
                }
            }
            List<LinePuzzle> puzzles;
            try (var lines = PuzzleLines.stream(p)) {
                puzzles = lines.limit(first).toList();
            }
            if (puzzles.isEmpty()) throw new TrmException(p + ": no puzzles in the file");
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

    /**
     * Checks a spec without reading or generating anything: a gen: spec's numbers, or that the
     * file exists and is a readable file. For the command line, before any work.
     */
    public static void check(String spec) {
        if (spec.startsWith("gen:")) {
            GenSpec.parse(spec);
            return;
        }
        Path p = Path.of(spec);
        if (!Files.exists(p)) throw new TrmException("data file not found: " + p);
        if (Files.isDirectory(p)) throw new TrmException("data " + p + ": is a folder, not a file");
        if (!Files.isReadable(p)) throw new TrmException("data " + p + ": not readable (permission denied)");
    }

    /** gen:SIDE:COUNT[:MIN_RATING[:SEED]], checked. */
    private record GenSpec(SudokuGeometry geometry, int count, int rating, long seed) {
        static final int MAX_COUNT = 10_000_000;

        static GenSpec parse(String spec) {
            String[] f = spec.split(":", -1);
            try {
                if (f.length < 3 || f.length > 5) throw new NumberFormatException();
                int side = Integer.parseInt(f[1]), count = Integer.parseInt(f[2]);
                int rating = f.length > 3 ? Integer.parseInt(f[3]) : 0;
                long seed = f.length > 4 ? Long.parseLong(f[4]) : 0;
                SudokuGeometry g = SudokuGeometry.forSide(side);
                if (count < 1 || count > MAX_COUNT)
                    throw new TrmException("data spec '" + spec + "': COUNT " + count + " must be between 1 and " + MAX_COUNT);
                if (rating < 0) throw new TrmException("data spec '" + spec + "': MIN_RATING " + rating + " must not be negative");
                return new GenSpec(g, count, rating, seed);
            } catch (NumberFormatException e) {
                throw new TrmException("bad data spec '" + spec + "' (expected gen:SIDE:COUNT[:MIN_RATING[:SEED]], e.g. gen:4:1000:0:1)");
            }
        }
    }

    /** gen:SIDE:COUNT[:MIN_RATING[:SEED]] — freshly generated puzzles with unique solutions. */
    public static List<SudokuExample> generate(String spec) {
        return generate(spec, Integer.MAX_VALUE);
    }

    private static List<SudokuExample> generate(String spec, int first) {
        return generate(spec, first, java.util.Set.of());
    }

    /** Distinct puzzles up to symmetry ({@link SudokuGenerator#generateDistinct}), none equivalent to a form in {@code exclude}. */
    private static List<SudokuExample> generate(String spec, int first, java.util.Set<String> exclude) {
        GenSpec g = GenSpec.parse(spec);
        return new SudokuGenerator(g.geometry(), g.seed())
                .generateDistinct(Math.min(first, g.count()), new SudokuGenerator.Target(g.rating(), 0, 1000), "generated", exclude);
    }

    /**
     * A held-out set for {@code train}: no puzzle of it equivalent to a training puzzle under the
     * augmentation group (which would show it to the model in training). A gen: spec draws only
     * puzzles unlike the training ones; from a file, such puzzles are dropped, said on stderr.
     */
    public static SudokuDataset heldOut(String spec, SudokuDataset train) {
        java.util.function.Function<int[], String> key = SudokuCanonical.key(train.geometry());
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (SudokuExample e : train.examples()) seen.add(key.apply(e.question()));
        if (spec.startsWith("gen:")) {
            GenSpec g = GenSpec.parse(spec);
            if (g.geometry() != train.geometry()) return new SudokuDataset(generate(spec, Integer.MAX_VALUE)); // refused by the caller
            return new SudokuDataset(generate(spec, Integer.MAX_VALUE, seen));
        }
        SudokuDataset all = load(spec, null, 0);
        if (all.geometry() != train.geometry()) return all; // refused by the caller
        List<SudokuExample> kept = all.examples().stream().filter(e -> !seen.contains(key.apply(e.question()))).toList();
        if (kept.isEmpty()) throw new TrmException(spec + ": every test puzzle is equivalent to a training puzzle: nothing is held out");
        if (kept.size() < all.size())
            System.err.println("trm: dropped " + (all.size() - kept.size()) + " of " + all.size() + " test puzzles of " + spec
                    + ": equivalent to training puzzles up to symmetry");
        return new SudokuDataset(kept);
    }
}
