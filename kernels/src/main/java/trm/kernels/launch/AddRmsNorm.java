package trm.kernels.launch;

import static trm.kernels.runtime.KernelArg.f32;
import static trm.kernels.runtime.KernelArg.i32;
import static trm.kernels.runtime.KernelArg.ptr;

import trm.kernels.runtime.Dim3;
import trm.kernels.runtime.KernelRuntime;

/** Launches {@code add_rmsnorm.cu}: out = rms_norm(a + b) over rows of C, one warp per row. */
public final class AddRmsNorm {
    private AddRmsNorm() {}

    static final int ROWS = 4;  // warps (rows) per block

    /** out [rows, C] (may alias a or b); rstd [rows] written when non-zero. */
    public static void forward(KernelRuntime rt, long out, long rstd, long a, long b, int rows, int C, float eps) {
        if (rows == 0) return;
        Grid.launch(rt, "add_rmsnorm_fwd", Dim3.of(Grid.ceil(rows, ROWS)), Dim3.of(32, ROWS), ptr(out), ptr(rstd), ptr(a), ptr(b),
                i32(rows), i32(C), f32(eps));
    }

    /** dIn [rows, C] (may alias dOut) from the saved out and rstd. */
    public static void backward(KernelRuntime rt, long dIn, long dOut, long out, long rstd, int rows, int C) {
        if (rows == 0) return;
        Grid.launch(rt, "add_rmsnorm_bwd", Dim3.of(Grid.ceil(rows, ROWS)), Dim3.of(32, ROWS), ptr(dIn), ptr(dOut), ptr(out), ptr(rstd),
                i32(rows), i32(C));
    }
}
