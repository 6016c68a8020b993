package trm.trainer.data.sudoku;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

import trm.engine.TrmException;
import trm.trainer.data.Seeds;

/**
 * Makes puzzles with a unique solution: a random complete grid, then clues removed one at a time
 * in random order, each removal kept only if the solution stays unique, until no clue can go or
 * the clue floor is reached. The puzzle is accepted if its rating (solver backtracks) reaches the
 * target; otherwise the whole attempt is repeated, a bounded number of times.
 *
 * <p>Everything random comes from the generator given, so a seed fixes the output.
 */
public final class SudokuGenerator {
    private final SudokuGeometry g;
    private final RandomGenerator random;
    private final SudokuSolver solver;

    /**
     * @param minRating   accept only puzzles with at least this many backtracks (0 = any)
     * @param minClues    stop removing clues at this count (0 = remove while unique); more clues
     *                    make easier puzzles
     * @param maxAttempts grids tried before giving up with an error
     */
    public record Target(int minRating, int minClues, int maxAttempts) {
        public static Target any() { return new Target(0, 0, 1); }
    }

    public SudokuGenerator(SudokuGeometry geometry, RandomGenerator random) {
        this.g = geometry;
        this.random = random;
        this.solver = new SudokuSolver(geometry);
    }

    public SudokuGenerator(SudokuGeometry geometry, long seed) {
        this(geometry, Seeds.random(seed));
    }

    /** A uniquely solvable puzzle meeting the target, with its answer and rating. */
    public SudokuExample generate(Target target, String source) {
        check(target);
        int bestRating = -1;
        for (int attempt = 0; attempt < target.maxAttempts(); attempt++) {
            int[] answer = solver.randomSolution(new int[g.cellCount()], random);
            int[] question = removeClues(answer, target.minClues());
            int rating = solver.solve(question).rating();
            if (rating >= target.minRating()) return new SudokuExample(g, question, answer, rating, source);
            bestRating = Math.max(bestRating, rating);
        }
        throw new TrmException("could not generate a " + g + " Sudoku with rating >= " + target.minRating()
                + " in " + target.maxAttempts() + " attempts (best rating was " + bestRating
                + "); lower the rating or allow more attempts");
    }

    /** Convenience: {@code count} puzzles from consecutive draws of this generator. */
    public List<SudokuExample> generate(int count, Target target, String source) {
        if (count < 0) throw new TrmException("puzzle count must not be negative, got " + count);
        List<SudokuExample> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) out.add(generate(target, source));
        return out;
    }

    /**
     * {@code count} puzzles no two of which are equivalent under the augmentation group
     * ({@link SudokuCanonical}), none
     * equivalent to a form in {@code exclude} (e.g. a training set's, for a held-out set). Draws repeat until enough distinct ones are found, at most
     * {@code 20 · count + 200} draws: small grids have few classes (4×4 minimal puzzles: 36), and
     * asking for more is an error saying how many were found.
     */
    public List<SudokuExample> generateDistinct(int count, Target target, String source, java.util.Set<String> exclude) {
        if (count < 0) throw new TrmException("puzzle count must not be negative, got " + count);
        java.util.function.Function<int[], String> key = SudokuCanonical.key(g);
        java.util.Set<String> seen = new java.util.HashSet<>();
        List<SudokuExample> out = new ArrayList<>(count);
        long maxDraws = 20L * count + 200, draws = 0;
        while (out.size() < count) {
            if (draws++ == maxDraws)
                throw new TrmException("only " + out.size() + " distinct " + g.size() + "×" + g.size() + " puzzles up to symmetry"
                        + (exclude.isEmpty() ? "" : " (and unlike the training puzzles)") + " found in " + maxDraws
                        + " draws, " + count + " asked: ask for fewer" + (g.size() == 4 ? " (4×4 minimal puzzles fall in 36 classes)" : ""));
            SudokuExample e = generate(target, source);
            String form = key.apply(e.question());
            if (!exclude.contains(form) && seen.add(form)) out.add(e);
        }
        return out;
    }

    private int[] removeClues(int[] answer, int minClues) {
        int[] question = answer.clone();
        int clues = question.length;
        for (int cell : randomOrder(question.length)) {
            if (clues <= minClues) break;
            int digit = question[cell];
            question[cell] = 0;
            if (solver.solve(question).isUnique()) {
                clues--;
            } else {
                question[cell] = digit; // this clue is needed for uniqueness
            }
        }
        return question;
    }

    private int[] randomOrder(int count) {
        int[] order = new int[count];
        for (int i = 0; i < count; i++) order[i] = i;
        for (int i = count - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    private void check(Target t) {
        if (t.minRating() < 0) throw new TrmException("minimum rating must not be negative, got " + t.minRating());
        if (t.minClues() < 0 || t.minClues() > g.cellCount()) {
            throw new TrmException("clue count must be in 0.." + g.cellCount() + " for " + g + ", got " + t.minClues());
        }
        if (t.maxAttempts() < 1) throw new TrmException("attempts must be at least 1, got " + t.maxAttempts());
    }
}
