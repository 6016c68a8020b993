package trm.engine.model;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import trm.engine.Device;
import trm.engine.Covers;
import trm.engine.GradCheck;
import trm.engine.Ops;
import trm.engine.Tensor;
import trm.engine.cpu.CpuDevice;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The whole supervision step: gradients, truncation to the last cycle, memory, determinism. */
class SupervisionStepTest {
    /** fp32 through (n+1)·layers post-norm blocks: the differences are noisier than a single layer's. */
    static final double STEP_BOUND = 1e-2;
    static final int B = 3;
    final Device dev = new CpuDevice();

    static void fillBatch(Device dev, Workspace ws, TrmConfig c, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int S = c.seqLen();
        int[] tokens = r.ints((long) ws.batch * S, 1, c.vocabSize()).toArray();
        int[] labels = r.ints((long) ws.batch * S, 1, c.vocabSize()).toArray();
        labels[1] = 0; // one ignored position
        dev.upload(ws.tokens, tokens);
        dev.upload(ws.labels, labels);
        dev.upload(ws.puzzleIds, r.ints(ws.batch, 0, c.numPuzzleIdentifiers()).toArray());
    }

    /** gradScale · Σ_b (lm_loss + 0.5 · q_halt_loss), from a fixed starting carry. */
    static double loss(Device dev, TrmModel m, Workspace ws, float[] y0, float[] z0, float scale) {
        dev.upload(ws.y, y0);
        dev.upload(ws.z, z0);
        m.step(ws, true, false, scale);
        float[] st = dev.toFloats(ws.stats);
        double s = 0;
        for (int b = 0; b < ws.batch; b++)
            s += st[b * Ops.Stat.COLUMNS + Ops.Stat.LM_LOSS] + 0.5 * st[b * Ops.Stat.COLUMNS + Ops.Stat.HALT_LOSS];
        return s * scale;
    }

    @Covers({"attentionMix", "attentionMixBackward", "channelMlp", "channelMlpBackward", "tokenMix", "tokenMixBackward"})
    @ParameterizedTest(name = "mlp_t={0} pos={1}")
    @CsvSource({"true,none", "false,rope", "false,learned", "false,rope2d"})
    void wholeStepGradientMatchesFiniteDifferences(boolean mlpT, String pos) {
        TrmConfig c = TinyConfigs.tiny(mlpT, pos, 1, 2); // T = 1: the step is exactly differentiable
        TrmWeights w = new TrmWeights(c, dev).initialize(5);
        // Non-zero halting head and puzzle table, so every path carries gradient.
        SplittableRandom r = new SplittableRandom(9);
        float[] qw = GradCheck.random(r, 2 * c.hiddenSize(), 0.3);
        dev.upload(w.param(ParamLayout.Q_HEAD_W), qw);
        dev.upload(w.puzzleTable, GradCheck.random(r, c.numPuzzleIdentifiers() * c.puzzleEmbNdim(), 1));
        TrmModel m = new TrmModel(w);
        Workspace ws = m.workspace(B, true);
        fillBatch(dev, ws, c, 11);
        int n = B * c.totalLen() * c.hiddenSize();
        float[] y0 = GradCheck.random(r, n, 1), z0 = GradCheck.random(r, n, 1);
        float scale = 1f / B;

        dev.upload(ws.y, y0);
        dev.upload(ws.z, z0);
        m.step(ws, true, true, scale);
        float[] grads = dev.toFloats(m.grads);
        float[] rows = dev.toFloats(ws.dPuzzleRows);

        // sample coordinates inside every parameter so that none escapes the check
        for (ParamLayout.Param p : w.layout.params()) {
            int[] coords = GradCheck.coords((int) p.numel(), 12, p.name().hashCode());
            int off = (int) p.offset();
            double[] num = GradCheck.numeric(w.params.f32(), off, coords, 1e-2, () -> loss(dev, m, ws, y0, z0, scale));
            double[] ana = GradCheck.pick(grads, off, coords);
            double err = GradCheck.relErr(ana, num);
            assertTrue(err < STEP_BOUND, p.name() + ": relative error " + err + " ≥ " + STEP_BOUND
                    + " analytic " + Arrays.toString(ana) + " numeric " + Arrays.toString(num));
        }
        int ndim = c.puzzleEmbNdim();
        float[] dTable = new float[c.numPuzzleIdentifiers() * ndim];
        int[] ids = dev.toInts(ws.puzzleIds);
        for (int b = 0; b < B; b++) for (int k = 0; k < ndim; k++) dTable[ids[b] * ndim + k] += rows[b * ndim + k];
        int[] coords = GradCheck.coords(dTable.length, 30, 3);
        double[] num = GradCheck.numeric(w.puzzleTable.f32(), 0, coords, 1e-2, () -> loss(dev, m, ws, y0, z0, scale));
        double err = GradCheck.relErr(GradCheck.pick(dTable, 0, coords), num);
        assertTrue(err < STEP_BOUND, "puzzle table: relative error " + err);
    }

    @Test
    void onlyTheLastCycleIsBackPropagated() {
        // A T = 3 step must give the gradient of a T = 1 step started from the carry that the
        // two no-grad cycles produce: the earlier cycles contribute nothing.
        TrmConfig c3 = TinyConfigs.tiny(true, "none", 3, 2), c1 = TinyConfigs.tiny(true, "none", 1, 2);
        TrmModel m3 = new TrmModel(new TrmWeights(c3, dev).initialize(1));
        TrmModel m1 = new TrmModel(new TrmWeights(c1, dev).initialize(1));
        Workspace w3 = m3.workspace(B, true), w1 = m1.workspace(B, true);
        fillBatch(dev, w3, c3, 2);
        fillBatch(dev, w1, c1, 2);
        m3.resetCarry(w3);
        m1.resetCarry(w1);
        m3.step(w3, true, true, 0.5f);
        // advance m1's carry by two no-grad cycles (a T=2 no-gradient step of a T=2 model would
        // also do it; here: two T=1 no-gradient steps)
        m1.step(w1, false, false, 0f);
        m1.step(w1, false, false, 0f);
        m1.step(w1, true, true, 0.5f);
        assertArrayEquals(dev.toFloats(m3.grads), dev.toFloats(m1.grads), "gradients");
        assertArrayEquals(dev.toFloats(w3.y), dev.toFloats(w1.y), "answer carry");
        assertArrayEquals(dev.toFloats(w3.stats), dev.toFloats(w1.stats), "stats");
    }

    @Test
    void cyclesWithoutGradientStoreNoActivations() {
        TrmConfig c = TinyConfigs.tiny(false, "rope", 3, 2);
        TrmModel m = new TrmModel(new TrmWeights(c, dev).initialize(3));
        Workspace ws = m.workspace(B, true);
        fillBatch(dev, ws, c, 4);
        m.resetCarry(ws);
        for (Tensor t : ws.savedActivations()) dev.ops().fill(t, Float.NaN);
        m.step(ws, true, false, 1f); // all T cycles without gradient
        for (Tensor t : ws.savedActivations())
            for (float v : dev.toFloats(t)) assertTrue(Float.isNaN(v), "a no-grad cycle wrote a saved activation " + t);
        m.step(ws, true, true, 1f);
        long written = ws.savedActivations().stream().filter(t -> !Float.isNaN(dev.toFloats(t)[0])).count();
        assertEquals(ws.savedActivations().size(), written, "the gradient cycle saves every activation");
        // memory: the workspace does not grow with the number of cycles
        TrmConfig c9 = TinyConfigs.tiny(false, "rope", 9, 2);
        assertEquals(Workspace.allocate(c, dev, B, true).arena.bytes(), Workspace.allocate(c9, dev, B, true).arena.bytes());
        assertTrue(Workspace.allocate(c, dev, B, false).arena.bytes() * 3 < ws.arena.bytes());
    }

    @Test
    void sameSeedSameNumbersBitForBit() {
        TrmConfig c = TinyConfigs.tiny(false, "rope", 2, 2);
        float[][] runs = new float[2][];
        float[][] carries = new float[2][];
        for (int i = 0; i < 2; i++) {
            TrmModel m = new TrmModel(new TrmWeights(c, dev).initialize(77));
            Workspace ws = m.workspace(B, true);
            fillBatch(dev, ws, c, 8);
            m.resetCarry(ws);
            m.step(ws, true, true, 1f);
            runs[i] = dev.toFloats(m.grads);
            carries[i] = dev.toFloats(ws.z);
        }
        assertArrayEquals(runs[0], runs[1]);
        assertArrayEquals(carries[0], carries[1]);
        float[] other = dev.toFloats(new TrmWeights(c, dev).initialize(78).params);
        assertNotEquals(Arrays.hashCode(dev.toFloats(new TrmWeights(c, dev).initialize(77).params)), Arrays.hashCode(other));
    }
}
