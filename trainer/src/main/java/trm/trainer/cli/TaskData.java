package trm.trainer.cli;

import java.util.List;

import trm.trainer.data.Sample;
import trm.trainer.data.SampleSource;
import trm.trainer.data.maze.MazeData;
import trm.trainer.data.maze.MazeDataset;
import trm.trainer.data.maze.MazeScore;
import trm.trainer.data.maze.MazeSource;
import trm.trainer.data.sudoku.SudokuData;
import trm.trainer.data.sudoku.SudokuDataset;
import trm.trainer.data.sudoku.SudokuSource;

/**
 * A --data or --test-data argument resolved to its task: mazes ({@code maze:FILE},
 * {@code gen-maze:...}) or Sudoku (everything else), with the training stream, the test samples
 * and the task's default preset.
 */
sealed interface TaskData {
    /** Training stream (augmented when asked). */
    SampleSource source();

    /** Every puzzle once, unaugmented. */
    List<Sample> testSamples();

    int size();

    /** The first {@code count} puzzles. */
    TaskData limit(int count);

    /** The preset used when --preset is not given. */
    String defaultPreset();

    default boolean maze() { return this instanceof Mazes; }

    /** Exact and valid-shortest-path counts of predicted tokens; mazes only. */
    default MazeScore mazeScore(List<int[]> predictions) {
        if (!(this instanceof Mazes(MazeDataset data, long seed, boolean augment))) throw new IllegalStateException("not mazes");
        return MazeScore.of(data.examples(), predictions);
    }

    static TaskData load(String spec, Integer subsample, long seed, boolean augment) {
        if (MazeData.names(spec)) return new Mazes(MazeData.load(spec, subsample, seed), seed, augment);
        return new Sudokus(SudokuData.load(spec, subsample, seed), seed, augment);
    }

    record Mazes(MazeDataset data, long seed, boolean augment) implements TaskData {
        @Override public SampleSource source() { return new MazeSource(data, seed, augment); }
        @Override public List<Sample> testSamples() { return data.testSamples(); }
        @Override public int size() { return data.size(); }
        @Override public TaskData limit(int count) {
            return count >= data.size() ? this : new Mazes(new MazeDataset(data.examples().subList(0, count)), seed, augment);
        }
        @Override public String defaultPreset() { return "maze-att"; }
    }

    record Sudokus(SudokuDataset data, long seed, boolean augment) implements TaskData {
        @Override public SampleSource source() { return new SudokuSource(data, seed, augment); }
        @Override public List<Sample> testSamples() { return data.testSamples(); }
        @Override public int size() { return data.size(); }
        @Override public TaskData limit(int count) {
            return count >= data.size() ? this : new Sudokus(new SudokuDataset(data.examples().subList(0, count)), seed, augment);
        }
        @Override public String defaultPreset() { return "sudoku-mlp"; }
    }
}
