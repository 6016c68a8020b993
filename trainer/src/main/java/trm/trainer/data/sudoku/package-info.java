/**
 * The Sudoku task: grids of 4×4, 6×6 and 9×9 cells ({@link trm.trainer.data.sudoku.SudokuGeometry}),
 * examples ({@link trm.trainer.data.sudoku.SudokuExample}), the text forms of a grid and its
 * rendering ({@link trm.trainer.data.sudoku.SudokuText}), the puzzle-per-line and Sudoku-Extreme
 * CSV formats ({@link trm.trainer.data.sudoku.PuzzleLines}, {@link trm.trainer.data.sudoku.SudokuCsv})
 * and the command line's data specs ({@link trm.trainer.data.sudoku.SudokuData}), an exact solver
 * whose backtrack count is the difficulty rating ({@link trm.trainer.data.sudoku.SudokuSolver}), a
 * seeded generator, the validity-preserving augmentation, the dataset with seeded epochs
 * ({@link trm.trainer.data.sudoku.SudokuDataset}) and its training stream
 * ({@link trm.trainer.data.sudoku.SudokuSource}), and {@link trm.trainer.data.sudoku.SudokuTask}:
 * the tokens, parsing, rendering and checks that training, evaluation and solving share.
 *
 * <p>User-input problems are {@link trm.engine.TrmException}s whose one-line message names the
 * file, the line and the problem.
 */
package trm.trainer.data.sudoku;
