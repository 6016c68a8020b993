package trm.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import trm.engine.model.TrmConfig;
import trm.kernels.launch.Gemm;

/** The split-K rule at the reference batch: every GEMM of a Sudoku training step launches two waves. */
class StepGemmGridsTest {
    @Test void everyGemmOfASudokuTrainingStepAtBatch768LaunchesTwoWaves() {
        for (String p : new String[] {"sudoku-mlp", "sudoku-att"})
            for (var r : StepGemmGrids.rows(TrmConfig.preset(p), 768))
                assertTrue(r.blocks() >= Gemm.TARGET_BLOCKS, p + " " + r.op() + ": " + r.grid() + " = " + r.blocks() + " blocks");
    }

    @Test void theWeightGradientsAreTheSplitOnes() {
        var rows = StepGemmGrids.rows(TrmConfig.preset("sudoku-mlp"), 768);
        long split = rows.stream().filter(r -> r.slices() > 1).count();
        assertEquals(5, split, "mixer dW1, dW2, down dW, gate_up dW, lm_head dW: " + rows);
    }
}
