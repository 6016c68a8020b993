package trm.engine.cpu;

import trm.engine.LossKind;
import trm.engine.Ops.Stat;

/**
 * The lm head's loss, fused with argmax correctness (llm.c's fused classifier): per sample,
 * lm_loss = mean over supervised positions (label ≠ 0) of −log p(label), p by softmax or by
 * stablemax (s(x) = 1/(1−x) for x &lt; 0, x + 1 otherwise; p = s / Σ s). Computed in double,
 * as the reference computes stablemax in float64. exp and log are {@code StrictMath}'s (fdlibm,
 * the same bits in every JIT tier and on every machine; {@code Math}'s may use CPU-specific code).
 */
public final class CrossEntropy {
    /** Label value that is not supervised (the reference maps its ignore label there). */
    public static final int IGNORE = 0;

    private CrossEntropy() {}

    public static void forwardBackward(LossKind kind, float[] dLogits, int dlo, float[] stats, int so,
                                       float[] logits, int lo, int[] labels, int lbo,
                                       int B, int P, int S, int V, float gradScale) {
        int L = P + S;
        Parallel.forRange(B, 1, (b0, b1) -> {
            double[] prob = new double[V];
            for (int b = b0; b < b1; b++) {
                int count = 0;
                for (int s = 0; s < S; s++) if (labels[lbo + b * S + s] != IGNORE) count++;
                double divisor = Math.max(1, count);
                double loss = 0;
                int correct = 0;
                if (dLogits != null) java.util.Arrays.fill(dLogits, dlo + b * L * V, dlo + (b * L + P) * V, 0f);
                for (int s = 0; s < S; s++) {
                    int row = lo + (b * L + P + s) * V, label = labels[lbo + b * S + s];
                    int d = dlo + (b * L + P + s) * V;
                    if (label == IGNORE) {
                        if (dLogits != null) java.util.Arrays.fill(dLogits, d, d + V, 0f);
                        continue;
                    }
                    if (label < 0 || label >= V) throw new IllegalArgumentException("label " + label + " outside vocabulary of " + V);
                    int arg = 0;
                    for (int v = 1; v < V; v++) if (logits[row + v] > logits[row + arg]) arg = v;
                    if (arg == label) correct++;
                    double total = 0;
                    if (kind == LossKind.SOFTMAX) {
                        double max = logits[row + arg];
                        for (int v = 0; v < V; v++) total += prob[v] = StrictMath.exp(logits[row + v] - max);
                    } else {
                        for (int v = 0; v < V; v++) total += prob[v] = stable(logits[row + v]);
                    }
                    loss -= StrictMath.log(prob[label] / total);
                    if (dLogits == null) continue;
                    double g = gradScale / divisor;
                    for (int v = 0; v < V; v++) {
                        double x = logits[row + v];
                        // d(−log s_label + log Σ s)/dx_v = s'(x_v) (1/Σs − [v = label]/s_v); for softmax s' = s.
                        double ds = kind == LossKind.SOFTMAX ? prob[v] : (x < 0 ? 1 / ((1 - x) * (1 - x)) : 1);
                        double grad = ds / total - (v == label ? ds / prob[v] : 0);
                        dLogits[d + v] = (float) (g * grad);
                    }
                }
                int st = so + b * Stat.COLUMNS;
                stats[st + Stat.LM_LOSS] = (float) (loss / divisor);
                stats[st + Stat.CORRECT] = correct;
                stats[st + Stat.COUNT] = count;
                stats[st + Stat.SEQ_CORRECT] = correct == count ? 1f : 0f;
            }
        });
    }

    static double stable(double x) { return x < 0 ? 1 / (1 - x) : x + 1; }

    /** preds [B, S] = argmax of logits after the prefix (first maximum on ties). */
    public static void argmax(int[] preds, int po, float[] logits, int lo, int B, int P, int S, int V) {
        int L = P + S;
        for (int b = 0; b < B; b++)
            for (int s = 0; s < S; s++) {
                int row = lo + (b * L + P + s) * V, arg = 0;
                for (int v = 1; v < V; v++) if (logits[row + v] > logits[row + arg]) arg = v;
                preds[po + b * S + s] = arg;
            }
    }
}
