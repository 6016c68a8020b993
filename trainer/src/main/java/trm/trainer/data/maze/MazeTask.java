package trm.trainer.data.maze;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import trm.engine.TrmException;
import trm.trainer.data.Task;

/**
 * Maze-Hard mazes of one size as the model sees them, and the one place their tokens are
 * defined: a cell's token is its index in {@code "# SGo"} + 1 (PAD 0, vocabulary 6); questions
 * and answers use the same mapping, every cell supervised (TRM_SPEC §8). An answer solves a maze
 * when it marks a shortest S→G path, whichever one ({@link MazeRules#answerProblem}); for our
 * generated mazes only one exists.
 */
public final class MazeTask implements Task<MazeGrid> {
    private final int height;
    private final int width;

    private MazeTask(int height, int width) {
        this.height = height;
        this.width = width;
    }

    /** The task for square mazes of {@code side}×{@code side} (the model's seq_len is side²). */
    public static MazeTask square(int side) {
        if (side < 2) throw new TrmException("a maze needs at least 2x2 cells, got side " + side);
        return new MazeTask(side, side);
    }

    /** The square maze task for a model of {@code seqLen} positions, or null if seq_len is no square. */
    public static MazeTask forSeqLenOrNull(int seqLen) {
        int side = (int) Math.round(Math.sqrt(seqLen));
        return side >= 2 && side * side == seqLen ? new MazeTask(side, side) : null;
    }

    public int height() { return height; }

    public int width() { return width; }

    @Override public int seqLen() { return height * width; }

    @Override public int vocabSize() { return MazeCell.VOCAB_SIZE; }

    /**
     * A maze typed as rows separated by newlines or '/', in the block form ('#' wall, '.' or ' '
     * open, S, G; 'o' marks are dropped: the question is what is solved).
     */
    @Override
    public MazeGrid parse(String text) {
        String[] rows = text.split("\n|/", -1);
        int w = rows[0].length();
        int[] cells = new int[rows.length * w];
        for (int r = 0; r < rows.length; r++) {
            if (rows[r].length() != w) {
                throw new TrmException("maze row " + (r + 1) + " has " + rows[r].length() + " cells but the first row has " + w);
            }
            for (int c = 0; c < w; c++) {
                MazeCell cell = MazeCell.ofSymbol(rows[r].charAt(c));
                if (cell == null) throw new TrmException("maze row " + (r + 1) + ": " + MazeText.unknown(rows[r].charAt(c)) + " at column " + (c + 1));
                cells[r * w + c] = cell.code();
            }
        }
        return question(new MazeGrid(rows.length, w, MazeRules.questionOf(cells)), "");
    }

    /**
     * The questions of a maze file, at most {@code limit}: a Maze-Hard CSV ({@code .csv}) or the
     * block form; problems name the file and line.
     */
    public List<MazeGrid> readMazes(Path file, int limit) {
        List<MazeGrid> mazes = new ArrayList<>();
        if (String.valueOf(file.getFileName()).toLowerCase(Locale.ROOT).endsWith(".csv")) {
            for (MazeExample e : MazeCsv.readAll(file)) {
                if (mazes.size() == limit) break;
                mazes.add(question(new MazeGrid(e.height(), e.width(), e.question()), file + ": "));
            }
            return mazes;
        }
        for (MazeText.Block b : MazeText.readBlocks(file)) {
            if (mazes.size() == limit) break;
            String context = file + ":" + b.line() + ": ";
            int[] question = MazeRules.questionOf(b.cells());
            String problem = MazeRules.questionProblem(b.height(), b.width(), question);
            if (problem != null) throw new TrmException(context + "question: " + problem);
            mazes.add(question(new MazeGrid(b.height(), b.width(), question), context));
        }
        return mazes;
    }

    private MazeGrid question(MazeGrid g, String context) {
        if (g.height() != height || g.width() != width) {
            throw new TrmException(context + "maze is " + g.height() + "x" + g.width() + " but the model solves " + height + "x" + width + " mazes");
        }
        String problem = MazeRules.questionProblem(height, width, g.cells());
        if (problem != null) throw new TrmException(context + "invalid maze: " + problem);
        return g;
    }

    /** Token = cell code + 1. */
    @Override
    public int[] encode(MazeGrid grid) {
        int[] tokens = new int[grid.cells().length];
        for (int i = 0; i < tokens.length; i++) tokens[i] = grid.cell(i) + 1;
        return tokens;
    }

    /** Cell codes; a token that is no cell (PAD) becomes {@link MazeGrid#NO_CELL}. */
    @Override
    public MazeGrid decode(int[] tokens) {
        return new MazeGrid(height, width, MazeDataset.cellsOfTokens(tokens));
    }

    @Override
    public String render(MazeGrid grid, MazeGrid previous) {
        return grid.render(previous);
    }

    /** Null when the answer marks a shortest S→G path of the maze (and changes nothing else). */
    @Override
    public String whyNotSolved(MazeGrid puzzle, MazeGrid answer) {
        return MazeRules.answerProblem(height, width, puzzle.cells(), answer.cells());
    }

    /** What the exact solver says of a maze without a unique shortest path. */
    @Override
    public String noteOnPuzzle(MazeGrid puzzle) {
        MazeSolver.Solution s = new MazeSolver(height, width).solve(puzzle.cells());
        if (!s.solvable()) return "the exact solver says G cannot be reached from S";
        if (!s.unique()) {
            return "the exact solver finds " + (s.pathCount() >= MazeSolver.DEFAULT_COUNT_CAP ? "at least " : "") + s.pathCount()
                    + " shortest paths of " + s.length() + " steps";
        }
        return null;
    }

    /** The exact solver's unique shortest path length, or -1 (for reports). */
    public int shortestLength(MazeGrid puzzle) {
        return new MazeSolver(height, width, 2).solve(puzzle.cells()).length();
    }

    @Override
    public String toString() { return "Maze " + height + "x" + width; }
}
