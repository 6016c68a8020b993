package trm.engine.cpu;

import trm.engine.Tensor;

/**
 * Non-causal multi-head attention over qkv [B, L, 3·H·hd]: per (b, h),
 * P = softmax(Q Kᵀ / √hd), O = P V, written to out [B, L, H·hd] at the head's columns.
 * The cpu reference keeps P [B, H, L, L] for backward (the GPU kernel recomputes it instead).
 * exp is {@link DetMath}'s and every sum runs in a fixed order: bit-identical in every JIT tier
 * and for every thread count.
 */
public final class Attention {
    private Attention() {}

    /** out [B, L, H·hd] from qkv [B, L, 3·H·hd]; probs [B, H, L, L] written when non-null. */
    public static void forward(Tensor out, Tensor probs, Tensor qkv, int heads) {
        int B = qkv.dim(0), L = qkv.dim(1), hd = qkv.dim(2) / 3 / heads;
        forward(out.f32(), out.off(), probs == null ? null : probs.f32(), probs == null ? 0 : probs.off(),
                qkv.f32(), qkv.off(), B, L, heads, hd);
    }

    /** dqkv [B, L, 3·H·hd] written from dOut [B, L, H·hd] and the saved probabilities. */
    public static void backward(Tensor dqkv, Tensor dOut, Tensor qkv, Tensor probs, int heads) {
        int B = qkv.dim(0), L = qkv.dim(1), hd = qkv.dim(2) / 3 / heads;
        backward(dqkv.f32(), dqkv.off(), dOut.f32(), dOut.off(), qkv.f32(), qkv.off(), probs.f32(), probs.off(), B, L, heads, hd);
    }

    public static void forward(float[] out, int oo, float[] probs, int po, float[] qkv, int qo, int B, int L, int H, int hd) {
        int D = H * hd;
        float scale = (float) (1.0 / Math.sqrt(hd));
        Parallel.forRange(B * H, 1, (t0, t1) -> {
            float[] p = new float[L];
            for (int t = t0; t < t1; t++) {
                int b = t / H, h = t % H;
                int base = qo + b * L * 3 * D;
                for (int i = 0; i < L; i++) {
                    int q = base + i * 3 * D + h * hd;
                    float max = Float.NEGATIVE_INFINITY;
                    for (int j = 0; j < L; j++) {
                        float s = Vec.dot(qkv, q, qkv, base + j * 3 * D + D + h * hd, hd) * scale;
                        p[j] = s;
                        if (s > max) max = s;
                    }
                    DetMath.expShifted(p, L, max);
                    double sum = 0;
                    for (int j = 0; j < L; j++) sum += p[j];
                    float inv = (float) (1.0 / sum);
                    int o = oo + (b * L + i) * D + h * hd;
                    java.util.Arrays.fill(out, o, o + hd, 0f);
                    for (int j = 0; j < L; j++) {
                        p[j] *= inv;
                        Vec.axpy(p[j], qkv, base + j * 3 * D + 2 * D + h * hd, out, o, hd);
                    }
                    if (probs != null) System.arraycopy(p, 0, probs, po + ((b * H + h) * L + i) * L, L);
                }
            }
        });
    }

    /** dqkv written from dOut [B, L, H·hd], using the saved probabilities. */
    public static void backward(float[] dqkv, int dqo, float[] dOut, int doo, float[] qkv, int qo, float[] probs, int po,
                                int B, int L, int H, int hd) {
        int D = H * hd;
        float scale = (float) (1.0 / Math.sqrt(hd));
        Parallel.forRange(B * H, 1, (t0, t1) -> {
            float[] dp = new float[L];
            for (int t = t0; t < t1; t++) {
                int b = t / H, h = t % H;
                int base = qo + b * L * 3 * D, dbase = dqo + b * L * 3 * D;
                for (int i = 0; i < L; i++) // zero this head's dq, dk, dv rows
                    for (int part = 0; part < 3; part++)
                        java.util.Arrays.fill(dqkv, dbase + i * 3 * D + part * D + h * hd, dbase + i * 3 * D + part * D + h * hd + hd, 0f);
                for (int i = 0; i < L; i++) {
                    int prow = po + ((b * H + h) * L + i) * L;
                    int dO = doo + (b * L + i) * D + h * hd;
                    // dV[j] += P[i,j] dO[i]; dP[i,j] = dO[i]·V[j]
                    double rowDot = 0;
                    for (int j = 0; j < L; j++) {
                        float pij = probs[prow + j];
                        Vec.axpy(pij, dOut, dO, dqkv, dbase + j * 3 * D + 2 * D + h * hd, hd);
                        dp[j] = Vec.dot(dOut, dO, qkv, base + j * 3 * D + 2 * D + h * hd, hd);
                        rowDot += (double) dp[j] * pij;
                    }
                    int q = base + i * 3 * D + h * hd, dq = dbase + i * 3 * D + h * hd;
                    for (int j = 0; j < L; j++) {
                        float ds = probs[prow + j] * (float) (dp[j] - rowDot) * scale; // dS scaled once for both dq and dk
                        Vec.axpy(ds, qkv, base + j * 3 * D + D + h * hd, dqkv, dq, hd);
                        Vec.axpy(ds, qkv, q, dqkv, dbase + j * 3 * D + D + h * hd, hd);
                    }
                }
            }
        });
    }
}
