package trm.trainer;

import org.junit.jupiter.api.Test;
import trm.engine.cpu.CpuDevice;
import trm.engine.model.PosEncoding;
import trm.engine.model.TrmConfig;
import trm.trainer.data.sudoku.SudokuCanonical;
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

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The trainer really learns: a tiny TRM (64 wide, MLP-mixer, T=2, n=2, N_sup=4) trained with
 * deep supervision on generated 4×4 Sudoku solves ≥ 95% of held-out puzzles exactly, on the cpu,
 * in a couple of minutes. Held-out puzzles are disjoint from the training ones under the symmetry
 * group the training augmentation draws from ({@link SudokuCanonical}): whole classes are held out.
 */
class LearnsSudokuTest {
    @Test
    void tinyModelSolvesHeldOut4x4Sudoku() {
        var g = SudokuGeometry.MINI;
        // 4×4 minimal puzzles fall in 36 classes under the augmentation group: hold out every fifth class, so
        // that no test puzzle is an augmentation of a training one (the augmentation would show it in training)
        SudokuCanonical canonical = new SudokuCanonical(g);
        List<SudokuExample> drawn = new SudokuGenerator(g, 1).generate(2000, SudokuGenerator.Target.any(), "drawn");
        List<String> classes = drawn.stream().map(e -> canonical.of(e.question())).distinct().sorted().toList();
        Set<String> heldOut = new HashSet<>();
        for (int i = 0; i < classes.size(); i += 5) heldOut.add(classes.get(i));
        List<SudokuExample> train = drawn.stream().filter(e -> !heldOut.contains(canonical.of(e.question()))).toList();
        Set<String> seen = new HashSet<>();
        List<SudokuExample> test = drawn.stream().filter(e -> heldOut.contains(canonical.of(e.question())))
                .filter(e -> seen.add(Arrays.toString(e.question()))).limit(200).toList();
        Set<String> trainClasses = new HashSet<>();
        for (SudokuExample e : train) trainClasses.add(canonical.of(e.question()));
        for (SudokuExample e : test) assertFalse(trainClasses.contains(canonical.of(e.question())), "a test puzzle is equivalent to a training one");
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
