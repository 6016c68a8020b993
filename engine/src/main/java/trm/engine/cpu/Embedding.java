package trm.engine.cpu;

import trm.engine.Ops;

import java.util.Arrays;

/**
 * Input embedding: the puzzle-table row (zero-padded to P·D, viewed as P prefix tokens)
 * followed by the token embeddings, optionally plus learned positions (then scaled by {@link Ops#POS_MIX}),
 * all times scale (√D in TRM).
 */
public final class Embedding {
    private Embedding() {}

    public static void forward(float[] out, int oo, int[] tokens, int to, int[] ids, int io, float[] tok, int tko,
                               float[] puzzle, int pzo, int ndim, float[] pos, int poso,
                               int B, int P, int S, int D, float scale) {
        int L = P + S;
        float c = pos != null ? Ops.POS_MIX * scale : scale;
        Parallel.forRange(B, 1, (b0, b1) -> {
            for (int b = b0; b < b1; b++) {
                int ob = oo + b * L * D;
                if (P > 0) {
                    Arrays.fill(out, ob, ob + P * D, 0f);
                    if (puzzle != null) {
                        int row = pzo + ids[io + b] * ndim;
                        for (int k = 0; k < Math.min(ndim, P * D); k++) out[ob + k] = puzzle[row + k];
                    }
                }
                for (int s = 0; s < S; s++) System.arraycopy(tok, tko + tokens[to + b * S + s] * D, out, ob + (P + s) * D, D);
                if (pos != null) Vec.add(out, ob, out, ob, pos, poso, L * D);
                Vec.scale(out, ob, c, L * D);
            }
        });
    }

    /**
     * dTok [V, D] += Σ over token positions; dPos [L, D] += Σ over the batch (nullable);
     * dRows [B, ndim] = the gradient of each sample's puzzle row (nullable). Serial over
     * the batch: rows of dTok are shared by many samples and the sums must stay deterministic.
     */
    public static void backward(float[] dOut, int doo, int[] tokens, int to, float[] dTok, int dto,
                                float[] dRows, int dro, int ndim, float[] dPos, int dpo,
                                int B, int P, int S, int D, float scale, boolean learnedPos) {
        int L = P + S;
        float c = learnedPos ? Ops.POS_MIX * scale : scale;
        for (int b = 0; b < B; b++) {
            int db = doo + b * L * D;
            if (dRows != null) {
                int r = dro + b * ndim, n = Math.min(ndim, P * D);
                for (int k = 0; k < n; k++) dRows[r + k] = c * dOut[db + k];
                Arrays.fill(dRows, r + n, r + ndim, 0f);
            }
            for (int s = 0; s < S; s++) Vec.axpy(c, dOut, db + (P + s) * D, dTok, dto + tokens[to + b * S + s] * D, D);
            if (dPos != null) Vec.axpy(c, dOut, db, dPos, dpo, L * D);
        }
    }
}
