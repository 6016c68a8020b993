package trm.engine.cpu;

/**
 * The SwiGLU activation between gate_up_proj and down_proj: gate = first half of each row,
 * up = second half, out = silu(gate) · up.
 */
public final class SwiGlu {
    private SwiGlu() {}

    static float sigmoid(float x) { return (float) (1.0 / (1.0 + Math.exp(-x))); }

    /** out [rows, I] from gateUp [rows, 2I]. */
    public static void forward(float[] out, int oo, float[] gu, int go, int rows, int I) {
        Parallel.forRange(rows, 32, (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int g = go + r * 2 * I, o = oo + r * I;
                for (int i = 0; i < I; i++) {
                    float x = gu[g + i];
                    out[o + i] = x * sigmoid(x) * gu[g + I + i];
                }
            }
        });
    }

    /** dGateUp [rows, 2I] from dOut [rows, I]. */
    public static void backward(float[] dgu, int dgo, float[] dOut, int doo, float[] gu, int go, int rows, int I) {
        Parallel.forRange(rows, 32, (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int g = go + r * 2 * I, dg = dgo + r * 2 * I, d = doo + r * I;
                for (int i = 0; i < I; i++) {
                    float x = gu[g + i], up = gu[g + I + i], s = sigmoid(x), dy = dOut[d + i];
                    float silu = x * s;
                    dgu[dg + i] = dy * up * s * (1f + x * (1f - s));
                    dgu[dg + I + i] = dy * silu;
                }
            }
        });
    }
}
