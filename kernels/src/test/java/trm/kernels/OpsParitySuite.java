package trm.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static trm.kernels.OpsParity.F32;

import java.util.Arrays;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

import trm.engine.DType;
import trm.engine.LossKind;
import trm.engine.Ops;
import trm.engine.Ops.Stat;
import trm.engine.model.RopeTables;
import trm.kernels.OpsParity.Twin;

/**
 * Every op of {@link KernelOps}, forward and backward, against the cpu reference (see
 * {@link OpsParity}), and the finer {@link Layers} the half-blocks are made of. Each case names
 * what it covers ({@link Covers}); {@code OpsCoverageTest} fails when an op has no case. Shapes are TRM-like (B = 4, L = 97 = 16 + 81, D = 64 .. 512, vocab 11) and
 * odd (not multiples of 32). Subclasses provide the device: sim always, cuda when present.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class OpsParitySuite {
    KernelDevice dev;
    OpsParity h;

    abstract KernelDevice open();

    @BeforeAll
    void openDevice() { dev = open(); }

    @AfterAll
    void closeDevice() {
        if (dev == null) return;
        System.out.print(OpsParity.report(dev.name()));
        dev.close();
    }

    @org.junit.jupiter.api.BeforeEach
    void harness(TestInfo info) { h = new OpsParity(dev, info.getDisplayName().hashCode()); }

    // ---- data movement -------------------------------------------------------------------------
    @Covers({"fill", "add", "copy"})
    @Test
    void fillAddCopy() {
        Twin t = h.rand(37, 101);
        h.run((o, s) -> o.fill(s.of(t), -2.75f));
        h.sameFloats("fill", t);

        Twin a = h.rand(4, 97, 64), b = h.rand(4, 97, 64), out = h.out(4, 97, 64);
        h.run((o, s) -> o.add(s.of(out), s.of(a), s.of(b)));
        h.sameFloats("add", out);
        h.run((o, s) -> o.add(s.of(a), s.of(a), s.of(b)));  // out aliases a
        h.sameFloats("add in place", a);

        Twin src = h.rand(1001), dst = h.out(1001);
        h.run((o, s) -> o.copy(s.of(dst).slice(3, 997), s.of(src).slice(1, 997)));
        h.run((o, s) -> o.fill(s.of(dst).slice(0, 3), 1f));
        h.run((o, s) -> o.fill(s.of(dst).slice(1000, 1), 1f));
        h.sameFloats("copy f32 (offset views)", dst);
        Twin isrc = h.ints(-50, 50, 4, 81), idst = h.out(DType.I32, 4, 81);
        h.run((o, s) -> o.copy(s.of(idst), s.of(isrc)));
        h.sameInts("copy i32", idst);
    }

    /** The kernel devices' bf16 activations: add with bf16 operands or result, and fp32 ↔ bf16 copies. */
    @Covers({"add", "copy", "activationDType"})
    @Test
    void addAndCopyWithBf16() {
        assertEquals(DType.BF16, dev.ops().activationDType(false), "attention activations are bf16 on the kernel devices");
        assertEquals(DType.F32, dev.ops().activationDType(true), "the mixer keeps fp32");
        Twin a = h.rand(4, 97, 64), b = h.randBf16(4, 97, 64), outB = h.outBf16(4, 97, 64), outF = h.out(4, 97, 64);
        h.run((o, s) -> o.add(s.of(outB), s.of(a), s.of(b)));  // fp32 + bf16 -> bf16: the fp32 sum rounded once
        h.sameRounded("add f32 + bf16 -> bf16", outB);
        h.asComputed(outB);
        h.run((o, s) -> o.add(s.of(outF), s.of(b), s.of(outB)));  // bf16 + bf16 -> fp32: exact inputs, fp32 sum
        h.sameFloats("add bf16 + bf16 -> f32", outF);
        h.run((o, s) -> o.add(s.of(b), s.of(b), s.of(a)));  // in place into bf16
        h.sameRounded("add bf16 in place", b);

        Twin src = h.rand(1001), toB = h.outBf16(997), back = h.out(997);
        h.run((o, s) -> o.copy(s.of(toB), s.of(src).slice(1, 997)));
        h.sameRounded("copy f32 -> bf16", toB);
        h.run((o, s) -> o.copy(s.of(back), s.of(toB)));
        h.sameRounded("copy bf16 -> f32 (exact)", back);
    }

    @Covers({"Layers.transpose"})
    @ParameterizedTest
    @CsvSource({"4, 97, 64", "3, 33, 65", "1, 5, 512"})
    void transpose(int B, int R, int C) {
        Twin in = h.rand(B, R, C), out = h.out(B, C, R);
        h.runLayers((o, s) -> o.transpose(s.of(out), s.of(in)));
        h.sameFloats("transpose", out);
    }

    // ---- embedding -----------------------------------------------------------------------------
    @Covers({"embed", "embedBackward"})
    @ParameterizedTest
    @CsvSource({
            // B, P, S, D, V, ndim (0: no puzzle table), learned positions
            "4, 16, 81, 64, 11, 1024, true",
            "4, 16, 81, 64, 11, 100, false",
            "3, 2, 37, 100, 7, 150, true",
            "4, 0, 81, 512, 11, 0, false",
            "5, 3, 9, 33, 11, 0, true"})
    void embedding(int B, int P, int S, int D, int V, int ndim, boolean learned) {
        int L = P + S, ids = 6;
        Twin tokens = h.ints(0, V, B, S), pids = h.ints(0, ids, B), tok = h.rand(V, D);
        Twin puzzle = ndim > 0 ? h.rand(ids, ndim) : null, pos = learned ? h.rand(L, D) : null;
        Twin out = h.out(B, L, D);
        float scale = (float) Math.sqrt(D);
        h.run((o, s) -> o.embed(s.of(out), s.of(tokens), s.of(pids), s.of(tok), s.of(puzzle), s.of(pos), P, scale));
        h.close("embed", out, F32);

        Twin dOut = h.rand(B, L, D), dTok = h.rand(V, D), dPos = learned ? h.rand(L, D) : null;
        Twin dRows = ndim > 0 ? h.out(B, ndim) : null;
        h.run((o, s) -> o.embedBackward(s.of(dOut), s.of(tokens), s.of(dTok), s.of(dRows), s.of(dPos), P, scale, learned));
        h.close("embedBackward dTokenTable (accumulated)", dTok, F32);
        if (dRows != null) h.close("embedBackward dPuzzleRows", dRows, F32);
        if (dPos != null) h.close("embedBackward dPosTable (accumulated)", dPos, F32);
    }

    // ---- swiglu, add + rmsnorm, rope -----------------------------------------------------------------
    @Covers({"Layers.swiglu", "Layers.swigluBackward"})
    @ParameterizedTest
    @CsvSource({"388, 171", "97, 512", "5, 33"})
    void swiglu(int rows, int I) {
        Twin gu = h.f32(h.randoms(rows * 2 * I, 4f), rows, 2 * I), out = h.out(rows, I);
        h.runLayers((o, s) -> o.swiglu(s.of(out), s.of(gu)));
        h.close("swiglu", out, F32);
        Twin dOut = h.rand(rows, I), dgu = h.out(rows, 2 * I);
        h.runLayers((o, s) -> o.swigluBackward(s.of(dgu), s.of(dOut), s.of(gu)));
        h.close("swigluBackward", dgu, F32);
    }

    @Covers({"Layers.addRmsNorm", "Layers.addRmsNormBackward"})
    @ParameterizedTest
    @CsvSource({"4, 97, 64", "4, 97, 512", "5, 37, 100", "1, 3, 7"})
    void addRmsNorm(int B, int L, int D) {
        Twin a = h.rand(B, L, D), b = h.rand(B, L, D), out = h.out(B, L, D), rstd = h.out(B, L);
        h.runLayers((o, s) -> o.addRmsNorm(s.of(out), s.of(rstd), s.of(a), s.of(b), 1e-5f));
        h.close("addRmsNorm out", out, F32);
        h.close("addRmsNorm rstd", rstd, F32);
        Twin a2 = h.rand(B, L, D);
        h.runLayers((o, s) -> o.addRmsNorm(s.of(a2), null, s.of(a2), s.of(b), 1e-5f));  // out aliases a, no rstd
        h.close("addRmsNorm in place", a2, F32);

        Twin dOut = h.rand(B, L, D), dIn = h.out(B, L, D);
        h.runLayers((o, s) -> o.addRmsNormBackward(s.of(dIn), s.of(dOut), s.of(out), s.of(rstd)));
        h.close("addRmsNormBackward", dIn, F32);
        h.runLayers((o, s) -> o.addRmsNormBackward(s.of(dOut), s.of(dOut), s.of(out), s.of(rstd)));  // dIn aliases dOut
        h.close("addRmsNormBackward in place", dOut, F32);
    }

    /** bf16 activations: a bf16 residual and output, fp32 update; backward reading the bf16 output. */
    @Covers({"Layers.addRmsNorm", "Layers.addRmsNormBackward"})
    @ParameterizedTest
    @CsvSource({"4, 97, 64", "5, 37, 100"})
    void addRmsNormBf16(int B, int L, int D) {
        Twin a = h.randBf16(B, L, D), b = h.rand(B, L, D), out = h.outBf16(B, L, D), rstd = h.out(B, L);
        h.runLayers((o, s) -> o.addRmsNorm(s.of(out), s.of(rstd), s.of(a), s.of(b), 1e-5f));
        h.close("addRmsNorm bf16 out (one rounding)", out, OpsParity.BF16_STORE);
        h.close("addRmsNorm bf16 rstd", rstd, F32);
        h.runLayers((o, s) -> o.addRmsNorm(s.of(a), null, s.of(a), s.of(b), 1e-5f));  // in place into the bf16 a
        h.close("addRmsNorm bf16 in place", a, OpsParity.BF16_STORE);
        h.asComputed(out);  // the backward reads what the kernel stored, on both sides
        Twin dOut = h.rand(B, L, D), dIn = h.out(B, L, D);
        h.runLayers((o, s) -> o.addRmsNormBackward(s.of(dIn), s.of(dOut), s.of(out), s.of(rstd)));
        h.close("addRmsNormBackward (bf16 out)", dIn, F32);
    }

    @Covers({"Layers.rope", "Layers.ropeBackward"})
    @ParameterizedTest
    @CsvSource({"4, 97, 2, 32", "3, 37, 3, 22", "2, 5, 8, 64"})
    void rope(int B, int L, int H, int hd) {
        float[] cos = new float[L * hd], sin = new float[L * hd];
        RopeTables.fill(cos, sin, L, hd, 10000);
        Twin c = h.f32(cos, L, hd), sn = h.f32(sin, L, hd), qkv = h.rand(B, L, 3 * H * hd);
        h.runLayers((o, s) -> o.rope(s.of(qkv), s.of(c), s.of(sn), H));
        h.close("rope (in place)", qkv, F32);
        Twin d = h.rand(B, L, 3 * H * hd);
        h.runLayers((o, s) -> o.ropeBackward(s.of(d), s.of(c), s.of(sn), H));
        h.close("ropeBackward (in place)", d, F32);
    }

    // ---- heads and losses --------------------------------------------------------------------------
    @Covers({"qHead", "qHeadBackward"})
    @ParameterizedTest
    @CsvSource({"4, 97, 64", "4, 97, 512", "7, 13, 100"})
    void qHead(int B, int L, int D) {
        Twin y = h.rand(B, L, D), w = h.rand(2, D), bias = h.rand(2), q = h.out(B, 2);
        h.run((o, s) -> o.qHead(s.of(q), s.of(y), s.of(w), s.of(bias)));
        h.close("qHead", q, F32);
        Twin dy = h.rand(B, L, D), dW = h.rand(2, D), dBias = h.rand(2), dq = h.rand(B, 2);
        h.run((o, s) -> o.qHeadBackward(s.of(dy), s.of(dW), s.of(dBias), s.of(dq), s.of(y), s.of(w)));
        h.close("qHeadBackward dy (accumulated)", dy, F32);
        h.close("qHeadBackward dW (accumulated)", dW, F32);
        h.close("qHeadBackward dBias (accumulated)", dBias, F32);
    }

    /** Labels in [1, V) with some ignored (0) positions; sample 1 entirely ignored, sample 2 none ignored. */
    Twin labels(int B, int S, int V) {
        int[] a = new int[B * S];
        for (int i = 0; i < a.length; i++) a[i] = h.rnd.nextInt(5) == 0 ? 0 : 1 + h.rnd.nextInt(V - 1);
        if (B > 1) Arrays.fill(a, S, 2 * S, 0);
        if (B > 2) for (int i = 2 * S; i < 3 * S; i++) a[i] = 1 + h.rnd.nextInt(V - 1);
        return h.i32(a, B, S);
    }

    @Covers({"lmLoss", "argmax"})
    @ParameterizedTest
    @CsvSource({"SOFTMAX, 4, 16, 81, 11", "STABLEMAX, 4, 16, 81, 11", "STABLEMAX, 5, 3, 37, 7", "SOFTMAX, 3, 0, 200, 33"})
    void lmLossAndArgmax(LossKind kind, int B, int P, int S, int V) {
        int L = P + S;
        Twin logits = h.f32(h.randoms(B * L * V, 4f), B, L, V), labels = labels(B, S, V);
        Twin dLogits = h.out(B, L, V), stats = h.rand(B, Stat.COLUMNS);
        h.run((o, s) -> o.lmLoss(kind, s.of(dLogits), s.of(stats), s.of(logits), s.of(labels), P, 0.37f));
        h.close("lmLoss " + kind + " dLogits", dLogits, F32);
        h.close("lmLoss " + kind + " stats", stats, F32);
        Twin stats2 = h.rand(B, Stat.COLUMNS);
        h.run((o, s) -> o.lmLoss(kind, null, s.of(stats2), s.of(logits), s.of(labels), P, 1f));
        h.close("lmLoss " + kind + " stats (no gradient)", stats2, F32);

        Twin preds = h.out(DType.I32, B, S);
        h.run((o, s) -> o.argmax(s.of(preds), s.of(logits), P));
        h.sameInts("argmax", preds);
    }

    @Covers({"haltLoss"})
    @Test
    void haltLoss() {
        int B = 37;
        float[] st = h.randoms(B * Stat.COLUMNS, 1f);
        for (int b = 0; b < B; b++) st[b * Stat.COLUMNS + Stat.SEQ_CORRECT] = h.rnd.nextBoolean() ? 1 : 0;
        Twin stats = h.f32(st, B, Stat.COLUMNS), q = h.f32(h.randoms(B * 2, 6f), B, 2), dq = h.out(B, 2);
        h.run((o, s) -> o.haltLoss(s.of(dq), s.of(stats), s.of(q), 0.25f));
        h.close("haltLoss dq", dq, F32);
        h.close("haltLoss stats", stats, F32);
        h.run((o, s) -> o.haltLoss(null, s.of(stats), s.of(q), 1f));
        h.close("haltLoss stats (no gradient)", stats, F32);
    }

    // ---- optimizers ------------------------------------------------------------------------------
    Twin positive(int n) {
        float[] a = h.randoms(n, 1f);
        for (int i = 0; i < n; i++) a[i] = Math.abs(a[i]) * 1e-3f;
        return h.f32(a, n);
    }

    @Covers({"adamAtan2", "adamW"})
    @ParameterizedTest
    @CsvSource({"10007, 1", "4099, 37"})
    void adam(int n, long step) {
        Twin p = h.rand(n), g = h.rand(n), m = h.f32(h.randoms(n, 0.1f), n), v = positive(n);
        h.run((o, s) -> o.adamAtan2(s.of(p), s.of(g), s.of(m), s.of(v), 1e-3f, 0.1f, 0.9f, 0.95f, step));
        h.close("adamAtan2 p", p, F32);
        h.close("adamAtan2 m", m, F32);
        h.close("adamAtan2 v", v, F32);
        h.run((o, s) -> o.adamW(s.of(p), s.of(g), s.of(m), s.of(v), 1e-3f, 0.1f, 0.9f, 0.95f, 1e-8f, step));
        h.close("adamW p", p, F32);
        h.close("adamW m", m, F32);
        h.close("adamW v", v, F32);
    }

    @Covers({"signSgd", "ema"})
    @Test
    void signSgdAndEma() {
        int rows = 50, ndim = 100, B = 16;
        Twin table = h.rand(rows, ndim), dRows = h.rand(B, ndim);
        int[] ids = new int[B];
        for (int b = 0; b < B; b++) ids[b] = h.rnd.nextInt(6);  // many duplicates
        Twin id = h.i32(ids, B);
        h.run((o, s) -> o.signSgd(s.of(table), s.of(dRows), s.of(id), 0.01f, 0.1f));
        h.close("signSgd", table, F32);

        Twin shadow = h.rand(10007), p = h.rand(10007);
        h.run((o, s) -> o.ema(s.of(shadow), s.of(p), 0.999f));
        h.close("ema", shadow, F32);
    }

    // ---- deep supervision ------------------------------------------------------------------------
    @Covers({"haltUpdate"})
    @ParameterizedTest
    @CsvSource({"true, 16, 0.5", "true, 16, 0.1", "false, 16, 0.5", "true, 1, 0.5", "true, 3, 1.0"})
    void haltUpdate(boolean training, int maxSteps, float explore) {
        int B = 97;
        Twin steps = h.ints(0, maxSteps, B), halted = h.out(DType.I32, B);
        for (long step = 1; step <= 5; step++) {
            long st = step;
            Twin q = h.f32(h.randoms(B * 2, 1f), B, 2);
            h.run((o, s) -> o.haltUpdate(s.of(halted), s.of(steps), s.of(q), maxSteps, explore, training, 1234567L, st));
            h.sameInts("haltUpdate halted", halted);
            h.sameInts("haltUpdate steps", steps);
        }
    }

    @Covers({"resetCarry", "selectRows", "accumulateMetrics"})
    @Test
    void resetCarrySelectRowsAccumulateMetrics() {
        int B = 4, L = 97, D = 64, S = 81;
        Twin halted = h.ints(0, 2, B), steps = h.ints(1, 9, B);
        Twin y = h.rand(B, L, D), z = h.rand(B, L, D), hInit = h.rand(D), lInit = h.rand(D);
        h.run((o, s) -> o.resetCarry(s.of(halted), s.of(y), s.of(z), s.of(hInit), s.of(lInit), s.of(steps)));
        h.sameFloats("resetCarry y", y);
        h.sameFloats("resetCarry z", z);
        h.sameInts("resetCarry steps", steps);

        Twin dst = h.ints(0, 11, B, S), src = h.ints(0, 11, B, S);
        h.run((o, s) -> o.selectRows(s.of(halted), s.of(dst), s.of(src)));
        h.sameInts("selectRows", dst);

        int B2 = 97;
        float[] st = h.randoms(B2 * Stat.COLUMNS, 1f);
        for (int b = 0; b < B2; b++) {
            int c = b % 7 == 0 ? 0 : 1 + h.rnd.nextInt(81);
            st[b * Stat.COLUMNS + Stat.COUNT] = c;
            st[b * Stat.COLUMNS + Stat.CORRECT] = h.rnd.nextInt(c + 1);
            st[b * Stat.COLUMNS + Stat.SEQ_CORRECT] = h.rnd.nextBoolean() ? 1 : 0;
        }
        Twin stats = h.f32(st, B2, Stat.COLUMNS), metrics = h.rand(Ops.Metric.COLUMNS);
        Twin halted2 = h.ints(0, 2, B2), steps2 = h.ints(1, 17, B2);
        for (int i = 0; i < 3; i++)
            h.run((o, s) -> o.accumulateMetrics(s.of(metrics), s.of(stats), s.of(halted2), s.of(steps2)));
        h.sameFloats("accumulateMetrics", metrics);
    }

    // ---- the heavy ops: tensor-core GEMM (bf16 operands) and flash attention ---------------------
    /** bf16 operands, fp32 accumulation: the bound for GEMM paths. */
    static final double BF16 = 2e-2;

    @Covers({"linear", "linearBackward"})
    @Test
    void linearForwardAndBackward() {
        int M = 2 * 97, K = 70, N = 33;
        Twin in = h.rand(M, K), w = h.rand(N, K), bias = h.rand(N), out = h.out(M, N);
        h.run((o, s) -> o.linear(s.of(out), s.of(in), s.of(w), s.of(bias)));
        h.close("linear", out, BF16);
        Twin dOut = h.rand(M, N), dIn = h.out(M, K), dW = h.rand(N, K), dB = h.rand(N);
        h.run((o, s) -> o.linearBackward(s.of(dIn), false, s.of(dW), s.of(dB), s.of(dOut), s.of(in), s.of(w)));
        h.close("linearBackward dIn", dIn, BF16);
        h.close("linearBackward dW (accumulated)", dW, BF16);
        h.close("linearBackward dBias (accumulated)", dB, F32);
        h.run((o, s) -> o.linearBackward(s.of(dIn), true, s.of(dW), null, s.of(dOut), s.of(in), s.of(w)));
        h.close("linearBackward dIn (accumulated)", dIn, BF16);
    }

    /** Enough rows that the kernel devices split the weight gradient (Gemm.weightGradSplits > 1), slices summed in order. */
    @Covers({"linearBackward"})
    @Test
    void linearBackwardWithSplitK() {
        int M = 1100, K = 70, N = 33;
        assertTrue(trm.kernels.launch.Gemm.weightGradSplits(M, K, N) > 1, "this shape must split");
        Twin in = h.rand(M, K), w = h.rand(N, K), dOut = h.rand(M, N), dIn = h.out(M, K), dW = h.rand(N, K), dB = h.rand(N);
        h.run((o, s) -> o.linearBackward(s.of(dIn), false, s.of(dW), s.of(dB), s.of(dOut), s.of(in), s.of(w)));
        h.close("linearBackward split-K dW (accumulated)", dW, BF16);
        h.close("linearBackward split-K dIn", dIn, BF16);
    }

    /**
     * What a model step does: the split-K partial sums in the workspace's step scratch, bound by
     * useStepScratch and sized by stepScratch (here as the lm head's weight gradient of a step
     * with B·L = 1100 rows, D = 70, vocab 33): the same result, written there, nothing allocated.
     */
    @Covers({"stepScratch", "useStepScratch", "linearBackward"})
    @Test
    void linearBackwardWithSplitKInTheStepScratch() {
        int M = 1100, K = 70, N = 33;
        var shape = new trm.engine.ScratchSizes.StepShape(11, 100, K, 16, 0, 1, N, false, true);
        long need = trm.kernels.launch.Gemm.workspaceBytes(M, K, N, trm.kernels.launch.Gemm.weightGradSplits(M, K, N)) / 4;
        long floats = dev.ops().stepScratch(shape);
        assertTrue(need > 0 && floats >= need, "step scratch " + floats + " floats for split-K partial sums of " + need);
        assertEquals(0, h.cpu.ops().stepScratch(shape), "the cpu needs no step scratch");
        trm.engine.Tensor scratch = dev.allocate(DType.F32, Math.toIntExact(floats));
        dev.poison(scratch);
        Twin in = h.rand(M, K), w = h.rand(N, K), dOut = h.rand(M, N), dIn = h.out(M, K), dW = h.rand(N, K), dB = h.rand(N);
        long allocations = dev.allocations();
        dev.ops().useStepScratch(scratch);
        try {
            h.run((o, s) -> o.linearBackward(s.of(dIn), false, s.of(dW), s.of(dB), s.of(dOut), s.of(in), s.of(w)));
        } finally {
            dev.ops().useStepScratch(null);
        }
        assertEquals(allocations, dev.allocations(), "allocations with a step scratch bound");
        h.close("linearBackward split-K in the step scratch dW (accumulated)", dW, BF16);
        h.close("linearBackward split-K in the step scratch dIn", dIn, BF16);
        float[] partials = dev.toFloats(scratch);
        assertTrue(Float.isFinite(partials[0]) && Float.isFinite(partials[(int) need - 1]), "the partial sums went elsewhere");
    }

    /** A batch the kernel devices split the mixer's weight gradients over (Mixer.weightGradSplits > 1). */
    @Covers({"tokenMixBackward"})
    @Test
    void tokenMixingBackwardWithSplitK() {
        int B = 24, L = 21, D = 64, It = 24;
        assertTrue(trm.kernels.launch.Mixer.weightGradSplits(B, L, D, It) > 1, "this shape must split");
        Twin x = h.rand(B, L, D), w1 = h.rand(2 * It, L), w2 = h.rand(L, It), out = h.out(B, L, D);
        Twin gateUp = h.out(B * D * 2 * It), act = h.out(B * D * It), rstd = h.out(B * D);
        Twin scratch = new Twin(dev.allocate(DType.F32, (int) dev.ops().tokenMixScratch(B, L, D, It)),
                h.cpu.allocate(DType.F32, (int) h.cpu.ops().tokenMixScratch(B, L, D, It)));
        h.run((o, s) -> o.tokenMix(s.of(out), s.of(gateUp), s.of(act), s.of(rstd), s.of(x), s.of(w1), s.of(w2), s.of(scratch), 1e-5f));
        Twin dOut = h.rand(B, L, D), dh = h.out(B, L, D), dW1 = h.rand(2 * It, L), dW2 = h.rand(L, It);
        h.run((o, s) -> o.tokenMixBackward(s.of(dh), s.of(dW1), s.of(dW2), s.of(dOut), s.of(x), s.of(gateUp), s.of(act), s.of(out),
                s.of(rstd), s.of(w1), s.of(w2), s.of(scratch)));
        h.close("tokenMixBackward split-K dW1 (accumulated)", dW1, BF16);
        h.close("tokenMixBackward split-K dW2 (accumulated)", dW2, BF16);
        h.close("tokenMixBackward split-K dh", dh, BF16);
    }

    @Covers({"Layers.attention", "Layers.attentionBackward", "attentionSaveShape"})
    @Test
    void flashAttentionForwardAndBackward() {
        int B = 2, L = 97, H = 2, D = 64 * H;
        Twin qkv = h.rand(B, L, 3 * D), out = h.out(B, L, D);
        // each device saves its own thing: probabilities on the cpu, one log-sum-exp per row on kernels
        Twin saved = new Twin(dev.allocate(DType.F32, dev.ops().attentionSaveShape(B, H, L)),
                h.cpu.allocate(DType.F32, h.cpu.ops().attentionSaveShape(B, H, L)));
        h.runLayers((o, s) -> o.attention(s.of(out), s.of(saved), s.of(qkv), H));
        h.close("attention", out, F32);
        Twin dOut = h.rand(B, L, D), dqkv = h.out(B, L, 3 * D);
        h.runLayers((o, s) -> o.attentionBackward(s.of(dqkv), s.of(dOut), s.of(out), s.of(qkv), s.of(saved), H));
        h.close("attentionBackward", dqkv, F32);
        Twin noSave = h.out(B, L, D);
        h.runLayers((o, s) -> o.attention(s.of(noSave), null, s.of(qkv), H));
        h.close("attention (nothing saved)", noSave, F32);
    }

    /**
     * bf16 qkv and out (the kernel devices' saved activations): the tensor-core kernels (P, dO, dS
     * rounded to bf16 as MMA operands, fp32 accumulation and statistics), out rounded once more.
     */
    @Covers({"Layers.attention", "Layers.attentionBackward"})
    @ParameterizedTest
    @CsvSource({"2, 97, 2", "1, 130, 1"})
    void flashAttentionBf16(int B, int L, int H) {
        int D = 64 * H;
        Twin qkv = h.randBf16(B, L, 3 * D), out = h.outBf16(B, L, D);
        Twin saved = new Twin(dev.allocate(DType.F32, dev.ops().attentionSaveShape(B, H, L)),
                h.cpu.allocate(DType.F32, h.cpu.ops().attentionSaveShape(B, H, L)));
        h.runLayers((o, s) -> o.attention(s.of(out), s.of(saved), s.of(qkv), H));
        h.close("attention bf16 qkv, bf16 out (tensor cores)", out, OpsParity.BF16_STORE);
        h.asComputed(out);
        Twin dOut = h.rand(B, L, D), dqkv = h.out(B, L, 3 * D);
        h.runLayers((o, s) -> o.attentionBackward(s.of(dqkv), s.of(dOut), s.of(out), s.of(qkv), s.of(saved), H));
        // The bf16 MMA operands (P, dO, dS; 2.5e-3 seen) and delta = rowsum(dO ∘ O) from the bf16 out
        // (the cpu's Σ P·dP uses the exact one): a few bf16 roundings' worth, not the fp32 bound.
        h.close("attentionBackward (bf16 qkv, out)", dqkv, OpsParity.BF16_STORE);
    }

    @Test
    void attentionRefusesOtherHeadDims() {
        var qkv = dev.allocate(DType.F32, 1, 4, 3 * 32);
        var e = assertThrows(trm.engine.TrmException.class, () -> ((KernelOps) dev.ops()).attention(dev.allocate(DType.F32, 1, 4, 32), null, qkv, 1));
        assertTrue(e.getMessage().contains("head_dim 64"), e.getMessage());
    }

    @Covers({"tokenMix", "tokenMixBackward", "tokenMixScratch"})
    @Test
    void tokenMixingForwardAndBackward() {
        int B = 2, L = 21, D = 40, It = 24;
        Twin x = h.rand(B, L, D), w1 = h.rand(2 * It, L), w2 = h.rand(L, It), out = h.out(B, L, D);
        Twin gateUp = h.out(B * D * 2 * It), act = h.out(B * D * It), rstd = h.out(B * D);
        Twin scratch = new Twin(dev.allocate(DType.F32, (int) dev.ops().tokenMixScratch(B, L, D, It)),
                h.cpu.allocate(DType.F32, (int) h.cpu.ops().tokenMixScratch(B, L, D, It)));
        h.run((o, s) -> o.tokenMix(s.of(out), s.of(gateUp), s.of(act), s.of(rstd), s.of(x), s.of(w1), s.of(w2), s.of(scratch), 1e-5f));
        h.close("tokenMix", out, BF16);
        h.close("tokenMix rstd", rstd, BF16);
        Twin dOut = h.rand(B, L, D), dh = h.out(B, L, D), dW1 = h.rand(2 * It, L), dW2 = h.rand(L, It);
        h.run((o, s) -> o.tokenMixBackward(s.of(dh), s.of(dW1), s.of(dW2), s.of(dOut), s.of(x), s.of(gateUp), s.of(act), s.of(out),
                s.of(rstd), s.of(w1), s.of(w2), s.of(scratch)));
        h.close("tokenMixBackward dh", dh, BF16);
        h.close("tokenMixBackward dW1 (accumulated)", dW1, BF16);
        h.close("tokenMixBackward dW2 (accumulated)", dW2, BF16);
    }

    /**
     * The no-gradient call the model makes (rstd null, TrmModel.blockForward with save = false):
     * the same output, and on the kernel device no pre-activation stored (gateUp keeps its poison).
     */
    @Covers({"tokenMix"})
    @Test
    void tokenMixingWithoutGradientSavesNoPreActivation() {
        int B = 2, L = 21, D = 40, It = 24;
        Twin x = h.rand(B, L, D), w1 = h.rand(2 * It, L), w2 = h.rand(L, It), out = h.out(B, L, D);
        Twin gateUp = h.out(B * D * 2 * It), act = h.out(B * D * It);
        Twin scratch = new Twin(dev.allocate(DType.F32, (int) dev.ops().tokenMixScratch(B, L, D, It)),
                h.cpu.allocate(DType.F32, (int) h.cpu.ops().tokenMixScratch(B, L, D, It)));
        h.run((o, s) -> o.tokenMix(s.of(out), s.of(gateUp), s.of(act), null, s.of(x), s.of(w1), s.of(w2), s.of(scratch), 1e-5f));
        h.close("tokenMix without gradient", out, BF16);
        float[] kept = dev.toFloats(gateUp.k());
        for (int i = 0; i < kept.length; i++)
            assertEquals(KernelDevice.POISON, Float.floatToRawIntBits(kept[i]), "gateUp[" + i + "] written in a no-gradient cycle");
    }

    @Covers({"channelMlp", "channelMlpBackward", "channelMlpScratch"})
    @Test
    void channelMlpForwardAndBackward() {
        int rows = 2 * 37, D = 48, I = 40;
        Twin x = h.rand(rows, D), wgu = h.rand(2 * I, D), wd = h.rand(D, I), out = h.out(rows, D);
        Twin gateUp = h.out(rows, 2 * I), act = h.out(rows, I), rstd = h.out(rows);
        Twin scratch = new Twin(dev.allocate(DType.F32, (int) dev.ops().channelMlpScratch(rows, D, I, true)),
                h.cpu.allocate(DType.F32, (int) h.cpu.ops().channelMlpScratch(rows, D, I, true)));
        h.run((o, s) -> o.channelMlp(s.of(out), s.of(gateUp), s.of(act), s.of(rstd), s.of(x), s.of(wgu), s.of(wd), s.of(scratch), 1e-5f));
        h.close("channelMlp", out, BF16);
        h.close("channelMlp gateUp", gateUp, BF16);
        h.close("channelMlp act", act, BF16);
        Twin dOut = h.rand(rows, D), dx = h.out(rows, D), dWgu = h.rand(2 * I, D), dWd = h.rand(D, I);
        h.run((o, s) -> o.channelMlpBackward(s.of(dx), s.of(dWgu), s.of(dWd), s.of(dOut), s.of(x), s.of(gateUp), s.of(act), s.of(out),
                s.of(rstd), s.of(wgu), s.of(wd), s.of(scratch)));
        h.close("channelMlpBackward dh", dx, BF16);
        h.close("channelMlpBackward dWGateUp (accumulated)", dWgu, BF16);
        h.close("channelMlpBackward dWDown (accumulated)", dWd, BF16);
    }

    @Covers({"channelMlpRecomputes", "channelMlp", "channelMlpBackward", "channelMlpScratch"})
    @Test
    void channelMlpWithoutSavingNeedsNoGateUp() {
        int rows = 2 * 37, D = 48, I = 40;
        assertTrue(dev.ops().channelMlpRecomputes(), "the kernels fuse SwiGLU into the GEMM and recompute it in backward");
        assertFalse(h.cpu.ops().channelMlpRecomputes(), "the cpu reference keeps gate_up and act");
        Twin x = h.rand(rows, D), wgu = h.rand(2 * I, D), wd = h.rand(D, I), out = h.out(rows, D);
        Twin gateUp = new Twin(null, h.out(rows, 2 * I).c()), act = new Twin(null, h.out(rows, I).c());  // none on the device
        Twin scratch = new Twin(dev.allocate(DType.F32, (int) dev.ops().channelMlpScratch(rows, D, I, false)),
                h.cpu.allocate(DType.F32, (int) h.cpu.ops().channelMlpScratch(rows, D, I, false)));
        h.run((o, s) -> o.channelMlp(s.of(out), s.of(gateUp), s.of(act), null, s.of(x), s.of(wgu), s.of(wd), s.of(scratch), 1e-5f));
        h.close("channelMlp, nothing saved, no gateUp or act on the device", out, BF16);
    }

    /**
     * The model's channel MLP on the kernel devices: bf16 h and out, nothing of gate_up or act kept
     * (null), backward recomputing them; against the cpu (which keeps both, fp32) within the GEMM
     * bound, and bit-identical to the kernels' own backward from saved bf16 gate_up and act (the
     * recomputation is the same GEMM on the same inputs).
     */
    @Covers({"channelMlp", "channelMlpBackward", "channelMlpScratch", "channelMlpRecomputes"})
    @ParameterizedTest
    @CsvSource({"74, 48, 40", "97, 64, 171"})
    void channelMlpRecomputedInBackward(int rows, int D, int I) {
        Twin x = h.randBf16(rows, D), wgu = h.f32(h.randoms(2 * I * D, (float) (1 / Math.sqrt(D))), 2 * I, D);
        Twin wd = h.f32(h.randoms(D * I, (float) (1 / Math.sqrt(I))), D, I), out = h.outBf16(rows, D), rstd = h.out(rows);
        Twin gateUp = new Twin(null, h.out(rows, 2 * I).c()), act = new Twin(null, h.out(rows, I).c());
        Twin scratch = new Twin(dev.allocate(DType.F32, (int) dev.ops().channelMlpScratch(rows, D, I, true)),
                h.cpu.allocate(DType.F32, (int) h.cpu.ops().channelMlpScratch(rows, D, I, true)));
        h.run((o, s) -> o.channelMlp(s.of(out), s.of(gateUp), s.of(act), s.of(rstd), s.of(x), s.of(wgu), s.of(wd), s.of(scratch), 1e-5f));
        h.close("channelMlp bf16 h, out (gate_up, act not kept)", out, BF16);
        h.asComputed(out);
        Twin dOut = h.rand(rows, D), dx = h.out(rows, D), dWgu = h.rand(2 * I, D), dWd = h.rand(D, I);
        float[] dWgu0 = dev.toFloats(dWgu.k()), dWd0 = dev.toFloats(dWd.k());
        h.run((o, s) -> o.channelMlpBackward(s.of(dx), s.of(dWgu), s.of(dWd), s.of(dOut), s.of(x), s.of(gateUp), s.of(act), s.of(out),
                s.of(rstd), s.of(wgu), s.of(wd), s.of(scratch)));
        h.close("channelMlpBackward recomputed: dh", dx, BF16);
        h.close("channelMlpBackward recomputed: dWGateUp (accumulated)", dWgu, BF16);
        h.close("channelMlpBackward recomputed: dWDown (accumulated)", dWd, BF16);

        // the same backward from gate_up and act saved by the forward (bf16): the same bits
        var k = dev.ops();
        var guK = dev.allocate(DType.BF16, rows, 2 * I);
        var actK = dev.allocate(DType.BF16, rows, I);
        var out2 = dev.allocate(DType.BF16, rows, D);
        var rstd2 = dev.allocate(DType.F32, rows);
        k.channelMlp(out2, guK, actK, rstd2, x.k(), wgu.k(), wd.k(), scratch.k(), 1e-5f);
        assertArrayEquals(dev.toFloats(out.k()), dev.toFloats(out2), "forward with and without keeping gate_up/act");
        var dx2 = dev.allocate(DType.F32, rows, D);
        var dWgu2 = dev.tensor(dWgu0, 2 * I, D);
        var dWd2 = dev.tensor(dWd0, D, I);
        k.channelMlpBackward(dx2, dWgu2, dWd2, dOut.k(), x.k(), guK, actK, out2, rstd2, wgu.k(), wd.k(), scratch.k());
        dev.synchronize();
        assertArrayEquals(dev.toFloats(dx.k()), dev.toFloats(dx2), "dh: recomputed vs saved gate_up/act");
        assertArrayEquals(dev.toFloats(dWgu.k()), dev.toFloats(dWgu2), "dWGateUp: recomputed vs saved");
        assertArrayEquals(dev.toFloats(dWd.k()), dev.toFloats(dWd2), "dWDown: recomputed vs saved");
    }

    /**
     * The model's attention half-block on the kernel devices: h, qkv, attn and out in bf16 (the
     * saved activations), against the cpu in fp32, within the GEMM bound.
     */
    @Covers({"attentionMix", "attentionMixBackward", "attentionMixScratch"})
    @Test
    void attentionMixBf16() {
        int B = 2, L = 37, H = 2, hd = 64, D = H * hd;
        float[] cos = new float[L * hd], sin = new float[L * hd];
        RopeTables.fill(cos, sin, L, hd, 10000);
        Twin c = h.f32(cos, L, hd), sn = h.f32(sin, L, hd);
        float ws = (float) (1 / Math.sqrt(D));
        Twin x = h.randBf16(B, L, D), wqkv = h.f32(h.randoms(3 * D * D, ws), 3 * D, D), wo = h.f32(h.randoms(D * D, ws), D, D);
        Twin out = h.outBf16(B, L, D), qkv = h.outBf16(B, L, 3 * D), attn = h.outBf16(B, L, D), rstd = h.out(B * L);
        Twin saved = new Twin(dev.allocate(DType.F32, dev.ops().attentionSaveShape(B, H, L)),
                h.cpu.allocate(DType.F32, h.cpu.ops().attentionSaveShape(B, H, L)));
        Twin scratch = new Twin(dev.allocate(DType.F32, (int) dev.ops().attentionMixScratch(B, L, D, true)),
                h.cpu.allocate(DType.F32, (int) h.cpu.ops().attentionMixScratch(B, L, D, true)));
        h.run((o, s) -> o.attentionMix(s.of(out), s.of(qkv), s.of(attn), s.of(saved), s.of(rstd), s.of(x), s.of(wqkv), s.of(wo),
                s.of(c), s.of(sn), H, s.of(scratch), 1e-5f));
        h.close("attentionMix bf16 out", out, BF16);
        h.close("attentionMix bf16 qkv (after RoPE)", qkv, BF16);
        h.close("attentionMix bf16 attn", attn, BF16);
        Twin dOut = h.rand(B, L, D), dx = h.out(B, L, D), dWqkv = h.rand(3 * D, D), dWo = h.rand(D, D);
        h.run((o, s) -> o.attentionMixBackward(s.of(dx), s.of(dWqkv), s.of(dWo), s.of(dOut), s.of(x), s.of(qkv), s.of(attn), s.of(saved),
                s.of(out), s.of(rstd), s.of(wqkv), s.of(wo), s.of(c), s.of(sn), H, s.of(scratch)));
        h.close("attentionMixBackward bf16: dh", dx, BF16);
        h.close("attentionMixBackward bf16: dWQkv (accumulated)", dWqkv, BF16);
        h.close("attentionMixBackward bf16: dWO (accumulated)", dWo, BF16);
    }

    /** With the reference's 1-D RoPE tables, and with rope2d's (our extension: L = 37 = 1 prefix position + a 6×6 grid). */
    @Covers({"attentionMix", "attentionMixBackward", "attentionMixScratch", "attentionSaveShape"})
    @ParameterizedTest(name = "rope2d={0}")
    @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
    void attentionMixForwardAndBackward(boolean rope2d) {
        int B = 2, L = 37, H = 2, hd = 64, D = H * hd;
        float[] cos = new float[L * hd], sin = new float[L * hd];
        if (rope2d) RopeTables.fill2d(cos, sin, 1, 6, hd, 10000);
        else RopeTables.fill(cos, sin, L, hd, 10000);
        Twin c = h.f32(cos, L, hd), sn = h.f32(sin, L, hd);
        // weights at the model's scale (≈ 1/√fan_in): with O(1) weights the scores reach the hundreds
        // and softmax turns bf16 rounding of q, k into O(1) changes, which tests nothing useful
        float ws = (float) (1 / Math.sqrt(D));
        Twin x = h.rand(B, L, D), wqkv = h.f32(h.randoms(3 * D * D, ws), 3 * D, D), wo = h.f32(h.randoms(D * D, ws), D, D);
        Twin out = h.out(B, L, D);
        Twin qkv = h.out(B, L, 3 * D), attn = h.out(B, L, D), rstd = h.out(B * L);
        Twin saved = new Twin(dev.allocate(DType.F32, dev.ops().attentionSaveShape(B, H, L)),
                h.cpu.allocate(DType.F32, h.cpu.ops().attentionSaveShape(B, H, L)));
        Twin scratch = new Twin(dev.allocate(DType.F32, (int) dev.ops().attentionMixScratch(B, L, D, true)),
                h.cpu.allocate(DType.F32, (int) h.cpu.ops().attentionMixScratch(B, L, D, true)));
        h.run((o, s) -> o.attentionMix(s.of(out), s.of(qkv), s.of(attn), s.of(saved), s.of(rstd), s.of(x), s.of(wqkv), s.of(wo),
                s.of(c), s.of(sn), H, s.of(scratch), 1e-5f));
        h.close("attentionMix", out, BF16);
        h.close("attentionMix qkv (after RoPE)", qkv, BF16);
        Twin dOut = h.rand(B, L, D), dx = h.out(B, L, D), dWqkv = h.rand(3 * D, D), dWo = h.rand(D, D);
        h.run((o, s) -> o.attentionMixBackward(s.of(dx), s.of(dWqkv), s.of(dWo), s.of(dOut), s.of(x), s.of(qkv), s.of(attn), s.of(saved),
                s.of(out), s.of(rstd), s.of(wqkv), s.of(wo), s.of(c), s.of(sn), H, s.of(scratch)));
        h.close("attentionMixBackward dh", dx, BF16);
        h.close("attentionMixBackward dWQkv (accumulated)", dWqkv, BF16);
        h.close("attentionMixBackward dWO (accumulated)", dWo, BF16);
    }
}
