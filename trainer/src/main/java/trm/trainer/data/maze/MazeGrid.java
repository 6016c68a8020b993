package trm.trainer.data.maze;

import java.util.Arrays;

/**
 * A maze grid as the solve loop handles it: {@code height}×{@code width} cell codes, row-major
 * ({@link MazeCell} ordinals), or -1 where a model's output token is no cell (PAD). A question,
 * an answer or a model's guess; nothing is checked here ({@link MazeRules} does that).
 */
public record MazeGrid(int height, int width, int[] cells) {
    /** The code of a position whose token is not a cell. */
    public static final int NO_CELL = -1;

    public MazeGrid {
        if (height < 1 || width < 1 || cells.length != height * width) {
            throw new IllegalArgumentException("a " + height + "x" + width + " grid needs " + height * width + " cells, got " + cells.length);
        }
        cells = cells.clone();
    }

    @Override
    public int[] cells() { return cells.clone(); }

    public int cell(int index) { return cells[index]; }

    /** Rows of symbols, '.' for open cells and '?' for no cell; with {@code previous}, a '*' follows each changed cell. */
    public String render(MazeGrid previous) {
        StringBuilder out = new StringBuilder(cells.length * 2 + height);
        for (int r = 0; r < height; r++) {
            if (r > 0) out.append('\n');
            for (int c = 0; c < width; c++) {
                int i = r * width + c;
                out.append(symbol(cells[i]));
                if (previous != null) out.append(previous.cells[i] != cells[i] ? '*' : ' ');
            }
        }
        return out.toString();
    }

    static char symbol(int code) {
        if (code == NO_CELL) return '?';
        return code == MazeCell.OPEN.code() ? '.' : MazeCell.ofCode(code).symbol();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MazeGrid g && height == g.height && width == g.width && Arrays.equals(cells, g.cells);
    }

    @Override
    public int hashCode() { return 31 * (31 * height + width) + Arrays.hashCode(cells); }

    @Override
    public String toString() { return "MazeGrid[" + height + "x" + width + "]\n" + render(null); }
}
