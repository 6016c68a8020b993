package trm.engine.cpu;

/**
 * fp32 matrix products of a linear layer, row-major, every row contiguous.
 *
 * <p>Shapes follow the layer: in [M, K], weight [N, K] (PyTorch's [out, in]), out [M, N].
 * Work is split over output rows, each output element summed by one thread in a fixed
 * order, so results are deterministic.
 */
public final class Matmul {
    private Matmul() {}

    /** out[M,N] = in[M,K] · w[N,K]ᵀ (+ bias[N] when bias != null). */
    public static void forward(float[] out, int outOff, float[] in, int inOff, float[] w, int wOff,
                               float[] bias, int biasOff, int M, int K, int N) {
        Parallel.forRange(M, 4, (m0, m1) -> {
            for (int m = m0; m < m1; m++) {
                int a = inOff + m * K;
                for (int n = 0; n < N; n++) {
                    int b = wOff + n * K;
                    float s = bias != null ? bias[biasOff + n] : 0f;
                    for (int k = 0; k < K; k++) s += in[a + k] * w[b + k];
                    out[outOff + m * N + n] = s;
                }
            }
        });
    }

    /** dIn[M,K] = dOut[M,N] · w[N,K], or += when accumulate. */
    public static void backwardInput(float[] dIn, int dInOff, float[] dOut, int dOutOff, float[] w, int wOff,
                                     int M, int K, int N, boolean accumulate) {
        Parallel.forRange(M, 4, (m0, m1) -> {
            float[] row = new float[K];
            for (int m = m0; m < m1; m++) {
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
        });
    }

    /** dW[N,K] += dOut[M,N]ᵀ · in[M,K]; dBias[N] += Σ_m dOut[m, n] when dBias != null. */
    public static void backwardWeight(float[] dW, int dWOff, float[] dBias, int dBiasOff, float[] dOut, int dOutOff,
                                      float[] in, int inOff, int M, int K, int N) {
        Parallel.forRange(N, 1, (n0, n1) -> {
            for (int n = n0; n < n1; n++) {
                int o = dWOff + n * K;
                float bs = 0f;
                for (int m = 0; m < M; m++) {
                    float g = dOut[dOutOff + m * N + n];
                    bs += g;
                    int a = inOff + m * K;
                    for (int k = 0; k < K; k++) dW[o + k] += g * in[a + k];
                }
                if (dBias != null) dBias[dBiasOff + n] += bs;
            }
        });
    }
}
