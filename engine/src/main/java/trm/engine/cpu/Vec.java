package trm.engine.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** Vector API inner loops shared by the cpu layers. */
final class Vec {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private Vec() {}

    /** Σ a[i]·b[i] over n elements. Lanes are summed in a fixed order: deterministic. */
    static float dot(float[] a, int ao, float[] b, int bo, int n) {
        int i = 0;
        FloatVector acc = FloatVector.zero(S);
        for (int ub = S.loopBound(n); i < ub; i += S.length())
            acc = FloatVector.fromArray(S, a, ao + i).fma(FloatVector.fromArray(S, b, bo + i), acc);
        float s = sumLanes(acc);
        for (; i < n; i++) s += a[ao + i] * b[bo + i];
        return s;
    }

    /**
     * Σ lanes, lane 0 first. Not {@code reduceLanes(ADD)}: its order is unspecified, and the C2
     * intrinsic and the interpreted fallback sum in different orders, so results depended on JIT
     * timing (the model's bit-for-bit determinism broke).
     */
    static float sumLanes(FloatVector v) {
        float s = v.lane(0);
        for (int l = 1; l < v.length(); l++) s += v.lane(l);
        return s;
    }

    /** y[i] += alpha·x[i]. */
    static void axpy(float alpha, float[] x, int xo, float[] y, int yo, int n) {
        int i = 0;
        FloatVector va = FloatVector.broadcast(S, alpha);
        for (int ub = S.loopBound(n); i < ub; i += S.length())
            FloatVector.fromArray(S, x, xo + i).fma(va, FloatVector.fromArray(S, y, yo + i)).intoArray(y, yo + i);
        for (; i < n; i++) y[yo + i] += alpha * x[xo + i];
    }

    /** out[i] = a[i] + b[i]. */
    static void add(float[] out, int oo, float[] a, int ao, float[] b, int bo, int n) {
        int i = 0;
        for (int ub = S.loopBound(n); i < ub; i += S.length())
            FloatVector.fromArray(S, a, ao + i).add(FloatVector.fromArray(S, b, bo + i)).intoArray(out, oo + i);
        for (; i < n; i++) out[oo + i] = a[ao + i] + b[bo + i];
    }

    /** x[i] *= alpha. */
    static void scale(float[] x, int xo, float alpha, int n) {
        int i = 0;
        for (int ub = S.loopBound(n); i < ub; i += S.length())
            FloatVector.fromArray(S, x, xo + i).mul(alpha).intoArray(x, xo + i);
        for (; i < n; i++) x[xo + i] *= alpha;
    }
}
