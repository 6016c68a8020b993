package trm.kernels.launch;

import static trm.kernels.runtime.KernelArg.i32;
import static trm.kernels.runtime.KernelArg.ptr;

import trm.engine.TrmException;
import trm.kernels.runtime.Dim3;
import trm.kernels.runtime.KernelRuntime;
import trm.kernels.runtime.Launch;

/**
 * Launches the flash attention kernels: non-causal multi-head attention, head_dim 64, over qkv
 * [B, L, 3·H·64] ([q heads | k heads | v heads]), as the cpu reference's attention but without the
 * [B, H, L, L] probabilities: forward saves the per-row logsumexp [B, H, L] and backward recomputes
 * the scores. All pointers are device pointers to fp32, except qkv and out when a {@code bf16} mask
 * names them ({@link #BF16_QKV}, {@link #BF16_OUT}: bf16, as the kernel devices save activations);
 * RoPE tables are optional (0). Two implementations ({@link Impl}) with the same arguments and
 * layouts: the tensor-core kernels of {@code attention_tc.cu} (bf16 operands, the default) and
 * the fp32 kernels of {@code attention.cu}.
 */
public final class Attention {
    private Attention() {}

    public static final int HEAD_DIM = 64;
    static final int TILE = 64, THREADS = 256, LDS = HEAD_DIM + 1;
    static final int DQ_SHARED = 3 * TILE * LDS * 4, DKDV_SHARED = (3 * TILE * LDS + 2 * TILE) * 4;
    /** attention_tc.cu: 4 warps; two 64×72 bf16 tiles + per warp a 16×68 fp32 and a 16×72 bf16 tile (+ lse, delta for dK/dV). */
    static final int TC_THREADS = 128, TC_SHARED = 2 * TILE * 72 * 2 + 4 * (16 * 68 * 4 + 16 * 72 * 2), TC_DKDV_SHARED = TC_SHARED + 2 * TILE * 4;

    /** Which kernels run the attention. */
    public enum Impl {
        /**
         * attention_tc.cu: WMMA tensor cores, Q, K, V, P, dO, dS rounded to bf16 in shared memory,
         * fp32 accumulation and softmax statistics (kernels/HEAVY.md gives the error bounds).
         */
        TENSOR_CORE("attention_tc_fwd", "attention_tc_bwd_dq", "attention_tc_bwd_dkdv", TC_THREADS, TC_SHARED, TC_SHARED, TC_DKDV_SHARED),
        /** attention.cu: fp32 on CUDA cores (parity with the cpu at 1e-5); the kernel devices use it for fp32 qkv. */
        FP32("attention_fwd", "attention_bwd_dq", "attention_bwd_dkdv", THREADS, 0, DQ_SHARED, DKDV_SHARED);

        final String fwd, bwdDq, bwdDkdv;
        final int threads, fwdShared, dqShared, dkdvShared;

        Impl(String fwd, String bwdDq, String bwdDkdv, int threads, int fwdShared, int dqShared, int dkdvShared) {
            this.fwd = fwd;
            this.bwdDq = bwdDq;
            this.bwdDkdv = bwdDkdv;
            this.threads = threads;
            this.fwdShared = fwdShared;
            this.dqShared = dqShared;
            this.dkdvShared = dkdvShared;
        }

        /** The kernel names, forward first. */
        public java.util.List<String> kernels() { return java.util.List.of(fwd, bwdDq, bwdDkdv); }
    }

    /**
     * True when the system property {@code trm.kernels.attention} is {@code fp32}: the kernel devices
     * then run the fp32 kernels for bf16 qkv too (the fallback); {@code tensor-core} or unset: the
     * tensor cores. Any other value is a one-line TrmException.
     */
    public static boolean fp32Requested() {
        String v = System.getProperty("trm.kernels.attention", "tensor-core").trim();
        return switch (v) {
            case "fp32" -> true;
            case "tensor-core" -> false;
            default -> throw new TrmException("trm.kernels.attention=" + v + ": expected tensor-core or fp32");
        };
    }

    /** Bits of the {@code bf16} mask (attention.cu's and attention_tc.cu's Bf16): qkv, out stored as bf16. */
    public static final int BF16_QKV = 1, BF16_OUT = 2;

    /**
     * out [B, L, H·64] and lse [B, H, L] (fp32, natural log) from qkv [B, L, 3·H·64] (q and k
     * already rotated) by {@code impl}; qkv and/or out bf16 as {@code bf16} says ({@link #BF16_QKV} | {@link #BF16_OUT}).
     */
    public static void forward(KernelRuntime rt, Impl impl, long out, long lse, long qkv, int B, int L, int H, int bf16) {
        Dim3 grid = grid(B, L, H);
        if (grid == null) return;
        rt.launch(Launch.of(impl.fwd, grid, Dim3.of(impl.threads), impl.fwdShared, ptr(qkv), ptr(out), ptr(lse), i32(L), i32(H), i32(bf16)));
    }

    /** Floats of the {@code delta} workspace backward needs: B·H·L. */
    public static long deltaFloats(int B, int L, int H) { return (long) B * H * L; }

    /**
     * dqkv [B, L, 3·H·64] (every element written) from dOut [B, L, H·64], the forward's qkv, out and
     * lse, using {@code delta} ({@link #deltaFloats}) as workspace, by {@code impl}. With {@code ropeCos}/{@code ropeSin}
     * (tables [L, 64], {@link trm.engine.model.RopeTables}) non-zero, the q and k gradients are
     * rotated back (the transpose of RoPE), i.e. they are gradients w.r.t. the pre-RoPE q, k.
     * qkv and/or out are read as bf16 as {@code bf16} says ({@link #BF16_QKV} | {@link #BF16_OUT});
     * dqkv, dOut stay fp32. Two launches (dQ and delta, then dK and dV), no atomics.
     */
    public static void backward(KernelRuntime rt, Impl impl, long dqkv, long dOut, long qkv, long out, long lse, long delta,
                                long ropeCos, long ropeSin, int B, int L, int H, int bf16) {
        if ((ropeCos == 0) != (ropeSin == 0)) throw new TrmException("attention: give both RoPE tables or neither");
        Dim3 grid = grid(B, L, H);
        if (grid == null) return;
        rt.launch(Launch.of(impl.bwdDq, grid, Dim3.of(impl.threads), impl.dqShared,
                ptr(qkv), ptr(out), ptr(dOut), ptr(lse), ptr(delta), ptr(dqkv), ptr(ropeCos), ptr(ropeSin), i32(L), i32(H), i32(bf16)));
        rt.launch(Launch.of(impl.bwdDkdv, grid, Dim3.of(impl.threads), impl.dkdvShared,
                ptr(qkv), ptr(dOut), ptr(lse), ptr(delta), ptr(dqkv), ptr(ropeCos), ptr(ropeSin), i32(L), i32(H), i32(bf16)));
    }

    /** The launch grid: B·H on x, the 64-row tiles of L on y; null when there is nothing to do. */
    static Dim3 grid(int B, int L, int H) {
        if (B < 0 || L < 0 || H < 0) throw new TrmException("attention: negative shape B=" + B + " L=" + L + " H=" + H);
        if (B == 0 || L == 0 || H == 0) return null;
        // B·H on gridDim.x (up to 2³¹−1 blocks), the 64-row tiles of L on gridDim.y (≤ 65535: L up to 4M).
        long bh = (long) B * H, tiles = (L + TILE - 1) / TILE;
        if (bh > Integer.MAX_VALUE || tiles > 65535) throw new TrmException("attention: grid too large: B·H = " + bh + ", L tiles = " + tiles);
        return Dim3.of((int) bh, (int) tiles);
    }
}
