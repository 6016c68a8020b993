package trm.engine.cpu;

import trm.engine.Tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The SwiGLU activation between gate_up_proj and down_proj: gate = first half of each row,
 * up = second half, out = silu(gate) · up. Vectorised with the Vector API's exp: at TRM's
 * small widths a scalar exp per element cost more than the matrix products around it.
 */
public final class SwiGlu {
    private static final VectorSpecies<Float> S = Vec.S;

    private SwiGlu() {}

    static float sigmoid(float x) { return 1f / (1f + (float) Math.exp(-x)); }

    private static final float LOG2E = 1.44269504088896341f, LN2_HI = 0.693359375f, LN2_LO = -2.12194440e-4f;
    private static final float ROUND = 12582912f;  // 1.5·2²³: adding it rounds to an integer in the low mantissa bits
    private static final int ROUND_BITS = Float.floatToRawIntBits(ROUND);

    /**
     * e^x per lane from additions and multiplications only (Cephes expf: x = n·ln2 + r, a degree-6
     * polynomial for e^r, 2^n through the exponent bits; within ~1 ulp of exp). Not
     * {@code lanewise(EXP)}: that one is computed by a different routine once C2 compiles the loop
     * than before, so the same inputs gave different bits depending on JIT timing, which broke
     * the model's bit-for-bit determinism. IEEE additions and multiplications give the same bits
     * in every tier.
     */
    static FloatVector exp(FloatVector x) {
        x = x.max(-87.3f).min(88.3f);  // 2^n stays a normal float
        FloatVector t = x.mul(LOG2E).add(ROUND);
        FloatVector n = t.sub(ROUND);
        FloatVector r = x.sub(n.mul(LN2_HI)).sub(n.mul(LN2_LO));
        FloatVector p = r.mul(1.9875691500e-4f).add(1.3981999507e-3f);
        p = p.mul(r).add(8.3334519073e-3f);
        p = p.mul(r).add(4.1665795894e-2f);
        p = p.mul(r).add(1.6666665459e-1f);
        p = p.mul(r).add(5.0000001201e-1f);
        FloatVector er = p.mul(r.mul(r)).add(r).add(1f);
        FloatVector pow2 = t.reinterpretAsInts().sub(ROUND_BITS - 127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return er.mul(pow2);
    }

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
                    FloatVector s = FloatVector.broadcast(S, 1f).div(exp(x.neg()).add(1f));
                    x.mul(s).mul(FloatVector.fromArray(S, gu, g + I + i)).intoArray(out, o + i);
                }
                for (; i < I; i++) {
                    float x = gu[g + i];
                    out[o + i] = x * sigmoid(x) * gu[g + I + i];
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
                    FloatVector s = FloatVector.broadcast(S, 1f).div(exp(x.neg()).add(1f));
                    // d silu/dx = s·(1 + x·(1 − s))
                    FloatVector dsilu = s.mul(x.mul(s.neg().add(1f)).add(1f));
                    dy.mul(up).mul(dsilu).intoArray(dgu, dg + i);
                    dy.mul(x.mul(s)).intoArray(dgu, dg + I + i);
                }
                for (; i < I; i++) {
                    float x = gu[g + i], up = gu[g + I + i], s = sigmoid(x), dy = dOut[d + i];
                    dgu[dg + i] = dy * up * s * (1f + x * (1f - s));
                    dgu[dg + I + i] = dy * x * s;
                }
            }
        });
    }
}
