package trm.engine.cpu;

import trm.engine.AdamStep;

/**
 * Fused optimizer updates over flat parameter buffers (one pass reads p, g, m, v once).
 * The same formulas run as the multi-tensor GPU kernels. atan2 is {@code StrictMath}'s (fdlibm:
 * the same bits in every JIT tier and on every machine); sqrt is exact everywhere.
 */
public final class Optimizers {
    private Optimizers() {}

    /**
     * AdamATan2 as the reference's adam-atan2 kernel computes it: decoupled decay, then
     * p −= lr · atan2(m/(1−β1ᵗ), √v/√(1−β2ᵗ)). Both corrections sit inside atan2 (TRM_SPEC §7
     * puts the first outside; the code is the reference). atan2 bounds every update by lr·π/2
     * and needs no ε.
     */
    public static void adamAtan2(float[] p, int po, float[] g, int go, float[] m, int mo, float[] v, int vo, int n,
                                 float lr, float wd, float beta1, float beta2, long step) {
        AdamStep a = AdamStep.of(lr, wd, beta1, beta2, step);
        float decay = a.decay(), bc1 = a.bc1(), bc2Sqrt = a.bc2Sqrt();
        Parallel.forRange(n, 4096, (i0, i1) -> {
            for (int i = i0; i < i1; i++) {
                float gi = g[go + i];
                float mi = m[mo + i] += (1 - beta1) * (gi - m[mo + i]);
                float vi = v[vo + i] += (1 - beta2) * (gi * gi - v[vo + i]);
                p[po + i] = p[po + i] * decay - lr * (float) StrictMath.atan2(mi / bc1, Math.sqrt(vi) / bc2Sqrt);
            }
        });
    }

    /** AdamW (decoupled decay, bias-corrected moments, ε outside the square root). */
    public static void adamW(float[] p, int po, float[] g, int go, float[] m, int mo, float[] v, int vo, int n,
                             float lr, float wd, float beta1, float beta2, float eps, long step) {
        AdamStep a = AdamStep.of(lr, wd, beta1, beta2, step);
        float decay = a.decay(), bc1 = a.bc1(), bc2Sqrt = a.bc2Sqrt();
        Parallel.forRange(n, 4096, (i0, i1) -> {
            for (int i = i0; i < i1; i++) {
                float gi = g[go + i];
                float mi = m[mo + i] += (1 - beta1) * (gi - m[mo + i]);
                float vi = v[vo + i] += (1 - beta2) * (gi * gi - v[vo + i]);
                p[po + i] = p[po + i] * decay - lr * (mi / bc1) / ((float) Math.sqrt(vi) / bc2Sqrt + eps);
            }
        });
    }

    /**
     * Sparse SignSGD on the puzzle table: rows with the same id in the batch have their
     * gradients summed first (the sign of a sum, not a sum of signs), then each row used is
     * updated once: w ← w·(1 − lr·wd) − lr·sign(g).
     */
    public static void signSgd(float[] table, int to, float[] dRows, int dro, int[] ids, int io, int B, int ndim,
                               float lr, float wd) {
        float decay = 1f - lr * wd;
        boolean[] done = new boolean[B];
        float[] sum = new float[ndim];
        for (int b = 0; b < B; b++) {
            if (done[b]) continue;
            int id = ids[io + b];
            java.util.Arrays.fill(sum, 0f);
            for (int c = b; c < B; c++)
                if (!done[c] && ids[io + c] == id) {
                    done[c] = true;
                    Vec.axpy(1f, dRows, dro + c * ndim, sum, 0, ndim);
                }
            int row = to + id * ndim;
            for (int k = 0; k < ndim; k++) table[row + k] = table[row + k] * decay - lr * Math.signum(sum[k]);
        }
    }

    /** shadow ← decay·shadow + (1 − decay)·p. */
    public static void ema(float[] shadow, int so, float[] p, int po, int n, float decay) {
        float a = 1f - decay;
        Parallel.forRange(n, 8192, (i0, i1) -> {
            for (int i = i0; i < i1; i++) shadow[so + i] = decay * shadow[so + i] + a * p[po + i];
        });
    }
}
