package trm.kernels;

import trm.engine.DType;
import trm.engine.ScratchSizes;
import trm.kernels.launch.Gemm;
import trm.kernels.launch.Mixer;

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

    /**
     * The split-K partial sums of the largest weight-gradient GEMM of a training step (lm head,
     * channel MLP down and gate_up, attention o and qkv, or the token mixer's pair), or the
     * attention kernels' row buffer [B, H, L] (log-sum-exp of the no-gradient forwards, the
     * backward's delta), whichever is larger: one region for both, because each use lives
     * within one launcher call on one stream (written, then consumed or discarded, before the
     * next op starts). At batch 768: 18.9 MB for sudoku-att (gate_up: 3 slices × 3072 × 512
     * floats), 27.8 MB for sudoku-mlp (the token mixer's 70 batch groups × 2·512·97).
     */
    @Override
    public long stepScratch(StepShape s) {
        long rows = s.tokenMixer() ? 0 : (long) s.batch() * s.heads() * s.len();
        long splitK = 0;
        if (s.training()) {
            int M = Math.toIntExact((long) s.batch() * s.len()), D = s.dim(), I = s.inter();
            splitK = Math.max(splitK, weightGradFloats(M, D, s.vocab()));
            splitK = Math.max(splitK, weightGradFloats(M, I, D));
            splitK = Math.max(splitK, weightGradFloats(M, D, 2 * I));
            if (s.tokenMixer()) {
                splitK = Math.max(splitK, Mixer.workspaceFloats(s.len(), s.interTokens(),
                        Mixer.weightGradSplits(s.batch(), s.len(), D, s.interTokens())));
            } else {
                splitK = Math.max(splitK, weightGradFloats(M, D, D));
                splitK = Math.max(splitK, weightGradFloats(M, D, 3 * D));
            }
        }
        return Math.max(rows, splitK);
    }

    /** Floats of split-K partial sums of dW[N,K] += dOut[M,N]ᵀ·in[M,K] at the model's split count. */
    static long weightGradFloats(int M, int K, int N) {
        return Gemm.workspaceBytes(M, K, N, Gemm.weightGradSplits(M, K, N)) / 4;
    }
}
