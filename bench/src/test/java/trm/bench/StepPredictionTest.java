package trm.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import trm.engine.model.TrmConfig;

/** The roofline arithmetic of the step prediction. */
class StepPredictionTest {
    @Test void rooflineTimes() {
        var m = StepPrediction.Machine.H200;
        var d = StepPrediction.Design.TODAY;
        // a big compute-bound GEMM: FLOPs / peak / efficiency
        var big = StepPrediction.gemm(KernelCounts.linearForward("x", 768 * 97, 512, 1536, false), 10_000);
        assertEquals(big.count().flops() / (m.bf16Tflops() * 1e12) / d.gemm(), StepPrediction.seconds(big, m, d), 1e-12);
        // the same on 66 blocks: half the tensor cores, twice the time
        var half = StepPrediction.gemm(big.count(), 66);
        assertEquals(2 * StepPrediction.seconds(big, m, d), StepPrediction.seconds(half, m, d), 1e-12);
        // a tiny kernel costs a launch
        var tiny = StepPrediction.mem(KernelCounts.add(16));
        assertEquals(m.launchMicros() * 1e-6, StepPrediction.seconds(tiny, m, d), 1e-15);
        // the step's kernels: the inference step is a strict part of the training step
        TrmConfig c = TrmConfig.preset("sudoku-mlp");
        assertTrue(StepPrediction.step(c, 768, true).size() > StepPrediction.step(c, 768, false).size());
        assertTrue(StepPrediction.seconds(StepPrediction.step(c, 768, true), m, d) > StepPrediction.seconds(StepPrediction.step(c, 768, false), m, d));
    }

    /** The tensor-core attention is priced against the bf16 peak; the other kernels do not change. */
    @Test void tensorCoreAttention() {
        var m = StepPrediction.Machine.H200;
        var d = StepPrediction.Design.TODAY;
        double e = StepPrediction.TENSOR_CORE_ATTENTION_EFFICIENCY;
        var att = new StepPrediction.Kernel(KernelCounts.attentionForward(768, 916, 8), StepPrediction.Kind.ATTENTION, 0);
        assertEquals(att.count().flops() / (m.bf16Tflops() * 1e12) / e, StepPrediction.secondsWithTensorCoreAttention(att, m, d, e), 1e-12);
        var big = StepPrediction.gemm(KernelCounts.linearForward("x", 768 * 97, 512, 1536, false), 10_000);
        assertEquals(StepPrediction.seconds(big, m, d), StepPrediction.secondsWithTensorCoreAttention(big, m, d, e), 0);
        TrmConfig maze = TrmConfig.preset("maze-att"), mlp = TrmConfig.preset("sudoku-mlp");
        var ks = StepPrediction.step(maze, 768, true);
        assertTrue(StepPrediction.secondsWithTensorCoreAttention(ks, m, d, e) < StepPrediction.seconds(ks, m, d) / 2,
                "L = 916 steps are dominated by the attention");
        var mk = StepPrediction.step(mlp, 768, true);
        assertEquals(StepPrediction.seconds(mk, m, d), StepPrediction.secondsWithTensorCoreAttention(mk, m, d, e), 1e-12);
    }

    /** After issue 12: GEMMs priced at the pipelined efficiency, attention on the tensor cores, graph-launched kernels. */
    @Test void afterIssue12() {
        var m = StepPrediction.Machine.H200;
        double e = StepPrediction.PIPELINED_GEMM_EFFICIENCY;
        var big = StepPrediction.gemm(KernelCounts.linearForward("x", 768 * 97, 512, 1536, false), 10_000);
        assertEquals(big.count().flops() / (m.bf16Tflops() * 1e12) / e, StepPrediction.secondsAfterIssue12(java.util.List.of(big), m), 1e-12);
        // a tiny kernel costs its minimum time, no longer the host launch
        var tiny = StepPrediction.mem(KernelCounts.add(16));
        assertEquals(Math.max(StepPrediction.GRAPH_LAUNCH_MICROS, m.minKernelMicros()) * 1e-6,
                StepPrediction.secondsAfterIssue12(java.util.List.of(tiny), m), 1e-15);
        for (String p : TrmConfig.PRESETS) {
            TrmConfig c = TrmConfig.preset(p);
            var ks = StepPrediction.step(c, 768, true);
            assertTrue(StepPrediction.secondsAfterIssue12(ks, m) < StepPrediction.seconds(ks, m, StepPrediction.Design.TODAY), p);
        }
    }
}
