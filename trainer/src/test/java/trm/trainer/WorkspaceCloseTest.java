package trm.trainer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static trm.trainer.SimGraphReplayTest.bits;
import static trm.trainer.SimGraphReplayTest.needSim;

import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import trm.engine.Tensor;
import trm.engine.TrmException;
import trm.engine.model.TrmConfig;
import trm.engine.model.TrmModel;
import trm.engine.model.TrmWeights;
import trm.engine.model.Workspace;
import trm.kernels.KernelDevice;
import trm.kernels.runtime.KernelRuntime;
import trm.trainer.data.Sample;
import trm.trainer.data.sudoku.SudokuSource;
import trm.trainer.serve.SlotScheduler;

/**
 * A workspace's life on the simulator: closing it destroys the graphs the model recorded on it
 * ({@link KernelRuntime#liveGraphs()}, {@link TrmModel#recordedGraphs()}) and frees exactly its
 * arena ({@link KernelRuntime#allocatedBytes()}); another workspace's graph still replays bit
 * for bit; a new workspace records afresh and computes what the closed one did; a step, a carry
 * reset, a solve or a training step on a closed workspace is refused in one line. The trainer,
 * the inference runner and the slot scheduler close what they made.
 */
class WorkspaceCloseTest {
    static final int B = 2;

    /** Every output of a step on {@code ws}, as raw bits (training: the gradients too). */
    static int[][] outputs(KernelDevice dev, TrmModel model, Workspace ws) {
        List<Tensor> ts = ws.training ? List.of(model.grads, ws.y, ws.z, ws.logits, ws.q, ws.stats) : List.of(ws.y, ws.z, ws.logits, ws.q);
        return ts.stream().map(t -> bits(dev.toFloats(t))).toArray(int[][]::new);
    }

    /** Fixed random tokens and labels into {@code ws}, carry reset. */
    static void feed(KernelDevice dev, TrmModel model, Workspace ws) {
        TrmConfig c = model.config;
        SplittableRandom r = new SplittableRandom(11);
        dev.upload(ws.tokens, r.ints((long) B * c.seqLen(), 1, c.vocabSize()).toArray());
        dev.upload(ws.labels, r.ints((long) B * c.seqLen(), 1, c.vocabSize()).toArray());
        model.resetCarry(ws);
    }

    static void step(TrmModel model, Workspace ws) {
        model.step(ws, true, ws.training, ws.training ? 1f / B : 0f);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sudoku-mlp", "sudoku-att"})
    void closingAWorkspaceDestroysItsGraphsAndFreesItsArena(String preset) {
        needSim();
        try (KernelDevice dev = KernelDevice.sim().graphs(true)) {
            KernelRuntime rt = dev.runtime();
            TrmModel model = new TrmModel(new TrmWeights(SimGraphReplayTest.small(preset), dev).initialize(3));
            Workspace training = model.workspace(B, true), inference = model.workspace(B, false);
            feed(dev, model, training);
            feed(dev, model, inference);
            step(model, training);
            model.step(training, false, false, 0f); // a second kind on the same workspace: its own graph
            feed(dev, model, training);
            step(model, training);
            int[][] trainingOut = outputs(dev, model, training);
            step(model, inference);
            int[][] inferenceOut = outputs(dev, model, inference);
            assertEquals(3, rt.liveGraphs(), preset + ": graphs before the close");
            assertEquals(3, model.recordedGraphs(), preset + ": graphs the model holds before the close");

            long held = rt.allocatedBytes();
            training.close();
            assertTrue(training.closed());
            assertEquals(1, rt.liveGraphs(), preset + ": the closed workspace's two graphs were destroyed");
            assertEquals(1, model.recordedGraphs(), preset + ": the model forgot them");
            assertEquals(training.arena.bytes(), held - rt.allocatedBytes(), preset + ": bytes freed by the close (the arena)");
            training.close(); // idempotent
            assertEquals(1, rt.liveGraphs());

            // the other workspace's graph replays as before, bit for bit, without recording again
            feed(dev, model, inference);
            long replays = rt.graphLaunches();
            step(model, inference);
            assertEquals(1, rt.graphLaunches() - replays, preset + ": one replay");
            assertEquals(1, rt.liveGraphs(), preset + ": nothing recorded again");
            int[][] again = outputs(dev, model, inference);
            for (int i = 0; i < again.length; i++) assertArrayEquals(inferenceOut[i], again[i], preset + ": inference output " + i + " after the close");

            // a step on the closed workspace: one line, nothing launched
            long launches = rt.launches();
            replays = rt.graphLaunches();
            var e = assertThrows(TrmException.class, () -> step(model, training));
            assertEquals("step on a closed workspace (batch 2, training): its buffers and recorded graphs were released; "
                    + "allocate a new one with TrmModel.workspace", e.getMessage());
            assertThrows(TrmException.class, () -> model.resetCarry(training));
            assertEquals(launches, rt.launches(), preset + ": launches after the refusals");
            assertEquals(replays, rt.graphLaunches(), preset + ": replays after the refusals");

            // a new workspace records afresh (on memory the closed one may have held) and computes the same step
            try (Workspace fresh = model.workspace(B, true)) {
                feed(dev, model, fresh);
                step(model, fresh);
                assertEquals(2, rt.liveGraphs(), preset + ": the new workspace's graph");
                int[][] out = outputs(dev, model, fresh);
                for (int i = 0; i < out.length; i++) assertArrayEquals(trainingOut[i], out[i], preset + ": training output " + i + " on the new workspace");
            }
            assertEquals(1, rt.liveGraphs(), preset + ": try-with-resources closed the new workspace");
            inference.close();
            assertEquals(0, rt.liveGraphs());
            assertEquals(0, model.recordedGraphs());
        }
    }

    @Test
    void eagerDevicesCloseToo() {
        needSim();
        try (KernelDevice dev = KernelDevice.sim().graphs(false)) {
            KernelRuntime rt = dev.runtime();
            TrmModel model = new TrmModel(new TrmWeights(SimGraphReplayTest.small("sudoku-mlp"), dev).initialize(3));
            Workspace ws = model.workspace(B, true);
            feed(dev, model, ws);
            step(model, ws);
            assertEquals(0, rt.liveGraphs());
            assertEquals(0, model.recordedGraphs());
            long held = rt.allocatedBytes();
            ws.close();
            assertEquals(ws.arena.bytes(), held - rt.allocatedBytes(), "bytes freed by the close");
            assertThrows(TrmException.class, () -> step(model, ws));
        }
    }

    @Test
    void theTrainerInferenceAndSchedulerCloseWhatTheyMade() throws Exception {
        needSim();
        TrmConfig c = SimGraphReplayTest.small("sudoku-mlp");
        var d = SimGraphReplayTest.data(6);
        TrainOptions o = TrainOptions.builder().batch(B).steps(10).lr(1e-3).warmupSteps(0).seed(5).build();
        try (KernelDevice dev = KernelDevice.sim().graphs(true)) {
            KernelRuntime rt = dev.runtime();
            var src = new SudokuSource(d, 1, false);
            List<Sample> samples = List.of(src.sample(0), src.sample(1), src.sample(2));
            Trainer t = new Trainer(c, o, dev, new SudokuSource(d, 1, true));
            t.trainStep();
            t.evaluate(samples, 2);
            assertEquals(2, rt.liveGraphs(), "training step + evaluation step");
            t.evaluate(samples, 3); // another batch: the batch-2 evaluation workspace is closed, not leaked
            assertEquals(2, rt.liveGraphs(), "after the evaluation batch changed");
            t.close();
            assertEquals(0, rt.liveGraphs(), "after Trainer.close");
            assertThrows(TrmException.class, t::trainStep);

            TrmModel model = t.model;
            Inference inf = new Inference(model, 2);
            inf.solve(samples, false, false);
            assertEquals(1, rt.liveGraphs());
            inf.close();
            assertEquals(0, rt.liveGraphs(), "after Inference.close");
            var e = assertThrows(TrmException.class, () -> inf.solve(samples, false, false));
            assertTrue(e.getMessage().startsWith("solve on a closed workspace"), e.getMessage());

            long open = rt.allocatedBytes();
            SlotScheduler s = new SlotScheduler(model, 2, 4);
            s.solveAll(samples.stream().map(Sample::inputs).toList(), s.options(false, false));
            assertEquals(1, rt.liveGraphs());
            s.close();
            assertEquals(0, rt.liveGraphs(), "after SlotScheduler.close");
            assertEquals(open, rt.allocatedBytes(), "the scheduler freed its workspace and buffers");
            assertTrue(s.closed());
        }
    }
}
