package trm.trainer.data.sudoku;

/**
 * Validity checks of grids. Each {@code ...Problem} method returns null when the grid is fine,
 * else a short description of the first problem (1-based rows and columns), ready to be put in
 * an error message after a file name and line number.
 */
public final class SudokuRules {
    private SudokuRules() {}

    /** Null if every cell holds 0 (blank) or a digit 1..n and no digit repeats in a unit. */
    public static String cluesProblem(SudokuGeometry g, int[] cells) {
        String shape = shapeProblem(g, cells, false);
        return shape != null ? shape : duplicateProblem(g, cells);
    }

    /** Null if the grid is complete (no blanks) and satisfies every row, column and box. */
    public static String solutionProblem(SudokuGeometry g, int[] grid) {
        String shape = shapeProblem(g, grid, true);
        return shape != null ? shape : duplicateProblem(g, grid);
    }

    /** Null if every clue of the question is kept by the answer. */
    public static String agreementProblem(SudokuGeometry g, int[] question, int[] answer) {
        for (int cell = 0; cell < question.length; cell++) {
            if (question[cell] != 0 && question[cell] != answer[cell]) {
                return "answer has " + answer[cell] + " at " + where(g, cell)
                        + " but the question's clue there is " + question[cell];
            }
        }
        return null;
    }

    public static boolean cluesConsistent(SudokuGeometry g, int[] cells) {
        return cluesProblem(g, cells) == null;
    }

    public static boolean isValidSolution(SudokuGeometry g, int[] grid) {
        return solutionProblem(g, grid) == null;
    }

    /** True if {@code answer} is a valid complete grid that keeps every clue of {@code question}. */
    public static boolean solves(SudokuGeometry g, int[] question, int[] answer) {
        return cluesProblem(g, question) == null && solutionProblem(g, answer) == null
                && agreementProblem(g, question, answer) == null;
    }

    /** Cells that hold no digit or share their digit with a peer (row, column or box). */
    public static int conflicts(SudokuGeometry g, int[] cells) {
        int n = g.size(), bad = 0;
        for (int i = 0; i < cells.length; i++) {
            int v = cells[i];
            if (v < 1 || v > n) { bad++; continue; }
            for (int j = 0; j < cells.length; j++) {
                if (i == j || cells[j] != v) continue;
                if (g.row(i) == g.row(j) || g.col(i) == g.col(j) || g.box(i) == g.box(j)) { bad++; break; }
            }
        }
        return bad;
    }

    public static int clueCount(int[] cells) {
        int count = 0;
        for (int v : cells) if (v != 0) count++;
        return count;
    }

    /** "row 3, column 7" (1-based), the way a person reads a grid. */
    static String where(SudokuGeometry g, int cell) {
        return "row " + (g.row(cell) + 1) + ", column " + (g.col(cell) + 1);
    }

    private static String shapeProblem(SudokuGeometry g, int[] cells, boolean complete) {
        if (cells.length != g.cellCount()) {
            return "expected " + g.cellCount() + " cells for " + g + " but got " + cells.length;
        }
        int min = complete ? 1 : 0;
        for (int cell = 0; cell < cells.length; cell++) {
            int v = cells[cell];
            if (v < min || v > g.size()) {
                return (v == 0 ? "blank" : "value " + v) + " at " + where(g, cell)
                        + (complete ? " (a solution needs digits 1.." : " (allowed: 0 or 1..")
                        + g.size() + ")";
            }
        }
        return null;
    }

    private static String duplicateProblem(SudokuGeometry g, int[] cells) {
        int[][] units = g.units();
        int n = g.size();
        for (int u = 0; u < units.length; u++) {
            int seen = 0;
            for (int cell : units[u]) {
                int v = cells[cell];
                if (v == 0) continue;
                int bit = 1 << (v - 1);
                if ((seen & bit) != 0) {
                    return "digit " + v + " appears twice in " + unitName(u, n);
                }
                seen |= bit;
            }
        }
        return null;
    }

    private static String unitName(int unit, int n) {
        String kind = unit < n ? "row " : unit < 2 * n ? "column " : "box ";
        return kind + (unit % n + 1);
    }
}
