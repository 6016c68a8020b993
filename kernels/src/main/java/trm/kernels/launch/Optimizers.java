package trm.kernels.launch;

import static trm.kernels.runtime.KernelArg.f32;
import static trm.kernels.runtime.KernelArg.i32;
import static trm.kernels.runtime.KernelArg.i64;
import static trm.kernels.runtime.KernelArg.ptr;

import trm.engine.AdamStep;
import trm.kernels.runtime.Dim3;
import trm.kernels.runtime.KernelRuntime;

/** Launches {@code optimizers.cu}: fused Adam-type updates, sparse SignSGD and EMA over flat fp32 buffers. */
public final class Optimizers {
    private Optimizers() {}

    public static void adamAtan2(KernelRuntime rt, long p, long g, long m, long v, long n, float lr, float beta1, float beta2, AdamStep s) {
        Grid.flat(rt, "opt_adam_atan2", n, ptr(p), ptr(g), ptr(m), ptr(v), i64(n), f32(lr), f32(s.decay()), f32(beta1), f32(beta2),
                f32(s.bc1()), f32(s.bc2Sqrt()));
    }

    public static void adamW(KernelRuntime rt, long p, long g, long m, long v, long n, float lr, float beta1, float beta2, float eps,
                             AdamStep s) {
        Grid.flat(rt, "opt_adamw", n, ptr(p), ptr(g), ptr(m), ptr(v), i64(n), f32(lr), f32(s.decay()), f32(beta1), f32(beta2), f32(eps),
                f32(s.bc1()), f32(s.bc2Sqrt()));
    }

    /** Rows of table [ids, ndim] named by ids [B]: duplicate ids summed first, then one update per row. */
    public static void signSgd(KernelRuntime rt, long table, long dRows, long ids, int B, int ndim, float lr, float decay) {
        if (B == 0) return;
        int t = Math.min(128, (ndim + 31) & ~31);
        Grid.launch(rt, "opt_sign_sgd", Dim3.of(B, Grid.ceil(ndim, t)), Dim3.of(t), ptr(table), ptr(dRows), ptr(ids), i32(B), i32(ndim),
                f32(lr), f32(decay));
    }

    public static void ema(KernelRuntime rt, long shadow, long p, long n, float decay) {
        Grid.flat(rt, "opt_ema", n, ptr(shadow), ptr(p), i64(n), f32(decay), f32(1f - decay));
    }
}
