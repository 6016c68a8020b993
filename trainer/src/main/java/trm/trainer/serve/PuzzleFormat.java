package trm.trainer.serve;

import trm.engine.TrmException;
import trm.engine.model.TrmConfig;
import trm.trainer.data.Task;
import trm.trainer.data.maze.MazeGrid;
import trm.trainer.data.maze.MazeTask;
import trm.trainer.data.sudoku.SudokuTask;
import trm.trainer.data.sudoku.SudokuText;

import java.util.function.Function;

/**
 * How the server reads a puzzle string and writes an answer string for the task a model was
 * trained on. Sudoku: n² cells row by row, '.' or '0' blank (as {@code trm solve}); mazes:
 * rows separated by '/' ('#' wall, '.' open, S, G; the answer marks its path with 'o').
 */
public record PuzzleFormat<G>(Task<G> task, String name, Function<G, String> writer) {
    /**
     * The format of a model: a Sudoku when seq_len is n² cells over n + 2 tokens (what
     * {@code trm solve} assumes too: a 4×4 Sudoku and a 4×4 maze have the same shapes), else a
     * square maze over its 6 tokens; anything else is refused with one line.
     */
    public static PuzzleFormat<?> forModel(TrmConfig c) {
        SudokuTask sudoku = SudokuTask.forCellCountOrNull(c.seqLen());
        if (sudoku != null && sudoku.vocabSize() == c.vocabSize()) {
            int n = sudoku.geometry().size();
            return new PuzzleFormat<>(sudoku, "sudoku " + n + "x" + n, SudokuText::format);
        }
        MazeTask maze = MazeTask.forSeqLenOrNull(c.seqLen());
        if (maze != null && maze.vocabSize() == c.vocabSize())
            return new PuzzleFormat<>(maze, "maze " + maze.height() + "x" + maze.width(), PuzzleFormat::mazeText);
        throw new TrmException("this model takes " + c.seqLen() + " positions over " + c.vocabSize()
                + " tokens: neither a Sudoku (n² cells, n + 2 tokens) nor a square maze (side² cells, 6 tokens)");
    }

    private static String mazeText(MazeGrid g) {
        return g.render(null).replace('\n', '/');
    }

    /** The puzzle of {@code text}, checked as {@code trm solve} checks it (one-line error otherwise). */
    public G parse(String text) { return task.parse(text); }

    public int[] encode(G grid) { return task.encode(grid); }

    public G decode(int[] tokens) { return task.decode(tokens); }

    public String write(G grid) { return writer.apply(grid); }

    /** Null when {@code answer} solves {@code puzzle}, else why not. */
    public String whyNotSolved(G puzzle, G answer) { return task.whyNotSolved(puzzle, answer); }
}
