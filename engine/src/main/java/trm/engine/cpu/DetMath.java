package trm.engine.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * fp32 exp and sigmoid that give the same bits in every JIT tier (interpreter, C1, C2), every
 * process and every thread count, vectorised and scalar alike.
 *
 * <p>Why: the Vector API's {@code lanewise(EXP)} is computed by a SIMD math library once C2
 * compiles the loop and by {@code Math.exp} per lane before, and the two differ in the last
 * bits, so training drifted with the moment C2 kicked in (issue 14). Here every step is an
 * IEEE-754 operation Java defines exactly ({@code +}, {@code -}, {@code *}, {@code /}, a fused
 * multiply-add — {@code Math.fma} and {@code FloatVector.fma} are both one rounding — min/max
 * and integer bit manipulation), in one fixed order; the scalar and vector forms run the same
 * sequence, so a vector loop's scalar tail matches its lanes bit for bit.
 *
 * <p>Method (Cephes {@code expf}): clamp x to [−104, 89] (outside it the float result is 0 or
 * +∞ anyway), n = round(x·log₂e) by the 1.5·2²³ trick, r = x − n·ln2 in two parts (|r| ≤ ln2/2),
 * e^r by a degree-7 polynomial (Cephes' minimax coefficients, Horner with fma), then × 2ⁿ as
 * two exact power-of-two factors 2^⌊n/2⌋·2^(n−⌊n/2⌋) so that results near overflow and in the
 * subnormal range round once, correctly.
 *
 * <p>Accuracy, measured by {@code DetMathTest} against {@code StrictMath.exp} rounded to
 * float on 2·10⁶ random inputs over the whole range plus edge cases: at most 1 ulp (i.e. the
 * correctly rounded value or a neighbour); exp(±0) = 1, exp(−∞) = 0, exp(+∞) = +∞, NaN → NaN.
 * sigmoid(x) = 1/(1 + exp(−x)) from it: relative error ≤ 3e-7 for x ≥ −87; below, where the
 * true value is under 2⁻¹²⁶, it is subnormal or 0 (absolute error &lt; 2⁻¹²⁶), as any fp32
 * 1/(1 + e^−x) is.
 */
public final class DetMath {
    static final VectorSpecies<Float> S = Vec.S;

    private static final float LO = -104f, HI = 89f;
    private static final float LOG2E = 1.44269504088896341f;
    /** ln2 = LN2_HI + LN2_LO; LN2_HI has 9 significant bits, so n·LN2_HI is exact for |n| ≤ 2⁸. */
    private static final float LN2_HI = 0.693359375f, LN2_LO = -2.12194440e-4f;
    /** 1.5·2²³: x + MAGIC rounds x to an integer (to nearest, ties to even) held in the low mantissa bits. */
    private static final float MAGIC = 12582912f;
    private static final int MAGIC_BITS = Float.floatToRawIntBits(MAGIC);
    private static final float P0 = 1.9875691500e-4f, P1 = 1.3981999507e-3f, P2 = 8.3334519073e-3f,
            P3 = 4.1665795894e-2f, P4 = 1.6666665459e-1f, P5 = 5.0000001201e-1f;

    private DetMath() {}

    /** e^x for one float, bit-identical to a lane of {@link #exp(FloatVector)}. Accuracy: class doc. */
    public static float exp(float x) {
        x = Math.min(Math.max(x, LO), HI);
        float t = Math.fma(x, LOG2E, MAGIC);
        float n = t - MAGIC;
        float r = Math.fma(n, -LN2_HI, x);
        r = Math.fma(n, -LN2_LO, r);
        float p = Math.fma(P0, r, P1);
        p = Math.fma(p, r, P2);
        p = Math.fma(p, r, P3);
        p = Math.fma(p, r, P4);
        p = Math.fma(p, r, P5);
        p = Math.fma(p, r * r, r) + 1f;
        int ni = Float.floatToRawIntBits(t) - MAGIC_BITS;
        int n1 = ni >> 1, n2 = ni - n1;
        return p * Float.intBitsToFloat((n1 + 127) << 23) * Float.intBitsToFloat((n2 + 127) << 23);
    }

    /** e^x lane by lane; the same operations as {@link #exp(float)}. */
    public static FloatVector exp(FloatVector x) {
        x = x.max(LO).min(HI);
        FloatVector t = x.fma(LOG2E, MAGIC);
        FloatVector n = t.sub(MAGIC);
        FloatVector r = n.fma(FloatVector.broadcast(S, -LN2_HI), x);
        r = n.fma(FloatVector.broadcast(S, -LN2_LO), r);
        FloatVector p = r.fma(P0, P1); // P0·r + P1, as Math.fma(P0, r, P1)
        p = p.fma(r, FloatVector.broadcast(S, P2));
        p = p.fma(r, FloatVector.broadcast(S, P3));
        p = p.fma(r, FloatVector.broadcast(S, P4));
        p = p.fma(r, FloatVector.broadcast(S, P5));
        p = p.fma(r.mul(r), r).add(1f);
        IntVector ni = t.reinterpretAsInts().sub(MAGIC_BITS);
        IntVector n1 = ni.lanewise(VectorOperators.ASHR, 1), n2 = ni.sub(n1);
        FloatVector s1 = n1.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        FloatVector s2 = n2.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return p.mul(s1).mul(s2);
    }

    /** x[i] = e^(x[i] − shift) for i &lt; n, vectorised; the tail by {@link #exp(float)}, so every element gets the same bits. */
    public static void expShifted(float[] x, int n, float shift) {
        int i = 0;
        for (int ub = S.loopBound(n); i < ub; i += S.length())
            exp(FloatVector.fromArray(S, x, i).sub(shift)).intoArray(x, i);
        for (; i < n; i++) x[i] = exp(x[i] - shift);
    }

    /** 1/(1 + e^−x), bit-identical to a lane of {@link #sigmoid(FloatVector)}. */
    public static float sigmoid(float x) {
        return 1f / (1f + exp(-x));
    }

    /** 1/(1 + e^−x) lane by lane. */
    public static FloatVector sigmoid(FloatVector x) {
        return FloatVector.broadcast(S, 1f).div(exp(x.neg()).add(1f));
    }
}
