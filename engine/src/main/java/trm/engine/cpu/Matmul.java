package trm.engine.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * fp32 matrix products of a linear layer, row-major, every row contiguous.
 *
 * <p>Shapes follow the layer: in [M, K], weight [N, K] (PyTorch's [out, in]), out [M, N].
 * The three products go through one blocked, packed, Vector-API GEMM ({@link Gemm}, its
 * register tile in {@link MicroKernel}), split over the threads of {@link Parallel}; tiny
 * products take a plain loop and forward with a handful of outputs (N &lt; one vector) takes
 * row dot products. Each output element is summed by one thread in a fixed order whatever the
 * thread count, so results are deterministic (bit-identical run to run).
 */
public final class Matmul {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Below this many multiply-adds a plain single-thread loop wins over packing and forking. */
    static final long SMALL = 1 << 15;

    private Matmul() {}

    /** out[M,N] = in[M,K] · w[N,K]ᵀ (+ bias[N] when bias != null). */
    public static void forward(float[] out, int outOff, float[] in, int inOff, float[] w, int wOff,
                               float[] bias, int biasOff, int M, int K, int N) {
        if (M <= 0 || N <= 0) return;
        if (K <= 0 || (long) M * N * K < SMALL) {
            forwardPlain(out, outOff, in, inOff, w, wOff, bias, biasOff, 0, M, K, N);
        } else if (N < 2 * S.length()) {
            Parallel.forRange(M, 16, (m0, m1) -> forwardDot(out, outOff, in, inOff, w, wOff, bias, biasOff, m0, m1, K, N));
        } else {
            Gemm.gemm(M, N, K, in, inOff, K, 1, w, wOff, 1, K, out, outOff, N, false, bias, biasOff);
        }
    }

    /** dIn[M,K] = dOut[M,N] · w[N,K], or += when accumulate. */
    public static void backwardInput(float[] dIn, int dInOff, float[] dOut, int dOutOff, float[] w, int wOff,
                                     int M, int K, int N, boolean accumulate) {
        if (M <= 0 || K <= 0) return;
        if (N <= 0) {
            if (!accumulate) java.util.Arrays.fill(dIn, dInOff, dInOff + M * K, 0f);
        } else if ((long) M * N * K < SMALL) {
            backwardInputPlain(dIn, dInOff, dOut, dOutOff, w, wOff, M, K, N, accumulate);
        } else {
            Gemm.gemm(M, K, N, dOut, dOutOff, N, 1, w, wOff, K, 1, dIn, dInOff, K, accumulate, null, 0);
        }
    }

    /** dW[N,K] += dOut[M,N]ᵀ · in[M,K]; dBias[N] += Σ_m dOut[m, n] when dBias != null. */
    public static void backwardWeight(float[] dW, int dWOff, float[] dBias, int dBiasOff, float[] dOut, int dOutOff,
                                      float[] in, int inOff, int M, int K, int N) {
        if (M <= 0 || N <= 0) return;
        if (K > 0) {
            if ((long) M * N * K < SMALL) {
                backwardWeightPlain(dW, dWOff, dOut, dOutOff, in, inOff, M, K, N);
            } else {
                Gemm.gemm(N, K, M, dOut, dOutOff, 1, N, in, inOff, K, 1, dW, dWOff, K, true, null, 0);
            }
        }
        if (dBias != null) {
            // Column sums, each summed over m in order by one thread, then added to dBias.
            int blocks = (N + 63) / 64;
            Parallel.forRange(blocks, (long) M * N < SMALL ? blocks : 1, (b0, b1) -> {
                int n0 = b0 * 64, n1 = Math.min(N, b1 * 64);
                float[] sum = new float[n1 - n0];
                int w = n1 - n0, wv = S.loopBound(w);
                for (int m = 0; m < M; m++) {
                    int row = dOutOff + m * N + n0;
                    int j = 0;
                    for (; j < wv; j += S.length()) {
                        FloatVector.fromArray(S, sum, j).add(FloatVector.fromArray(S, dOut, row + j)).intoArray(sum, j);
                    }
                    for (; j < w; j++) sum[j] += dOut[row + j];
                }
                for (int j = 0; j < w; j++) dBias[dBiasOff + n0 + j] += sum[j];
            });
        }
    }

    // ---- simple paths ----

    private static void forwardPlain(float[] out, int outOff, float[] in, int inOff, float[] w, int wOff,
                                     float[] bias, int biasOff, int m0, int m1, int K, int N) {
        for (int m = m0; m < m1; m++) {
            int a = inOff + m * K;
            for (int n = 0; n < N; n++) {
                int b = wOff + n * K;
                float s = 0f;
                for (int k = 0; k < K; k++) s += in[a + k] * w[b + k];
                out[outOff + m * N + n] = bias != null ? s + bias[biasOff + n] : s;
            }
        }
    }

    /**
     * Rows [m0, m1) of forward as row·row dot products: for N below one register tile's width,
     * where packing the whole input for a single padded panel costs more than it saves. Four
     * vector accumulators hide the fma latency; their fixed combination keeps it deterministic.
     */
    private static void forwardDot(float[] out, int outOff, float[] in, int inOff, float[] w, int wOff,
                                   float[] bias, int biasOff, int m0, int m1, int K, int N) {
        int L = S.length(), kv = S.loopBound(K), k4 = K - K % (4 * L);
        for (int m = m0; m < m1; m++) {
            int a = inOff + m * K;
            for (int n = 0; n < N; n++) {
                int b = wOff + n * K;
                FloatVector acc0 = FloatVector.zero(S), acc1 = acc0, acc2 = acc0, acc3 = acc0;
                int k = 0;
                for (; k < k4; k += 4 * L) {
                    acc0 = FloatVector.fromArray(S, in, a + k).fma(FloatVector.fromArray(S, w, b + k), acc0);
                    acc1 = FloatVector.fromArray(S, in, a + k + L).fma(FloatVector.fromArray(S, w, b + k + L), acc1);
                    acc2 = FloatVector.fromArray(S, in, a + k + 2 * L).fma(FloatVector.fromArray(S, w, b + k + 2 * L), acc2);
                    acc3 = FloatVector.fromArray(S, in, a + k + 3 * L).fma(FloatVector.fromArray(S, w, b + k + 3 * L), acc3);
                }
                for (; k < kv; k += L) {
                    acc0 = FloatVector.fromArray(S, in, a + k).fma(FloatVector.fromArray(S, w, b + k), acc0);
                }
                FloatVector acc = acc0.add(acc1).add(acc2.add(acc3));
                float s = Vec.sumLanes(acc);
                for (; k < K; k++) s = Math.fma(in[a + k], w[b + k], s);
                out[outOff + m * N + n] = bias != null ? s + bias[biasOff + n] : s;
            }
        }
    }

    private static void backwardInputPlain(float[] dIn, int dInOff, float[] dOut, int dOutOff, float[] w, int wOff,
                                           int M, int K, int N, boolean accumulate) {
        float[] row = new float[K];
        for (int m = 0; m < M; m++) {
            java.util.Arrays.fill(row, 0f);
            for (int n = 0; n < N; n++) {
                float g = dOut[dOutOff + m * N + n];
                int b = wOff + n * K;
                for (int k = 0; k < K; k++) row[k] += g * w[b + k];
            }
            int o = dInOff + m * K;
            if (accumulate) for (int k = 0; k < K; k++) dIn[o + k] += row[k];
            else System.arraycopy(row, 0, dIn, o, K);
        }
    }

    private static void backwardWeightPlain(float[] dW, int dWOff, float[] dOut, int dOutOff, float[] in, int inOff,
                                            int M, int K, int N) {
        float[] row = new float[K];
        for (int n = 0; n < N; n++) {
            java.util.Arrays.fill(row, 0f);
            for (int m = 0; m < M; m++) {
                float g = dOut[dOutOff + m * N + n];
                int a = inOff + m * K;
                for (int k = 0; k < K; k++) row[k] += g * in[a + k];
            }
            int o = dWOff + n * K;
            for (int k = 0; k < K; k++) dW[o + k] += row[k];
        }
    }
}
