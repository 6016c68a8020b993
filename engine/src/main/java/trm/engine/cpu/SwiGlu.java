package trm.engine.cpu;

import trm.engine.Tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The SwiGLU activation between gate_up_proj and down_proj: gate = first half of each row,
 * up = second half, out = silu(gate) · up. Vectorised with {@link DetMath}'s exp (at TRM's
 * small widths a scalar exp per element cost more than the matrix products around it), whose
 * lanes and scalar tail agree bit for bit in every JIT tier.
 */
public final class SwiGlu {
    private static final VectorSpecies<Float> S = Vec.S;

    private SwiGlu() {}

    /** out [rows, I] = silu(gateUp[:, :I]) · gateUp[:, I:]. */
    public static void forward(Tensor out, Tensor gateUp) {
        int I = out.dim(-1), rows = Math.toIntExact(out.numel() / I);
        if (gateUp.numel() != 2L * rows * I) throw new IllegalArgumentException("swiglu: " + gateUp + " → " + out);
        forward(out.f32(), out.off(), gateUp.f32(), gateUp.off(), rows, I);
    }

    /** dGateUp [rows, 2I] (written) from dOut [rows, I]. */
    public static void backward(Tensor dGateUp, Tensor dOut, Tensor gateUp) {
        int I = dOut.dim(-1), rows = Math.toIntExact(dOut.numel() / I);
        if (gateUp.numel() != 2L * rows * I || dGateUp.numel() != 2L * rows * I)
            throw new IllegalArgumentException("swigluBackward: " + dOut + ", " + gateUp + " → " + dGateUp);
        backward(dGateUp.f32(), dGateUp.off(), dOut.f32(), dOut.off(), gateUp.f32(), gateUp.off(), rows, I);
    }

    /** out [rows, I] from gateUp [rows, 2I]. */
    public static void forward(float[] out, int oo, float[] gu, int go, int rows, int I) {
        Parallel.forRange(rows, 32, (r0, r1) -> {
            int ub = S.loopBound(I);
            for (int r = r0; r < r1; r++) {
                int g = go + r * 2 * I, o = oo + r * I;
                int i = 0;
                for (; i < ub; i += S.length()) {
                    FloatVector x = FloatVector.fromArray(S, gu, g + i);
                    FloatVector s = DetMath.sigmoid(x);
                    x.mul(s).mul(FloatVector.fromArray(S, gu, g + I + i)).intoArray(out, o + i);
                }
                for (; i < I; i++) {
                    float x = gu[g + i];
                    out[o + i] = x * DetMath.sigmoid(x) * gu[g + I + i];
                }
            }
        });
    }

    /** dGateUp [rows, 2I] from dOut [rows, I]. */
    public static void backward(float[] dgu, int dgo, float[] dOut, int doo, float[] gu, int go, int rows, int I) {
        Parallel.forRange(rows, 32, (r0, r1) -> {
            int ub = S.loopBound(I);
            for (int r = r0; r < r1; r++) {
                int g = go + r * 2 * I, dg = dgo + r * 2 * I, d = doo + r * I;
                int i = 0;
                for (; i < ub; i += S.length()) {
                    FloatVector x = FloatVector.fromArray(S, gu, g + i), up = FloatVector.fromArray(S, gu, g + I + i);
                    FloatVector dy = FloatVector.fromArray(S, dOut, d + i);
                    FloatVector s = DetMath.sigmoid(x);
                    // d silu/dx = s·(1 + x·(1 − s))
                    FloatVector dsilu = s.mul(x.mul(s.neg().add(1f)).add(1f));
                    dy.mul(up).mul(dsilu).intoArray(dgu, dg + i);
                    dy.mul(x.mul(s)).intoArray(dgu, dg + I + i);
                }
                for (; i < I; i++) {
                    float x = gu[g + i], up = gu[g + I + i], s = DetMath.sigmoid(x), dy = dOut[d + i];
                    // Grouped as the vector lanes are, so the tail matches them bit for bit.
                    dgu[dg + i] = dy * up * (s * (x * (1f - s) + 1f));
                    dgu[dg + I + i] = dy * (x * s);
                }
            }
        });
    }
}
