package trm.trainer.cli;

import trm.engine.TrmException;
import trm.trainer.data.sudoku.SolveResult;
import trm.trainer.data.sudoku.SudokuPicture;
import trm.trainer.data.sudoku.SudokuSolver;
import trm.trainer.data.sudoku.SudokuTask;
import trm.trainer.data.sudoku.SudokuVerdict;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/**
 * What {@code trm solve} adds under a Sudoku answer: where an invalid answer breaks the rules
 * ({@link SudokuVerdict}: repeats with their row/column/box and cells, changed givens, cells
 * without a digit), with {@code --fallback solver} the exact solver's solution (labelled as the
 * solver's: it is never presented as the model's), and with {@code --trace --png} the picture of
 * the recursion ({@link SudokuPicture}).
 */
final class SudokuReport {
    /** The one value --fallback takes. */
    static final String SOLVER = "solver";

    private SudokuReport() {}

    /** --fallback: null, or "solver"; anything else is one line. */
    static boolean fallback(String value) {
        if (value == null) return false;
        if (!value.equals(SOLVER)) throw new TrmException("--fallback takes '" + SOLVER + "' (the exact solver), got '" + value + "'");
        return true;
    }

    /** The verdict's problems of an invalid answer, one per line; with {@code fallback} the exact solver's answer. */
    static void explain(PrintStream out, SudokuTask task, int[] puzzle, int[] answer, boolean fallback) {
        SudokuVerdict v = SudokuVerdict.of(task.geometry(), puzzle, answer);
        if (v.valid()) {
            int n = task.geometry().size();
            out.println("verdict: valid solution (checked: keeps all " + trm.trainer.data.sudoku.SudokuRules.clueCount(puzzle)
                    + " givens; every row, column and box holds 1.." + n + " once)");
            return;
        }
        out.println("verdict: NOT a valid solution: " + v.summary());
        for (String line : v.lines()) out.println("  " + line);
        if (!fallback) return;
        SolveResult exact = SudokuSolver.solve(task.geometry(), puzzle);
        switch (exact.outcome()) {
            case NO_SOLUTION -> out.println("fallback: the exact solver finds no solution for this puzzle");
            case UNIQUE, MULTIPLE -> {
                out.printf("fallback: the EXACT SOLVER's solution (not the model's; %s, %d backtracks):%n",
                        exact.isUnique() ? "the unique one" : "one of several", exact.backtracks());
                out.println(task.render(exact.solution(), null));
            }
        }
    }

    /** Draws the puzzle and the answer after every supervision step to {@code file}; says where. */
    static void tracePicture(PrintStream out, Path file, SudokuTask task, int[] puzzle, List<int[]> steps) {
        int n = task.geometry().size();
        SudokuPicture.write(file, task.geometry(), puzzle, steps, n <= 6 ? 40 : 32);
        out.println("picture of the recursion (puzzle, then steps 1.." + steps.size() + "): " + file);
    }
}
