package trm.kernels.launch;

import static trm.kernels.launch.LauncherSim.BF16_BOUND;
import static trm.kernels.launch.LauncherSim.FP32_BOUND;
import static trm.kernels.launch.LauncherSim.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import trm.engine.cpu.Matmul;
import trm.engine.cpu.Rope;
import trm.engine.model.RopeTables;
import trm.engine.cpu.SwiGlu;
import trm.kernels.launch.Gemm.Epilogue;
import trm.kernels.launch.Gemm.Tile;

/**
 * gemm.cu against trm.engine.cpu.Matmul (+ SwiGlu, Rope): bf16 operands, fp32 accumulation. Run on
 * the simulator by {@link GemmTest} (mvn verify) and on a GPU by {@link CudaGemmTest}
 * (bench/gpu/check.sh's parity step), so the cp.async variant of the main loop meets the same cases.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class GemmParitySuite {
    LauncherSim s;

    /** The runtime the cases run on, with its helpers. */
    abstract LauncherSim launcher();

    @BeforeAll void open() { s = launcher(); }

    @AfterAll void close() { if (s != null) s.close(); }

    private void forwardCase(Tile tile, int M, int K, int N, boolean bias, String mode) {
        float[] in = s.random(M * K, 1f), w = s.random(N * K, 0.2f), b = bias ? s.random(N, 0.5f) : null;
        float[] ref = new float[M * N];
        Matmul.forward(ref, 0, in, 0, w, 0, b, 0, M, K, N);
        long dIn = s.upload(in), dW = s.upload(w), dB = bias ? s.upload(b) : 0;
        long out;
        Epilogue epi;
        switch (mode) {
            case "residual" -> {
                float[] res = s.random(M * N, 1f);
                for (int i = 0; i < ref.length; i++) ref[i] += res[i];
                out = s.upload(res); // in place: out = out + in·Wᵀ
                epi = Epilogue.residual(out);
            }
            case "accumulate" -> {
                float[] old = s.random(M * N, 1f);
                for (int i = 0; i < ref.length; i++) ref[i] += old[i];
                out = s.upload(old);
                epi = Epilogue.accumulate();
            }
            default -> {
                out = s.poisoned((long) M * N);
                epi = Epilogue.none();
            }
        }
        Gemm.forward(s.rt, tile, out, dIn, dW, dB, M, K, N, epi);
        check("gemm fwd " + mode + (bias ? "+bias" : "") + " " + tile + " " + M + "x" + K + "x" + N,
                s.download(out, M * N), ref, BF16_BOUND);
    }

    @Test void forwardTrmLike() {
        forwardCase(Tile.T64x64, 2 * 97, 64, 96, false, "none");
        forwardCase(Tile.T128x128, 2 * 97, 64, 96, true, "none");
    }

    @Test void forwardOddSizesAllTiles() {
        for (Tile t : Tile.values()) forwardCase(t, 97, 97, 11, true, "none");
        forwardCase(Tile.T128x64, 131, 33, 70, false, "none");
    }

    @Test void forwardResidualAndAccumulate() {
        forwardCase(Tile.T64x64, 2 * 97, 64, 96, false, "residual");
        forwardCase(Tile.T128x64, 97, 40, 75, true, "accumulate");
    }

    @Test void forwardSwiGlu() {
        for (Tile t : new Tile[] {Tile.T64x64, Tile.T128x128}) {
            int M = 2 * 97, K = 64, I = 80, N = 2 * I;
            float[] in = s.random(M * K, 1f), w = s.random(N * K, 0.2f), b = s.random(N, 0.3f);
            float[] gu = new float[M * N], act = new float[M * I];
            Matmul.forward(gu, 0, in, 0, w, 0, b, 0, M, K, N);
            SwiGlu.forward(act, 0, gu, 0, M, I);
            long out = s.poisoned((long) M * I), saved = s.poisoned((long) M * N);
            Gemm.forward(s.rt, t, out, s.upload(in), s.upload(w), s.upload(b), M, K, N, Epilogue.swiGlu(saved));
            check("gemm fwd swiglu " + t + " act", s.download(out, M * I), act, BF16_BOUND);
            check("gemm fwd swiglu " + t + " gate_up saved", s.download(saved, M * N), gu, BF16_BOUND);
        }
    }

    @Test void forwardRope() {
        int B = 2, L = 97, H = 2, hd = 64, D = H * hd, M = B * L, K = 64, N = 3 * D;
        float[] cos = new float[L * hd], sin = new float[L * hd];
        RopeTables.fill(cos, sin, L, hd, 10000.0);
        long dCos = s.upload(cos), dSin = s.upload(sin);
        for (Tile t : new Tile[] {Tile.T64x64, Tile.T128x128}) {
            float[] in = s.random(M * K, 1f), w = s.random(N * K, 0.2f);
            float[] ref = new float[M * N];
            Matmul.forward(ref, 0, in, 0, w, 0, null, 0, M, K, N);
            Rope.forward(ref, 0, cos, 0, sin, 0, B, L, H, hd);
            long out = s.poisoned((long) M * N);
            Gemm.forward(s.rt, t, out, s.upload(in), s.upload(w), 0, M, K, N, Epilogue.rope(dCos, dSin, L, hd, 2 * D));
            check("gemm fwd rope qkv " + t, s.download(out, M * N), ref, BF16_BOUND);
        }
    }

    private void backwardInputCase(Tile tile, int M, int K, int N, boolean accumulate) {
        float[] dOut = s.random(M * N, 1f), w = s.random(N * K, 0.2f);
        float[] ref = accumulate ? s.random(M * K, 1f) : new float[M * K];
        long dIn = accumulate ? s.upload(ref.clone()) : s.poisoned((long) M * K);
        Matmul.backwardInput(ref, 0, dOut, 0, w, 0, M, K, N, accumulate);
        Gemm.backwardInput(s.rt, tile, dIn, s.upload(dOut), s.upload(w), M, K, N, accumulate);
        check("gemm bwd input " + (accumulate ? "acc " : "") + tile + " " + M + "x" + K + "x" + N, s.download(dIn, M * K), ref, BF16_BOUND);
    }

    @Test void backwardInput() {
        backwardInputCase(Tile.T64x64, 2 * 97, 64, 96, false);
        backwardInputCase(Tile.T128x128, 97, 97, 11, true);
        backwardInputCase(Tile.T128x64, 97, 11, 97, false);
    }

    @Test void backwardInputThroughSwiGlu() {
        int M = 2 * 97, I = 80, N = 64;
        float[] gu = s.random(M * 2 * I, 2f), dOut = s.random(M * N, 1f), w = s.random(N * I, 0.2f);
        float[] dAct = new float[M * I], ref = new float[M * 2 * I];
        Matmul.backwardInput(dAct, 0, dOut, 0, w, 0, M, I, N, false);
        SwiGlu.backward(ref, 0, dAct, 0, gu, 0, M, I);
        long dGu = s.poisoned((long) M * 2 * I);
        Gemm.backwardInputSwiGlu(s.rt, Tile.T64x64, dGu, s.upload(dOut), s.upload(w), s.upload(gu), M, I, N);
        check("gemm bwd input + swiglu bwd", s.download(dGu, M * 2 * I), ref, BF16_BOUND);
    }

    private void backwardWeightCase(Tile tile, int M, int K, int N, int splits) {
        float[] dOut = s.random(M * N, 1f), in = s.random(M * K, 1f), ref = s.random(N * K, 5f);
        long dW = s.upload(ref.clone());
        Matmul.backwardWeight(ref, 0, null, 0, dOut, 0, in, 0, M, K, N);
        long ws = splits > 1 ? s.poisoned(Gemm.workspaceBytes(M, K, N, splits) / 4) : 0;
        Gemm.backwardWeight(s.rt, tile, dW, s.upload(dOut), s.upload(in), M, K, N, ws, splits);
        check("gemm bwd weight " + tile + " splits " + splits + " " + M + "x" + K + "x" + N, s.download(dW, N * K), ref, BF16_BOUND);
    }

    @Test void backwardWeight() {
        backwardWeightCase(Tile.T64x64, 2 * 97, 64, 96, 1);
        backwardWeightCase(Tile.T128x128, 197, 97, 11, 3);
        backwardWeightCase(Tile.T128x64, 97, 70, 33, 2);
    }

    /** Split-K with more than one slice at odd reduction lengths and odd K, every tile, a last slice shorter than the rest. */
    @Test void backwardWeightSplitKAtOddShapes() {
        backwardWeightCase(Tile.T64x64, 1031, 97, 75, 5);
        backwardWeightCase(Tile.T128x64, 333, 131, 19, 4);
        backwardWeightCase(Tile.T128x128, 161, 33, 130, 7);
        int M = 1031, K = 97, N = 75;
        assertTrue(Gemm.weightGradSlices(M, K, N, 5) >= 5, "slices cover the requested split");
    }

    /**
     * The weight gradient's bits depend on neither the run nor the simulator's thread order
     * (shuffled with two seeds, reversed, ascending): the split, the in-slice k order and the
     * slice-order reduce are fixed by the shape alone.
     */
    @Test void splitKIsBitIdenticalAcrossRunsAndThreadOrders() {
        int M = 1555, K = 75, N = 97, splits = 6;
        float[] dOut = s.random(M * N, 1f), in = s.random(M * K, 1f), init = s.random(N * K, 1f);
        long gDOut = s.upload(dOut), gIn = s.upload(in);
        long ws = s.poisoned(Gemm.workspaceBytes(M, K, N, splits) / 4);
        float[] first = null;
        // on a GPU (no thread order to choose) four plain runs
        var sim = s.rt instanceof trm.kernels.runtime.SimRuntime r ? r : null;
        var orders = new trm.kernels.runtime.SimRuntime.ThreadOrder[] {trm.kernels.runtime.SimRuntime.ThreadOrder.SHUFFLED,
                trm.kernels.runtime.SimRuntime.ThreadOrder.SHUFFLED, trm.kernels.runtime.SimRuntime.ThreadOrder.REVERSED,
                trm.kernels.runtime.SimRuntime.ThreadOrder.ASCENDING};
        try {
            for (int run = 0; run < orders.length; run++) {
                if (sim != null) sim.threadOrder(orders[run], 1 + run);
                long dW = s.upload(init.clone());
                Gemm.backwardWeight(s.rt, dW, gDOut, gIn, M, K, N, ws, splits, 0);
                float[] got = s.download(dW, N * K);
                if (first == null) {
                    float[] ref = init.clone();
                    Matmul.backwardWeight(ref, 0, null, 0, dOut, 0, in, 0, M, K, N);
                    check("gemm bwd weight split-K " + splits + " " + M + "x" + K + "x" + N, got, ref, BF16_BOUND);
                    first = got;
                } else {
                    for (int i = 0; i < got.length; i++)
                        if (Float.floatToRawIntBits(got[i]) != Float.floatToRawIntBits(first[i]))
                            throw new AssertionError("run " + run + " (" + orders[run] + "): dW[" + i + "] = " + got[i] + ", first run " + first[i]);
                }
            }
        } finally {
            if (sim != null) sim.threadOrder(trm.kernels.runtime.SimRuntime.ThreadOrder.SHUFFLED, 1);
        }
    }

    /** The split rule: shape only, ≥ 2 waves of 132 SMs where the rows allow it, no slice under MIN_SPLIT_ROWS rows. */
    @Test void splitRuleReachesTwoWavesWhereRowsAllow() {
        int M = 768 * 97;
        int[][] shapes = {{512, 1536}, {1536 * 2, 512}, {11, 512}, {512, 512}, {1536, 512}};  // {N, K} of dW
        for (int[] nk : shapes) {
            int N = nk[0], K = nk[1], sp = Gemm.weightGradSplits(M, K, N);
            var g = Gemm.weightGradGrid(M, K, N, sp);
            assertTrue(g.count() >= Gemm.TARGET_BLOCKS, "dW " + N + "x" + K + " at M = " + M + ": grid " + g + " below two waves");
            assertTrue(M / g.z() >= Gemm.MIN_SPLIT_ROWS, "slices too short: " + g);
        }
        assertEquals(1, Gemm.weightGradSplits(194, 512, 1536), "batch 2: too few rows to split");
        assertEquals(Gemm.weightGradSplits(M, 512, 1536), Gemm.weightGradSplits(M, 512, 1536));
        for (int B : new int[] {768, 96}) {
            int sp = Mixer.weightGradSplits(B, 97, 512, 512);
            int slices = Gemm.Raw.reducedSlices(B, sp);
            assertTrue(slices * 4L >= Gemm.TARGET_BLOCKS || sp == B, "mixer dW2 at B = " + B + ": " + slices + " slices of 4 tiles");
            assertTrue(slices <= sp, "workspace is sized for the split count");
        }
    }

    /** On bf16-exact operands the only difference from the fp32 reference is summation order. */
    @Test void exactOnBf16RepresentableOperands() {
        int M = 97, K = 97, N = 75;
        float[] in = s.randomBf16(M * K, 1f), w = s.randomBf16(N * K, 0.5f), dOut = s.randomBf16(M * N, 1f);
        float[] out = new float[M * N], dIn = new float[M * K], dW = s.random(N * K, 1f);
        Matmul.forward(out, 0, in, 0, w, 0, null, 0, M, K, N);
        Matmul.backwardInput(dIn, 0, dOut, 0, w, 0, M, K, N, false);
        long gOut = s.poisoned((long) M * N), gDIn = s.poisoned((long) M * K), gDW = s.upload(dW.clone());
        Matmul.backwardWeight(dW, 0, null, 0, dOut, 0, in, 0, M, K, N);
        long gIn = s.upload(in), gW = s.upload(w), gDOut = s.upload(dOut);
        Gemm.forward(s.rt, Tile.T64x64, gOut, gIn, gW, 0, M, K, N, Epilogue.none());
        Gemm.backwardInput(s.rt, Tile.T64x64, gDIn, gDOut, gW, M, K, N, false);
        Gemm.backwardWeight(s.rt, Tile.T64x64, gDW, gDOut, gIn, M, K, N, 0, 1);
        check("gemm fwd, bf16-exact operands", s.download(gOut, M * N), out, FP32_BOUND);
        check("gemm bwd input, bf16-exact operands", s.download(gDIn, M * K), dIn, FP32_BOUND);
        check("gemm bwd weight, bf16-exact operands", s.download(gDW, N * K), dW, FP32_BOUND);
    }

    @Test void biasGradientColumnSum() {
        int M = 197, N = 75;
        float[] x = s.random(M * N, 1f), ref = s.random(N, 1f);
        long out = s.upload(ref.clone());
        for (int n = 0; n < N; n++) { double t = 0; for (int m = 0; m < M; m++) t += x[m * N + n]; ref[n] += (float) t; }
        Gemm.colSum(s.rt, out, s.upload(x), M, N, true);
        check("gemm colsum (bias grad)", s.download(out, N), ref, FP32_BOUND);
    }

    // ---------------------------------------------------------------------------------------------
    // The pipelined main loop (STAGES shared-memory stages, 8-element load groups: 16-byte vector
    // loads when whole and aligned, predicated scalar loads otherwise; cp.async for bf16 operands
    // on a GPU). On bf16-exact data every staging route must give the same bits.

    /** The reduction lengths the cases cover: one element, under one k-tile, exactly one, a ragged end, more than STAGES k-tiles. */
    static final int[] PIPELINE_REDUCTIONS = {1, 17, 32, 70, 200};

    /** How the operands of one run are stored: which are bf16, and whether both start one element past a 16-byte boundary. */
    record Storage(int bf16, boolean misaligned) {
        @Override public String toString() { return "bf16 mask " + bf16 + (misaligned ? ", misaligned" : ""); }
    }

    /** fp32 aligned (vector loads where rows allow), bf16 both, and each mixed one misaligned (scalar loads throughout). */
    static final Storage[] STORAGES = {new Storage(0, false), new Storage(Gemm.BF16_A | Gemm.BF16_B, false),
            new Storage(Gemm.BF16_A, true), new Storage(Gemm.BF16_B, true)};

    /** The three products of a linear layer, one per operand layout, with R the reduction length. */
    enum Product { FORWARD_ABT, BACKWARD_INPUT_AB, BACKWARD_WEIGHT_ATB }

    /**
     * Runs {@code product} on bf16-exact random operands with every {@link #STORAGES} and checks the
     * first against Matmul (fp32 bound: only the summation order differs) and the others bit for bit
     * against the first. Shapes: the reduction is R, the other two sides 37 and 45 (ragged tiles).
     */
    private void pipelineCase(Tile tile, Product product, int R) {
        int M, K, N;
        switch (product) {
            case FORWARD_ABT -> { M = 37; K = R; N = 45; }
            case BACKWARD_INPUT_AB -> { M = 37; K = 45; N = R; }
            default -> { M = R; K = 37; N = 45; }
        }
        float[] a = s.randomBf16(M * (product == Product.BACKWARD_INPUT_AB ? N : product == Product.FORWARD_ABT ? K : N), 1f);
        float[] b = s.randomBf16(product == Product.FORWARD_ABT ? N * K : product == Product.BACKWARD_INPUT_AB ? N * K : M * K, 0.5f);
        int outLen = product == Product.BACKWARD_WEIGHT_ATB ? N * K : product == Product.FORWARD_ABT ? M * N : M * K;
        float[] ref = new float[outLen];
        switch (product) {
            case FORWARD_ABT -> Matmul.forward(ref, 0, a, 0, b, 0, null, 0, M, K, N);
            case BACKWARD_INPUT_AB -> Matmul.backwardInput(ref, 0, a, 0, b, 0, M, K, N, false);
            default -> Matmul.backwardWeight(ref, 0, null, 0, a, 0, b, 0, M, K, N);
        }
        String what = "gemm pipeline " + product + " " + tile + " " + M + "x" + K + "x" + N;
        float[] first = null;
        for (Storage st : STORAGES) {
            long gA = s.uploadAs(a, (st.bf16() & Gemm.BF16_A) != 0, st.misaligned());
            long gB = s.uploadAs(b, (st.bf16() & Gemm.BF16_B) != 0, st.misaligned());
            long out = product == Product.BACKWARD_WEIGHT_ATB ? s.upload(new float[outLen]) : s.poisoned(outLen);
            switch (product) {
                case FORWARD_ABT -> Gemm.forward(s.rt, tile, out, gA, gB, 0, M, K, N, Epilogue.none(), st.bf16());
                case BACKWARD_INPUT_AB -> Gemm.backwardInput(s.rt, tile, out, gA, gB, M, K, N, false, st.bf16());
                default -> Gemm.backwardWeight(s.rt, tile, out, gA, gB, M, K, N, 0, 1, st.bf16());
            }
            float[] got = s.download(out, outLen);
            if (first == null) {
                check(what, got, ref, FP32_BOUND);
                first = got;
            } else {
                for (int i = 0; i < outLen; i++)
                    if (Float.floatToRawIntBits(got[i]) != Float.floatToRawIntBits(first[i]))
                        throw new AssertionError(what + " with " + st + ": element " + i + " = " + got[i] + ", fp32 aligned run " + first[i]);
            }
        }
    }

    @Test void pipelineStageBoundariesForward() {
        for (Tile t : Tile.values()) for (int R : PIPELINE_REDUCTIONS) pipelineCase(t, Product.FORWARD_ABT, R);
    }

    @Test void pipelineStageBoundariesBackwardInput() {
        for (Tile t : Tile.values()) for (int R : PIPELINE_REDUCTIONS) pipelineCase(t, Product.BACKWARD_INPUT_AB, R);
    }

    @Test void pipelineStageBoundariesBackwardWeight() {
        for (Tile t : Tile.values()) for (int R : PIPELINE_REDUCTIONS) pipelineCase(t, Product.BACKWARD_WEIGHT_ATB, R);
    }

    /**
     * Split-K slices whose k-tiles continue across slice and stage boundaries (chunks of 64 rows =
     * 2 k-tiles, a last slice of 8 rows) and a batched product (mixer-style: the k-tile index runs
     * over batch items), each with bf16 A, fp32 B.
     */
    @Test void pipelineAcrossSlicesAndBatchItems() {
        int M = 200, K = 45, N = 37;
        float[] dOut = s.randomBf16(M * N, 1f), in = s.randomBf16(M * K, 1f), ref = new float[N * K];
        Matmul.backwardWeight(ref, 0, null, 0, dOut, 0, in, 0, M, K, N);
        long ws = s.poisoned(Gemm.workspaceBytes(M, K, N, 3) / 4), dW = s.upload(new float[N * K]);
        Gemm.backwardWeight(s.rt, Tile.T64x64, dW, s.uploadAs(dOut, true, false), s.upload(in), M, K, N, ws, 3, Gemm.BF16_A);
        check("gemm pipeline split-K 3, bf16 dOut " + M + "x" + K + "x" + N, s.download(dW, N * K), ref, FP32_BOUND);

        int B = 5, Mb = 33, Kb = 70, Nb = 19;  // C[b] = A[b] · B[b]ᵀ, A bf16 [B, Mb, Kb], B fp32 [B, Nb, Kb]
        float[] x = s.randomBf16(B * Mb * Kb, 1f), w = s.randomBf16(B * Nb * Kb, 1f), want = new float[B * Mb * Nb];
        for (int bi = 0; bi < B; bi++) Matmul.forward(want, bi * Mb * Nb, x, bi * Mb * Kb, w, bi * Nb * Kb, null, 0, Mb, Kb, Nb);
        long c = s.poisoned(B * Mb * Nb);
        var r = new Gemm.Raw(Gemm.Layout.ABT, s.uploadAs(x, true, false), Kb, s.upload(w), Kb, c, Nb, Mb, Nb, Kb)
                .batched(B, (long) Mb * Kb, (long) Nb * Kb, (long) Mb * Nb);
        r.bf16 = Gemm.BF16_A;
        Gemm.launch(s.rt, Tile.T128x64, r);
        check("gemm pipeline batched 5 x " + Mb + "x" + Kb + "x" + Nb, s.download(c, B * Mb * Nb), want, FP32_BOUND);
    }

    /** Shared memory per tile: three stages of the bf16 tiles, or the fp32 C tile, whichever is larger; all within 227 KB. */
    @Test void sharedBytesFollowTheStages() {
        assertEquals(20480, Tile.T128x128.stageBytes(Gemm.Layout.ABT));
        assertEquals(67584, Tile.T128x128.sharedBytes(Gemm.Layout.ABT), "128x128: the C tile dominates");
        assertEquals(3 * 15360, Tile.T128x64.sharedBytes(Gemm.Layout.ABT), "128x64 abt: three stages dominate");
        assertEquals(3 * 9216, Tile.T64x64.sharedBytes(Gemm.Layout.ATB));
        for (Tile t : Tile.values())
            for (Gemm.Layout l : Gemm.Layout.values()) assertTrue(t.sharedBytes(l) <= 227 * 1024, t + " " + l);
    }
}
