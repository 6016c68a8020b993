package trm.engine.cpu;

import trm.engine.Ops.Metric;
import trm.engine.Ops.Stat;
import trm.engine.SlotRandom;

/** Adaptive halting and slot reuse for deep supervision (the reference's ACT wrapper). */
public final class Halting {
    private Halting() {}

    public static void update(int[] halted, int ho, int[] steps, int so, float[] q, int qo, int B,
                              int maxSteps, float exploreProb, boolean training, long seed, long step) {
        for (int b = 0; b < B; b++) {
            int s = ++steps[so + b];
            boolean h = s >= maxSteps;
            if (training && maxSteps > 1) {
                h |= q[qo + b * 2] > 0;
                // Exploration keeps some slots running so q_halt also learns from longer runs.
                boolean explore = SlotRandom.uniform(seed, step, b, 0) < exploreProb;
                int minSteps = explore ? 2 + (int) (SlotRandom.uniform(seed, step, b, 1) * (maxSteps - 1)) : 0;
                h &= s >= minSteps;
            }
            halted[ho + b] = h ? 1 : 0;
        }
    }

    public static void resetCarry(int[] halted, int ho, float[] y, int yo, float[] z, int zo, float[] hInit, int hio,
                                  float[] lInit, int lio, int[] steps, int so, int B, int L, int D) {
        Parallel.forRange(B, 1, (b0, b1) -> {
            for (int b = b0; b < b1; b++) {
                if (halted[ho + b] == 0) continue;
                for (int p = 0; p < L; p++) {
                    System.arraycopy(hInit, hio, y, yo + (b * L + p) * D, D);
                    System.arraycopy(lInit, lio, z, zo + (b * L + p) * D, D);
                }
                steps[so + b] = 0;
            }
        });
    }

    public static void selectRows(int[] halted, int ho, int[] dst, int dso, int[] src, int sro, int B, int rowLen) {
        for (int b = 0; b < B; b++)
            if (halted[ho + b] != 0) System.arraycopy(src, sro + b * rowLen, dst, dso + b * rowLen, rowLen);
    }

    public static void accumulateMetrics(float[] m, int mo, float[] stats, int sto, int[] halted, int ho, int[] steps, int so, int B) {
        for (int b = 0; b < B; b++) {
            int st = sto + b * Stat.COLUMNS;
            m[mo + Metric.LM_LOSS] += stats[st + Stat.LM_LOSS];
            m[mo + Metric.Q_HALT_LOSS] += stats[st + Stat.HALT_LOSS];
            m[mo + Metric.SAMPLES] += 1;
            float count = stats[st + Stat.COUNT];
            if (halted[ho + b] == 0 || count == 0) continue;
            boolean correct = stats[st + Stat.SEQ_CORRECT] != 0;
            m[mo + Metric.COUNT] += 1;
            m[mo + Metric.ACCURACY] += stats[st + Stat.CORRECT] / count;
            m[mo + Metric.EXACT] += correct ? 1 : 0;
            m[mo + Metric.Q_HALT_ACCURACY] += ((stats[st + Stat.Q_HALT] >= 0) == correct) ? 1 : 0;
            m[mo + Metric.STEPS] += steps[so + b];
        }
    }
}
