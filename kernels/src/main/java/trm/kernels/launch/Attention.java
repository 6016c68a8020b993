package trm.kernels.launch;

import static trm.kernels.runtime.KernelArg.i32;
import static trm.kernels.runtime.KernelArg.ptr;

import trm.engine.TrmException;
import trm.kernels.runtime.Dim3;
import trm.kernels.runtime.KernelRuntime;
import trm.kernels.runtime.Launch;

/**
 * Launches the flash-style attention kernels of {@code attention.cu}: non-causal multi-head
 * attention, head_dim 64, fp32, over qkv [B, L, 3·H·64] ([q heads | k heads | v heads]), as
 * the cpu reference's attention but without the [B, H, L, L] probabilities: forward saves the
 * per-row logsumexp [B, H, L] and backward recomputes the scores. All pointers are device pointers
 * to fp32, except qkv and out when a {@code bf16} mask names them ({@link #BF16_QKV},
 * {@link #BF16_OUT}: bf16, as the kernel devices save activations); RoPE tables are optional (0).
 */
public final class Attention {
    private Attention() {}

    public static final int HEAD_DIM = 64;
    static final int TILE = 64, THREADS = 256, LDS = HEAD_DIM + 1;
    static final int DQ_SHARED = 3 * TILE * LDS * 4, DKDV_SHARED = (3 * TILE * LDS + 2 * TILE) * 4;

    /** Bits of the {@code bf16} mask (attention.cu's Bf16): qkv, out stored as bf16. */
    public static final int BF16_QKV = 1, BF16_OUT = 2;

    /** out [B, L, H·64] and lse [B, H, L] from qkv [B, L, 3·H·64] (q and k already rotated), all fp32. */
    public static void forward(KernelRuntime rt, long out, long lse, long qkv, int B, int L, int H) {
        forward(rt, out, lse, qkv, B, L, H, 0);
    }

    /** {@link #forward} with qkv and/or out in bf16 ({@link #BF16_QKV} | {@link #BF16_OUT}). */
    public static void forward(KernelRuntime rt, long out, long lse, long qkv, int B, int L, int H, int bf16) {
        Dim3 grid = grid(B, L, H);
        if (grid == null) return;
        rt.launch(Launch.of("attention_fwd", grid, Dim3.of(THREADS), 0, ptr(qkv), ptr(out), ptr(lse), i32(L), i32(H), i32(bf16)));
    }

    /** Floats of the {@code delta} workspace backward needs: B·H·L. */
    public static long deltaFloats(int B, int L, int H) { return (long) B * H * L; }

    /**
     * dqkv [B, L, 3·H·64] (every element written) from dOut [B, L, H·64], the forward's qkv, out and
     * lse, using {@code delta} ({@link #deltaFloats}) as workspace. With {@code ropeCos}/{@code ropeSin}
     * (tables [L, 64], {@link trm.engine.model.RopeTables}) non-zero, the q and k gradients are
     * rotated back (the transpose of RoPE), i.e. they are gradients w.r.t. the pre-RoPE q, k.
     */
    public static void backward(KernelRuntime rt, long dqkv, long dOut, long qkv, long out, long lse, long delta,
                                long ropeCos, long ropeSin, int B, int L, int H) {
        backward(rt, dqkv, dOut, qkv, out, lse, delta, ropeCos, ropeSin, B, L, H, 0);
    }

    /** {@link #backward} reading qkv and/or out as bf16 ({@link #BF16_QKV} | {@link #BF16_OUT}); dqkv, dOut stay fp32. */
    public static void backward(KernelRuntime rt, long dqkv, long dOut, long qkv, long out, long lse, long delta,
                                long ropeCos, long ropeSin, int B, int L, int H, int bf16) {
        if ((ropeCos == 0) != (ropeSin == 0)) throw new TrmException("attention: give both RoPE tables or neither");
        Dim3 grid = grid(B, L, H);
        if (grid == null) return;
        rt.launch(Launch.of("attention_bwd_dq", grid, Dim3.of(THREADS), DQ_SHARED,
                ptr(qkv), ptr(out), ptr(dOut), ptr(lse), ptr(delta), ptr(dqkv), ptr(ropeCos), ptr(ropeSin), i32(L), i32(H), i32(bf16)));
        rt.launch(Launch.of("attention_bwd_dkdv", grid, Dim3.of(THREADS), DKDV_SHARED,
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
