package trm.engine.cpu;

import trm.engine.Ops;
import trm.engine.Ops.Stat;

/**
 * The halting head's loss: BCE-with-logits of q_halt against "the whole answer is right"
 * (seq_correct, already in stats). The total loss weights it by {@link Ops#HALT_LOSS_WEIGHT}.
 * exp and log1p are {@code StrictMath}'s: the same bits in every JIT tier and on every machine.
 */
public final class HaltLoss {
    private HaltLoss() {}

    public static void forwardBackward(float[] dq, int dqo, float[] stats, int so, float[] q, int qo, int B, float gradScale) {
        for (int b = 0; b < B; b++) {
            int st = so + b * Stat.COLUMNS;
            double x = q[qo + b * 2], t = stats[st + Stat.SEQ_CORRECT];
            // Stable form: max(x,0) − x·t + log(1 + e^{−|x|}).
            double bce = Math.max(x, 0) - x * t + StrictMath.log1p(StrictMath.exp(-Math.abs(x)));
            stats[st + Stat.HALT_LOSS] = (float) bce;
            stats[st + Stat.Q_HALT] = (float) x;
            if (dq != null) {
                double sig = 1 / (1 + StrictMath.exp(-x));
                dq[dqo + b * 2] = (float) (gradScale * Ops.HALT_LOSS_WEIGHT * (sig - t));
                dq[dqo + b * 2 + 1] = 0f;
            }
        }
    }
}
