package trm.engine.cpu;

import trm.engine.LossKind;
import trm.engine.Ops;
import trm.engine.Tensor;

import java.util.Arrays;

/**
 * Unpacks tensors into arrays, offsets and sizes, and calls the plain-Java layers; the half-block
 * compositions (attentionMix, channelMlp, tokenMix) call the layer classes directly.
 */
final class CpuOps implements Ops {

    private static int rows(Tensor t) { return Math.toIntExact(t.numel() / t.dim(-1)); }

    private static int n(Tensor t) { return Math.toIntExact(t.numel()); }

    private static void same(Tensor a, Tensor b, String op) {
        if (a.numel() != b.numel())
            throw new IllegalArgumentException(op + ": size mismatch " + a + " vs " + b);
    }

    @Override
    public void fill(Tensor t, float value) {
        Arrays.fill(t.f32(), t.off(), t.off() + n(t), value);
    }

    @Override
    public void add(Tensor out, Tensor a, Tensor b) {
        same(out, a, "add");
        same(out, b, "add");
        int n = n(out);
        Parallel.forRange(n, 1 << 14, (i0, i1) -> Vec.add(out.f32(), out.off() + i0, a.f32(), a.off() + i0, b.f32(), b.off() + i0, i1 - i0));
    }

    @Override
    public void copy(Tensor dst, Tensor src) {
        same(dst, src, "copy");
        if (dst.storage() instanceof int[] d) System.arraycopy(src.i32(), src.off(), d, dst.off(), n(dst));
        else System.arraycopy(src.f32(), src.off(), dst.f32(), dst.off(), n(dst));
    }

    @Override
    public void embed(Tensor out, Tensor tokens, Tensor ids, Tensor tokenTable, Tensor puzzleTable, Tensor posTable,
                      int prefixLen, float scale) {
        int B = tokens.dim(0), S = tokens.dim(1), D = tokenTable.dim(1);
        out.expect("embedding output", B, prefixLen + S, D);
        Embedding.forward(out.f32(), out.off(), tokens.i32(), tokens.off(), ids.i32(), ids.off(), tokenTable.f32(), tokenTable.off(),
                puzzleTable == null ? null : puzzleTable.f32(), puzzleTable == null ? 0 : puzzleTable.off(),
                puzzleTable == null ? 0 : puzzleTable.dim(1),
                posTable == null ? null : posTable.f32(), posTable == null ? 0 : posTable.off(), B, prefixLen, S, D, scale);
    }

    @Override
    public void embedBackward(Tensor dOut, Tensor tokens, Tensor dTokenTable, Tensor dPuzzleRows, Tensor dPosTable,
                              int prefixLen, float scale, boolean learnedPos) {
        int B = tokens.dim(0), S = tokens.dim(1), D = dTokenTable.dim(1);
        Embedding.backward(dOut.f32(), dOut.off(), tokens.i32(), tokens.off(), dTokenTable.f32(), dTokenTable.off(),
                dPuzzleRows == null ? null : dPuzzleRows.f32(), dPuzzleRows == null ? 0 : dPuzzleRows.off(),
                dPuzzleRows == null ? 0 : dPuzzleRows.dim(1),
                dPosTable == null ? null : dPosTable.f32(), dPosTable == null ? 0 : dPosTable.off(), B, prefixLen, S, D, scale, learnedPos);
    }

    @Override
    public void linear(Tensor out, Tensor in, Tensor w, Tensor bias) {
        int K = w.dim(1), N = w.dim(0), M = rows(in);
        if (in.dim(-1) != K || out.dim(-1) != N || rows(out) != M)
            throw new IllegalArgumentException("linear: " + in + " · " + w + "ᵀ → " + out);
        Matmul.forward(out.f32(), out.off(), in.f32(), in.off(), w.f32(), w.off(),
                bias == null ? null : bias.f32(), bias == null ? 0 : bias.off(), M, K, N);
    }

    @Override
    public void linearBackward(Tensor dIn, boolean accumulate, Tensor dW, Tensor dBias, Tensor dOut, Tensor in, Tensor w) {
        int K = w.dim(1), N = w.dim(0), M = rows(in);
        if (dIn != null) Matmul.backwardInput(dIn.f32(), dIn.off(), dOut.f32(), dOut.off(), w.f32(), w.off(), M, K, N, accumulate);
        Matmul.backwardWeight(dW.f32(), dW.off(), dBias == null ? null : dBias.f32(), dBias == null ? 0 : dBias.off(),
                dOut.f32(), dOut.off(), in.f32(), in.off(), M, K, N);
    }

    @Override
    public void qHead(Tensor q, Tensor y, Tensor w, Tensor bias) {
        QHead.forward(q.f32(), q.off(), y.f32(), y.off(), w.f32(), w.off(), bias.f32(), bias.off(), y.dim(0), y.dim(1), y.dim(2));
    }

    @Override
    public void qHeadBackward(Tensor dy, Tensor dW, Tensor dBias, Tensor dq, Tensor y, Tensor w) {
        QHead.backward(dy.f32(), dy.off(), dW.f32(), dW.off(), dBias.f32(), dBias.off(), dq.f32(), dq.off(),
                y.f32(), y.off(), w.f32(), w.off(), y.dim(0), y.dim(1), y.dim(2));
    }

    @Override
    public void lmLoss(LossKind kind, Tensor dLogits, Tensor stats, Tensor logits, Tensor labels, int prefixLen, float gradScale) {
        int B = labels.dim(0), S = labels.dim(1), V = logits.dim(2);
        CrossEntropy.forwardBackward(kind, dLogits == null ? null : dLogits.f32(), dLogits == null ? 0 : dLogits.off(),
                stats.f32(), stats.off(), logits.f32(), logits.off(), labels.i32(), labels.off(), B, prefixLen, S, V, gradScale);
    }

    @Override
    public void haltLoss(Tensor dq, Tensor stats, Tensor q, float gradScale) {
        HaltLoss.forwardBackward(dq == null ? null : dq.f32(), dq == null ? 0 : dq.off(), stats.f32(), stats.off(),
                q.f32(), q.off(), q.dim(0), gradScale);
    }

    @Override
    public void argmax(Tensor preds, Tensor logits, int prefixLen) {
        CrossEntropy.argmax(preds.i32(), preds.off(), logits.f32(), logits.off(), preds.dim(0), prefixLen, preds.dim(1), logits.dim(2));
    }

    @Override
    public void adamAtan2(Tensor p, Tensor g, Tensor m, Tensor v, float lr, float wd, float beta1, float beta2, long step) {
        Optimizers.adamAtan2(p.f32(), p.off(), g.f32(), g.off(), m.f32(), m.off(), v.f32(), v.off(), n(p), lr, wd, beta1, beta2, step);
    }

    @Override
    public void adamW(Tensor p, Tensor g, Tensor m, Tensor v, float lr, float wd, float beta1, float beta2, float eps, long step) {
        Optimizers.adamW(p.f32(), p.off(), g.f32(), g.off(), m.f32(), m.off(), v.f32(), v.off(), n(p), lr, wd, beta1, beta2, eps, step);
    }

    @Override
    public void signSgd(Tensor table, Tensor dRows, Tensor ids, float lr, float wd) {
        Optimizers.signSgd(table.f32(), table.off(), dRows.f32(), dRows.off(), ids.i32(), ids.off(), ids.dim(0), table.dim(1), lr, wd);
    }

    @Override
    public void ema(Tensor shadow, Tensor p, float decay) {
        same(shadow, p, "ema");
        Optimizers.ema(shadow.f32(), shadow.off(), p.f32(), p.off(), n(p), decay);
    }

    @Override
    public void haltUpdate(Tensor halted, Tensor steps, Tensor q, int maxSteps, float exploreProb, boolean training,
                           long seed, long step) {
        Halting.update(halted.i32(), halted.off(), steps.i32(), steps.off(), q.f32(), q.off(), halted.dim(0),
                maxSteps, exploreProb, training, seed, step);
    }

    @Override
    public void resetCarry(Tensor halted, Tensor y, Tensor z, Tensor hInit, Tensor lInit, Tensor steps) {
        Halting.resetCarry(halted.i32(), halted.off(), y.f32(), y.off(), z.f32(), z.off(), hInit.f32(), hInit.off(),
                lInit.f32(), lInit.off(), steps.i32(), steps.off(), y.dim(0), y.dim(1), y.dim(2));
    }

    @Override
    public void selectRows(Tensor halted, Tensor dst, Tensor src) {
        same(dst, src, "selectRows");
        int B = halted.dim(0);
        Halting.selectRows(halted.i32(), halted.off(), dst.i32(), dst.off(), src.i32(), src.off(), B, n(dst) / B);
    }

    @Override
    public void accumulateMetrics(Tensor metrics, Tensor stats, Tensor halted, Tensor steps) {
        Halting.accumulateMetrics(metrics.f32(), metrics.off(), stats.f32(), stats.off(), halted.i32(), halted.off(),
                steps.i32(), steps.off(), halted.dim(0));
    }

    // The reference's route: transpose to [B, D, L], SwiGLU and norm over the last axis, transpose back.
    @Override
    public long tokenMixScratch(int B, int L, int D, int It) {
        return 5L * B * D * L + 3L * B * D * It;
    }

    /** Scratch views: hT, n1T, moT, dT1, dT2 [B, D, L]; dActT [B·D, It]; dGuT [B·D, 2It]. */
    private static Tensor[] mixScratch(Tensor s, int B, int L, int D, int It) {
        long bdl = (long) B * D * L, bdi = (long) B * D * It;
        return new Tensor[]{s.slice(0, B, D, L), s.slice(bdl, B, D, L), s.slice(2 * bdl, B * D, L), s.slice(3 * bdl, B, D, L),
                s.slice(4 * bdl, B, D, L), s.slice(5 * bdl, B * D, It), s.slice(5 * bdl + bdi, B * D, 2 * It)};
    }

    @Override
    public void tokenMix(Tensor out, Tensor gateUp, Tensor act, Tensor rstd, Tensor h, Tensor w1, Tensor w2, Tensor scratch, float eps) {
        int B = h.dim(0), L = h.dim(1), D = h.dim(2), It = w2.dim(1);
        Tensor[] t = mixScratch(scratch, B, L, D, It);
        Tensor hT = t[0], n1T = t[1], moT = t[2];
        Transpose.forward(hT, h);
        linear(gateUp.view(B * D, 2 * It), hT.view(B * D, L), w1, null);
        SwiGlu.forward(act.view(B * D, It), gateUp.view(B * D, 2 * It));
        linear(moT, act.view(B * D, It), w2, null);
        AddRmsNorm.forward(n1T.view(B * D, L), rstd, hT.view(B * D, L), moT, eps);
        Transpose.forward(out, n1T);
    }

    @Override
    public void tokenMixBackward(Tensor dh, Tensor dW1, Tensor dW2, Tensor dOut, Tensor h, Tensor gateUp, Tensor act, Tensor out,
                                 Tensor rstd, Tensor w1, Tensor w2, Tensor scratch) {
        int B = h.dim(0), L = h.dim(1), D = h.dim(2), It = w2.dim(1);
        Tensor[] t = mixScratch(scratch, B, L, D, It);
        Tensor hT = t[0], n1T = t[1], dT1 = t[3], dT2 = t[4], dActT = t[5], dGuT = t[6];
        Transpose.forward(dT1, dOut);
        Transpose.forward(n1T, out);
        AddRmsNorm.backward(dT2.view(B * D, L), dT1.view(B * D, L), n1T.view(B * D, L), rstd);
        linearBackward(dActT, false, dW2, null, dT2.view(B * D, L), act.view(B * D, It), w2);
        SwiGlu.backward(dGuT, dActT, gateUp.view(B * D, 2 * It));
        Transpose.forward(hT, h);
        linearBackward(dT2.view(B * D, L), true, dW1, null, dGuT, hT.view(B * D, L), w1);
        Transpose.forward(dh, dT2);
    }

    // The channel MLP as separate layers (the kernels fuse SwiGLU into the GEMM epilogues).
    private static Tensor[] mlpScratch(Tensor s, int rows, int D, int I) {
        long rd = (long) rows * D, ri = (long) rows * I;
        return new Tensor[]{s.slice(0, rows, D), s.slice(rd, rows, I), s.slice(rd + ri, rows, 2 * I)};
    }

    @Override
    public void channelMlp(Tensor out, Tensor gateUp, Tensor act, Tensor rstd, Tensor h, Tensor wGateUp, Tensor wDown,
                           Tensor scratch, float eps) {
        int D = h.dim(-1), rows = rows(h), I = wDown.dim(1);
        Tensor mo = mlpScratch(scratch, rows, D, I)[0];
        linear(gateUp, h.view(rows, D), wGateUp, null);
        SwiGlu.forward(act, gateUp);
        linear(mo, act, wDown, null);
        AddRmsNorm.forward(out, rstd, h, mo, eps);
    }

    @Override
    public void channelMlpBackward(Tensor dh, Tensor dWGateUp, Tensor dWDown, Tensor dOut, Tensor h, Tensor gateUp, Tensor act,
                                   Tensor out, Tensor rstd, Tensor wGateUp, Tensor wDown, Tensor scratch) {
        int D = h.dim(-1), rows = rows(h), I = wDown.dim(1);
        Tensor[] t = mlpScratch(scratch, rows, D, I);
        Tensor dAct = t[1], dGu = t[2], dR = dh.view(rows, D);
        AddRmsNorm.backward(dR, dOut, out, rstd);
        linearBackward(dAct, false, dWDown, null, dR, act, wDown);
        SwiGlu.backward(dGu, dAct, gateUp);
        linearBackward(dR, true, dWGateUp, null, dGu, h.view(rows, D), wGateUp);
    }

    // The attention half-block as separate layers (the kernels fuse RoPE into the qkv GEMM).
    private static Tensor[] attScratch(Tensor s, int B, int L, int D) {
        long n = (long) B * L * D;
        return new Tensor[]{s.slice(0, B, L, D), s.slice(n, B, L, D), s.slice(2 * n, B, L, 3 * D)};
    }

    @Override
    public void attentionMix(Tensor out, Tensor qkv, Tensor attn, Tensor saved, Tensor rstd, Tensor h, Tensor wQkv, Tensor wO,
                             Tensor cos, Tensor sin, int heads, Tensor scratch, float eps) {
        int B = h.dim(0), L = h.dim(1), D = h.dim(2);
        Tensor mo = attScratch(scratch, B, L, D)[0];
        linear(qkv, h, wQkv, null);
        if (cos != null) Rope.forward(qkv, cos, sin, heads);
        Attention.forward(attn, saved, qkv, heads);
        linear(mo, attn, wO, null);
        AddRmsNorm.forward(out, rstd, h, mo, eps);
    }

    @Override
    public void attentionMixBackward(Tensor dh, Tensor dWQkv, Tensor dWO, Tensor dOut, Tensor h, Tensor qkv, Tensor attn, Tensor saved,
                                     Tensor out, Tensor rstd, Tensor wQkv, Tensor wO, Tensor cos, Tensor sin, int heads, Tensor scratch) {
        int B = h.dim(0), L = h.dim(1), D = h.dim(2);
        Tensor[] t = attScratch(scratch, B, L, D);
        Tensor dR = t[0], dAttn = t[1], dQkv = t[2];
        AddRmsNorm.backward(dR, dOut, out, rstd);
        linearBackward(dAttn, false, dWO, null, dR, attn, wO);
        Attention.backward(dQkv, dAttn, qkv, saved, heads);
        if (cos != null) Rope.backward(dQkv, cos, sin, heads);
        copy(dh, dR);
        linearBackward(dh, true, dWQkv, null, dQkv, h, wQkv);
    }
}
