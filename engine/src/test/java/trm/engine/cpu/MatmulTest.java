package trm.engine.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Matmul against a plain double-precision reference: relative error
 * ‖out − ref‖₂ / ‖ref‖₂ < 1e-5 over whole outputs; results bit-identical run to run and across
 * thread splits; arbitrary array offsets, with everything outside the output left untouched.
 */
class MatmulTest {
    /** The stated tolerance on ‖out − ref‖ / ‖ref‖. */
    static final double TOL = 1e-5;
    static final int[] SIZES = {1, 2, 3, 7, 11, 17, 97, 130};
    /** Guard value around outputs: must survive every call. */
    static final float GUARD = 12345.5f;

    final Random rnd = new Random(20240611);

    float[] random(int pad, int n) {
        float[] a = new float[pad + n + 5];
        java.util.Arrays.fill(a, GUARD);
        for (int i = 0; i < n; i++) a[pad + i] = rnd.nextFloat() * 2f - 1f;
        return a;
    }

    static double relErr(float[] out, int off, double[] ref) {
        double num = 0, den = 0;
        for (int i = 0; i < ref.length; i++) {
            double d = out[off + i] - ref[i];
            num += d * d;
            den += ref[i] * ref[i];
        }
        return den == 0 ? Math.sqrt(num) : Math.sqrt(num / den);
    }

    static void assertGuards(float[] a, int off, int n, String what) {
        for (int i = 0; i < off; i++) assertEquals(GUARD, a[i], what + ": wrote before the output at " + i);
        for (int i = off + n; i < a.length; i++) assertEquals(GUARD, a[i], what + ": wrote past the output at " + i);
    }

    // ---- the three products, checked against double references ----

    void checkForward(int M, int K, int N, boolean bias, int off) {
        float[] in = random(off, M * K), w = random(off + 1, N * K), b = bias ? random(off + 2, N) : null;
        float[] out = random(off + 3, M * N);
        Matmul.forward(out, off + 3, in, off, w, off + 1, b, off + 2, M, K, N);
        double[] ref = new double[M * N];
        for (int m = 0; m < M; m++)
            for (int n = 0; n < N; n++) {
                double s = bias ? b[off + 2 + n] : 0;
                for (int k = 0; k < K; k++) s += (double) in[off + m * K + k] * w[off + 1 + n * K + k];
                ref[m * N + n] = s;
            }
        String what = "forward M=" + M + " K=" + K + " N=" + N + " bias=" + bias;
        double e = relErr(out, off + 3, ref);
        assertTrue(e < TOL, what + ": relative error " + e);
        assertGuards(out, off + 3, M * N, what);
    }

    void checkBackwardInput(int M, int K, int N, boolean accumulate, int off) {
        float[] dOut = random(off, M * N), w = random(off + 1, N * K), dIn = random(off + 2, M * K);
        double[] ref = new double[M * K];
        for (int m = 0; m < M; m++)
            for (int k = 0; k < K; k++) {
                double s = accumulate ? dIn[off + 2 + m * K + k] : 0;
                for (int n = 0; n < N; n++) s += (double) dOut[off + m * N + n] * w[off + 1 + n * K + k];
                ref[m * K + k] = s;
            }
        Matmul.backwardInput(dIn, off + 2, dOut, off, w, off + 1, M, K, N, accumulate);
        String what = "backwardInput M=" + M + " K=" + K + " N=" + N + " accumulate=" + accumulate;
        double e = relErr(dIn, off + 2, ref);
        assertTrue(e < TOL, what + ": relative error " + e);
        assertGuards(dIn, off + 2, M * K, what);
    }

    void checkBackwardWeight(int M, int K, int N, boolean bias, int off) {
        float[] dOut = random(off, M * N), in = random(off + 1, M * K);
        float[] dW = random(off + 2, N * K), dB = bias ? random(off + 3, N) : null;
        double[] ref = new double[N * K], refB = new double[N];
        for (int n = 0; n < N; n++) {
            for (int k = 0; k < K; k++) {
                double s = dW[off + 2 + n * K + k];
                for (int m = 0; m < M; m++) s += (double) dOut[off + m * N + n] * in[off + 1 + m * K + k];
                ref[n * K + k] = s;
            }
            if (bias) {
                double s = dB[off + 3 + n];
                for (int m = 0; m < M; m++) s += dOut[off + m * N + n];
                refB[n] = s;
            }
        }
        Matmul.backwardWeight(dW, off + 2, dB, off + 3, dOut, off, in, off + 1, M, K, N);
        String what = "backwardWeight M=" + M + " K=" + K + " N=" + N + " bias=" + bias;
        double e = relErr(dW, off + 2, ref);
        assertTrue(e < TOL, what + ": relative error " + e);
        assertGuards(dW, off + 2, N * K, what);
        if (bias) {
            double eb = relErr(dB, off + 3, refB);
            assertTrue(eb < TOL, what + ": dBias relative error " + eb);
            assertGuards(dB, off + 3, N, what + " dBias");
        }
    }

    @Test
    void forwardMatchesReferenceOnOddShapes() {
        for (int M : SIZES) for (int K : SIZES) for (int N : SIZES) {
            checkForward(M, K, N, false, 0);
            checkForward(M, K, N, true, 7);
        }
    }

    @Test
    void backwardInputMatchesReferenceOnOddShapes() {
        for (int M : SIZES) for (int K : SIZES) for (int N : SIZES) {
            checkBackwardInput(M, K, N, false, 0);
            checkBackwardInput(M, K, N, true, 5);
        }
    }

    @Test
    void backwardWeightMatchesReferenceOnOddShapes() {
        for (int M : SIZES) for (int K : SIZES) for (int N : SIZES) {
            checkBackwardWeight(M, K, N, false, 0);
            checkBackwardWeight(M, K, N, true, 3);
        }
    }

    /** Several K blocks (K > Gemm.KC), many strips and panels, the TRM row count 97 in M. */
    @Test
    void largerShapesMatchReference() {
        int[][] shapes = {{970, 512, 96}, {388, 300, 130}, {97, 1536, 64}, {203, 257, 49}, {6, 600, 16}, {601, 33, 8}};
        for (int[] s : shapes) {
            int M = s[0], K = s[1], N = s[2];
            checkForward(M, K, N, true, 1);
            checkForward(M, K, N, false, 0);
            checkBackwardInput(M, K, N, false, 2);
            checkBackwardInput(M, K, N, true, 0);
            checkBackwardWeight(M, K, N, true, 4);
            checkBackwardWeight(M, K, N, false, 0);
        }
    }

    /** Degenerate sizes: K = 0 gives bias (or zero), N = 0 clears or keeps dIn. */
    @Test
    void emptyInnerDimension() {
        float[] out = new float[6];
        java.util.Arrays.fill(out, 9f);
        Matmul.forward(out, 0, new float[0], 0, new float[0], 0, new float[] {1, 2, 3}, 0, 2, 0, 3);
        assertArrayEquals(new float[] {1, 2, 3, 1, 2, 3}, out);
        float[] dIn = {5, 5, 5, 5};
        Matmul.backwardInput(dIn, 0, new float[0], 0, new float[0], 0, 2, 2, 0, true);
        assertArrayEquals(new float[] {5, 5, 5, 5}, dIn);
        Matmul.backwardInput(dIn, 0, new float[0], 0, new float[0], 0, 2, 2, 0, false);
        assertArrayEquals(new float[4], dIn);
    }

    /** The blocked GEMM on its own (bypassing the small-shape paths) for every operand layout. */
    @Test
    void gemmKernelEdgesMatchReference() {
        int[] sizes = {1, 2, 5, 6, 7, 15, 16, 17, 33};
        for (int M : sizes) for (int N : sizes) for (int K : new int[] {1, 3, 17, 256, 300}) {
            for (int layout = 0; layout < 4; layout++) {
                boolean aT = (layout & 1) != 0, bT = (layout & 2) != 0;
                float[] a = random(3, M * K), b = random(2, K * N), c = random(1, M * N);
                float[] bias = layout == 0 ? random(0, N) : null;
                boolean acc = layout >= 2;
                double[] ref = new double[M * N];
                for (int i = 0; i < M; i++)
                    for (int j = 0; j < N; j++) {
                        double s = acc ? c[1 + i * N + j] : 0;
                        for (int p = 0; p < K; p++) {
                            float av = aT ? a[3 + p * M + i] : a[3 + i * K + p];
                            float bv = bT ? b[2 + j * K + p] : b[2 + p * N + j];
                            s += (double) av * bv;
                        }
                        if (bias != null) s += bias[j];
                        ref[i * N + j] = s;
                    }
                Gemm.gemm(M, N, K, a, 3, aT ? 1 : K, aT ? M : 1, b, 2, bT ? 1 : N, bT ? K : 1,
                        c, 1, N, acc, bias, 0);
                String what = "gemm M=" + M + " N=" + N + " K=" + K + " layout=" + layout;
                double e = relErr(c, 1, ref);
                assertTrue(e < TOL, what + ": relative error " + e);
                assertGuards(c, 1, M * N, what);
            }
        }
    }

    // ---- determinism ----

    @Test
    void repeatedRunsAreBitIdentical() {
        int M = 1000, K = 700, N = 200;
        float[] in = random(0, M * K), w = random(0, N * K), b = random(0, N), dOut = random(0, M * N);
        float[] o1 = new float[M * N], o2 = new float[M * N];
        Matmul.forward(o1, 0, in, 0, w, 0, b, 0, M, K, N);
        Matmul.forward(o2, 0, in, 0, w, 0, b, 0, M, K, N);
        assertArrayEquals(o1, o2);
        float[] d1 = new float[M * K], d2 = new float[M * K];
        Matmul.backwardInput(d1, 0, dOut, 0, w, 0, M, K, N, false);
        Matmul.backwardInput(d2, 0, dOut, 0, w, 0, M, K, N, false);
        assertArrayEquals(d1, d2);
        float[] g1 = new float[N * K], g2 = new float[N * K], gb1 = new float[N], gb2 = new float[N];
        Matmul.backwardWeight(g1, 0, gb1, 0, dOut, 0, in, 0, M, K, N);
        Matmul.backwardWeight(g2, 0, gb2, 0, dOut, 0, in, 0, M, K, N);
        assertArrayEquals(g1, g2);
        assertArrayEquals(gb1, gb2);
    }

    /**
     * The parallel grain decides how strips are chunked over threads (one chunk = serial, grain
     * 1 = as many chunks as Parallel makes); every split must give the same bits.
     */
    @Test
    void threadSplitDoesNotChangeBits() {
        int M = 777, K = 530, N = 90;
        float[] in = random(0, M * K), w = random(0, N * K), b = random(0, N);
        float[] ref = new float[M * N];
        Matmul.forward(ref, 0, in, 0, w, 0, b, 0, M, K, N);
        int strips = (M + Gemm.MR - 1) / Gemm.MR;
        for (int grain : new int[] {1, 2, 3, 5, 13, strips / 2, strips}) {
            float[] out = new float[M * N];
            Gemm.gemm(M, N, K, in, 0, K, 1, w, 0, 1, K, out, 0, N, false, b, 0, grain);
            assertArrayEquals(ref, out, "grain " + grain);
        }
        // Run from inside another thread's parallel region: nested calls run inline, serially.
        float[] nested = new float[M * N];
        Parallel.forRange(2, 1, (f, t) -> {
            if (f == 0) Matmul.forward(nested, 0, in, 0, w, 0, b, 0, M, K, N);
        });
        assertArrayEquals(ref, nested, "nested (serial) call");
    }
}
