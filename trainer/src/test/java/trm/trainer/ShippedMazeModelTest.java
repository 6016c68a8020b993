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
        SafetensorsFile f = Safetensors.read(WEIGHTS);
        TrmConfig stored = ModelCheckpoint.config(f);
        assertEquals(TrmConfig.read(CONFIG), stored, "the JSON beside the weights is their config");
        assertEquals(TrmConfig.builder().hiddenSize(64).hCycles(2).lCycles(2).mlpT(true).posEncoding(PosEncoding.NONE).puzzleEmbLen(1)
                .puzzleEmbNdim(64).haltMaxSteps(6).seqLen(64).vocabSize(MazeCell.VOCAB_SIZE).build(), stored);
        TrmWeights w = new TrmWeights(stored, new CpuDevice());
        ModelCheckpoint.load(f, w, w.params);

        var target = MazeGenerator.Target.minPath(8);
        List<MazeExample> train = MazeGenerator.generate(8, 8, 4000, target, 11, "train");
        List<MazeExample> test = MazeCanon.heldOut(train, MazeGenerator.generate(8, 8, 100, target, 99, "test"));
        assertEquals(100, test.size(), "no test maze is a training maze under the 8 transforms");
        List<int[]> answers = new Inference(new TrmModel(w), 100).solve(new MazeDataset(test).testSamples(), false, false)
                .stream().map(Inference.Answer::prediction).toList();
        MazeScore score = MazeScore.of(test, answers);
        System.out.println("shipped 8x8 maze model on 100 held-out mazes: " + score.summary());
        assertTrue(score.exactAccuracy() >= 0.90, "exact on held-out mazes: " + score.summary());
    }

    /**
     * The shipped attention maze model ({@code weights/maze6-att.safetensors}: rope2d, rope_theta
     * 100, trained on gen-maze:6:2000:6:1 as weights/README.md says) solves 100 held-out 6×6 mazes
     * (seed 99, none a training maze under the 8 transforms), asserted ≥ 90% exact.
     */
    @Test
    void shippedAttentionMazeModelSolvesHeldOutMazes() {
        SafetensorsFile f = Safetensors.read(Path.of("../weights/maze6-att.safetensors"));
        TrmConfig stored = ModelCheckpoint.config(f);
        assertEquals(TrmConfig.read(Path.of("../weights/maze6-att.json")), stored, "the JSON beside the weights is their config");
        assertEquals(PosEncoding.ROPE2D, stored.posEncoding());
        assertEquals(false, stored.mlpT(), "the attention variant");
        TrmWeights w = new TrmWeights(stored, new CpuDevice());
        ModelCheckpoint.load(f, w, w.params);
        var target = MazeGenerator.Target.minPath(6);
        List<MazeExample> train = MazeGenerator.generate(6, 6, 2000, target, 1, "train");
        List<MazeExample> test = MazeCanon.heldOut(train, MazeGenerator.generate(6, 6, 100, target, 99, "test"));
        assertTrue(test.size() >= 95, "held-out mazes left: " + test.size());
        List<int[]> answers = new Inference(new TrmModel(w), test.size()).solve(new MazeDataset(test).testSamples(), false, false)
                .stream().map(Inference.Answer::prediction).toList();
        MazeScore score = MazeScore.of(test, answers);
        System.out.println("shipped 6x6 attention maze model on " + test.size() + " held-out mazes: " + score.summary());
        assertTrue(score.exactAccuracy() >= 0.90, "exact on held-out mazes: " + score.summary());
    }
}
