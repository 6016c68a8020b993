package trm.trainer.data.arc;

import trm.engine.TrmException;
import trm.trainer.data.Dihedral;

import java.util.Arrays;

/**
 * One ARC grid: {@code height}×{@code width} cells (each side 1..30), row-major, colours 0..9.
 * Equality is by content, so grids can key the voter's candidate maps.
 *
 * @param cells row-major colours, {@code height·width} of them
 */
public record ArcGrid(int height, int width, int[] cells) {
    /** ARC's largest side. */
    public static final int MAX_SIDE = 30;
    public static final int COLOURS = 10;

    public ArcGrid {
        if (height < 1 || width < 1 || height > MAX_SIDE || width > MAX_SIDE)
            throw new TrmException("an ARC grid must be 1..30 × 1..30, got " + height + "×" + width);
        if (cells.length != height * width)
            throw new TrmException("a " + height + "×" + width + " grid needs " + height * width + " cells, got " + cells.length);
        for (int v : cells) if (v < 0 || v >= COLOURS) throw new TrmException("an ARC colour must be 0..9, got " + v);
    }

    /** From rows (as JSON gives them); rows must all have the same length. */
    public static ArcGrid of(int[][] rows) {
        if (rows.length == 0 || rows[0].length == 0) throw new TrmException("an ARC grid must not be empty");
        int w = rows[0].length;
        int[] cells = new int[rows.length * w];
        for (int r = 0; r < rows.length; r++) {
            if (rows[r].length != w) throw new TrmException("row " + r + " has " + rows[r].length + " cells, row 0 has " + w);
            System.arraycopy(rows[r], 0, cells, r * w, w);
        }
        return new ArcGrid(rows.length, w, cells);
    }

    public int at(int r, int c) { return cells[r * width + c]; }

    public int[][] rows() {
        int[][] rows = new int[height][];
        for (int r = 0; r < height; r++) rows[r] = Arrays.copyOfRange(cells, r * width, (r + 1) * width);
        return rows;
    }

    /** This grid under a dihedral transform (cells move, colours stay). */
    public ArcGrid transform(Dihedral t) {
        return new ArcGrid(t.height(height, width), t.width(height, width), t.apply(cells, height, width));
    }

    /** Every colour c replaced by {@code map[c]}. */
    public ArcGrid recolour(int[] map) {
        int[] out = new int[cells.length];
        for (int i = 0; i < out.length; i++) out[i] = map[cells[i]];
        return new ArcGrid(height, width, out);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ArcGrid g && g.height == height && g.width == width && Arrays.equals(g.cells, cells);
    }

    @Override
    public int hashCode() { return 31 * (31 * height + width) + Arrays.hashCode(cells); }

    /** Rows of digits, one line each. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (int r = 0; r < height; r++) {
            if (r > 0) sb.append('\n');
            for (int c = 0; c < width; c++) sb.append(at(r, c));
        }
        return sb.toString();
    }
}
