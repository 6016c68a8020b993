package trm.engine.cpu;

/** The halting head: q [B, 2] = y[:, 0, :] · wᵀ + bias, reading only the first position. */
public final class QHead {
    private QHead() {}

    public static void forward(float[] q, int qo, float[] y, int yo, float[] w, int wo, float[] bias, int bo, int B, int L, int D) {
        for (int b = 0; b < B; b++)
            for (int j = 0; j < 2; j++)
                q[qo + b * 2 + j] = Vec.dot(y, yo + b * L * D, w, wo + j * D, D) + bias[bo + j];
    }

    /** dy[:, 0, :] += dq · w; dW += dqᵀ · y[:, 0, :]; dBias += Σ dq. */
    public static void backward(float[] dy, int dyo, float[] dW, int dwo, float[] dBias, int dbo, float[] dq, int dqo,
                                float[] y, int yo, float[] w, int wo, int B, int L, int D) {
        for (int b = 0; b < B; b++)
            for (int j = 0; j < 2; j++) {
                float g = dq[dqo + b * 2 + j];
                Vec.axpy(g, w, wo + j * D, dy, dyo + b * L * D, D);
                Vec.axpy(g, y, yo + b * L * D, dW, dwo + j * D, D);
                dBias[dbo + j] += g;
            }
    }
}
