package trm.engine.model;

/**
 * Floating-point operations of the recursion's matrix products (2 per multiply-add), the
 * figure MFU is computed from. Elementwise work (norms, activations, losses) is left out: it
 * is a few percent and bound by memory, not by the tensor cores.
 */
public final class TrmFlops {
    private TrmFlops() {}

    /** One network application (all L_layers blocks) on B samples. */
    public static double perApplication(TrmConfig c, int batch) {
        double B = batch, L = c.totalLen(), D = c.hiddenSize(), I = c.interChannels();
        double block = 2 * B * L * D * (2 * I) + 2 * B * L * I * D; // channel SwiGLU
        if (c.mlpT()) {
            double It = c.interTokens();
            block += 2 * B * D * L * (2 * It) + 2 * B * D * It * L; // token-mixing SwiGLU
        } else {
            block += 2 * B * L * D * (3 * D) + 2 * B * L * D * D; // qkv and o projections
            block += 4 * B * L * L * D; // q·kᵀ and p·v over all heads
        }
        return block * c.layers();
    }

    /** Heads: lm_head over every position, q_head over the first. */
    public static double heads(TrmConfig c, int batch) {
        return 2.0 * batch * c.totalLen() * c.hiddenSize() * c.vocabSize() + 2.0 * batch * c.hiddenSize() * 2;
    }

    /** One supervision step forward: T·(n+1) applications plus the heads. */
    public static double forwardStep(TrmConfig c, int batch) {
        return c.hCycles() * (c.lCycles() + 1) * perApplication(c, batch) + heads(c, batch);
    }

    /** One training step: the forward, plus twice the last cycle's applications and heads for backward. */
    public static double trainStep(TrmConfig c, int batch) {
        return forwardStep(c, batch) + 2 * ((c.lCycles() + 1) * perApplication(c, batch) + heads(c, batch));
    }
}
