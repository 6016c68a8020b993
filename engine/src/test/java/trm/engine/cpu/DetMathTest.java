package trm.engine.cpu;

import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link DetMath} against {@code StrictMath} on random and edge inputs (the accuracy its doc
 * states: exp within 1 ulp of the correctly rounded value, sigmoid within 3e-7 relative for
 * x ≥ −87), its
 * vector lanes against its scalar form bit for bit, and {@link Vec#sumLanes}'s fixed order.
 */
class DetMathTest {
    static final float[] EDGES = {0f, -0f, 1f, -1f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, 0.34657359f,
            -0.34657359f, 0.5f, 10f, -10f, 87.33654f, -87.33654f, 88.0f, 88.37626f, 88.72283f, 88.72284f, 88.8f, 89f, 89.5f,
            -86f, -88f, -100f, -103.27893f, -103.97208f, -104f, -104.5f, -150f, 200f, Float.MAX_VALUE, -Float.MAX_VALUE,
            Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, 1e-8f, -1e-8f, 3e-4f, 0.6931472f, -0.6931472f};

    /** Distance in representable floats (both ≥ 0 here: exp is never negative). */
    static long ulps(float a, float b) {
        return Math.abs((long) Float.floatToIntBits(a) - Float.floatToIntBits(b));
    }

    static float reference(float x) { return (float) StrictMath.exp(x); }

    static void checkExp(float x) {
        float got = DetMath.exp(x), want = reference(x);
        if (Float.isNaN(want)) {
            assertTrue(Float.isNaN(got), "exp(" + x + ") = " + got);
            return;
        }
        assertTrue(ulps(got, want) <= 1, () -> "exp(" + x + ") = " + got + ", correctly rounded " + want);
    }

    @Test
    void expIsWithinOneUlpOfTheCorrectlyRoundedValue() {
        for (float x : EDGES) checkExp(x);
        Random rnd = new Random(14);
        for (int i = 0; i < 1_000_000; i++) checkExp(-105f + 195f * rnd.nextFloat()); // the whole finite range and past it
        for (int i = 0; i < 500_000; i++) checkExp(4f * rnd.nextFloat() - 2f); // where activations live
        for (int i = 0; i < 500_000; i++) checkExp(Float.intBitsToFloat(rnd.nextInt())); // any float, NaNs and ∞ included
    }

    @Test
    void expHasItsExactValues() {
        assertEquals(1f, DetMath.exp(0f));
        assertEquals(1f, DetMath.exp(-0f));
        assertEquals(0f, DetMath.exp(Float.NEGATIVE_INFINITY));
        assertEquals(0f, DetMath.exp(-1000f));
        assertEquals(Float.POSITIVE_INFINITY, DetMath.exp(Float.POSITIVE_INFINITY));
        assertEquals(Float.POSITIVE_INFINITY, DetMath.exp(89f));
        assertTrue(Float.isNaN(DetMath.exp(Float.NaN)));
        assertTrue(Float.isFinite(DetMath.exp(88.72283f)), "largest finite result");
        assertTrue(DetMath.exp(-103f) > 0f, "subnormal results are kept, not flushed to zero");
    }

    @Test
    void sigmoidIsWithinItsStatedBound() {
        Random rnd = new Random(15);
        for (int i = 0; i < 1_000_000; i++) {
            float x = i < 500_000 ? 40f * rnd.nextFloat() - 20f : 200f * rnd.nextFloat() - 100f;
            double want = 1 / (1 + StrictMath.exp(-(double) x));
            float got = DetMath.sigmoid(x);
            // Below −87 the result is under 2⁻¹²⁶ (subnormal or 0, as 1/(1 + ∞) is): an absolute bound there.
            double bound = x >= -87f ? 3e-7 * want : Float.MIN_NORMAL;
            assertTrue(Math.abs(got - want) <= bound, () -> "sigmoid(" + x + ") = " + got + ", exact " + want);
        }
        assertEquals(0f, DetMath.sigmoid(-200f));
        assertEquals(1f, DetMath.sigmoid(200f));
        assertEquals(0.5f, DetMath.sigmoid(0f));
    }

    @Test
    void vectorLanesEqualTheScalarFormBitForBit() {
        int n = FloatVector.SPECIES_PREFERRED.length();
        Random rnd = new Random(16);
        float[] x = new float[n], e = new float[n], s = new float[n];
        for (int round = 0; round < 20_000; round++) {
            for (int i = 0; i < n; i++) {
                int kind = rnd.nextInt(4);
                x[i] = kind == 0 ? EDGES[rnd.nextInt(EDGES.length)]
                        : kind == 1 ? Float.intBitsToFloat(rnd.nextInt()) : 240f * rnd.nextFloat() - 120f;
            }
            FloatVector v = FloatVector.fromArray(DetMath.S, x, 0);
            DetMath.exp(v).intoArray(e, 0);
            DetMath.sigmoid(v).intoArray(s, 0);
            for (int i = 0; i < n; i++) {
                assertEquals(Float.floatToRawIntBits(DetMath.exp(x[i])), Float.floatToRawIntBits(e[i]), "exp lane of " + x[i]);
                assertEquals(Float.floatToRawIntBits(DetMath.sigmoid(x[i])), Float.floatToRawIntBits(s[i]), "sigmoid lane of " + x[i]);
            }
        }
    }

    @Test
    void expShiftedMatchesTheScalarFormOnEveryElement() {
        Random rnd = new Random(17);
        for (int len : new int[]{1, 7, 16, 97, 100}) {
            float[] x = new float[len];
            for (int i = 0; i < len; i++) x[i] = 20f * rnd.nextFloat() - 10f;
            float[] y = x.clone();
            DetMath.expShifted(y, len, 3.25f);
            for (int i = 0; i < len; i++)
                assertEquals(Float.floatToRawIntBits(DetMath.exp(x[i] - 3.25f)), Float.floatToRawIntBits(y[i]), "element " + i + " of " + len);
        }
    }

    @Test
    void laneSumRunsInLaneOrder() {
        int n = Vec.S.length();
        Random rnd = new Random(18);
        float[] x = new float[n];
        for (int round = 0; round < 10_000; round++) {
            for (int i = 0; i < n; i++) x[i] = (rnd.nextFloat() - 0.5f) * (float) Math.pow(2, rnd.nextInt(40) - 20);
            float t = x[0];
            for (int i = 1; i < n; i++) t += x[i];
            assertEquals(Float.floatToRawIntBits(t), Float.floatToRawIntBits(Vec.sumLanes(FloatVector.fromArray(Vec.S, x, 0))));
        }
        java.util.Arrays.fill(x, -0f);
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(Vec.sumLanes(FloatVector.fromArray(Vec.S, x, 0))), "a sum of −0s is −0");
    }
}
