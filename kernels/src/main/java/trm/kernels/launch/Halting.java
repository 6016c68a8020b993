package trm.kernels.launch;

import static trm.kernels.runtime.KernelArg.f32;
import static trm.kernels.runtime.KernelArg.i32;
import static trm.kernels.runtime.KernelArg.i64;
import static trm.kernels.runtime.KernelArg.ptr;

import trm.kernels.runtime.Dim3;
import trm.kernels.runtime.KernelRuntime;

/** Launches {@code halting.cu}: the halting loss and deep supervision's slot bookkeeping, on the device. */
public final class Halting {
    private Halting() {}

    /** The weight {@code halt_loss} hard-codes. */
    public static final float LOSS_WEIGHT = 0.5f;

    public static void loss(KernelRuntime rt, long dq, long stats, long q, int B, float gradScale) {
        Grid.flat(rt, "halt_loss", B, ptr(dq), ptr(stats), ptr(q), i32(B), f32(gradScale));
    }

    public static void update(KernelRuntime rt, long halted, long steps, long q, int B, int maxSteps, float exploreProb, boolean training,
                              long seed, long step) {
        Grid.flat(rt, "halt_update", B, ptr(halted), ptr(steps), ptr(q), i32(B), i32(maxSteps), f32(exploreProb), i32(training ? 1 : 0),
                i64(seed), i64(step));
    }

    public static void resetCarry(KernelRuntime rt, long halted, long y, long z, long hInit, long lInit, long steps, int B, int L, int D) {
        Grid.flat(rt, "halt_reset_carry", (long) B * L * D, ptr(halted), ptr(y), ptr(z), ptr(hInit), ptr(lInit), ptr(steps),
                i32(B), i32(L), i32(D));
    }

    /** Int32 rows of {@code rowLen} copied where halted; n = B · rowLen. */
    public static void selectRows(KernelRuntime rt, long halted, long dst, long src, int B, int rowLen) {
        Grid.flat(rt, "halt_select_rows", (long) B * rowLen, ptr(halted), ptr(dst), ptr(src), i32(B), i32(rowLen));
    }

    /** One thread, slots in order: the cpu's sums bit for bit. */
    public static void accumulateMetrics(KernelRuntime rt, long metrics, long stats, long halted, long steps, int B) {
        Grid.launch(rt, "halt_accumulate_metrics", Dim3.of(1), Dim3.of(32), ptr(metrics), ptr(stats), ptr(halted), ptr(steps), i32(B));
    }
}
