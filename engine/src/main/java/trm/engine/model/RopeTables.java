package trm.engine.model;

import trm.engine.TrmException;

/**
 * The rotary position embedding's tables, "rotate half" convention: pair i of a head (elements
 * i and i + hd/2) turns by angle[p, i]; cos and sin [L, hd] hold that angle's cosine and sine
 * repeated over both halves. Every device takes the tables as inputs ({@link trm.engine.cpu.Rope},
 * the kernels' attention and GEMM epilogue), so a different table needs no kernel change.
 */
public final class RopeTables {
    private RopeTables() {}

    /** 1-D, as the reference builds them: angle[p, i] = p · θ^(−2i/hd) for i &lt; hd/2. */
    public static void fill(float[] cos, float[] sin, int L, int hd, double theta) {
        for (int p = 0; p < L; p++)
            for (int i = 0; i < hd / 2; i++) put(cos, sin, hd, p, i, p * Math.pow(theta, -2.0 * i / hd));
    }

    /**
     * 2-D, our extension (not in the reference, which uses 1-D rope): for a square grid of
     * side² cells stored row-major after {@code prefix} puzzle-identifier positions, the first
     * ⌈hd/4⌉ pairs turn by the cell's row and the other ⌊hd/4⌋ by its column, each axis with the
     * 1-D frequencies over its own pairs (pair j of an axis with m pairs: θ^(−j/m)). The prefix
     * positions get angle 0 (cos 1, sin 0), as does cell (0, 0). After rotation q·k between two
     * cells depends only on (Δrow, Δcol), so the grid's four neighbours are four fixed offsets
     * and the last cell of a row is no longer one step from the first of the next.
     *
     * @param cos       [prefix + side², hd], overwritten
     * @param sin       [prefix + side², hd], overwritten
     * @param hd        head dimension, even and ≥ 4 (one pair per axis at least)
     * @throws TrmException if hd is odd or below 4
     */
    public static void fill2d(float[] cos, float[] sin, int prefix, int side, int hd, double theta) {
        if (hd < 4 || hd % 2 != 0) throw new TrmException("rope2d needs an even head dimension of at least 4, not " + hd);
        int pairs = hd / 2, rowPairs = (pairs + 1) / 2, colPairs = pairs - rowPairs;
        for (int p = 0; p < prefix; p++)
            for (int i = 0; i < pairs; i++) put(cos, sin, hd, p, i, 0);
        for (int cell = 0; cell < side * side; cell++) {
            int p = prefix + cell, row = cell / side, col = cell % side;
            for (int j = 0; j < rowPairs; j++) put(cos, sin, hd, p, j, row * Math.pow(theta, -(double) j / rowPairs));
            for (int j = 0; j < colPairs; j++) put(cos, sin, hd, p, rowPairs + j, col * Math.pow(theta, -(double) j / colPairs));
        }
    }

    /** The side of a square grid of seqLen cells, or −1 if seqLen is not a square. */
    public static int gridSide(int seqLen) {
        int s = (int) Math.round(Math.sqrt(seqLen));
        return s * s == seqLen ? s : -1;
    }

    /** The tables a config's attention uses: 1-D over all positions, or 2-D over the grid after the prefix. */
    public static void fill(float[] cos, float[] sin, TrmConfig c) {
        if (c.posEncoding() == PosEncoding.ROPE2D) fill2d(cos, sin, c.prefixLen(), gridSide(c.seqLen()), c.headDim(), c.ropeTheta());
        else fill(cos, sin, c.totalLen(), c.headDim(), c.ropeTheta());
    }

    private static void put(float[] cos, float[] sin, int hd, int p, int i, double angle) {
        cos[p * hd + i] = cos[p * hd + i + hd / 2] = (float) Math.cos(angle);
        sin[p * hd + i] = sin[p * hd + i + hd / 2] = (float) Math.sin(angle);
    }
}
