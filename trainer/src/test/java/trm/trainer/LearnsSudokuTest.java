package trm.trainer;

import org.junit.jupiter.api.Test;
import trm.engine.cpu.CpuDevice;
import trm.engine.model.PosEncoding;
import trm.engine.model.TrmConfig;
import trm.trainer.data.sudoku.SudokuDataset;
import trm.trainer.data.sudoku.SudokuExample;
import trm.trainer.data.sudoku.SudokuGenerator;
import trm.trainer.data.sudoku.SudokuGeometry;
import trm.trainer.data.sudoku.SudokuSource;
import trm.trainer.data.sudoku.SudokuTask;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The trainer really learns: a tiny TRM (64 wide, MLP-mixer, T=2, n=2, N_sup=4) trained with
 * deep supervision on generated 4×4 Sudoku solves ≥ 95% of held-out puzzles exactly, on the cpu,
 * in a couple of minutes. Held-out puzzles are generated from another seed and any that also
 * appear in the training set (as given) are dropped.
 */
class LearnsSudokuTest {
    @Test
    void tinyModelSolvesHeldOut4x4Sudoku() {
        var g = SudokuGeometry.MINI;
        List<SudokuExample> train = new SudokuGenerator(g, 1).generate(2000, SudokuGenerator.Target.any(), "train");
        Set<String> seen = new HashSet<>();
        for (SudokuExample e : train) seen.add(Arrays.toString(e.question()));
        List<SudokuExample> test = new SudokuGenerator(g, 2).generate(300, SudokuGenerator.Target.any(), "test").stream()
                .filter(e -> !seen.contains(Arrays.toString(e.question()))).limit(200).toList();
        assertTrue(test.size() >= 100, "enough distinct held-out puzzles: " + test.size());

        TrmConfig config = TrmConfig.builder().hiddenSize(64).numHeads(2).hCycles(2).lCycles(2).mlpT(true).posEncoding(PosEncoding.NONE)
                .puzzleEmbLen(1).haltMaxSteps(4).seqLen(g.cellCount()).vocabSize(SudokuTask.of(g).vocabSize()).build();
        TrainOptions options = TrainOptions.builder().batch(32).steps(400).lr(1e-3).warmupSteps(20).weightDecay(0.1).puzzleEmbLr(1e-3)
                .puzzleEmbWeightDecay(0.1).emaRate(0.95).build();
        Trainer trainer = new Trainer(config, options, new CpuDevice(), new SudokuSource(new SudokuDataset(train), 0, true));
        while (!trainer.done()) trainer.trainStep();
        Metrics m = trainer.evaluate(new SudokuDataset(test).testSamples(), 100);
        System.out.printf("4x4 Sudoku after %d steps: token accuracy %.4f, exact accuracy %.4f on %d held-out puzzles%n",
                trainer.step(), m.accuracy(), m.exactAccuracy(), m.count());
        assertTrue(m.exactAccuracy() >= 0.95, "exact accuracy " + m.exactAccuracy());
    }
}
