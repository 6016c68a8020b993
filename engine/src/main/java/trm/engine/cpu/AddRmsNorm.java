package trm.engine.cpu;

import trm.engine.Tensor;

import jdk.incubator.vector.FloatVector;

/**
 * Residual add + RMSNorm without a learned scale, over the last axis of [rows, C]:
 * out = x · rstd, x = a + b, rstd = 1/√(mean(x²) + eps). Post-norm blocks use it twice.
 */
public final class AddRmsNorm {
    private AddRmsNorm() {}

    /** out = rms_norm(a + b) over the last axis; rstd [rows] saved when non-null. out may alias a or b. */
    public static void forward(Tensor out, Tensor rstd, Tensor a, Tensor b, float eps) {
        if (out.numel() != a.numel() || out.numel() != b.numel())
            throw new IllegalArgumentException("addRmsNorm: size mismatch " + a + ", " + b + " → " + out);
        int C = out.dim(-1), rows = Math.toIntExact(out.numel() / C);
        forward(out.f32(), out.off(), rstd == null ? null : rstd.f32(), rstd == null ? 0 : rstd.off(),
                a.f32(), a.off(), b.f32(), b.off(), rows, C, eps);
    }

    /** dIn (the gradient w.r.t. a, equal to that w.r.t. b) from the saved out and rstd; dIn may alias dOut. */
    public static void backward(Tensor dIn, Tensor dOut, Tensor out, Tensor rstd) {
        int C = out.dim(-1), rows = Math.toIntExact(out.numel() / C);
        backward(dIn.f32(), dIn.off(), dOut.f32(), dOut.off(), out.f32(), out.off(), rstd.f32(), rstd.off(), rows, C);
    }

    /** out may alias a or b. rstd may be null when backward will not run. */
    public static void forward(float[] out, int oo, float[] rstd, int ro, float[] a, int ao, float[] b, int bo,
                               int rows, int C, float eps) {
        Parallel.forRange(rows, 16, (r0, r1) -> {
            var S = Vec.S;
            for (int r = r0; r < r1; r++) {
                int o = oo + r * C, pa = ao + r * C, pb = bo + r * C;
                Vec.add(out, o, a, pa, b, pb, C);
                float ss = Vec.dot(out, o, out, o, C);
                float rs = (float) (1.0 / Math.sqrt(ss / C + eps));
                Vec.scale(out, o, rs, C);
                if (rstd != null) rstd[ro + r] = rs;
            }
        });
    }

    /** dIn = rstd · (dOut − out · mean(dOut ⊙ out)), the gradient w.r.t. both a and b. dIn may alias dOut. */
    public static void backward(float[] dIn, int dio, float[] dOut, int doo, float[] out, int oo, float[] rstd, int ro,
                                int rows, int C) {
        Parallel.forRange(rows, 16, (r0, r1) -> {
            var S = Vec.S;
            for (int r = r0; r < r1; r++) {
                int d = doo + r * C, y = oo + r * C, di = dio + r * C;
                float mean = Vec.dot(dOut, d, out, y, C) / C;
                float rs = rstd[ro + r];
                int i = 0;
                for (int ub = S.loopBound(C); i < ub; i += S.length()) {
                    FloatVector g = FloatVector.fromArray(S, dOut, d + i);
                    FloatVector o = FloatVector.fromArray(S, out, y + i);
                    g.sub(o.mul(mean)).mul(rs).intoArray(dIn, di + i);
                }
                for (; i < C; i++) dIn[di + i] = rs * (dOut[d + i] - out[y + i] * mean);
            }
        });
    }
}
