package trm.kernels.launch;

import static trm.kernels.runtime.KernelArg.i32;
import static trm.kernels.runtime.KernelArg.i64;
import static trm.kernels.runtime.KernelArg.ptr;

import trm.kernels.runtime.KernelRuntime;

/** Launches the test set's {@code swiglu.cu} (production fuses SwiGLU into the GEMM epilogues). */
public final class SwiGlu {
    private SwiGlu() {}

    /** out [rows, I] from gateUp [rows, 2I]. */
    public static void forward(KernelRuntime rt, long out, long gateUp, long rows, int I) {
        Grid.flat(rt, "swiglu_fwd", rows * I, ptr(out), ptr(gateUp), i64(rows), i32(I));
    }

    /** dGateUp [rows, 2I] from dOut [rows, I]. */
    public static void backward(KernelRuntime rt, long dGateUp, long dOut, long gateUp, long rows, int I) {
        Grid.flat(rt, "swiglu_bwd", rows * I, ptr(dGateUp), ptr(dOut), ptr(gateUp), i64(rows), i32(I));
    }
}
