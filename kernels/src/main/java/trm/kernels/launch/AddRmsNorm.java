package trm.kernels.launch;

import static trm.kernels.runtime.KernelArg.f32;
import static trm.kernels.runtime.KernelArg.i32;
import static trm.kernels.runtime.KernelArg.ptr;

import trm.kernels.runtime.Dim3;
import trm.kernels.runtime.KernelRuntime;

/**
 * Launches {@code add_rmsnorm.cu}: out = rms_norm(a + b) over rows of C, one warp per row.
 * Buffers are fp32 unless a {@code bf16} mask names them ({@link #BF16_OUT}, {@link #BF16_A},
 * {@link #BF16_B}): bf16, read exactly and written rounded to nearest even; rstd and the
 * gradients are always fp32.
 */
public final class AddRmsNorm {
    private AddRmsNorm() {}

    static final int ROWS = 4;  // warps (rows) per block

    /** Bits of the {@code bf16} mask (add_rmsnorm.cu's Bf16). */
    public static final int BF16_OUT = 1, BF16_A = 2, BF16_B = 4;

    /** out [rows, C] (may alias a or b); rstd [rows] written when non-zero; all fp32. */
    public static void forward(KernelRuntime rt, long out, long rstd, long a, long b, int rows, int C, float eps) {
        forward(rt, out, rstd, a, b, rows, C, eps, 0);
    }

    /** {@link #forward} with the buffers in {@code bf16} ({@link #BF16_OUT} | ...) stored as bf16. */
    public static void forward(KernelRuntime rt, long out, long rstd, long a, long b, int rows, int C, float eps, int bf16) {
        if (rows == 0) return;
        Grid.launch(rt, "add_rmsnorm_fwd", Dim3.of(Grid.ceil(rows, ROWS)), Dim3.of(32, ROWS), ptr(out), ptr(rstd), ptr(a), ptr(b),
                i32(rows), i32(C), f32(eps), i32(bf16));
    }

    /** dIn [rows, C] (may alias dOut) from the saved out and rstd; all fp32. */
    public static void backward(KernelRuntime rt, long dIn, long dOut, long out, long rstd, int rows, int C) {
        backward(rt, dIn, dOut, out, rstd, rows, C, false);
    }

    /** {@link #backward} reading a bf16 {@code out} when {@code outBf16}. */
    public static void backward(KernelRuntime rt, long dIn, long dOut, long out, long rstd, int rows, int C, boolean outBf16) {
        if (rows == 0) return;
        Grid.launch(rt, "add_rmsnorm_bwd", Dim3.of(Grid.ceil(rows, ROWS)), Dim3.of(32, ROWS), ptr(dIn), ptr(dOut), ptr(out), ptr(rstd),
                i32(rows), i32(C), i32(outBf16 ? BF16_OUT : 0));
    }
}
