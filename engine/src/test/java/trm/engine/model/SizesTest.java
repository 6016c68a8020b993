package trm.engine.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import trm.engine.Devices;
import trm.engine.ScratchSizes;
import trm.engine.TensorArena;
import trm.engine.TrmException;
import trm.engine.cpu.CpuDevice;

/**
 * 64-bit sizes: the workspaces of the reference's shapes are measured (never allocated) past 2³¹
 * elements without overflow, absurd configs and batches are refused in one line naming the key
 * and the limit, and the measuring pass is the one that sizes a real arena.
 */
class SizesTest {
    private static final ScratchSizes CPU = Devices.scratchSizes("cpu");

    private static void oneLine(TrmException e, String... parts) {
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        for (String p : parts) assertTrue(e.getMessage().contains(p), "'" + p + "' in: " + e.getMessage());
    }

    @Test
    void theReferenceShapesMeasurePast2To31Elements() {
        // maze-att / arc-att overflowed int at B >= 458; sudoku-mlp at B = 4096 (B·D·2·It = 2³¹).
        for (String preset : TrmConfig.PRESETS)
            for (int B : new int[]{768, 4096})
                for (boolean training : new boolean[]{false, true}) {
                    Workspace ws = Workspace.measure(TrmConfig.preset(preset), CPU, B, training);
                    assertTrue(ws.arena.isMeasuring(), "nothing allocated");
                    assertTrue(ws.arena.bytes() > 0, preset);
                }
        TrmConfig arc = TrmConfig.preset("arc-att");
        long rows = 4096L * arc.totalLen(), I = arc.interChannels();
        // The channel MLP's scratch alone: rows · (D + 3I) floats, past 2³¹.
        assertTrue(rows * (arc.hiddenSize() + 3 * I) > Integer.MAX_VALUE);
        assertTrue(Workspace.measure(arc, CPU, 4096, false).arena.bytes() > 4 * rows * (arc.hiddenSize() + 3 * I));
    }

    @Test
    void savedActivationsGrowLinearlyWithTheBatch() {
        TrmConfig c = TrmConfig.preset("sudoku-att");
        long one = Workspace.measure(c, CPU, 1024, true).savedActivationBytes();
        long two = Workspace.measure(c, CPU, 2048, true).savedActivationBytes();
        assertEquals(2 * one, two, "every saved tensor is a multiple of 16 elements at these batches");
        assertEquals(0, Workspace.measure(c, CPU, 1024, false).savedActivationBytes(), "evaluation saves nothing");
    }

    @Test
    void anAbsurdBatchIsRefusedInOneLine() {
        TrmConfig arc = TrmConfig.preset("arc-att");
        long limit = Integer.MAX_VALUE / arc.totalLen();
        oneLine(assertThrows(TrmException.class, () -> Workspace.measure(arc, CPU, 3_000_000, true)),
                "batch 3000000", "2147483647", "largest batch: " + limit);
        assertTrue(Workspace.measure(arc, CPU, 100_000, false).arena.bytes() > 1L << 40, "a terabyte workspace, measured without overflow");
        oneLine(assertThrows(TrmException.class, () -> Workspace.measure(arc, CPU, 0, false)), "batch must be positive");
        TrmConfig mlp = TrmConfig.preset("sudoku-mlp");
        oneLine(assertThrows(TrmException.class, () -> Workspace.measure(mlp, CPU, 5_000_000, false)),
                "batch 5000000", "hidden_size 512", "largest batch: " + Integer.MAX_VALUE / 512);
    }

    @Test
    void anAbsurdConfigIsRefusedInOneLineNamingTheKeyAndTheLimit() {
        oneLine(assertThrows(TrmException.class, () -> TrmConfig.builder().seqLen(81).vocabSize(11).expansion(1e6).build()),
                "expansion 1000000.0", "SwiGLU width", "limit of 16777216");
        oneLine(assertThrows(TrmException.class, () -> TrmConfig.builder().seqLen(81).vocabSize(11).expansion(1e300).build()),
                "expansion 1.0E300", "limit of 16777216");
        oneLine(assertThrows(TrmException.class, () -> TrmConfig.builder().seqLen(81).vocabSize(11).hiddenSize(1 << 30).numHeads(1).build()),
                "hidden_size 1073741824", "limit of 16777216");
        oneLine(assertThrows(TrmException.class, () -> TrmConfig.builder().seqLen(1 << 25).vocabSize(11).build()),
                "seq_len 33554432", "limit of 16777216");
        oneLine(assertThrows(TrmException.class, () -> TrmConfig.builder().mlpT(true).posEncoding(PosEncoding.NONE).seqLen(81).vocabSize(11)
                .hiddenSize(16).expansion(3e5).build()), "97 positions", "token-mixing width", "limit of 16777216");
        // Each width is allowed, but the parameters do not fit one flat buffer.
        TrmConfig wide = TrmConfig.builder().seqLen(81).vocabSize(11).hiddenSize(16384).numHeads(256).build();
        oneLine(assertThrows(TrmException.class, () -> new ParamLayout(wide)), "hidden_size 16384", "parameters", "limit of 2147483631");
    }

    @Test
    void theMeasuringPassIsWhatSizesTheArena() {
        TrmConfig c = TinyConfigs.tiny(false, "rope", 2, 2);
        try (CpuDevice cpu = new CpuDevice()) {
            for (boolean training : new boolean[]{false, true}) {
                Workspace real = Workspace.allocate(c, cpu, 3, training);
                assertFalse(real.arena.isMeasuring());
                assertEquals(Workspace.measure(c, cpu.ops(), 3, training).arena.bytes(), real.arena.bytes());
                assertEquals(Workspace.measure(c, cpu.ops(), 3, training).savedActivationBytes(), real.savedActivationBytes());
            }
        }
    }

    @Test
    void buffersBeyondOneIntDimensionGetTwoDimensions() {
        assertArrayEquals(new int[]{1000}, TensorArena.measuring().f32Elements(1000).shape());
        long n = 3_000_000_000L;
        int[] shape = TensorArena.measuring().f32Elements(n).shape();
        assertEquals(2, shape.length);
        long numel = (long) shape[0] * shape[1];
        assertTrue(numel >= n && numel - n < 4096, numel + " for " + n);
    }

    @Test
    void theLargestBatchOfAHugeMemoryIsTheEnginesLimit() {
        TrmConfig arc = TrmConfig.preset("arc-att");
        int b = MemoryModel.maxBatch(arc, CPU, "cpu", false, Long.MAX_VALUE / 4);
        assertTrue(b > 0 && b <= Integer.MAX_VALUE / arc.totalLen(), "batch " + b);
        assertEquals(0, MemoryModel.maxBatch(arc, CPU, "cpu", true, 1_000_000), "not even batch 1 in 1 MB");
    }

    @Test
    void memorySizesParse() {
        assertEquals(141L << 30, MemoryModel.parseBytes("141GiB"));
        assertEquals(141_000_000_000L, MemoryModel.parseBytes("141GB"));
        assertEquals(80L << 30, MemoryModel.parseBytes("80G"));
        assertEquals(512L << 20, MemoryModel.parseBytes("512 MiB"));
        assertEquals(1234, MemoryModel.parseBytes("1234"));
        oneLine(assertThrows(TrmException.class, () -> MemoryModel.parseBytes("lots")), "memory 'lots'", "141GiB");
    }
}
