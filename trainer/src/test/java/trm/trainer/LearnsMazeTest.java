package trm.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import trm.engine.cpu.CpuDevice;
import trm.engine.model.PosEncoding;
import trm.engine.model.TrmConfig;
import trm.trainer.data.Sample;
import trm.trainer.data.maze.MazeCanon;
import trm.trainer.data.maze.MazeCell;
import trm.trainer.data.maze.MazeDataset;
import trm.trainer.data.maze.MazeExample;
import trm.trainer.data.maze.MazeGenerator;
import trm.trainer.data.maze.MazeScore;
import trm.trainer.data.maze.MazeSource;

/**
 * Training on mazes, end to end on the cpu: a small attention TRM (64 wide, 4 heads of 16, RoPE,
 * T=2, n=2, N_sup=4) trained with dihedral augmentation on 2000 generated 8×8 mazes (unique
 * shortest path of at least 8 steps), evaluated on 200 held-out mazes that share no maze with the
 * training set under any of the 8 transforms.
 *
 * <p><b>What it does not show:</b> the goal, ≥ 90% exact on held-out mazes, is out of
 * reach in a CI budget on 2 cores. Measured (2026-11-30, shared 2-core machine): in this
 * configuration and three others (MLP-mixer, learned positions, lr 2e-3/3e-3, 6×6 to 8×8) the
 * attention model stays at 0% exact after 400–900 steps; held-out token accuracy climbs from
 * ~0.3 to the copy baseline (~0.87: every cell but the path) within 200 steps and then creeps above
 * it. So this test asserts what the budget does show — that the maze data, the augmentation, the
 * maze-att style model and the trainer fit together and learn the maze's structure — and prints
 * the exact and valid-shortest-path scores, so a future faster machine or longer run shows its
 * figure in the log.
 */
class LearnsMazeTest {
    @Test
    void smallAttentionModelLearnsTheMazeStructureOnHeldOutMazes() {
        var target = MazeGenerator.Target.minPath(8);
        List<MazeExample> train = MazeGenerator.generate(8, 8, 2000, target, 1, "train");
        List<MazeExample> test = MazeCanon.heldOut(train, MazeGenerator.generate(8, 8, 300, target, 2, "test"));
        assertTrue(test.size() >= 200, "enough held-out mazes: " + test.size());
        test = test.subList(0, 200);
        assertEquals(0, MazeCanon.overlap(train, test), "held-out mazes are new under all 8 transforms");

        TrmConfig config = TrmConfig.builder().hiddenSize(64).numHeads(4).expansion(4).layers(2).hCycles(2).lCycles(2)
                .posEncoding(PosEncoding.ROPE).puzzleEmbNdim(64).puzzleEmbLen(1).haltMaxSteps(4).seqLen(64)
                .vocabSize(MazeCell.VOCAB_SIZE).build();
        TrainOptions options = TrainOptions.builder().batch(32).steps(250).lr(1e-3).warmupSteps(20).weightDecay(0.1)
                .puzzleEmbLr(1e-3).puzzleEmbWeightDecay(0.1).emaRate(0.95).build();
        Trainer trainer = new Trainer(config, options, new CpuDevice(), new MazeSource(new MazeDataset(train), 0, true));
        List<Sample> samples = new MazeDataset(test).testSamples();
        Metrics before = trainer.evaluate(samples, 100);
        while (!trainer.done()) trainer.trainStep();
        Metrics after = trainer.evaluate(samples, 100);
        MazeScore score = MazeScore.of(test, trainer.predict(samples, 100));

        // The copy baseline: a model that reproduces the question gets every cell but the path's inner cells right.
        double pathCells = test.stream().mapToDouble(e -> e.rating() - 1).sum();
        double copyBaseline = 1 - pathCells / (64.0 * test.size());
        System.out.printf("8x8 mazes after %d steps: token accuracy %.4f (untrained %.4f, copy baseline %.4f), %s%n",
                trainer.step(), after.accuracy(), before.accuracy(), copyBaseline, score.summary());
        assertTrue(before.accuracy() < copyBaseline - 0.1, "the untrained model does not already copy: " + before.accuracy());
        assertTrue(after.accuracy() >= copyBaseline - 0.01, "token accuracy " + after.accuracy() + " reaches the copy baseline " + copyBaseline);
        assertTrue(after.lmLoss() < 0.5 * before.lmLoss(), "held-out loss " + after.lmLoss() + " vs untrained " + before.lmLoss());
        assertEquals(score.exact(), score.validShortest(), "generated mazes have one shortest path: valid means exact");
    }
}
