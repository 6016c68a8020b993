package trm.trainer.data.sudoku;

/**
 * What {@link SudokuSolver} found.
 *
 * @param outcome    none, exactly one, or more than one solution
 * @param solution   the first solution found (null when there is none); for {@code MULTIPLE}, one of them
 * @param backtracks failed guesses over the whole search, see {@link SudokuSolver}; for
 *                   {@code UNIQUE} and {@code NO_SOLUTION} this is the difficulty rating
 */
public record SolveResult(Outcome outcome, int[] solution, long backtracks) {
    public enum Outcome { NO_SOLUTION, UNIQUE, MULTIPLE }

    public SolveResult {
        if ((solution == null) != (outcome == Outcome.NO_SOLUTION)) {
            throw new IllegalArgumentException("a solution must be given exactly when there is one");
        }
    }

    public boolean isUnique() { return outcome == Outcome.UNIQUE; }

    /** The backtracks as an int rating, saturating (ratings that large do not occur in practice). */
    public int rating() { return (int) Math.min(backtracks, Integer.MAX_VALUE); }

    @Override
    public int[] solution() { return solution == null ? null : solution.clone(); }
}
