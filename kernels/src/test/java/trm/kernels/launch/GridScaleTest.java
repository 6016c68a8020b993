package trm.kernels.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import trm.kernels.runtime.Dim3;

/**
 * Grids that scale with the batch: the kernel families whose grid grows with B or B·L put it on
 * gridDim.x (up to 2³¹−1 blocks), past the 65 535 that gridDim.y and z allow, for evaluation
 * batches of 65 536 Sudoku puzzles and 8 192 sequences of L = 916. The embedding and the token
 * mixer's norm run on the simulator past 65 535 blocks with a tiny workload per block, checked
 * against values computed here (the runtime's launch checks apply as on a GPU); attention (whose
 * blocks are too slow to simulate by the 65 000) and the GEMMs are checked by the launch geometry
 * their launchers compute — their arithmetic at small grids is AttentionTest's and GemmTest's.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(LauncherSim.Needed.class)
class GridScaleTest {
    /** Just past gridDim.y's limit. */
    static final int BIG = 65_600;

    private LauncherSim s;

    @BeforeAll void open() { s = new LauncherSim(11); }

    @AfterAll void close() { if (s != null) s.close(); }

    @Test
    void embeddingOverABatchBeyondGridY() {
        int B = BIG, S = 1, D = 1, V = 3;
        float c = 2f;
        int[] tokens = new int[B];
        for (int b = 0; b < B; b++) tokens[b] = b % V;
        float[] table = {0.5f, -1.25f, 3f};
        long tok = s.alloc(B);
        s.rt.copyToDevice(java.lang.foreign.MemorySegment.ofArray(tokens), tok, 4L * B);
        long out = s.poisoned(B);
        Embedding.forward(s.rt, out, tok, 0, s.upload(table), 0, 0, 0, B, 0, S, D, c);
        float[] got = s.download(out, B);
        for (int b = 0; b < B; b++) assertEquals(c * table[b % V], got[b], "sample " + b);
    }

    @Test
    void attentionGridAtTheReferenceShapes() {
        assertEquals(Dim3.of(8192 * 8, 15), Attention.grid(8192, 916, 8), "8 192 sequences of L = 916, 8 heads");
        assertEquals(Dim3.of(65_536 * 8, 2), Attention.grid(65_536, 97, 8), "65 536 Sudoku puzzles");
    }

    @Test
    void gemmRowTilesOnGridX() {
        // Sudoku evaluation at 65 536 puzzles: the linear layers see 65 536 · 97 rows.
        int M = 65_536 * 97, K = 512, N = 3 * 512;
        var plan = Gemm.plan(Gemm.Tile.T64x64, new Gemm.Raw(Gemm.Layout.ABT, 1, K, 2, K, 3, N, M, N, K));
        assertEquals(1, plan.size());
        assertEquals(Dim3.of(M / 64, N / 64, 1), plan.getFirst().grid(), "99 328 row tiles on x");
        // 8 192 sequences of L = 916 with 128-row tiles.
        int rows = 8192 * 916;
        assertEquals(Dim3.of((rows + 127) / 128, 1536 / 128, 1),
                Gemm.plan(Gemm.Tile.T128x128, new Gemm.Raw(Gemm.Layout.ABT, 1, 512, 2, 512, 3, 1536, rows, 1536, 512)).getFirst().grid());
    }

    @Test
    void gemmBatchesBeyondGridZAreSplitIntoLaunches() {
        // The token mixer at 65 536 puzzles: one product per puzzle on gridDim.z, at most 65 535 per launch.
        int B = 65_536, L = 97, D = 512, It = 256;
        long w1 = 0x1000, h = 0x100000, act = 0x900000;
        var plan = Gemm.plan(Gemm.Tile.T64x64, new Gemm.Raw(Gemm.Layout.AB, w1, L, h, D, act, D, 2 * It, D, L)
                .batched(B, 0, (long) L * D, (long) It * D));
        assertEquals(2, plan.size());
        assertEquals(Dim3.of(2 * It / 64, D / 64, 65_535), plan.get(0).grid());
        assertEquals(Dim3.of(2 * It / 64, D / 64, 1), plan.get(1).grid());
        // The second launch starts at item 65 535: B and C advanced, the weight (stride 0) not.
        var a0 = plan.get(0).args();
        var a1 = plan.get(1).args();
        assertEquals(a0.get(0), a1.get(0), "the shared weight");
        assertEquals(new trm.kernels.runtime.KernelArg.Ptr(h + 4L * 65_535 * L * D), a1.get(3));
        assertEquals(new trm.kernels.runtime.KernelArg.Ptr(act + 4L * 65_535 * It * D), a1.get(6));
    }

    @Test
    void tokenMixerNormOverABatchBeyondGridY() {
        int B = BIG, L = 1, D = 1;
        float[] a = s.random(B, 1f), b = s.random(B, 1f);
        long out = s.poisoned(B), rstd = s.poisoned(B);
        Mixer.normForward(s.rt, out, s.upload(a), s.upload(b), rstd, B, L, D, 1e-5f);
        float[] got = s.download(out, B), ref = new float[B];
        for (int i = 0; i < B; i++) {
            float x = a[i] + b[i];
            ref[i] = x * (float) (1 / Math.sqrt(x * x + 1e-5));
        }
        LauncherSim.check("mixer norm, B = " + B, got, ref, 1e-5);
    }

}
