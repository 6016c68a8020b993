package trm.engine.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/** Vector API inner loops shared by the cpu layers. */
final class Vec {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** ROTATE[k]: lane i takes lane (i + 2ᵏ) mod VL. The halving steps of {@link #sum}. */
    private static final VectorShuffle<Float>[] ROTATE = rotations();

    private Vec() {}

    @SuppressWarnings("unchecked")
    private static VectorShuffle<Float>[] rotations() {
        int steps = Integer.numberOfTrailingZeros(S.length());
        VectorShuffle<Float>[] r = new VectorShuffle[steps];
        for (int k = 0; k < steps; k++) r[k] = VectorShuffle.iota(S, 1 << k, 1, true);
        return r;
    }

    /**
     * The sum of v's lanes as a fixed tree: lane i + lane (i + VL/2), then the same on the
     * halves, down to one lane. Every JIT tier adds the same pairs in the same order, which
     * {@code reduceLanes(ADD)} does not promise (its order is unspecified, and its fallback
     * starts from +0, so a sum of −0s differs from the intrinsic's).
     */
    static float sum(FloatVector v) {
        for (int k = ROTATE.length - 1; k >= 0; k--) v = v.add(v.rearrange(ROTATE[k]));
        return v.lane(0);
    }

    /** Σ a[i]·b[i] over n elements: one vector accumulator, lanes summed by {@link #sum}: deterministic. */
    static float dot(float[] a, int ao, float[] b, int bo, int n) {
        int i = 0;
        FloatVector acc = FloatVector.zero(S);
        for (int ub = S.loopBound(n); i < ub; i += S.length())
            acc = FloatVector.fromArray(S, a, ao + i).fma(FloatVector.fromArray(S, b, bo + i), acc);
        float s = sum(acc);
        for (; i < n; i++) s += a[ao + i] * b[bo + i];
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
