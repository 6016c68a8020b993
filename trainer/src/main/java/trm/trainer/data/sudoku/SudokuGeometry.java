package trm.trainer.data.sudoku;

import java.util.Arrays;

import trm.engine.TrmException;

/**
 * The shape of a Sudoku: boxes of {@code boxRows × boxCols} cells, a grid of {@code n × n} cells
 * with {@code n = boxRows · boxCols}, digits 1..n. Cells are numbered row-major, {@code r·n + c}.
 *
 * <p>Rows are grouped into <em>bands</em> of {@code boxRows} rows ({@code n / boxRows} bands) and
 * columns into <em>stacks</em> of {@code boxCols} columns. The 27 (3n) units and each cell's peers
 * are precomputed once, because the solver walks them millions of times.
 */
public final class SudokuGeometry {
    /** 4×4 grid of 2×2 boxes. */
    public static final SudokuGeometry MINI = new SudokuGeometry(2, 2);
    /** 6×6 grid of boxes 2 rows high and 3 columns wide. */
    public static final SudokuGeometry SIX = new SudokuGeometry(2, 3);
    /** The classic 9×9 grid of 3×3 boxes. */
    public static final SudokuGeometry CLASSIC = new SudokuGeometry(3, 3);

    private static final SudokuGeometry[] ALL = {MINI, SIX, CLASSIC};

    private final int boxRows;
    private final int boxCols;
    private final int n;
    private final int[][] units;
    private final int[][] unitsOfCell;
    private final int[][] peers;

    private SudokuGeometry(int boxRows, int boxCols) {
        this.boxRows = boxRows;
        this.boxCols = boxCols;
        this.n = boxRows * boxCols;
        int cells = n * n;
        units = new int[3 * n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                units[i][j] = i * n + j;                 // row i
                units[n + i][j] = j * n + i;             // column i
                int boxTop = (i / boxRows) * boxRows;    // box i: boxes run row-major too
                int boxLeft = (i % boxRows) * boxCols;
                units[2 * n + i][j] = (boxTop + j / boxCols) * n + boxLeft + j % boxCols;
            }
        }
        unitsOfCell = new int[cells][];
        peers = new int[cells][];
        for (int cell = 0; cell < cells; cell++) {
            unitsOfCell[cell] = new int[] {row(cell), n + col(cell), 2 * n + box(cell)};
            boolean[] seen = new boolean[cells];
            int[] list = new int[3 * n];
            int count = 0;
            for (int u : unitsOfCell[cell]) {
                for (int other : units[u]) {
                    if (other != cell && !seen[other]) {
                        seen[other] = true;
                        list[count++] = other;
                    }
                }
            }
            peers[cell] = Arrays.copyOf(list, count);
        }
    }

    /** The geometry for box sizes 2×2, 2×3 or 3×3; anything else is a user error. */
    public static SudokuGeometry of(int boxRows, int boxCols) {
        for (SudokuGeometry g : ALL) if (g.boxRows == boxRows && g.boxCols == boxCols) return g;
        throw new TrmException("unsupported Sudoku box size " + boxRows + "x" + boxCols
                + " (supported: 2x2, 2x3, 3x3)");
    }

    /** The geometry whose grid has {@code n × n} cells (4, 6 or 9), or null if none does. */
    public static SudokuGeometry forSideOrNull(int n) {
        for (SudokuGeometry g : ALL) if (g.n == n) return g;
        return null;
    }

    /** The geometry whose grid has {@code n × n} cells; any other side is a user error. */
    public static SudokuGeometry forSide(int n) {
        SudokuGeometry g = forSideOrNull(n);
        if (g == null) throw new TrmException("no " + n + "×" + n + " Sudoku (sizes: 4, 6, 9)");
        return g;
    }

    /** The geometry whose grid has this many cells (16, 36 or 81), or null if none does. */
    public static SudokuGeometry forCellCountOrNull(int cells) {
        for (SudokuGeometry g : ALL) if (g.cellCount() == cells) return g;
        return null;
    }

    /** A short description listing the accepted cell counts, for error messages. */
    static String supportedCellCounts() {
        return "16 (4x4), 36 (6x6) or 81 (9x9)";
    }

    public int boxRows() { return boxRows; }
    public int boxCols() { return boxCols; }
    /** Side of the grid and largest digit. */
    public int size() { return n; }
    public int cellCount() { return n * n; }
    public int bandCount() { return n / boxRows; }
    public int stackCount() { return n / boxCols; }
    /** Transposing maps boxes onto boxes only when they are square. */
    public boolean boxesSquare() { return boxRows == boxCols; }
    /** Bit mask with one bit per digit: bit d-1 for digit d. */
    public int allDigitsMask() { return (1 << n) - 1; }

    public int row(int cell) { return cell / n; }
    public int col(int cell) { return cell % n; }
    public int box(int cell) { return (row(cell) / boxRows) * boxRows + col(cell) / boxCols; }
    public int cell(int row, int col) { return row * n + col; }

    /** 3n units: rows 0..n-1, columns n..2n-1, boxes 2n..3n-1; each lists its n cells. */
    int[][] units() { return units; }
    /** The row, column and box unit indices of a cell. */
    int[] unitsOf(int cell) { return unitsOfCell[cell]; }
    /** Cells sharing a unit with this cell, itself excluded. */
    int[] peers(int cell) { return peers[cell]; }

    @Override
    public String toString() {
        return n + "x" + n + " (boxes " + boxRows + "x" + boxCols + ")";
    }
}
