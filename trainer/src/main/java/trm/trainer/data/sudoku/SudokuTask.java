package trm.trainer.data.sudoku;

import trm.engine.TrmException;
import trm.trainer.data.Task;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Sudoku of one geometry as the model sees it, and the one place its tokens are defined:
 * a cell's value v (0 = blank) becomes token v + 1, so a blank is 1 and digits are 2..n+1; PAD
 * (0) never occurs in a Sudoku but keeps the vocabulary ({@code n + 2}, 11 for 9×9) shared with
 * the padded tasks. Questions and answers use the same mapping (labels: every cell supervised).
 */
public final class SudokuTask implements Task<int[]> {
    public static final int PAD = 0;
    public static final int BLANK = 1;

    private static final SudokuTask MINI = new SudokuTask(SudokuGeometry.MINI);
    private static final SudokuTask SIX = new SudokuTask(SudokuGeometry.SIX);
    private static final SudokuTask CLASSIC = new SudokuTask(SudokuGeometry.CLASSIC);

    private final SudokuGeometry geometry;

    private SudokuTask(SudokuGeometry geometry) {
        this.geometry = geometry;
    }

    public static SudokuTask of(SudokuGeometry g) {
        if (g == SudokuGeometry.MINI) return MINI;
        if (g == SudokuGeometry.SIX) return SIX;
        if (g == SudokuGeometry.CLASSIC) return CLASSIC;
        throw new IllegalArgumentException("no Sudoku task for " + g);
    }

    /** The task whose grids have this many cells (a model's seq_len), or null if no Sudoku has. */
    public static SudokuTask forCellCountOrNull(int cells) {
        SudokuGeometry g = SudokuGeometry.forCellCountOrNull(cells);
        return g == null ? null : of(g);
    }

    public SudokuGeometry geometry() { return geometry; }

    @Override public int seqLen() { return geometry.cellCount(); }

    /** PAD, blank and the n digits. */
    @Override public int vocabSize() { return geometry.size() + 2; }

    /** Cells ('.' or '0' blank) of this geometry whose clues break no rule. */
    @Override
    public int[] parse(String text) {
        return puzzle(SudokuText.parse(text), "");
    }

    /** The puzzles of a puzzle-per-line file, at most {@code limit}; the first bad line is an error naming the file and line. */
    public List<int[]> readPuzzles(Path file, int limit) {
        return readPuzzles(file, limit, null);
    }

    /**
     * The puzzles of a puzzle-per-line file, at most {@code limit}, reading no further than needed.
     * With {@code refused} non-null, a bad line (syntax, size, broken clue) is added to it as
     * "file:line: problem" and skipped, so the good puzzles are still read; else it is an error.
     */
    public List<int[]> readPuzzles(Path file, int limit, List<String> refused) {
        List<int[]> puzzles = new ArrayList<>();
        try (PuzzleLines.Reader reader = PuzzleLines.open(file)) {
            while (puzzles.size() < limit) {
                try {
                    if (!reader.hasNext()) break;
                    LinePuzzle p = reader.next();
                    puzzles.add(puzzle(p.question(), file + ":" + p.lineNumber() + ": "));
                } catch (TrmException e) {
                    if (refused == null || !e.getMessage().startsWith(file + ":")) throw e;
                    refused.add(e.getMessage());
                }
            }
        }
        if (puzzles.isEmpty() && (refused == null || refused.isEmpty())) throw new TrmException(file + ": no puzzles in the file");
        return puzzles;
    }

    /** A fresh puzzle with a unique solution, determined by {@code seed}. */
    public int[] example(long seed) {
        return new SudokuGenerator(geometry, seed).generate(SudokuGenerator.Target.any(), "example").question();
    }

    private int[] puzzle(int[] cells, String context) {
        if (cells.length != geometry.cellCount())
            throw new TrmException(context + "puzzle has " + cells.length + " cells but the model solves " + geometry.size() + "×"
                    + geometry.size() + " grids (" + geometry.cellCount() + " cells)");
        String problem = SudokuRules.cluesProblem(geometry, cells);
        if (problem != null) throw new TrmException(context + "invalid puzzle: " + problem);
        return cells;
    }

    /** Token v + 1 for each cell value v. */
    @Override
    public int[] encode(int[] cells) {
        int[] tokens = new int[cells.length];
        for (int i = 0; i < cells.length; i++) tokens[i] = cells[i] + 1;
        return tokens;
    }

    /** Cell values; PAD and blank both read as blank. */
    @Override
    public int[] decode(int[] tokens) {
        int[] cells = new int[tokens.length];
        for (int i = 0; i < tokens.length; i++) cells[i] = Math.max(0, tokens[i] - 1);
        return cells;
    }

    @Override
    public String render(int[] cells, int[] previous) {
        return SudokuText.render(geometry, cells, previous);
    }

    @Override
    public String whyNotSolved(int[] puzzle, int[] answer) {
        if (SudokuRules.solves(geometry, puzzle, answer)) return null;
        int bad = SudokuRules.conflicts(geometry, answer);
        if (bad > 0) return bad + " cells are blank or repeat a digit in a row, column or box";
        String changed = SudokuRules.agreementProblem(geometry, puzzle, answer);
        return changed != null ? changed : "the puzzle itself breaks a rule";
    }

    /** What the exact solver says of a puzzle without a unique solution. */
    @Override
    public String noteOnPuzzle(int[] puzzle) {
        SolveResult exact = SudokuSolver.solve(geometry, puzzle);
        return switch (exact.outcome()) {
            case UNIQUE -> null;
            case MULTIPLE -> "the exact solver says this puzzle has several solutions";
            default -> "the exact solver says this puzzle has no solution";
        };
    }

    @Override
    public String toString() { return "Sudoku " + geometry; }
}
