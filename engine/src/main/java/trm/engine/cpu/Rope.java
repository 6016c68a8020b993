package trm.engine.cpu;

import trm.engine.Tensor;

/**
 * Rotary position embedding, "rotate half" convention, applied in place to the q and k parts
 * of qkv [B, L, 3·H·hd] ([q heads | k heads | v heads]): for i < hd/2,
 * x1' = x1·cos − x2·sin, x2' = x2·cos + x1·sin (x1 = x[i], x2 = x[i + hd/2]). The tables are
 * {@link trm.engine.model.RopeTables}.
 */
public final class Rope {
    private Rope() {}

    /** Rotates the q and k parts of qkv [B, L, 3·H·hd] in place; cos, sin [L, hd]. */
    public static void forward(Tensor qkv, Tensor cos, Tensor sin, int heads) {
        forward(qkv.f32(), qkv.off(), cos.f32(), cos.off(), sin.f32(), sin.off(), qkv.dim(0), qkv.dim(1), heads, cos.dim(1));
    }

    /** The inverse rotation, in place on dqkv. */
    public static void backward(Tensor dqkv, Tensor cos, Tensor sin, int heads) {
        backward(dqkv.f32(), dqkv.off(), cos.f32(), cos.off(), sin.f32(), sin.off(), dqkv.dim(0), dqkv.dim(1), heads, cos.dim(1));
    }

    public static void forward(float[] qkv, int qo, float[] cos, int co, float[] sin, int so, int B, int L, int H, int hd) {
        rotate(qkv, qo, cos, co, sin, so, B, L, H, hd, 1f);
    }

    /** The transpose of the rotation (rotation by −angle), in place on the gradient. */
    public static void backward(float[] dqkv, int qo, float[] cos, int co, float[] sin, int so, int B, int L, int H, int hd) {
        rotate(dqkv, qo, cos, co, sin, so, B, L, H, hd, -1f);
    }

    private static void rotate(float[] x, int xo, float[] cos, int co, float[] sin, int so, int B, int L, int H, int hd, float sign) {
        int D = H * hd, half = hd / 2;
        Parallel.forRange(B * L, 16, (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int p = r % L, row = xo + r * 3 * D;
                for (int part = 0; part < 2; part++) // q then k
                    for (int h = 0; h < H; h++) {
                        int base = row + part * D + h * hd;
                        for (int i = 0; i < half; i++) {
                            float c = cos[co + p * hd + i], s = sign * sin[so + p * hd + i];
                            float x1 = x[base + i], x2 = x[base + i + half];
                            x[base + i] = x1 * c - x2 * s;
                            x[base + i + half] = x2 * c + x1 * s;
                        }
                    }
            }
        });
    }
}
