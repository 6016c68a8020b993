package trm.trainer.data.sudoku;

import trm.engine.TrmException;

/**
 * Grids as text. The one-character-per-cell form, row-major: digits 1..n, and '.' or '0' for
 * a blank, used by the puzzle-per-line files, the CSV columns and the command line; and the
 * boxed form for a terminal ({@link #render}).
 */
public final class SudokuText {
    private SudokuText() {}

    /** Cells of {@code text}, whose length decides the geometry; blanks allowed. */
    public static int[] parse(String text) {
        return parse(text, geometryForLength(text.length(), ""), true, "");
    }

    /** The geometry whose cell count is {@code length}, or a TrmException prefixed by {@code context}. */
    static SudokuGeometry geometryForLength(int length, String context) {
        SudokuGeometry g = SudokuGeometry.forCellCountOrNull(length);
        if (g == null) {
            throw new TrmException(context + "a grid of " + length + " characters is not a Sudoku (expected "
                    + SudokuGeometry.supportedCellCounts() + ")");
        }
        return g;
    }

    /**
     * Parses {@code text} as a grid of geometry {@code g}. Errors are TrmExceptions whose
     * message starts with {@code context} (such as "puzzles.txt:12: ") and names the problem.
     */
    static int[] parse(CharSequence text, SudokuGeometry g, boolean blanksAllowed, String context) {
        if (text.length() != g.cellCount()) {
            throw new TrmException(context + "expected " + g.cellCount() + " cells for " + g
                    + " but found " + text.length() + " characters");
        }
        int[] cells = new int[text.length()];
        char maxDigit = (char) ('0' + g.size());
        for (int i = 0; i < cells.length; i++) {
            char ch = text.charAt(i);
            if (ch >= '1' && ch <= maxDigit) {
                cells[i] = ch - '0';
            } else if (blanksAllowed && (ch == '.' || ch == '0')) {
                cells[i] = 0;
            } else {
                String allowed = blanksAllowed ? "'.', '0' or 1.." + g.size() : "1.." + g.size();
                throw new TrmException(context + "bad character " + describe(ch) + " at position " + (i + 1)
                        + " (" + SudokuRules.where(g, i) + "); allowed: " + allowed);
            }
        }
        return cells;
    }

    /** Row-major text of the cells, '.' for blank. */
    public static String format(int[] cells) {
        char[] text = new char[cells.length];
        for (int i = 0; i < cells.length; i++) text[i] = cells[i] == 0 ? '.' : (char) ('0' + cells[i]);
        return new String(text);
    }

    /**
     * The grid with box separators, one row per line, '.' for blank; cells that differ from
     * {@code previous} (unless null) are marked with '*'.
     */
    public static String render(SudokuGeometry g, int[] cells, int[] previous) {
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

    private static String describe(char ch) {
        return ch >= 0x20 && ch < 0x7f ? "'" + ch + "'" : String.format("U+%04X", (int) ch);
    }
}
