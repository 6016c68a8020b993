package trm.engine.cpu;

import trm.engine.Tensor;

/** Batched 2-D transpose: in [B, R, C] → out [B, C, R]. The MLP-mixer's route to the sequence axis. */
public final class Transpose {
    private Transpose() {}

    /** out [B, C, R] from in [B, R, C]. */
    public static void forward(Tensor out, Tensor in) {
        if (out.numel() != in.numel()) throw new IllegalArgumentException("transpose: size mismatch " + in + " → " + out);
        forward(out.f32(), out.off(), in.f32(), in.off(), in.dim(0), in.dim(1), in.dim(2));
    }

    public static void forward(float[] out, int oo, float[] in, int io, int B, int R, int C) {
        final int T = 32; // tile so both sides stay in cache
        int tilesR = (R + T - 1) / T;
        Parallel.forRange(B * tilesR, 1, (t0, t1) -> {
            for (int t = t0; t < t1; t++) {
                int b = t / tilesR, r0 = (t % tilesR) * T, r1 = Math.min(R, r0 + T);
                int ib = io + b * R * C, ob = oo + b * R * C;
                for (int c0 = 0; c0 < C; c0 += T) {
                    int c1 = Math.min(C, c0 + T);
                    for (int r = r0; r < r1; r++)
                        for (int c = c0; c < c1; c++) out[ob + c * R + r] = in[ib + r * C + c];
                }
            }
        });
    }
}
