package trm.trainer.data.arc;

import trm.engine.TrmException;

/**
 * The one place ARC tokens are defined: a grid laid on a {@code side}×{@code side} canvas
 * (30×30 for ARC; smaller canvases serve tests), row-major, {@code side²} tokens.
 * PAD 0, EOS 1, colour c → c + 2 (vocab 12). Below the grid, across its columns, an EOS row;
 * right of it, across its rows, an EOS column; each only where it fits on the canvas, and the
 * corner cell diagonal to the grid stays PAD. Labels use the same tokens (PAD = label 0 = ignored).
 * Source: the reference's {@code np_grid_to_seq_translational_augment} (dataset/build_arc_dataset.py).
 */
public record ArcCanvas(int side) {
    public static final int PAD = 0;
    public static final int EOS = 1;
    public static final int COLOUR_OFFSET = 2;
    public static final int VOCAB = ArcGrid.COLOURS + COLOUR_OFFSET;
    public static final ArcCanvas ARC = new ArcCanvas(ArcGrid.MAX_SIDE);

    public ArcCanvas {
        if (side < 1 || side > ArcGrid.MAX_SIDE) throw new TrmException("an ARC canvas side must be 1..30, got " + side);
    }

    public int seqLen() { return side * side; }

    /** True when a grid of this size fits the canvas. */
    public boolean fits(ArcGrid g) { return g.height() <= side && g.width() <= side; }

    /** {@link #encode(ArcGrid, int, int)} at the top-left corner. */
    public int[] encode(ArcGrid g) { return encode(g, 0, 0); }

    /**
     * The tokens of {@code g} with its top-left cell at ({@code row}, {@code col}).
     *
     * @throws TrmException if the grid does not fit there
     */
    public int[] encode(ArcGrid g, int row, int col) {
        if (row < 0 || col < 0 || row + g.height() > side || col + g.width() > side)
            throw new TrmException("a " + g.height() + "×" + g.width() + " grid at (" + row + ", " + col + ") is off the "
                    + side + "×" + side + " canvas");
        int[] t = new int[side * side];
        for (int r = 0; r < g.height(); r++)
            for (int c = 0; c < g.width(); c++) t[(row + r) * side + col + c] = g.at(r, c) + COLOUR_OFFSET;
        int eosRow = row + g.height(), eosCol = col + g.width();
        if (eosRow < side) for (int c = col; c < eosCol; c++) t[eosRow * side + c] = EOS;
        if (eosCol < side) for (int r = row; r < eosRow; r++) t[r * side + eosCol] = EOS;
        return t;
    }

    /**
     * The grid a prediction stands for, as the reference crops it ({@code _crop} in its
     * evaluator): the largest-area top-left rectangle of colour tokens, with rows scanned from
     * the top, each no wider than the one above and the first non-colour token ending a row.
     * Null when the top-left token is not a colour (no grid at all).
     */
    public ArcGrid decode(int[] tokens) {
        if (tokens.length != side * side)
            throw new TrmException("an ARC prediction has " + side * side + " tokens on a " + side + "-canvas, got " + tokens.length);
        int bestArea = 0, bestH = 0, bestW = 0, width = side;
        for (int r = 0; r < side && width > 0; r++) {
            int w = 0;
            while (w < width && isColour(tokens[r * side + w])) w++;
            width = w;
            int area = (r + 1) * width;
            if (area > bestArea) {
                bestArea = area;
                bestH = r + 1;
                bestW = width;
            }
        }
        if (bestArea == 0) return null;
        int[] cells = new int[bestH * bestW];
        for (int r = 0; r < bestH; r++)
            for (int c = 0; c < bestW; c++) cells[r * bestW + c] = tokens[r * side + c] - COLOUR_OFFSET;
        return new ArcGrid(bestH, bestW, cells);
    }

    private static boolean isColour(int token) { return token >= COLOUR_OFFSET && token < VOCAB; }
}
