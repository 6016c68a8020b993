/**
 * The Sudoku data layer: grids of 4×4, 6×6 and 9×9 cells ({@link trm.trainer.data.sudoku.SudokuGeometry}),
 * examples ({@link trm.trainer.data.sudoku.SudokuExample}), the puzzle-per-line and
 * Sudoku-Extreme CSV formats ({@link trm.trainer.data.sudoku.PuzzleLines},
 * {@link trm.trainer.data.sudoku.SudokuCsv}), an exact solver whose backtrack count is the
 * difficulty rating ({@link trm.trainer.data.sudoku.SudokuSolver}), a seeded generator, the
 * validity-preserving augmentation, and the tokenized dataset with seeded epochs
 * ({@link trm.trainer.data.sudoku.SudokuDataset}).
 *
 * <p>User-input problems are {@link trm.engine.TrmException}s whose one-line message names the
 * file, the line and the problem.
 */
package trm.trainer.data.sudoku;
