package trm.trainer.data;

/**
 * A task in the model's terms: how a person types a puzzle, how a grid becomes tokens and
 * back, how it is shown, and whether an answer solves a puzzle. Each task's package implements
 * it ({@code data.sudoku}, {@code data.maze}; {@code data.arc} next) next to its parsing,
 * augmentation and {@link SampleSource}; the command line's solve loop is written against it.
 *
 * @param <G> the task's grid (a Sudoku's cells, a maze, an ARC grid)
 */
public interface Task<G> {
    /** Positions per puzzle: the model's seq_len. */
    int seqLen();

    /** Token ids the task uses: the model's vocab_size. */
    int vocabSize();

    /** A puzzle as a person types it; a TrmException names what is wrong, in one line. */
    G parse(String text);

    /** The model's tokens for a grid: the inputs for a puzzle, the labels for its answer. */
    int[] encode(G grid);

    /** The grid that the model's output tokens stand for. */
    G decode(int[] tokens);

    /** The grid as text for a terminal; cells that differ from {@code previous} (unless null) are marked '*'. */
    String render(G grid, G previous);

    /** Null when {@code answer} solves {@code puzzle}, else why not (one line). */
    String whyNotSolved(G puzzle, G answer);

    /** Something worth saying about a puzzle the model did not solve (say, it has no unique solution), or null. */
    default String noteOnPuzzle(G puzzle) { return null; }
}
