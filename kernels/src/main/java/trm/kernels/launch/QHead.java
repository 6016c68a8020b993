package trm.kernels.launch;

import static trm.kernels.runtime.KernelArg.i32;
import static trm.kernels.runtime.KernelArg.ptr;

import trm.kernels.runtime.Dim3;
import trm.kernels.runtime.KernelRuntime;

/** Launches {@code qhead.cu}: q [B, 2] from the first position of y [B, L, D], and its backward. */
public final class QHead {
    private QHead() {}

    public static void forward(KernelRuntime rt, long q, long y, long w, long bias, int B, int L, int D) {
        Grid.launch(rt, "qhead_fwd", Dim3.of(B), Dim3.of(32, 2), ptr(q), ptr(y), ptr(w), ptr(bias), i32(L), i32(D));
    }

    /** dy[:, 0, :] += dq · w; dW, dBias accumulated, summed in b order (no atomics). */
    public static void backward(KernelRuntime rt, long dy, long dW, long dBias, long dq, long y, long w, int B, int L, int D) {
        Grid.flat(rt, "qhead_bwd_dy", (long) B * D, ptr(dy), ptr(dq), ptr(w), i32(B), i32(L), i32(D));
        Grid.flat(rt, "qhead_bwd_dw", 2L * D + 2, ptr(dW), ptr(dBias), ptr(dq), ptr(y), i32(B), i32(L), i32(D));
    }
}
