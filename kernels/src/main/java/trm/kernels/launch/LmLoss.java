package trm.kernels.launch;

import static trm.kernels.runtime.KernelArg.f32;
import static trm.kernels.runtime.KernelArg.i32;
import static trm.kernels.runtime.KernelArg.ptr;

import trm.kernels.runtime.Dim3;
import trm.kernels.runtime.KernelRuntime;

/** Launches {@code lm_loss.cu}: softmax / stablemax cross-entropy fused with its gradient, and argmax. */
public final class LmLoss {
    private LmLoss() {}

    /** One block per sample; dLogits 0 for no gradient; {@code stablemax} picks the loss. */
    public static void forwardBackward(KernelRuntime rt, long dLogits, long stats, long logits, long labels, int B, int P, int S, int V,
                                       boolean stablemax, float gradScale) {
        Grid.launch(rt, "lm_loss_fwd_bwd", Dim3.of(B), Dim3.of(128), ptr(dLogits), ptr(stats), ptr(logits), ptr(labels),
                i32(P), i32(S), i32(V), i32(stablemax ? 1 : 0), f32(gradScale));
    }

    /** preds [B, S] = argmax over V after the prefix (first maximum on ties). */
    public static void argmax(KernelRuntime rt, long preds, long logits, int B, int P, int S, int V) {
        Grid.flat(rt, "lm_argmax", (long) B * S, ptr(preds), ptr(logits), i32(B), i32(P), i32(S), i32(V));
    }
}
