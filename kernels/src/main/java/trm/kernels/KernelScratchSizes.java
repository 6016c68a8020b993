package trm.kernels;

import trm.engine.ScratchSizes;

/**
 * The buffer sizes of the kernel devices (cuda and sim), known without a runtime: what
 * {@link KernelOps} needs and what {@code trm info --device cuda} measures with. Where not
 * overridden they are {@link ScratchSizes}' defaults (the channel MLP and attention half-blocks
 * use the same scratch as the cpu).
 */
public final class KernelScratchSizes implements ScratchSizes {
    public static final KernelScratchSizes INSTANCE = new KernelScratchSizes();

    private KernelScratchSizes() {}

    /** The flash kernel keeps one log-sum-exp per row: [B, H, L] (the cpu keeps [B, H, L, L]). */
    @Override
    public int[] attentionSaveShape(int batch, int heads, int len) {
        return new int[]{batch, heads, len};
    }

    /** SwiGLU is the gate_up GEMM's epilogue: the pre-activation is stored only when saved for backward. */
    @Override
    public boolean channelMlpNeedsGateUpWithoutSaving() {
        return false;
    }

    /** dGateUp [B, 2It, D] for backward (the kernels never transpose). */
    @Override
    public long tokenMixScratch(int batch, int len, int dim, int inter) {
        return 2L * batch * inter * dim;
    }
}
