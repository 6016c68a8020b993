package trm.engine;

/**
 * How much scratch and saved state a device's half-blocks need, and in which dtype it keeps
 * activations: the part of {@link Ops} that sizes buffers. Apart from {@link Ops} so that the
 * memory model ({@code trm info --device D}) can ask a device's sizes without opening the device
 * ({@link DeviceProvider#scratchSizes()}). All sizes are in elements (fp32 floats) and 64-bit: at
 * the reference's shapes they exceed 2³¹.
 */
public interface ScratchSizes {
    /**
     * Floats of scratch {@link Ops#channelMlp} needs, and with {@code backward} also
     * {@link Ops#channelMlpBackward}: on the cpu mo [rows, D], dAct [rows, I], dGateUp [rows, 2I]
     * (the same for both).
     */
    default long channelMlpScratch(int rows, int dim, int inter, boolean backward) {
        return (long) rows * dim + 3L * rows * inter;
    }

    /**
     * Whether {@link Ops#channelMlp} and its backward work without gateUp and act buffers (both
     * null): the kernels fuse SwiGLU into the gate_up GEMM, keep act in scratch during the forward
     * and recompute gate_up and act from h in the backward (one more GEMM per block), so nothing of
     * the MLP's [rows, 3I] is saved. The cpu reference computes through and saves both.
     */
    default boolean channelMlpRecomputes() {
        return false;
    }

    /**
     * Floats of scratch of {@link Ops#attentionMix}, and with {@code backward} also its backward:
     * mo / dR [B·L, D], dAttn [B·L, D], dQkv [B·L, 3D] (the cpu uses the same for both).
     */
    default long attentionMixScratch(int batch, int len, int dim, boolean backward) {
        return 5L * batch * len * dim;
    }

    /**
     * The shape of what {@link Ops#attentionMix} saves from the attention core for its backward, per
     * device: the cpu reference keeps the probabilities [B, H, L, L]; a flash kernel keeps one
     * log-sum-exp per row [B, H, L].
     */
    default int[] attentionSaveShape(int batch, int heads, int len) {
        return new int[]{batch, heads, len, len};
    }

    /**
     * The dtype of the activations the model keeps per block — h0, h1, out and, for attention,
     * qkv and attn, in the saved cycle and in the no-gradient scratch block — for the attention
     * variant ({@code tokenMixer} false) or the MLP-mixer ({@code true}). The cpu reference keeps
     * fp32; the kernel devices keep bf16 for attention (the reference's forward dtype; its GEMMs
     * round operands to bf16 anyway), fp32 for the mixer (whose norm and residual GEMM read and
     * write fp32 only). Weights, gradients, the carry, norms' rstd and scratch stay fp32.
     */
    default DType activationDType(boolean tokenMixer) {
        return DType.F32;
    }

    /** Floats of scratch {@link Ops#tokenMix} and {@link Ops#tokenMixBackward} need. */
    long tokenMixScratch(int batch, int len, int dim, int inter);

    /**
     * The shapes of one supervision step of a workspace, for {@link #stepScratch}.
     *
     * @param len         positions per sample (prefix + sequence)
     * @param inter       the channel MLP's intermediate width
     * @param interTokens the token mixer's intermediate width (0 for attention)
     * @param training    whether the step runs backward (weight gradients)
     */
    record StepShape(int batch, int len, int dim, int inter, int interTokens, int heads, int vocab, boolean tokenMixer,
                     boolean training) {}

    /**
     * Floats of device-private scratch a supervision step needs besides the ops' scratch
     * arguments, held by the workspace's arena (so the memory model counts it and a step
     * allocates nothing) and handed to the ops with {@link Ops#useStepScratch}. The cpu needs
     * none; the kernel devices keep the split-K partial sums of the weight gradients and the
     * attention kernels' per-row buffer there.
     */
    default long stepScratch(StepShape shape) {
        return 0;
    }
}
