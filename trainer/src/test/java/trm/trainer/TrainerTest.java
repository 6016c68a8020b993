package trm.trainer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import trm.engine.Device;
import trm.engine.TrmException;
import trm.engine.cpu.CpuDevice;
import trm.engine.io.Safetensors;
import trm.engine.io.TensorEntry;
import trm.engine.model.PosEncoding;
import trm.engine.model.TrmConfig;
import trm.trainer.data.SampleSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainerTest {
    static TrmConfig tiny() {
        return TrmConfig.builder().hiddenSize(32).numHeads(2).expansion(2).layers(1).hCycles(2).lCycles(2).mlpT(true)
                .posEncoding(PosEncoding.NONE).puzzleEmbLen(1).haltMaxSteps(4).seqLen(6).vocabSize(5).build();
    }

    static TrainOptions options(long steps) {
        return TrainOptions.builder().batch(8).steps(steps).lr(3e-3).warmupSteps(5).weightDecay(0.01).puzzleEmbLr(3e-3)
                .puzzleEmbWeightDecay(0.01).emaRate(0.9).seed(7).build();
    }

    @Test
    void resumedRunIsBitIdenticalToAnUninterruptedOne(@TempDir Path dir) {
        Device dev = new CpuDevice();
        SampleSource data = new SyntheticSource(6, 5, 1);
        Trainer whole = new Trainer(tiny(), options(8), dev, data);
        for (int i = 0; i < 8; i++) whole.trainStep();
        whole.save(dir.resolve("whole.safetensors"));

        Trainer first = new Trainer(tiny(), options(8), dev, data);
        for (int i = 0; i < 3; i++) first.trainStep();
        Path ckpt = dir.resolve("half.safetensors");
        first.save(ckpt);
        Trainer resumed = Trainer.resume(ckpt, dev, data, 0);
        assertEquals(3, resumed.step());
        while (!resumed.done()) resumed.trainStep();
        resumed.save(dir.resolve("resumed.safetensors"));

        var a = Safetensors.read(dir.resolve("whole.safetensors"));
        var b = Safetensors.read(dir.resolve("resumed.safetensors"));
        assertEquals(a.tensors().keySet(), b.tensors().keySet());
        for (String name : a.tensors().keySet()) {
            TensorEntry x = a.require(name), y = b.require(name);
            assertArrayEquals(x.data(), y.data(), name + " differs after resume");
        }
        assertEquals(a.metadata(), b.metadata());
    }

    @Test
    void lossFallsOnASmallTask() {
        Device dev = new CpuDevice();
        Trainer t = new Trainer(tiny(), options(150), dev, new SyntheticSource(6, 5, 3));
        for (int i = 0; i < 20; i++) t.trainStep();
        double early = t.takeMetrics().lmLoss();
        while (!t.done()) t.trainStep();
        Metrics late = t.takeMetrics();
        assertTrue(late.lmLoss() < 0.7 * early, "lm loss " + early + " → " + late.lmLoss());
        var test = LongStream.range(0, 64).mapToObj(k -> new SyntheticSource(6, 5, 99).sample(k)).toList();
        Metrics eval = t.evaluate(test, 16);
        assertEquals(64, eval.count());
        assertTrue(eval.accuracy() > 0.4, "token accuracy " + eval.accuracy() + " (chance is 0.25)");
    }

    @Test
    void scheduleMatchesTheReference() {
        assertEquals(1e-4 / 2000, TrainOptions.scheduledLr(1e-4, 1, 2000, 65100, 1.0), 1e-18);
        assertEquals(1e-4, TrainOptions.scheduledLr(1e-4, 2000, 2000, 65100, 1.0), 1e-18);
        assertEquals(1e-4, TrainOptions.scheduledLr(1e-4, 60000, 2000, 65100, 1.0), 1e-18, "lr_min_ratio 1: constant");
        assertEquals(0.55e-4, TrainOptions.scheduledLr(1e-4, 3000, 1000, 5000, 0.1), 1e-12, "half way down the cosine");
        assertEquals(0.1e-4, TrainOptions.scheduledLr(1e-4, 5000, 1000, 5000, 0.1), 1e-12);
    }

    @Test
    void optionsDefaultToTheReferenceSudokuRunAndKeepTheirJsonNames() {
        TrainOptions d = TrainOptions.builder().build();
        assertEquals(768, d.batch());
        assertEquals(65_100, d.steps());
        assertEquals(1e-4, d.lr());
        assertEquals(2000, d.warmupSteps());
        assertEquals(1.0, d.weightDecay());
        assertEquals(Optimizer.ADAM_ATAN2, d.optimizer());
        assertTrue(d.ema());
        assertEquals(0.999, d.emaRate());
        assertEquals(d.toBuilder().steps(10).build(), d.withSteps(10));
        // train_options as checkpoints store them
        String stored = "{\"global_batch_size\":8,\"total_steps\":8,\"lr\":0.003,\"lr_min_ratio\":1.0,\"lr_warmup_steps\":5,"
                + "\"beta1\":0.9,\"beta2\":0.95,\"weight_decay\":0.01,\"puzzle_emb_lr\":0.003,\"puzzle_emb_weight_decay\":0.01,"
                + "\"optimizer\":\"adam-atan2\",\"adamw_eps\":1.0E-8,\"ema\":true,\"ema_rate\":0.9,\"seed\":7}";
        assertEquals(options(8), TrainOptions.fromJson(stored, "test"));
        assertEquals(stored, options(8).toJson());
        var e = assertThrows(TrmException.class, () -> TrainOptions.fromJson(stored.replace("adam-atan2", "sgd"), "t.json"));
        assertTrue(e.getMessage().contains("unknown optimizer 'sgd'"), e.getMessage());
    }

    @Test
    void mismatchedDataIsRefusedClearly(@TempDir Path dir) throws Exception {
        Device dev = new CpuDevice();
        var e = assertThrows(TrmException.class, () -> new Trainer(tiny(), options(1), dev, new SyntheticSource(9, 5, 1)));
        assertTrue(e.getMessage().contains("seq_len"), e.getMessage());
        Path bad = dir.resolve("bad.safetensors");
        Files.write(bad, new byte[]{1, 2, 3});
        var e2 = assertThrows(TrmException.class, () -> Trainer.resume(bad, dev, new SyntheticSource(6, 5, 1), 0));
        assertTrue(e2.getMessage().contains("bad.safetensors"), e2.getMessage());
    }

    @Test
    void aTrainingStepAllocatesNothingAndCopiesOnlyFreshSamples() {
        Device dev = new CpuDevice();
        Trainer t = new Trainer(tiny(), options(10), dev, new SyntheticSource(6, 5, 1));
        t.trainStep();
        long allocs = dev.allocations(), copies = dev.transfers();
        for (int i = 0; i < 5; i++) t.trainStep();
        assertEquals(allocs, dev.allocations(), "device buffers allocated inside training steps");
        assertEquals(copies + 5 * 3, dev.transfers(), "one upload each of tokens, labels and puzzle ids per step, nothing else");
        t.takeMetrics();
        assertEquals(copies + 5 * 3 + 1, dev.transfers(), "metrics: one download when asked");
    }
}
