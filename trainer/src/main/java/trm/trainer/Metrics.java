package trm.trainer;

import trm.engine.Ops.Metric;

/**
 * The reference's metrics: accuracy, exact accuracy, q_halt accuracy and steps averaged over
 * the samples that finished (halted) in the window; losses averaged over every slot-step.
 */
public record Metrics(long count, double accuracy, double exactAccuracy, double qHaltAccuracy, double steps,
                      double lmLoss, double qHaltLoss) {

    public static Metrics fromSums(float[] m) {
        double count = m[Metric.COUNT], samples = Math.max(1, m[Metric.SAMPLES]), c = Math.max(1, count);
        return new Metrics((long) count, m[Metric.ACCURACY] / c, m[Metric.EXACT] / c, m[Metric.Q_HALT_ACCURACY] / c,
                m[Metric.STEPS] / c, m[Metric.LM_LOSS] / samples, m[Metric.Q_HALT_LOSS] / samples);
    }

    public double loss() { return lmLoss + 0.5 * qHaltLoss; }
}
