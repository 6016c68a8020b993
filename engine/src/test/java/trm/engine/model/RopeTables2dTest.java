package trm.engine.model;

import org.junit.jupiter.api.Test;
import trm.engine.TrmException;
import trm.engine.cpu.CpuDevice;
import trm.engine.cpu.Rope;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** pos_encodings rope2d (our extension, {@link RopeTables#fill2d}): its tables' properties and the config's refusals. */
class RopeTables2dTest {
    static final int PREFIX = 2, SIDE = 5, HD = 12, L = PREFIX + SIDE * SIDE;

    /** q at position pq and k at pk, both rotated by the tables ({@link Rope}, one head), then q·k. */
    static double score(float[] cos, float[] sin, float[] q, float[] k, int pq, int pk) {
        float[] qkv = new float[L * 3 * HD];
        System.arraycopy(q, 0, qkv, pq * 3 * HD, HD);
        System.arraycopy(k, 0, qkv, pk * 3 * HD + HD, HD);
        Rope.forward(qkv, 0, cos, 0, sin, 0, 1, L, 1, HD);
        double s = 0;
        for (int i = 0; i < HD; i++) s += (double) qkv[pq * 3 * HD + i] * qkv[pk * 3 * HD + HD + i];
        return s;
    }

    static float[] random(SplittableRandom r) {
        float[] v = new float[HD];
        for (int i = 0; i < HD; i++) v[i] = (float) r.nextGaussian();
        return v;
    }

    @Test
    void qDotKDependsOnlyOnTheRowAndColumnOffsets() {
        float[] cos = new float[L * HD], sin = new float[L * HD];
        RopeTables.fill2d(cos, sin, PREFIX, SIDE, HD, 10000);
        SplittableRandom r = new SplittableRandom(7);
        for (int trial = 0; trial < 5; trial++) {
            float[] q = random(r), k = random(r);
            // every pair of cells with the same (Δrow, Δcol) gives the same score as the pair starting at a reference cell
            for (int a = 0; a < SIDE * SIDE; a++)
                for (int b = 0; b < SIDE * SIDE; b++) {
                    int dr = b / SIDE - a / SIDE, dc = b % SIDE - a % SIDE;
                    int ra = (dr < 0 ? -dr : 0) * SIDE + (dc < 0 ? -dc : 0), rb = ra + dr * SIDE + dc;
                    double s = score(cos, sin, q, k, PREFIX + a, PREFIX + b), ref = score(cos, sin, q, k, PREFIX + ra, PREFIX + rb);
                    assertEquals(ref, s, 1e-4 * (1 + Math.abs(ref)), "cells " + a + "→" + b + " vs " + ra + "→" + rb + " (Δ " + dr + ", " + dc + ")");
                }
            // the row wrap: (0, SIDE−1) → (1, 0) is one step in a row-major sequence but not a neighbour on the grid
            double right = score(cos, sin, q, k, PREFIX, PREFIX + 1), wrap = score(cos, sin, q, k, PREFIX + SIDE - 1, PREFIX + SIDE);
            assertTrue(Math.abs(right - wrap) > 1e-3, "2-D: the row wrap differs from a step right: " + right + " vs " + wrap);
            // the 1-D tables cannot tell them apart (the reason for rope2d)
            float[] cos1 = new float[L * HD], sin1 = new float[L * HD];
            RopeTables.fill(cos1, sin1, L, HD, 10000);
            assertEquals(score(cos1, sin1, q, k, PREFIX, PREFIX + 1), score(cos1, sin1, q, k, PREFIX + SIDE - 1, PREFIX + SIDE), 1e-4,
                    "1-D: the row wrap is a step right");
        }
    }

    @Test
    void halfThePairsTurnWithTheRowHalfWithTheColumnAndThePrefixNotAtAll() {
        float[] cos = new float[L * HD], sin = new float[L * HD];
        RopeTables.fill2d(cos, sin, PREFIX, SIDE, HD, 10000);
        int pairs = HD / 2; // 6: pairs 0..2 by row, 3..5 by column
        for (int p = 0; p < PREFIX; p++)
            for (int i = 0; i < HD; i++) {
                assertEquals(1f, cos[p * HD + i], "prefix position " + p + " has angle 0");
                assertEquals(0f, sin[p * HD + i], "prefix position " + p + " has angle 0");
            }
        int cell = 2 * SIDE + 3, p = PREFIX + cell; // row 2, column 3
        for (int j = 0; j < 3; j++) {
            double f = Math.pow(10000, -j / 3.0);
            assertEquals(Math.cos(2 * f), cos[p * HD + j], 1e-6, "row pair " + j);
            assertEquals(Math.sin(2 * f), sin[p * HD + j], 1e-6, "row pair " + j);
            assertEquals(Math.cos(3 * f), cos[p * HD + 3 + j], 1e-6, "column pair " + j);
            assertEquals(Math.sin(3 * f), sin[p * HD + 3 + j], 1e-6, "column pair " + j);
        }
        for (int i = 0; i < pairs; i++) {
            assertEquals(cos[p * HD + i], cos[p * HD + i + pairs], "both halves of a pair share the angle");
            assertEquals(sin[p * HD + i], sin[p * HD + i + pairs], "both halves of a pair share the angle");
        }
        // cells of one row share the row angles, cells of one column the column angles
        for (int c = 0; c < SIDE; c++) {
            int q = PREFIX + 2 * SIDE + c;
            for (int j = 0; j < 3; j++) assertEquals(cos[p * HD + j], cos[q * HD + j]);
        }
        // an odd number of pairs: the row takes the extra one (hd 6: 2 row pairs, 1 column pair)
        float[] c6 = new float[(1 + 4) * 6], s6 = new float[(1 + 4) * 6];
        RopeTables.fill2d(c6, s6, 1, 2, 6, 10000);
        int last = 1 + 3; // row 1, column 1
        assertEquals(Math.cos(1), c6[last * 6], 1e-6);
        assertEquals(Math.cos(Math.pow(10000, -0.5)), c6[last * 6 + 1], 1e-6);
        assertEquals(Math.cos(1), c6[last * 6 + 2], 1e-6);
        float[] c6b = new float[(1 + 4) * 6];
        RopeTables.fill2d(c6b, s6, 1, 2, 6, 10000);
        assertArrayEquals(c6, c6b, "deterministic");
    }

    @Test
    void theModelsTablesFollowPosEncodings() {
        TrmConfig rope2d = TrmConfig.builder().hiddenSize(32).numHeads(2).puzzleEmbLen(1).seqLen(36).vocabSize(6).posEncoding(PosEncoding.ROPE2D).build();
        TrmConfig rope = rope2d.toBuilder().posEncoding(PosEncoding.ROPE).build();
        assertTrue(rope2d.rope(), "rope2d rotates q and k");
        TrmWeights w2 = new TrmWeights(rope2d, new CpuDevice()), w1 = new TrmWeights(rope, new CpuDevice());
        float[] expected = new float[37 * 16], s = new float[37 * 16];
        RopeTables.fill2d(expected, s, 1, 6, 16, 10000);
        assertArrayEquals(expected, w2.ropeCos.f32(), "the model holds the 2-D tables");
        RopeTables.fill(expected, s, 37, 16, 10000);
        assertArrayEquals(expected, w1.ropeCos.f32(), "rope keeps the reference's 1-D tables");
        assertNotEquals(java.util.Arrays.toString(w1.ropeCos.f32()), java.util.Arrays.toString(w2.ropeCos.f32()));
        assertEquals(rope2d, TrmConfig.fromJson(rope2d.toJson(), "test"), "rope2d round-trips through JSON");
        assertTrue(rope2d.toJson().contains("\"pos_encodings\" : \"rope2d\""), rope2d.toJson());
    }

    @Test
    void refusals() {
        TrmConfig.Builder b = TrmConfig.builder().hiddenSize(32).numHeads(2).puzzleEmbLen(1).vocabSize(6).posEncoding(PosEncoding.ROPE2D);
        ConfigTest.assertMessage("pos_encodings rope2d needs seq_len = side² (a square grid), not 35", () -> b.seqLen(35).build());
        ConfigTest.assertMessage("rope2d needs a head dimension of at least 4", () -> b.seqLen(36).numHeads(16).build());
        ConfigTest.assertMessage("rope2d needs an even head dimension", () -> TrmConfig.builder().hiddenSize(30).numHeads(2).puzzleEmbLen(1)
                .vocabSize(6).seqLen(36).posEncoding(PosEncoding.ROPE2D).build());
        ConfigTest.assertMessage("pos_encodings must be rope, learned, none or rope2d, not 'rope3d'", () -> PosEncoding.parse("rope3d"));
        assertThrows(TrmException.class, () -> RopeTables.fill2d(new float[8], new float[8], 0, 1, 2, 10000));
        // the MLP-mixer ignores positions: any seq_len
        assertEquals(35, TrmConfig.builder().hiddenSize(32).mlpT(true).puzzleEmbLen(1).vocabSize(6).seqLen(35).posEncoding(PosEncoding.ROPE2D)
                .build().seqLen());
    }
}
