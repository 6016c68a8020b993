package trm.engine;

import org.junit.jupiter.api.Test;
import trm.engine.cpu.CpuDevice;
import trm.engine.cpu.AddRmsNorm;
import trm.engine.cpu.Attention;
import trm.engine.cpu.Rope;
import trm.engine.cpu.SwiGlu;
import trm.engine.cpu.Transpose;
import trm.engine.model.RopeTables;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every cpu layer's backward against central finite differences of its forward: the {@link Ops}
 * methods, and the finer layers the cpu composes inside the half-blocks, called directly. The forward
 * runs in fp32, the differences and the loss Σ out ⊙ R in double; with h = 1e-2 and O(1)
 * inputs the fp32 rounding noise stays near 1e-4 relative, so the bound is 2e-3.
 */
class LayerGradientTest {
    static final double BOUND = 2e-3;
    static final double H = 1e-2;
    final Device dev = new CpuDevice();
    final Ops ops = dev.ops();
    final SplittableRandom rng = new SplittableRandom(42);

    Tensor rand(int... shape) {
        return dev.tensor(GradCheck.random(rng, Math.toIntExact(Tensor.numel(shape)), 1.0), shape);
    }

    /** Checks d(Σ out⊙R)/d(input) at sampled coordinates against the analytic gradient. */
    void check(String what, Tensor input, Tensor analyticGrad, Tensor out, float[] r, Runnable forward) {
        int[] c = GradCheck.coords(Math.toIntExact(input.numel()), 40, what.hashCode());
        double[] num = GradCheck.numeric(input.f32(), input.off(), c, H, () -> {
            forward.run();
            return GradCheck.dot(dev.toFloats(out), r);
        });
        double[] ana = GradCheck.pick(analyticGrad.f32(), analyticGrad.off(), c);
        double err = GradCheck.relErr(ana, num);
        assertTrue(err < BOUND, what + ": relative error " + err + " ≥ " + BOUND);
    }

    @Covers({"linear", "linearBackward"})
    @Test
    void linearWithBias() {
        int M = 7, K = 13, N = 5;
        Tensor in = rand(M, K), w = rand(N, K), b = rand(N), out = dev.allocate(DType.F32, M, N);
        float[] r = GradCheck.random(rng, M * N, 1);
        Tensor dOut = dev.tensor(r, M, N);
        Tensor dIn = dev.allocate(DType.F32, M, K), dW = dev.allocate(DType.F32, N, K), dB = dev.allocate(DType.F32, N);
        Runnable f = () -> ops.linear(out, in, w, b);
        f.run();
        ops.linearBackward(dIn, false, dW, dB, dOut, in, w);
        check("linear dIn", in, dIn, out, r, f);
        check("linear dW", w, dW, out, r, f);
        check("linear dBias", b, dB, out, r, f);
    }

    @Test
    void swiglu() {
        int M = 6, I = 9;
        Tensor gu = rand(M, 2 * I), out = dev.allocate(DType.F32, M, I), dgu = dev.allocate(DType.F32, M, 2 * I);
        float[] r = GradCheck.random(rng, M * I, 1);
        Runnable f = () -> SwiGlu.forward(out, gu);
        f.run();
        SwiGlu.backward(dgu, dev.tensor(r, M, I), gu);
        check("swiglu", gu, dgu, out, r, f);
    }

    @Test
    void addRmsNorm() {
        int M = 5, C = 24;
        Tensor a = rand(M, C), b = rand(M, C), out = dev.allocate(DType.F32, M, C), rstd = dev.allocate(DType.F32, M);
        Tensor dIn = dev.allocate(DType.F32, M, C);
        float[] r = GradCheck.random(rng, M * C, 1);
        Runnable f = () -> AddRmsNorm.forward(out, rstd, a, b, 1e-5f);
        f.run();
        AddRmsNorm.backward(dIn, dev.tensor(r, M, C), out, rstd);
        check("addRmsNorm d/da", a, dIn, out, r, f);
        check("addRmsNorm d/db", b, dIn, out, r, f);
        // The forward really normalises: every row has mean square 1 (up to eps).
        float[] o = dev.toFloats(out);
        for (int m = 0; m < M; m++) {
            double ss = 0;
            for (int c = 0; c < C; c++) ss += o[m * C + c] * o[m * C + c];
            assertEquals(1.0, ss / C, 1e-4);
        }
    }

    @Test
    void transposeIsItsOwnAdjoint() {
        int B = 2, R = 5, C = 7;
        Tensor in = rand(B, R, C), out = dev.allocate(DType.F32, B, C, R), back = dev.allocate(DType.F32, B, R, C);
        Transpose.forward(out, in);
        Transpose.forward(back, out);
        assertEquals(java.util.Arrays.toString(dev.toFloats(in)), java.util.Arrays.toString(dev.toFloats(back)));
        assertEquals(in.f32()[1 * R * C + 2 * C + 3], out.f32()[1 * R * C + 3 * R + 2]);
    }

    @Test
    void ropeBackwardIsTheInverseRotationsAdjoint() {
        int B = 2, L = 5, H = 2, hd = 8, D = H * hd;
        float[] cos = new float[L * hd], sin = new float[L * hd];
        RopeTables.fill(cos, sin, L, hd, 10000);
        Tensor c = dev.tensor(cos, L, hd), s = dev.tensor(sin, L, hd);
        Tensor qkv = rand(B, L, 3 * D);
        float[] orig = dev.toFloats(qkv);
        Tensor work = dev.allocate(DType.F32, B, L, 3 * D);
        float[] r = GradCheck.random(rng, B * L * 3 * D, 1);
        Runnable f = () -> {
            ops.copy(work, qkv);
            Rope.forward(work, c, s, H);
        };
        f.run();
        // v part untouched; position 0 untouched (angle 0)
        float[] w = dev.toFloats(work);
        for (int i = 0; i < 3 * D; i++) if (i >= 2 * D) assertEquals(orig[i], w[i]);
        Tensor grad = dev.tensor(r.clone(), B, L, 3 * D);
        Rope.backward(grad, c, s, H);
        check("rope", qkv, grad, work, r, f);
    }

    @Test
    void attention() {
        int B = 2, L = 6, H = 2, hd = 4, D = H * hd;
        Tensor qkv = rand(B, L, 3 * D), out = dev.allocate(DType.F32, B, L, D), probs = dev.allocate(DType.F32, B, H, L, L);
        Tensor dqkv = dev.allocate(DType.F32, B, L, 3 * D);
        float[] r = GradCheck.random(rng, B * L * D, 1);
        Runnable f = () -> Attention.forward(out, probs, qkv, H);
        f.run();
        Attention.backward(dqkv, dev.tensor(r, B, L, D), qkv, probs, H);
        check("attention", qkv, dqkv, out, r, f);
        float[] p = dev.toFloats(probs);
        for (int row = 0; row < B * H * L; row++) {
            double sum = 0;
            for (int j = 0; j < L; j++) sum += p[row * L + j];
            assertEquals(1.0, sum, 1e-5);
        }
    }

    @Covers({"embed", "embedBackward"})
    @Test
    void embeddingWithPuzzlePrefixAndPositions() {
        int B = 3, P = 2, S = 4, D = 5, V = 7, ids = 4, ndim = 7; // ndim < P·D: the row is zero-padded
        Tensor tokens = dev.tensor(new int[]{1, 2, 3, 1, 0, 6, 6, 2, 5, 5, 5, 5}, B, S);
        Tensor pid = dev.tensor(new int[]{3, 0, 3}, B);
        Tensor tok = rand(V, D), table = rand(ids, ndim), pos = rand(P + S, D);
        Tensor out = dev.allocate(DType.F32, B, P + S, D);
        float scale = (float) Math.sqrt(D);
        float[] r = GradCheck.random(rng, B * (P + S) * D, 1);
        Tensor dTok = dev.allocate(DType.F32, V, D), dRows = dev.allocate(DType.F32, B, ndim), dPos = dev.allocate(DType.F32, P + S, D);
        Runnable f = () -> ops.embed(out, tokens, pid, tok, table, pos, P, scale);
        f.run();
        ops.embedBackward(dev.tensor(r, B, P + S, D), tokens, dTok, dRows, dPos, P, scale, true);
        check("embed tokens", tok, dTok, out, r, f);
        check("embed positions", pos, dPos, out, r, f);
        // The table's gradient is per sample row; sum rows by id to compare with d/dtable.
        float[] rows = dev.toFloats(dRows);
        float[] dTable = new float[ids * ndim];
        int[] idv = dev.toInts(pid);
        for (int b = 0; b < B; b++) for (int k = 0; k < ndim; k++) dTable[idv[b] * ndim + k] += rows[b * ndim + k];
        check("embed puzzle table", table, dev.tensor(dTable, ids, ndim), out, r, f);
        // prefix padding is zero before positions are added
        ops.embed(out, tokens, pid, tok, table, null, P, 1f);
        float[] o = dev.toFloats(out);
        for (int k = ndim; k < P * D; k++) assertEquals(0f, o[k]);
        assertEquals(table.f32()[3 * ndim], o[0]);
    }

    @Covers({"qHead", "qHeadBackward"})
    @Test
    void qHead() {
        int B = 3, L = 4, D = 6;
        Tensor y = rand(B, L, D), w = rand(2, D), b = rand(2), q = dev.allocate(DType.F32, B, 2);
        Tensor dy = dev.allocate(DType.F32, B, L, D), dW = dev.allocate(DType.F32, 2, D), dB = dev.allocate(DType.F32, 2);
        float[] r = GradCheck.random(rng, B * 2, 1);
        Runnable f = () -> ops.qHead(q, y, w, b);
        f.run();
        ops.qHeadBackward(dy, dW, dB, dev.tensor(r, B, 2), y, w);
        check("qHead dy", y, dy, q, r, f);
        check("qHead dW", w, dW, q, r, f);
        check("qHead dBias", b, dB, q, r, f);
        float[] g = dev.toFloats(dy);
        for (int bb = 0; bb < B; bb++) for (int p = 1; p < L; p++) for (int d = 0; d < D; d++) assertEquals(0f, g[(bb * L + p) * D + d]);
    }

    void crossEntropy(LossKind kind) {
        int B = 3, P = 2, S = 5, V = 6;
        Tensor logits = rand(B, P + S, V);
        Tensor labels = dev.tensor(new int[]{1, 2, 0, 5, 3, 4, 4, 4, 4, 4, 0, 0, 0, 0, 0}, B, S); // last sample: nothing supervised
        Tensor dLogits = dev.allocate(DType.F32, B, P + S, V), stats = dev.allocate(DType.F32, B, Ops.Stat.COLUMNS);
        float scale = 0.25f;
        ops.lmLoss(kind, dLogits, stats, logits, labels, P, scale);
        int[] c = GradCheck.coords(B * (P + S) * V, 60, 7);
        double[] num = GradCheck.numeric(logits.f32(), logits.off(), c, 1e-3, () -> {
            Tensor st = dev.allocate(DType.F32, B, Ops.Stat.COLUMNS);
            ops.lmLoss(kind, null, st, logits, labels, P, scale);
            double s = 0;
            for (int b = 0; b < B; b++) s += st.f32()[b * Ops.Stat.COLUMNS + Ops.Stat.LM_LOSS];
            return s * scale;
        });
        double err = GradCheck.relErr(GradCheck.pick(dLogits.f32(), 0, c), num);
        assertTrue(err < BOUND, kind + ": relative error " + err);
        float[] st = dev.toFloats(stats);
        assertEquals(4f, st[Ops.Stat.COUNT]);
        assertEquals(5f, st[Ops.Stat.COLUMNS + Ops.Stat.COUNT]);
        assertEquals(0f, st[2 * Ops.Stat.COLUMNS + Ops.Stat.COUNT]);
        assertEquals(0f, st[2 * Ops.Stat.COLUMNS + Ops.Stat.LM_LOSS]);
        assertEquals(1f, st[2 * Ops.Stat.COLUMNS + Ops.Stat.SEQ_CORRECT], "nothing to get wrong counts as correct, as in the reference");
    }

    @Covers({"lmLoss"})
    @Test
    void softmaxCrossEntropy() { crossEntropy(LossKind.SOFTMAX); }

    @Covers({"lmLoss"})
    @Test
    void stablemaxCrossEntropy() { crossEntropy(LossKind.STABLEMAX); }

    @Test
    void stablemaxMatchesItsDefinition() {
        // logits (−1, 0, 2): s = (1/2, 1, 3), p(label 2) = 3 / 4.5
        Tensor logits = dev.tensor(new float[]{-1, 0, 2}, 1, 1, 3);
        Tensor stats = dev.allocate(DType.F32, 1, Ops.Stat.COLUMNS);
        ops.lmLoss(LossKind.STABLEMAX, null, stats, logits, dev.tensor(new int[]{2}, 1, 1), 0, 1f);
        assertEquals(-Math.log(3 / 4.5), stats.f32()[Ops.Stat.LM_LOSS], 1e-6);
        assertEquals(1f, stats.f32()[Ops.Stat.SEQ_CORRECT]);
    }

    @Covers({"haltLoss"})
    @Test
    void haltLoss() {
        int B = 4;
        Tensor q = rand(B, 2), dq = dev.allocate(DType.F32, B, 2), stats = dev.allocate(DType.F32, B, Ops.Stat.COLUMNS);
        for (int b = 0; b < B; b++) stats.f32()[b * Ops.Stat.COLUMNS + Ops.Stat.SEQ_CORRECT] = b % 2;
        float scale = 0.5f;
        ops.haltLoss(dq, stats, q, scale);
        int[] c = {0, 2, 4, 6, 1};
        double[] num = GradCheck.numeric(q.f32(), 0, c, 1e-3, () -> {
            ops.haltLoss(null, stats, q, scale);
            double s = 0;
            for (int b = 0; b < B; b++) s += stats.f32()[b * Ops.Stat.COLUMNS + Ops.Stat.HALT_LOSS];
            return s * scale * 0.5;
        });
        assertTrue(GradCheck.relErr(GradCheck.pick(dq.f32(), 0, c), num) < BOUND);
    }
}
