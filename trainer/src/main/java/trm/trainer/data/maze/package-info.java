/**
 * The Maze-Hard task's data (TRM_SPEC §8): grids over {@code "# SGo"} ({@link trm.trainer.data.maze.MazeCell}),
 * examples checked on construction ({@link trm.trainer.data.maze.MazeExample},
 * {@link trm.trainer.data.maze.MazeRules}), the Maze-Hard CSV and a plain block text form
 * ({@link trm.trainer.data.maze.MazeCsv}, {@link trm.trainer.data.maze.MazeText}), the exact
 * breadth-first solver ({@link trm.trainer.data.maze.MazeSolver}), the generator of mazes with a
 * unique long shortest path ({@link trm.trainer.data.maze.MazeGenerator}), canonical forms under
 * the 8 dihedral transforms for disjoint splits ({@link trm.trainer.data.maze.MazeCanon}) and the
 * tokenized dataset with seeded, augmented epochs ({@link trm.trainer.data.maze.MazeDataset}).
 * The transforms themselves are {@link trm.trainer.data.Dihedral}, shared with ARC-AGI.
 *
 * <p>User-input problems are {@link trm.engine.TrmException}s whose one-line message names the
 * file, the line and the problem.
 */
package trm.trainer.data.maze;
