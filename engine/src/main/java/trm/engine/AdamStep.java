package trm.engine;

/**
 * The per-step scalars of the Adam-type updates ({@link Ops#adamAtan2}, {@link Ops#adamW}),
 * computed here once for every device so that the cpu and the kernels round them identically:
 * the decoupled decay factor 1 − lr·wd and the bias corrections 1 − β1ᵗ and √(1 − β2ᵗ) (pow is
 * {@code StrictMath}'s: the same bits on every machine).
 *
 * @param decay   1 − lr · weightDecay
 * @param bc1     1 − β1^step
 * @param bc2Sqrt √(1 − β2^step)
 */
public record AdamStep(float decay, float bc1, float bc2Sqrt) {
    /** The scalars for optimizer step {@code step} (counted from 1). */
    public static AdamStep of(float lr, float weightDecay, float beta1, float beta2, long step) {
        if (step < 1) throw new IllegalArgumentException("Adam steps count from 1, got " + step);
        return new AdamStep(1f - lr * weightDecay, (float) (1 - StrictMath.pow(beta1, step)), (float) Math.sqrt(1 - StrictMath.pow(beta2, step)));
    }
}
