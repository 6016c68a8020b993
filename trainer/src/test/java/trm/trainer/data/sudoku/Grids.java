package trm.trainer.data.sudoku;

/** Small hand-made grids for tests. */
final class Grids {
    private Grids() {}

    /**
     * A valid complete grid for any geometry: bands shift by one, rows inside a band by the box
     * width, so each row, column and box holds every digit once.
     */
    static int[] pattern(SudokuGeometry g) {
        int n = g.size();
        int[] grid = new int[n * n];
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < n; c++) {
                grid[r * n + c] = (g.boxCols() * (r % g.boxRows()) + r / g.boxRows() + c) % n + 1;
            }
        }
        return grid;
    }

    /** The 4×4 grid 1234/3412/2143/4321 as text. */
    static final String MINI_SOLUTION = "1234341221434321";
}
