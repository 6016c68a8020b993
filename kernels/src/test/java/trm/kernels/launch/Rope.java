package trm.kernels.launch;

import static trm.kernels.runtime.KernelArg.i32;
import static trm.kernels.runtime.KernelArg.i64;
import static trm.kernels.runtime.KernelArg.ptr;

import trm.kernels.runtime.KernelRuntime;

/**
 * Launches the test set's {@code rope.cu} (production fuses RoPE into the qkv GEMM's epilogue):
 * rotates the q and k parts of qkv [B, L, 3·H·hd] in place, or back ({@code inverse}).
 */
public final class Rope {
    private Rope() {}

    public static void rotate(KernelRuntime rt, boolean inverse, long qkv, long cos, long sin, int B, int L, int H, int hd) {
        long rows = (long) B * L;
        Grid.flat(rt, inverse ? "rope_bwd" : "rope_fwd", rows * 2 * H * (hd / 2), ptr(qkv), ptr(cos), ptr(sin), i64(rows), i32(L), i32(H), i32(hd));
    }
}
