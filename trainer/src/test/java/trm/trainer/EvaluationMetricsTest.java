package trm.trainer;

import org.junit.jupiter.api.Test;
import trm.engine.cpu.CpuDevice;
import trm.engine.model.ParamLayout;
import trm.engine.model.TrmConfig;
import trm.engine.model.TrmModel;
import trm.engine.model.TrmWeights;
import trm.trainer.data.Sample;
import trm.trainer.data.SampleSource;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Evaluation with an unlabelled sample in the batch (issue 20, difference 3; the reference pads
 * its last evaluation batch with such samples): by default it adds to neither loss nor any
 * divisor; with reference metrics its q_halt BCE (target "correct") joins the sum while the
 * divisor stays the labelled count, as in the reference's evaluate().
 */
class EvaluationMetricsTest {
    static final String CONFIG = """
            {"hidden_size": 32, "num_heads": 2, "expansion": 2.0, "L_layers": 1, "H_cycles": 2, "L_cycles": 2,
             "mlp_t": true, "pos_encodings": "none", "puzzle_emb_ndim": 32, "puzzle_emb_len": 1, "halt_max_steps": 3,
             "halt_exploration_prob": 0.1, "no_ACT_continue": true, "rms_norm_eps": 1e-5, "rope_theta": 10000.0,
             "seq_len": 6, "vocab_size": 5, "num_puzzle_identifiers": 1, "loss_type": "stablemax"}""";

    @Test
    void unlabelledSamplesFollowTheChosenAveraging() {
        TrmConfig c = TrmConfig.fromJson(CONFIG, "test");
        var dev = new CpuDevice();
        TrmWeights w = new TrmWeights(c, dev).initialize(3);
        // A halting head that answers differently per sample, so every BCE term is distinct.
        SplittableRandom rng = new SplittableRandom(5);
        float[] qw = new float[2 * c.hiddenSize()];
        for (int i = 0; i < qw.length; i++) qw[i] = (float) rng.nextGaussian();
        dev.upload(w.param(ParamLayout.Q_HEAD_W), qw);
        TrmModel model = new TrmModel(w);
        SampleSource data = new SyntheticSource(6, 5, 1);
        List<Sample> labelled = new ArrayList<>();
        for (int k = 0; k < 3; k++) labelled.add(data.sample(k));
        Sample unlabelled = new Sample(data.sample(7).inputs(), new int[6], 0);
        List<Sample> mixed = new ArrayList<>(labelled);
        mixed.add(unlabelled);

        Inference inf = new Inference(model, 4);
        Metrics alone = inf.evaluate(labelled), ours = inf.evaluate(mixed), ref = inf.evaluate(mixed, true);
        assertEquals(3, ours.count());
        assertEquals(3, ref.count());
        // ours: the unlabelled sample changes nothing
        assertEquals(alone.lmLoss(), ours.lmLoss(), 1e-12);
        assertEquals(alone.qHaltLoss(), ours.qHaltLoss(), 1e-12);
        assertEquals(alone.accuracy(), ours.accuracy(), 1e-12);
        // reference: + softplus(−q_halt) of the unlabelled sample, over the 3 labelled ones
        float q = inf.solve(List.of(unlabelled), false, false).getFirst().qHalt();
        double bce = Math.log1p(Math.exp(-q));
        assertTrue(bce > 1e-3, "a BCE large enough to see: " + bce);
        assertEquals(alone.qHaltLoss() + bce / 3, ref.qHaltLoss(), 1e-6);
        assertEquals(alone.lmLoss(), ref.lmLoss(), 1e-12); // its lm loss is 0 in both
        // losses are per labelled sample, not diluted by the batch size
        double sum = 0;
        for (Sample s : labelled) sum += inf.evaluate(List.of(s)).lmLoss();
        assertEquals(sum / 3, alone.lmLoss(), 1e-6);
    }
}
