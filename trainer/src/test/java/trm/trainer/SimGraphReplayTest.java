package trm.trainer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import trm.engine.model.TrmConfig;
import trm.engine.model.TrmModel;
import trm.engine.model.TrmWeights;
import trm.kernels.KernelDevice;
import trm.kernels.runtime.KernelRuntime;
import trm.kernels.runtime.KernelSet;
import trm.kernels.runtime.SimRuntime;
import trm.trainer.data.Sample;
import trm.trainer.data.sudoku.SudokuDataset;
import trm.trainer.data.sudoku.SudokuGenerator;
import trm.trainer.data.sudoku.SudokuGeometry;
import trm.trainer.data.sudoku.SudokuSource;

/**
 * One graph per supervision step, on the simulator: a device that records each step kind once
 * and replays it gives bit-identical results to an eager device (every op launched as called),
 * for the sudoku-mlp and sudoku-att architectures at reduced width and depth — training (losses,
 * gradients, weights after AdamATan2, EMA and puzzle table after SignSGD, over two steps: the
 * first records and replays, the second only replays) and
 * inference (answers, steps used, q_halt, halting, the per-step trace, evaluation metrics) — and
 * each replayed step is one graph launch.
 */
class SimGraphReplayTest {

    static void needSim() {
        var why = SimRuntime.unavailableReason(KernelSet.MAIN);
        Assumptions.assumeTrue(why.isEmpty(), () -> "sim device unavailable: " + why.orElse(""));
    }

    /**
     * The preset's structure (mixer or attention with RoPE, SwiGLU, heads, halting) kept small so
     * the simulator is quick: width 64 (mixer) or 128 (two heads of 64), one layer, 2 H-cycles of
     * 2 L-cycles, 4×4 Sudoku (16 cells + the 16 prefix positions), 3 supervision steps (2 for inference).
     */
    static TrmConfig small(String preset) {
        TrmConfig full = TrmConfig.preset(preset);
        int w = full.mlpT() ? 64 : 128;
        return full.toBuilder().hiddenSize(w).numHeads(2).puzzleEmbNdim(w).layers(1).hCycles(2).lCycles(2).haltMaxSteps(3)
                .seqLen(16).build();
    }

    static SudokuDataset data(int n) {
        return new SudokuDataset(new SudokuGenerator(SudokuGeometry.MINI, 3).generate(n, SudokuGenerator.Target.any(), "t"));
    }

    static int[] bits(float[] x) {
        int[] b = new int[x.length];
        for (int i = 0; i < x.length; i++) b[i] = Float.floatToRawIntBits(x[i]);
        return b;
    }

    static void same(String what, float[] eager, float[] graph) {
        assertArrayEquals(bits(eager), bits(graph), what + ": the replayed step differs from the eager one");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sudoku-mlp", "sudoku-att"})
    void aReplayedTrainingStepIsBitIdenticalToTheEagerStep(String preset) {
        needSim();
        TrmConfig c = small(preset);
        var d = data(6);
        TrainOptions o = TrainOptions.builder().batch(2).steps(10).lr(1e-3).warmupSteps(0).weightDecay(0.1).puzzleEmbLr(1e-2)
                .puzzleEmbWeightDecay(0.1).emaRate(0.9).seed(5).build();
        try (KernelDevice eager = KernelDevice.sim().graphs(false); KernelDevice graph = KernelDevice.sim().graphs(true)) {
            Trainer te = new Trainer(c, o, eager, new SudokuSource(d, 1, true));
            Trainer tg = new Trainer(c, o, graph, new SudokuSource(d, 1, true));
            KernelRuntime rg = graph.runtime(), re = eager.runtime();
            long perStepEager = -1, perStepAround = -1;
            for (int step = 1; step <= 2; step++) {
                long g0 = rg.graphLaunches(), l0 = rg.launches(), c0 = rg.hostDeviceCopies(), le0 = re.launches();
                te.trainStep();
                tg.trainStep();
                assertEquals(1, rg.graphLaunches() - g0, preset + " step " + step + ": graph launches");
                assertEquals(0, re.graphLaunches(), preset + ": the eager device launched a graph");
                assertEquals(3, rg.hostDeviceCopies() - c0, preset + " step " + step + ": copies other than the 3 fresh-sample uploads");
                long around = rg.launches() - l0, all = re.launches() - le0;
                // Outside the graph: selectRows ×3, resetCarry, the optimizer, SignSGD, EMA, haltUpdate, metrics.
                assertTrue(around <= 12, preset + ": " + around + " kernel launches outside the graph");
                assertTrue(all > 10 * around, preset + ": eager " + all + " launches vs " + around + " around the graph");
                if (step > 1) {
                    assertEquals(perStepEager, all, preset + ": eager launches per step changed");
                    assertEquals(perStepAround, around, preset + ": launches around the graph changed");
                }
                perStepEager = all;
                perStepAround = around;
                String s = preset + " step " + step;
                float[] grads = eager.toFloats(te.model.grads);
                assertTrue(java.util.Arrays.stream(bits(grads)).anyMatch(b -> b != 0), s + ": all-zero gradients");
                same(s + " gradients", grads, graph.toFloats(tg.model.grads));
                same(s + " weights after AdamATan2", eager.toFloats(te.weights.params), graph.toFloats(tg.weights.params));
                same(s + " EMA weights", eager.toFloats(te.evalParams()), graph.toFloats(tg.evalParams()));
                same(s + " puzzle table after SignSGD", eager.toFloats(te.weights.puzzleTable), graph.toFloats(tg.weights.puzzleTable));
                Metrics me = te.takeMetrics(), mg = tg.takeMetrics();
                assertEquals(me, mg, s + ": metrics (lm loss, q_halt loss, accuracies, steps)");
                assertTrue(me.lmLoss() > 0, s + ": lm loss " + me.lmLoss());
            }
            System.out.printf("  %s training step: eager %d launches; replayed 1 graph launch + %d launches around it%n",
                    preset, perStepEager, perStepAround);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sudoku-mlp", "sudoku-att"})
    void aReplayedInferenceStepIsBitIdenticalToTheEagerStep(String preset) {
        needSim();
        TrmConfig c = small(preset).toBuilder().haltMaxSteps(2).build();
        int B = 2;
        var d = data(3);
        List<Sample> samples = new java.util.ArrayList<>();
        var src = new SudokuSource(d, 1, false);
        for (int i = 0; i < 3; i++) samples.add(src.sample(i));  // two batches of 2 (the last padded)
        try (KernelDevice eager = KernelDevice.sim().graphs(false); KernelDevice graph = KernelDevice.sim().graphs(true)) {
            Inference ie = new Inference(new TrmModel(new TrmWeights(c, eager).initialize(3)), B);
            Inference ig = new Inference(new TrmModel(new TrmWeights(c, graph).initialize(3)), B);
            KernelRuntime rg = graph.runtime();
            long g0 = rg.graphLaunches(), l0 = rg.launches();
            List<Inference.Answer> ae = ie.solve(samples, true, true), ag = ig.solve(samples, true, true);
            long replays = rg.graphLaunches() - g0, argmaxes = rg.launches() - l0;
            assertEquals(samples.size(), ag.size());
            long stepsRun = 0;
            for (int i = 0; i < ae.size(); i++) {
                var e = ae.get(i);
                var g = ag.get(i);
                String s = preset + " sample " + i;
                assertArrayEquals(e.prediction(), g.prediction(), s + ": answer");
                assertEquals(e.stepsUsed(), g.stepsUsed(), s + ": steps used");
                assertEquals(Float.floatToRawIntBits(e.qHalt()), Float.floatToRawIntBits(g.qHalt()), s + ": q_halt " + e.qHalt() + " vs " + g.qHalt());
                assertEquals(e.halted(), g.halted(), s + ": halted");
                assertEquals(e.trace().size(), g.trace().size(), s + ": trace length");
                for (int k = 0; k < e.trace().size(); k++) assertArrayEquals(e.trace().get(k), g.trace().get(k), s + ": answer after step " + (k + 1));
            }
            // every step of a batch is one replay; beside it, one argmax per step and one carry reset per batch
            int batches = 0;
            for (int from = 0; from < ag.size(); from += B, batches++)
                stepsRun += ag.subList(from, Math.min(ag.size(), from + B)).stream().mapToInt(a -> a.trace().size()).max().orElseThrow();
            assertEquals(stepsRun, replays, preset + ": graph launches for " + stepsRun + " supervision steps");
            assertEquals(stepsRun + batches, argmaxes, preset + ": launches beside the graphs (argmax per step, resetCarry per batch)");
            // evaluation: another step kind (with loss) on the same workspace, recorded once more
            long before = rg.graphLaunches();
            List<Sample> first = samples.subList(0, B);
            Metrics me = ie.evaluate(first), mg = ig.evaluate(first);
            assertEquals(me, mg, preset + ": evaluation metrics");
            assertEquals(c.haltMaxSteps(), rg.graphLaunches() - before, preset + ": N_sup replays for one batch");
        }
    }
}
