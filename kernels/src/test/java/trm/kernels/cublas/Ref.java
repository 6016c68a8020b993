package trm.kernels.cublas;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

/** Test helpers: a column-major reference of cuBLAS's gemm on a float[] "memory", random data, errors. */
final class Ref {
    private Ref() {}

    /**
     * C = alpha·op(A)·op(B) + beta·C in cuBLAS's column-major convention, with the call's pointers
     * read as byte addresses into {@code mem} (address / 4 = index). beta = 0 does not read C.
     */
    static void gemm(float[] mem, Cublas.Call c, float alpha) {
        int a = index(c.a()), b = index(c.b()), out = index(c.c());
        for (int j = 0; j < c.n(); j++)
            for (int i = 0; i < c.m(); i++) {
                double s = 0;
                for (int r = 0; r < c.k(); r++) {
                    float av = c.transa() == Cublas.OP_N ? mem[a + i + r * c.lda()] : mem[a + r + i * c.lda()];
                    float bv = c.transb() == Cublas.OP_N ? mem[b + r + j * c.ldb()] : mem[b + j + r * c.ldb()];
                    s += (double) av * bv;
                }
                int at = out + i + j * c.ldc();
                mem[at] = (float) (alpha * s + (c.beta() == 0f ? 0 : c.beta() * (double) mem[at]));
            }
    }

    private static int index(long address) {
        if (address % 4 != 0) throw new IllegalArgumentException("unaligned " + address);
        return (int) (address / 4);
    }

    /** Uniform in [−scale, scale], never exactly zero. */
    static float[] random(Random r, int n, float scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            float v;
            do v = (r.nextFloat() * 2f - 1f) * scale; while (v == 0f);
            a[i] = v;
        }
        return a;
    }

    static double relErr(float[] out, float[] ref) {
        double d = 0, s = 0;
        for (int i = 0; i < ref.length; i++) {
            if (!Float.isFinite(out[i])) return Double.NaN;
            double e = (double) out[i] - ref[i];
            d += e * e;
            s += (double) ref[i] * ref[i];
        }
        return s == 0 ? Math.sqrt(d) : Math.sqrt(d / s);
    }

    static double check(String what, float[] out, float[] ref, double bound) {
        double e = relErr(out, ref);
        System.out.printf("[cublas] %-52s rel err %.3e (bound %.0e)%n", what, e, bound);
        assertTrue(e < bound, what + ": rel err " + e + " (bound " + bound + "; NaN means an element was not written)");
        return e;
    }

    /** The shapes every test runs: TRM-like and odd, M x K x N. */
    static final int[][] SHAPES = {{2 * 97, 64, 96}, {97, 97, 11}, {131, 33, 70}, {97, 11, 97}, {5, 1, 7}};
}
