package trm.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import trm.engine.cpu.CpuDevice;
import trm.engine.io.ModelCheckpoint;
import trm.engine.io.Safetensors;
import trm.engine.io.SafetensorsFile;
import trm.engine.model.PosEncoding;
import trm.engine.model.TrmConfig;
import trm.engine.model.TrmModel;
import trm.engine.model.TrmWeights;
import trm.trainer.data.maze.MazeCanon;
import trm.trainer.data.maze.MazeCell;
import trm.trainer.data.maze.MazeDataset;
import trm.trainer.data.maze.MazeExample;
import trm.trainer.data.maze.MazeGenerator;
import trm.trainer.data.maze.MazeScore;

/**
 * The shipped maze model ({@code weights/maze8-mlp.safetensors}, trained and measured as
 * weights/README.md says) loads with the config its JSON gives and still solves held-out mazes:
 * 100 generated 8×8 mazes (seed 99) that share no maze, under the 8 transforms, with its 4000
 * training mazes (gen-maze:8:4000:8:11), all N_sup supervision steps: 95/100 exact when
 * written, asserted ≥ 90 (the 500-maze figure in weights/README.md is 96%). Guards the file, the
 * loader and inference together; about 10 s on the loaded 2-core machine.
 */
class ShippedMazeModelTest {
    private static final Path WEIGHTS = Path.of("../weights/maze8-mlp.safetensors");
    private static final Path CONFIG = Path.of("../weights/maze8-mlp.json");

    @Test
    void shippedMazeModelSolvesHeldOutMazes() {
        TrmConfig stored = ModelCheckpoint.config(Safetensors.read(WEIGHTS));
        assertEquals(TrmConfig.builder().hiddenSize(64).hCycles(2).lCycles(2).mlpT(true).posEncoding(PosEncoding.NONE).puzzleEmbLen(1)
                .puzzleEmbNdim(64).haltMaxSteps(6).seqLen(64).vocabSize(MazeCell.VOCAB_SIZE).build(), stored);
        MazeScore score = heldOutScore(WEIGHTS, CONFIG, 8, 4000, 11, 100);
        System.out.println("shipped 8x8 maze model on 100 held-out mazes: " + score.summary());
        assertTrue(score.exactAccuracy() >= 0.90, "exact on held-out mazes: " + score.summary());
    }

    /**
     * The shipped attention maze model ({@code weights/maze6-att.safetensors}: rope2d, rope_theta
     * 100, trained on gen-maze:6:2000:6:1 as weights/README.md says) solves 100 held-out 6×6 mazes
     * (seed 99, none a training maze under the 8 transforms): 93/100 when written, asserted ≥ 90%.
     */
    @Test
    void shippedAttentionMazeModelSolvesHeldOutMazes() {
        Path weights = Path.of("../weights/maze6-att.safetensors");
        TrmConfig stored = ModelCheckpoint.config(Safetensors.read(weights));
        assertEquals(PosEncoding.ROPE2D, stored.posEncoding());
        assertEquals(false, stored.mlpT(), "the attention variant");
        MazeScore score = heldOutScore(weights, Path.of("../weights/maze6-att.json"), 6, 2000, 1, 95);
        System.out.println("shipped 6x6 attention maze model on held-out mazes: " + score.summary());
        assertTrue(score.exactAccuracy() >= 0.90, "exact on held-out mazes: " + score.summary());
    }

    /**
     * Loads {@code weights} (its stored config must equal the JSON beside it) and scores it on 100
     * generated side×side mazes (seed 99, min path = side) minus any that is one of the
     * {@code trainCount} training mazes of {@code trainSeed} under the 8 transforms; at least
     * {@code minHeldOut} must remain.
     */
    private static MazeScore heldOutScore(Path weights, Path config, int side, int trainCount, long trainSeed, int minHeldOut) {
        SafetensorsFile f = Safetensors.read(weights);
        TrmConfig stored = ModelCheckpoint.config(f);
        assertEquals(TrmConfig.read(config), stored, "the JSON beside the weights is their config");
        TrmWeights w = new TrmWeights(stored, new CpuDevice());
        ModelCheckpoint.load(f, w, w.params);
        var target = MazeGenerator.Target.minPath(side);
        List<MazeExample> train = MazeGenerator.generate(side, side, trainCount, target, trainSeed, "train");
        List<MazeExample> test = MazeCanon.heldOut(train, MazeGenerator.generate(side, side, 100, target, 99, "test"));
        assertTrue(test.size() >= minHeldOut, "held-out mazes left: " + test.size());
        List<int[]> answers = new Inference(new TrmModel(w), test.size()).solve(new MazeDataset(test).testSamples(), false, false)
                .stream().map(Inference.Answer::prediction).toList();
        return MazeScore.of(test, answers);
    }
}
