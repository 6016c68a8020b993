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
import org.junit.jupiter.api.extension.ExtendWith;

import trm.engine.cpu.Matmul;
import trm.engine.cpu.Rope;
import trm.engine.model.RopeTables;
import trm.engine.cpu.SwiGlu;
import trm.kernels.launch.Gemm.Epilogue;
import trm.kernels.launch.Gemm.Tile;

/** gemm.cu against trm.engine.cpu.Matmul (+ SwiGlu, Rope) on the simulator: bf16 operands, fp32 accumulation. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(LauncherSim.Needed.class)
class GemmTest {
    private LauncherSim s;

    @BeforeAll void open() { s = new LauncherSim(42); }

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
        var sim = (trm.kernels.runtime.SimRuntime) s.rt;
        var orders = new trm.kernels.runtime.SimRuntime.ThreadOrder[] {trm.kernels.runtime.SimRuntime.ThreadOrder.SHUFFLED,
                trm.kernels.runtime.SimRuntime.ThreadOrder.SHUFFLED, trm.kernels.runtime.SimRuntime.ThreadOrder.REVERSED,
                trm.kernels.runtime.SimRuntime.ThreadOrder.ASCENDING};
        try {
            for (int run = 0; run < orders.length; run++) {
                sim.threadOrder(orders[run], 1 + run);
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
            sim.threadOrder(trm.kernels.runtime.SimRuntime.ThreadOrder.SHUFFLED, 1);
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
}
