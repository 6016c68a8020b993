package trm.engine;

/**
 * How much scratch and saved state a device's half-blocks need: the part of {@link Ops} that sizes
 * buffers. Apart from {@link Ops} so that the memory model ({@code trm info --device D}) can ask a
 * device's sizes without opening the device ({@link DeviceProvider#scratchSizes()}).
 * All sizes are in elements (fp32 floats) and 64-bit: at the reference's shapes they exceed 2³¹.
 */
public interface ScratchSizes {
    /** Floats of scratch {@link Ops#channelMlp} and its backward need: mo [rows, D], dAct [rows, I], dGateUp [rows, 2I]. */
    default long channelMlpScratch(int rows, int dim, int inter) {
        return (long) rows * dim + 3L * rows * inter;
    }

    /**
     * Whether {@link Ops#channelMlp} needs its gateUp buffer [rows, 2I] when it saves nothing for
     * backward (rstd null): the cpu computes through it; the kernels fuse SwiGLU into the gate_up
     * GEMM and store the pre-activation only for backward, so the no-gradient cycles need none.
     */
    default boolean channelMlpNeedsGateUpWithoutSaving() {
        return true;
    }

    /** Floats of scratch of {@link Ops#attentionMix} and its backward: mo / dR [B·L, D], dAttn [B·L, D], dQkv [B·L, 3D]. */
    default long attentionMixScratch(int batch, int len, int dim) {
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

    /** Floats of scratch {@link Ops#tokenMix} and {@link Ops#tokenMixBackward} need. */
    long tokenMixScratch(int batch, int len, int dim, int inter);
}
