package trm.trainer.cli;

import trm.trainer.data.sudoku.SudokuGeometry;

/** Text rendering of Sudoku grids for the terminal. */
final class Grids {
    private Grids() {}

    /** The grid with box separators; cells that differ from {@code previous} are marked with '*'. */
    static String render(SudokuGeometry g, int[] cells, int[] previous) {
        StringBuilder sb = new StringBuilder();
        int n = g.size();
        for (int r = 0; r < n; r++) {
            if (r > 0 && r % g.boxRows() == 0) {
                for (int c = 0; c < n; c++) sb.append(c > 0 && c % g.boxCols() == 0 ? "-+" : "").append("---");
                sb.append('\n');
            }
            for (int c = 0; c < n; c++) {
                if (c > 0 && c % g.boxCols() == 0) sb.append(" |");
                int v = cells[g.cell(r, c)];
                boolean changed = previous != null && previous[g.cell(r, c)] != v;
                sb.append(' ').append(v == 0 ? "." : Integer.toString(v)).append(changed ? '*' : ' ');
            }
            if (r < n - 1) sb.append('\n');
        }
        return sb.toString();
    }

    /** Cells that share a digit with a peer (row, column or box) or hold no digit. */
    static int conflicts(SudokuGeometry g, int[] cells) {
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
}
