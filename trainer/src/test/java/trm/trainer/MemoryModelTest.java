package trm.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Locale;

import org.junit.jupiter.api.Test;

import trm.engine.Devices;
import trm.engine.ScratchSizes;
import trm.engine.model.MemoryModel;
import trm.engine.model.TrmConfig;

/**
 * The memory model at the reference's workloads, on the kernel devices' sizes (what a GPU holds),
 * without allocating: every preset at B = 768 and 4096, training and evaluation, the saved
 * activations against a count made here from the architecture, and each total against one
 * H200 (141 GB): every preset trains at 768 with at least 10% to spare.
 */
class MemoryModelTest {
    static final long H200 = 141_000_000_000L;
    /** ARC-AGI-1's puzzle identifiers after augmentation (≈876k; the reference's dataset builder). */
    static final int ARC_IDS = 876_406;

    private static final ScratchSizes CUDA = Devices.scratchSizes("cuda");

    static TrmConfig preset(String name) {
        TrmConfig c = TrmConfig.preset(name);
        return name.equals("arc-att") ? c.toBuilder().numPuzzleIdentifiers(ARC_IDS).build() : c;
    }

    private static long r16(long n) { return (n + 15) & ~15L; }

    /**
     * Bytes of the saved activations on the kernel devices, counted from the architecture: per
     * block h1 and out (plus qkv and attn for attention) in bf16 for attention, fp32 for the
     * MLP-mixer, rstd and the log-sum-exp in fp32, the MLP's gate_up and act not kept (recomputed in
     * backward); each tensor rounded to 16 elements.
     */
    static long savedBytes(TrmConfig c, int B) {
        long L = c.totalLen(), D = c.hiddenSize(), rows = B * L;
        long e = c.mlpT() ? 4 : 2;
        long block = e * (r16(rows * D) /* h1 */ + r16(rows * D) /* out */) + 4 * r16(rows) /* rstd2 */;
        if (c.mlpT()) {
            long It = c.interTokens();
            block += 4 * (r16((long) B * D) + r16(B * D * 2 * It) + r16(B * D * It));
        } else {
            block += 4 * r16(rows) + e * (r16(rows * 3 * D) /* qkv */ + r16(rows * D) /* attn */) + 4 * r16((long) B * c.numHeads() * L) /* lse */;
        }
        long apps = c.lCycles() + 1;
        return apps * (e * r16(rows * D) /* h0 */ + c.layers() * block);
    }

    @Test
    void everyPresetAtTheReferenceBatchesWithoutAllocating() {
        System.out.println("preset       batch  training GB  evaluation GB  (141 GB H200, kernel devices)");
        for (String name : TrmConfig.PRESETS)
            for (int B : new int[]{768, 4096}) {
                TrmConfig c = preset(name);
                MemoryModel train = MemoryModel.of(c, CUDA, "cuda", B, true), eval = MemoryModel.of(c, CUDA, "cuda", B, false);
                System.out.printf(Locale.ROOT, "%-12s %5d  %11.1f  %13.1f%n", name, B, train.total() / 1e9, eval.total() / 1e9);
                for (MemoryModel m : new MemoryModel[]{train, eval}) {
                    assertEquals(m.lines().stream().mapToLong(MemoryModel.Part::bytes).sum(), m.total());
                    assertTrue(m.lines().stream().allMatch(p -> p.bytes() >= 0), m.render());
                }
                assertEquals(savedBytes(c, B), train.bytes("saved activations"), name + " B=" + B + " saved activations");
                assertEquals(0, eval.bytes("saved activations"));
                assertTrue(eval.total() < train.total());
                if (B == 768) {
                    assertTrue(train.total() <= 0.9 * H200, name + " training at 768 fits with 10% to spare: " + train.render());
                    assertTrue(eval.total() <= 0.9 * H200, name + " evaluation at 768 fits: " + eval.render());
                }
            }
        long table = MemoryModel.of(preset("arc-att"), CUDA, "cuda", 768, true).bytes("puzzle table");
        assertEquals(4L * ARC_IDS * 512, table, "ARC-AGI-1's puzzle table, fp32");
    }

    /**
     * The kernel devices' step scratch (split-K partial sums, attention rows) is in the
     * workspaces the memory model counts: against the same sizes without it, the total grows by
     * exactly that buffer in the training workspace and in the trainer's evaluation workspace.
     */
    @Test
    void theStepScratchIsCountedInBothWorkspaces() {
        ScratchSizes without = new ScratchSizes() {
            @Override public long channelMlpScratch(int rows, int dim, int inter, boolean backward) { return CUDA.channelMlpScratch(rows, dim, inter, backward); }
            @Override public boolean channelMlpRecomputes() { return CUDA.channelMlpRecomputes(); }
            @Override public long attentionMixScratch(int batch, int len, int dim, boolean backward) { return CUDA.attentionMixScratch(batch, len, dim, backward); }
            @Override public int[] attentionSaveShape(int batch, int heads, int len) { return CUDA.attentionSaveShape(batch, heads, len); }
            @Override public trm.engine.DType activationDType(boolean tokenMixer) { return CUDA.activationDType(tokenMixer); }
            @Override public long tokenMixScratch(int batch, int len, int dim, int inter) { return CUDA.tokenMixScratch(batch, len, dim, inter); }
        };
        for (String name : new String[] {"sudoku-mlp", "sudoku-att"}) {
            TrmConfig c = preset(name);
            int B = 768, evalB = MemoryModel.TRAIN_EVAL_BATCH;
            long train = CUDA.stepScratch(new ScratchSizes.StepShape(B, c.totalLen(), c.hiddenSize(), c.interChannels(),
                    c.mlpT() ? c.interTokens() : 0, c.numHeads(), c.vocabSize(), c.mlpT(), true));
            long eval = CUDA.stepScratch(new ScratchSizes.StepShape(evalB, c.totalLen(), c.hiddenSize(), c.interChannels(),
                    c.mlpT() ? c.interTokens() : 0, c.numHeads(), c.vocabSize(), c.mlpT(), false));
            MemoryModel with = MemoryModel.of(c, CUDA, "cuda", B, true), none = MemoryModel.of(c, without, "cuda", B, true);
            System.out.printf(Locale.ROOT, "%-12s step scratch at %d: %.1f MB training, %.1f MB evaluation (batch %d)%n", name, B,
                    4e-6 * train, 4e-6 * eval, evalB);
            assertTrue(train > 0, name);
            assertEquals(4 * r16(train) + 4 * r16(eval), with.total() - none.total(), name + ": " + with.render());
            assertTrue(with.render().contains("device step scratch"), with.render());
        }
    }

    @Test
    void theLargestBatchFitsAndOneMoreDoesNot() {
        for (String name : TrmConfig.PRESETS) {
            TrmConfig c = preset(name);
            int b = MemoryModel.maxBatch(c, CUDA, "cuda", true, H200);
            System.out.printf(Locale.ROOT, "%-12s largest training batch in 141 GB: %d%n", name, b);
            assertTrue(b > 0, name);
            assertTrue(MemoryModel.of(c, CUDA, "cuda", b, true).total() <= H200);
            assertTrue(MemoryModel.of(c, CUDA, "cuda", b + 1, true).total() > H200);
        }
    }
}
