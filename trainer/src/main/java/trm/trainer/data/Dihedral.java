package trm.trainer.data;

import java.util.Objects;

/**
 * The 8 symmetries of a rectangle's grid (the dihedral group of the square), numbered as the TRM
 * reference numbers them (its {@code dihedral_transform(arr, tid)} over numpy arrays, shared by the
 * Maze-Hard and ARC-AGI tasks):
 *
 * <pre>
 *   0 identity          4 left-right flip    (np.fliplr)
 *   1 rotate  90°       5 up-down flip       (np.flipud)
 *   2 rotate 180°       6 transpose          (arr.T)
 *   3 rotate 270°       7 anti-transpose     (np.fliplr(np.rot90(arr)))
 * </pre>
 *
 * Rotations are counter-clockwise, as {@code np.rot90(arr, k)}. The inverse of transform t is
 * {@code [0, 3, 2, 1, 4, 5, 6, 7][t]}. Transforms 1, 3, 6 and 7 swap the axes: an H×W grid
 * becomes W×H.
 *
 * <p>Grids are row-major int arrays of {@code height·width} cells with any values; a transform
 * moves cells and never changes them.
 */
public enum Dihedral {
    IDENTITY, ROTATE_90, ROTATE_180, ROTATE_270, FLIP_LEFT_RIGHT, FLIP_UP_DOWN, TRANSPOSE, ANTI_TRANSPOSE;

    private static final Dihedral[] ALL = values();
    private static final int[] INVERSE = {0, 3, 2, 1, 4, 5, 6, 7};

    /** The reference's transform id, 0..7. */
    public int id() { return ordinal(); }

    /** The transform with the reference's id; an id outside 0..7 is an IllegalArgumentException. */
    public static Dihedral of(int id) {
        if (id < 0 || id >= ALL.length) throw new IllegalArgumentException("dihedral transform id must be 0..7, got " + id);
        return ALL[id];
    }

    /** The transform that undoes this one: {@code t.inverse().apply(t.apply(g)) = g}. */
    public Dihedral inverse() { return ALL[INVERSE[ordinal()]]; }

    /** True for the four transforms that turn an H×W grid into a W×H one. */
    public boolean swapsAxes() {
        return this == ROTATE_90 || this == ROTATE_270 || this == TRANSPOSE || this == ANTI_TRANSPOSE;
    }

    /** Rows of the result for an input of {@code height}×{@code width}. */
    public int height(int height, int width) { return swapsAxes() ? width : height; }

    /** Columns of the result for an input of {@code height}×{@code width}. */
    public int width(int height, int width) { return swapsAxes() ? height : width; }

    /**
     * The row-major index, in the input of {@code height}×{@code width}, of the cell that lands at
     * row {@code r}, column {@code c} of the result.
     */
    public int sourceIndex(int r, int c, int height, int width) {
        int h = height;
        int w = width;
        return switch (this) {
            case IDENTITY -> r * w + c;
            case ROTATE_90 -> c * w + (w - 1 - r);
            case ROTATE_180 -> (h - 1 - r) * w + (w - 1 - c);
            case ROTATE_270 -> (h - 1 - c) * w + r;
            case FLIP_LEFT_RIGHT -> r * w + (w - 1 - c);
            case FLIP_UP_DOWN -> (h - 1 - r) * w + c;
            case TRANSPOSE -> c * w + r;
            case ANTI_TRANSPOSE -> (h - 1 - c) * w + (w - 1 - r);
        };
    }

    /**
     * The row-major index in the result of the input cell at {@code index} of a
     * {@code height}×{@code width} grid (where a cell goes; {@link #sourceIndex} says where one
     * comes from).
     */
    public int targetIndex(int index, int height, int width) {
        Dihedral back = inverse();
        int outWidth = width(height, width);
        // out(r, c) = in(source); in(r', c') = out(inverse source), so the target is the inverse's source.
        return back.sourceIndex(index / width, index % width, height(height, width), outWidth);
    }

    /**
     * The transformed grid, {@link #height}×{@link #width} cells, row-major.
     *
     * @throws IllegalArgumentException if {@code cells.length != height·width} or a side is not positive
     */
    public int[] apply(int[] cells, int height, int width) {
        Objects.requireNonNull(cells, "cells");
        if (height < 1 || width < 1 || cells.length != height * width) {
            throw new IllegalArgumentException("a " + height + "x" + width + " grid needs " + height * width
                    + " cells, got " + cells.length);
        }
        int outHeight = height(height, width);
        int outWidth = width(height, width);
        int[] out = new int[cells.length];
        for (int r = 0; r < outHeight; r++) {
            for (int c = 0; c < outWidth; c++) out[r * outWidth + c] = cells[sourceIndex(r, c, height, width)];
        }
        return out;
    }
}
