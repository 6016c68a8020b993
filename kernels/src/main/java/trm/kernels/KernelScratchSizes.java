package trm.kernels;

import trm.engine.DType;
import trm.engine.ScratchSizes;

/**
 * The buffer sizes of the kernel devices (cuda and sim), known without a runtime: what
 * {@link KernelOps} needs and what {@code trm info --device cuda} measures with.
 */
public final class KernelScratchSizes implements ScratchSizes {
    public static final KernelScratchSizes INSTANCE = new KernelScratchSizes();

    private KernelScratchSizes() {}

    /** The flash kernel keeps one log-sum-exp per row: [B, H, L] (the cpu keeps [B, H, L, L]). */
    @Override
    public int[] attentionSaveShape(int batch, int heads, int len) {
        return new int[]{batch, heads, len};
    }

    /** SwiGLU is the gate_up GEMM's epilogue; backward recomputes gate_up and act (see {@link #channelMlpScratch}). */
    @Override
    public boolean channelMlpRecomputes() {
        return true;
    }

    /**
     * Forward: mo [rows, D] fp32, then act [rows, I] bf16. Backward (recomputation): gate_up
     * [rows, 2I], act [rows, I] and dGateUp [rows, 2I], all bf16 (each is only ever a GEMM operand
     * or the SwiGLU backward's input, and the GEMM rounds its operands to bf16 anyway). In floats,
     * the larger of the two when {@code backward}.
     */
    @Override
    public long channelMlpScratch(int rows, int dim, int inter, boolean backward) {
        long forward = mlpActOffset(rows, dim) + halfWords((long) rows * inter);
        return backward ? Math.max(forward, halfWords(5L * rows * inter)) : forward;
    }

    /** Float offset of the forward's bf16 act in the channel MLP scratch (after mo). */
    static long mlpActOffset(int rows, int dim) { return (long) rows * dim; }

    /** Floats holding n bf16 values. */
    static long halfWords(long n) { return (n + 1) / 2; }

    /** mo [B·L, D] in the forward; with backward also dAttn [B·L, D] and dQkv [B·L, 3D] (fp32). */
    @Override
    public long attentionMixScratch(int batch, int len, int dim, boolean backward) {
        long n = (long) batch * len * dim;
        return backward ? 5 * n : n;
    }

    /** bf16 for the attention variant (attention_tc.cu, add_rmsnorm.cu and the GEMM read and write it); fp32 for the mixer. */
    @Override
    public DType activationDType(boolean tokenMixer) {
        return tokenMixer ? DType.F32 : DType.BF16;
    }

    /** dGateUp [B, 2It, D] for backward (the kernels never transpose). */
    @Override
    public long tokenMixScratch(int batch, int len, int dim, int inter) {
        return 2L * batch * inter * dim;
    }
}
