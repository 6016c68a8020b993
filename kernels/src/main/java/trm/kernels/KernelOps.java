package trm.kernels;

import trm.kernels.runtime.Dim3;
import trm.kernels.runtime.KernelArg;
import trm.kernels.runtime.Launch;

import trm.kernels.launch.Attention;
import trm.kernels.launch.Gemm;
import trm.kernels.launch.Mixer;
import trm.engine.TrmException;

import static trm.kernels.runtime.KernelArg.f32;
import static trm.kernels.runtime.KernelArg.i32;
import static trm.kernels.runtime.KernelArg.i64;
import static trm.kernels.runtime.KernelArg.ptr;

import trm.engine.DType;
import trm.engine.LossKind;
import trm.engine.Ops;
import trm.engine.Tensor;
import trm.engine.cpu.Embedding;
import trm.engine.cpu.HaltLoss;

/**
 * {@link Ops} as launches of the project's kernels (kernels/src/main/cuda), with the cpu's
 * semantics (same shapes, same accumulate-versus-write rules; the cpu classes in
 * {@code trm.engine.cpu} are the references). Every op enqueues kernels and copies nothing
 * between host and device. Every op has a kernel; there is deliberately no host fallback.
 */
final class KernelOps implements Ops {
    private static final int THREADS = 256;
    private static final int MAX_BLOCKS = 8192;  // grid-stride kernels loop beyond this

    private final KernelDevice dev;

    KernelOps(KernelDevice dev) { this.dev = dev; }

    // ---- helpers ----------------------------------------------------------------------------
    private void launch(String kernel, Dim3 grid, Dim3 block, KernelArg... args) {
        dev.runtime().launch(Launch.of(kernel, grid, block, 0, args));
    }

    /** A grid-stride launch over n items. */
    private void flat(String kernel, long n, KernelArg... args) {
        if (n <= 0) return;
        long blocks = Math.min(MAX_BLOCKS, (n + THREADS - 1) / THREADS);
        launch(kernel, Dim3.of((int) blocks), Dim3.of(THREADS), args);
    }

    private KernelArg p(Tensor t) { return ptr(dev.address(t)); }

    private KernelArg f(Tensor t, String op) { return p(check(t, DType.F32, op)); }

    private KernelArg in(Tensor t, String op) { return p(check(t, DType.I32, op)); }

    /** null stays null (a null pointer argument). */
    private KernelArg fOpt(Tensor t, String op) { return t == null ? ptr(0) : f(t, op); }

    private static Tensor check(Tensor t, DType dtype, String op) {
        if (t == null) throw new IllegalArgumentException(op + ": missing tensor");
        if (t.dtype() != dtype) throw new IllegalArgumentException(op + ": expected " + dtype + ", got " + t);
        return t;
    }

    private static int rows(Tensor t) { return Math.toIntExact(t.numel() / t.dim(-1)); }

    private static void same(Tensor a, Tensor b, String op) {
        if (a.numel() != b.numel()) throw new IllegalArgumentException(op + ": size mismatch " + a + " vs " + b);
    }

    private static int ceil(long a, int b) { return Math.toIntExact((a + b - 1) / b); }

    void fillWords(long address, int value, long words) {
        if (words > 0) flat("trm_fill_u32", words, ptr(address), i32(value), i64(words));
    }

    void fillHalfWords(long address, int value, long n) {
        if (n > 0) flat("ew_fill_u16", n, ptr(address), i32(value), i64(n));
    }


    // ---- data movement: elementwise.cu, fill.cu ----------------------------------------------
    @Override
    public void fill(Tensor t, float value) {
        check(t, DType.F32, "fill");
        fillWords(dev.address(t), Float.floatToRawIntBits(value), t.numel());
    }

    @Override
    public void add(Tensor out, Tensor a, Tensor b) {
        same(out, a, "add");
        same(out, b, "add");
        flat("ew_add_f32", out.numel(), f(out, "add"), f(a, "add"), f(b, "add"), i64(out.numel()));
    }

    @Override
    public void copy(Tensor dst, Tensor src) {
        same(dst, src, "copy");
        if (dst.dtype() != src.dtype()) throw new IllegalArgumentException("copy: " + src + " into " + dst);
        long n = dst.numel(), bytes = n * dst.dtype().bytes();
        long d = dev.address(dst), s = dev.address(src);
        if (d == s || n == 0) return;
        if (d < s + bytes && s < d + bytes) throw new IllegalArgumentException("copy: overlapping " + src + " and " + dst);
        if (dst.dtype() == DType.BF16) flat("ew_copy_u16", n, ptr(d), ptr(s), i64(n));
        else flat("ew_copy_u32", n, ptr(d), ptr(s), i64(n));
    }

    @Override
    public void transpose(Tensor out, Tensor in) {
        same(out, in, "transpose");
        int B = in.dim(0), R = in.dim(1), C = in.dim(2);
        if (out.numel() == 0) return;
        launch("ew_transpose_f32", Dim3.of(ceil(C, 32), ceil(R, 32), B), Dim3.of(32, 8),
                f(out, "transpose"), f(in, "transpose"), i32(R), i32(C));
    }

    // ---- embedding.cu -------------------------------------------------------------------------
    @Override
    public void embed(Tensor out, Tensor tokens, Tensor ids, Tensor tokenTable, Tensor puzzleTable, Tensor posTable,
                      int prefixLen, float scale) {
        int B = tokens.dim(0), S = tokens.dim(1), D = tokenTable.dim(1), L = prefixLen + S;
        out.expect("embedding output", B, L, D);
        if (posTable != null) posTable.expect("position table", L, D);
        float c = posTable != null ? Embedding.POS_MIX * scale : scale;
        int ndim = puzzleTable == null ? 0 : puzzleTable.dim(1);
        if (puzzleTable != null && prefixLen > 0) check(ids, DType.I32, "embed");
        launch("embed_fwd", Dim3.of(L, B), Dim3.of(Math.min(THREADS, (D + 31) & ~31)),
                f(out, "embed"), in(tokens, "embed"), ids == null ? ptr(0) : in(ids, "embed"), f(tokenTable, "embed"),
                fOpt(puzzleTable, "embed"), i32(ndim), fOpt(posTable, "embed"), i32(prefixLen), i32(S), i32(D), f32(c));
    }

    @Override
    public void embedBackward(Tensor dOut, Tensor tokens, Tensor dTokenTable, Tensor dPuzzleRows, Tensor dPosTable,
                              int prefixLen, float scale, boolean learnedPos) {
        int B = tokens.dim(0), S = tokens.dim(1), V = dTokenTable.dim(0), D = dTokenTable.dim(1), L = prefixLen + S;
        dOut.expect("embedding gradient", B, L, D);
        float c = learnedPos ? Embedding.POS_MIX * scale : scale;
        if (dPuzzleRows != null) {
            int ndim = dPuzzleRows.dim(1);
            flat("embed_bwd_rows", (long) B * ndim, f(dPuzzleRows, "embedBackward"), f(dOut, "embedBackward"), i32(B), i32(ndim),
                    i32(L), i32(prefixLen), i32(D), f32(c));
        }
        int t = Math.min(128, (D + 31) & ~31);
        launch("embed_bwd_tokens", Dim3.of(V, ceil(D, t)), Dim3.of(t), f(dTokenTable, "embedBackward"), f(dOut, "embedBackward"),
                in(tokens, "embedBackward"), i32(B), i32(prefixLen), i32(S), i32(D), f32(c));
        if (dPosTable != null) {
            dPosTable.expect("position table gradient", L, D);
            flat("embed_bwd_pos", (long) L * D, f(dPosTable, "embedBackward"), f(dOut, "embedBackward"), i32(B), i64((long) L * D), f32(c));
        }
    }

    // ---- linear: the next issue's GEMMs ---------------------------------------------------------
    @Override
    public void linear(Tensor out, Tensor in, Tensor w, Tensor bias) {
        int K = w.dim(1), N = w.dim(0), M = rows(in);
        if (in.dim(-1) != K || out.dim(-1) != N || rows(out) != M)
            throw new IllegalArgumentException("linear: " + in + " · " + w + "ᵀ → " + out);
        Gemm.forward(dev.runtime(), dev.address(check(out, DType.F32, "linear")), dev.address(check(in, DType.F32, "linear")),
                dev.address(check(w, DType.F32, "linear")), bias == null ? 0 : dev.address(check(bias, DType.F32, "linear")),
                M, K, N, Gemm.Epilogue.none());
    }

    @Override
    public void linearBackward(Tensor dIn, boolean accumulate, Tensor dW, Tensor dBias, Tensor dOut, Tensor in, Tensor w) {
        int K = w.dim(1), N = w.dim(0), M = rows(in);
        var rt = dev.runtime();
        long g = dev.address(check(dOut, DType.F32, "linearBackward"));
        if (dIn != null) Gemm.backwardInput(rt, dev.address(check(dIn, DType.F32, "linearBackward")), g, dev.address(w), M, K, N, accumulate);
        // One slice: no split-K workspace, and the sum over rows keeps one fixed order.
        Gemm.backwardWeight(rt, dev.address(check(dW, DType.F32, "linearBackward")), g, dev.address(in), M, K, N, 0, 1);
        if (dBias != null) Gemm.colSum(rt, dev.address(check(dBias, DType.F32, "linearBackward")), g, M, N, true);
    }

    // ---- swiglu.cu ----------------------------------------------------------------------------
    @Override
    public void swiglu(Tensor out, Tensor gateUp) {
        int I = out.dim(-1);
        long r = rows(out);
        if (gateUp.numel() != 2 * r * I) throw new IllegalArgumentException("swiglu: " + gateUp + " → " + out);
        flat("swiglu_fwd", r * I, f(out, "swiglu"), f(gateUp, "swiglu"), i64(r), i32(I));
    }

    @Override
    public void swigluBackward(Tensor dGateUp, Tensor dOut, Tensor gateUp) {
        int I = dOut.dim(-1);
        long r = rows(dOut);
        if (gateUp.numel() != 2 * r * I || dGateUp.numel() != 2 * r * I)
            throw new IllegalArgumentException("swigluBackward: " + dOut + ", " + gateUp + " → " + dGateUp);
        flat("swiglu_bwd", r * I, f(dGateUp, "swigluBackward"), f(dOut, "swigluBackward"), f(gateUp, "swigluBackward"), i64(r), i32(I));
    }

    // ---- add_rmsnorm.cu -------------------------------------------------------------------------
    private static final int NORM_ROWS = 4;  // warps (rows) per block

    @Override
    public void addRmsNorm(Tensor out, Tensor rstd, Tensor a, Tensor b, float eps) {
        same(out, a, "addRmsNorm");
        same(out, b, "addRmsNorm");
        int rows = rows(out);
        if (rstd != null && rstd.numel() != rows) throw new IllegalArgumentException("addRmsNorm: rstd " + rstd + " for " + rows + " rows");
        if (rows == 0) return;
        launch("add_rmsnorm_fwd", Dim3.of(ceil(rows, NORM_ROWS)), Dim3.of(32, NORM_ROWS), f(out, "addRmsNorm"), fOpt(rstd, "addRmsNorm"),
                f(a, "addRmsNorm"), f(b, "addRmsNorm"), i32(rows), i32(out.dim(-1)), f32(eps));
    }

    @Override
    public void addRmsNormBackward(Tensor dIn, Tensor dOut, Tensor out, Tensor rstd) {
        same(dIn, out, "addRmsNormBackward");
        same(dOut, out, "addRmsNormBackward");
        int rows = rows(out);
        if (rows == 0) return;
        launch("add_rmsnorm_bwd", Dim3.of(ceil(rows, NORM_ROWS)), Dim3.of(32, NORM_ROWS), f(dIn, "addRmsNormBackward"),
                f(dOut, "addRmsNormBackward"), f(out, "addRmsNormBackward"), f(rstd, "addRmsNormBackward"), i32(rows), i32(out.dim(-1)));
    }

    // ---- rope.cu --------------------------------------------------------------------------------
    @Override
    public void rope(Tensor qkv, Tensor cos, Tensor sin, int heads) { rotate("rope_fwd", qkv, cos, sin, heads); }

    @Override
    public void ropeBackward(Tensor dqkv, Tensor cos, Tensor sin, int heads) { rotate("rope_bwd", dqkv, cos, sin, heads); }

    private void rotate(String kernel, Tensor x, Tensor cos, Tensor sin, int heads) {
        int B = x.dim(0), L = x.dim(1), hd = cos.dim(1);
        x.expect(kernel + " qkv", B, L, 3 * heads * hd);
        cos.expect(kernel + " cos", L, hd);
        sin.expect(kernel + " sin", L, hd);
        long rows = (long) B * L;
        flat(kernel, rows * 2 * heads * (hd / 2), f(x, kernel), f(cos, kernel), f(sin, kernel), i64(rows), i32(L), i32(heads), i32(hd));
    }

    // ---- attention: the next issue's fused kernels -------------------------------------------------
    @Override
    public int[] attentionSaveShape(int batch, int heads, int len) {
        return new int[]{batch, heads, len}; // the flash kernel keeps one log-sum-exp per row
    }

    /** Log-sum-exp for forwards that save nothing, and the backward's delta: reused, grown on demand. */
    private Tensor rowScratch;

    private Tensor rowScratch(int B, int H, int L) {
        long n = (long) B * H * L;
        if (rowScratch == null || rowScratch.numel() < n) rowScratch = dev.allocate(DType.F32, Math.toIntExact(n));
        return rowScratch;
    }

    private static int attentionHeads(Tensor qkv, int heads, String op) {
        int hd = qkv.dim(2) / 3 / heads;
        if (hd != Attention.HEAD_DIM) throw new TrmException(op + ": the attention kernel needs head_dim " + Attention.HEAD_DIM + ", got " + hd);
        return heads;
    }

    @Override
    public void attention(Tensor out, Tensor saved, Tensor qkv, int heads) {
        int B = qkv.dim(0), L = qkv.dim(1), H = attentionHeads(qkv, heads, "attention");
        long lse = saved != null ? dev.address(check(saved, DType.F32, "attention")) : dev.address(rowScratch(B, H, L));
        Attention.forward(dev.runtime(), dev.address(check(out, DType.F32, "attention")), lse, dev.address(check(qkv, DType.F32, "attention")), B, L, H);
    }

    @Override
    public void attentionBackward(Tensor dqkv, Tensor dOut, Tensor out, Tensor qkv, Tensor saved, int heads) {
        int B = qkv.dim(0), L = qkv.dim(1), H = attentionHeads(qkv, heads, "attentionBackward");
        // RoPE tables 0: the model undoes RoPE with its own ropeBackward op.
        Attention.backward(dev.runtime(), dev.address(check(dqkv, DType.F32, "attentionBackward")), dev.address(dOut), dev.address(qkv),
                dev.address(out), dev.address(check(saved, DType.F32, "attentionBackward")), dev.address(rowScratch(B, H, L)), 0, 0, B, L, H);
    }

    // ---- qhead.cu -------------------------------------------------------------------------------
    @Override
    public void qHead(Tensor q, Tensor y, Tensor w, Tensor bias) {
        int B = y.dim(0), L = y.dim(1), D = y.dim(2);
        q.expect("q", B, 2);
        w.expect("q_head weight", 2, D);
        launch("qhead_fwd", Dim3.of(B), Dim3.of(32, 2), f(q, "qHead"), f(y, "qHead"), f(w, "qHead"), f(bias, "qHead"), i32(L), i32(D));
    }

    @Override
    public void qHeadBackward(Tensor dy, Tensor dW, Tensor dBias, Tensor dq, Tensor y, Tensor w) {
        int B = y.dim(0), L = y.dim(1), D = y.dim(2);
        dy.expect("dy", B, L, D);
        dq.expect("dq", B, 2);
        flat("qhead_bwd_dy", (long) B * D, f(dy, "qHeadBackward"), f(dq, "qHeadBackward"), f(w, "qHeadBackward"), i32(B), i32(L), i32(D));
        flat("qhead_bwd_dw", 2L * D + 2, f(dW, "qHeadBackward"), f(dBias, "qHeadBackward"), f(dq, "qHeadBackward"), f(y, "qHeadBackward"),
                i32(B), i32(L), i32(D));
    }

    // ---- lm_loss.cu -----------------------------------------------------------------------------
    @Override
    public void lmLoss(LossKind kind, Tensor dLogits, Tensor stats, Tensor logits, Tensor labels, int prefixLen, float gradScale) {
        int B = labels.dim(0), S = labels.dim(1), V = logits.dim(2);
        logits.expect("logits", B, prefixLen + S, V);
        stats.expect("stats", B, Stat.COLUMNS);
        if (dLogits != null) dLogits.expect("dLogits", B, prefixLen + S, V);
        launch("lm_loss_fwd_bwd", Dim3.of(B), Dim3.of(128), fOpt(dLogits, "lmLoss"), f(stats, "lmLoss"), f(logits, "lmLoss"),
                in(labels, "lmLoss"), i32(prefixLen), i32(S), i32(V), i32(kind == LossKind.SOFTMAX ? 0 : 1), f32(gradScale));
    }

    @Override
    public void haltLoss(Tensor dq, Tensor stats, Tensor q, float gradScale) {
        int B = q.dim(0);
        stats.expect("stats", B, Stat.COLUMNS);
        if (HaltLoss.WEIGHT != 0.5f) throw new IllegalStateException("halt_loss.cu hard-codes the weight 0.5");
        flat("halt_loss", B, fOpt(dq, "haltLoss"), f(stats, "haltLoss"), f(q, "haltLoss"), i32(B), f32(gradScale));
    }

    @Override
    public void argmax(Tensor preds, Tensor logits, int prefixLen) {
        int B = preds.dim(0), S = preds.dim(1), V = logits.dim(2);
        logits.expect("logits", B, prefixLen + S, V);
        flat("lm_argmax", (long) B * S, in(preds, "argmax"), f(logits, "argmax"), i32(B), i32(prefixLen), i32(S), i32(V));
    }

    // ---- optimizers.cu --------------------------------------------------------------------------
    @Override
    public void adamAtan2(Tensor p, Tensor g, Tensor m, Tensor v, float lr, float wd, float beta1, float beta2, long step) {
        same(p, g, "adamAtan2"); same(p, m, "adamAtan2"); same(p, v, "adamAtan2");
        float decay = 1f - lr * wd;
        float bc1 = (float) (1 - Math.pow(beta1, step));
        float bc2Sqrt = (float) Math.sqrt(1 - Math.pow(beta2, step));
        flat("opt_adam_atan2", p.numel(), f(p, "adamAtan2"), f(g, "adamAtan2"), f(m, "adamAtan2"), f(v, "adamAtan2"), i64(p.numel()),
                f32(lr), f32(decay), f32(beta1), f32(beta2), f32(bc1), f32(bc2Sqrt));
    }

    @Override
    public void adamW(Tensor p, Tensor g, Tensor m, Tensor v, float lr, float wd, float beta1, float beta2, float eps, long step) {
        same(p, g, "adamW"); same(p, m, "adamW"); same(p, v, "adamW");
        float decay = 1f - lr * wd;
        float bc1 = (float) (1 - Math.pow(beta1, step));
        float bc2Sqrt = (float) Math.sqrt(1 - Math.pow(beta2, step));
        flat("opt_adamw", p.numel(), f(p, "adamW"), f(g, "adamW"), f(m, "adamW"), f(v, "adamW"), i64(p.numel()),
                f32(lr), f32(decay), f32(beta1), f32(beta2), f32(eps), f32(bc1), f32(bc2Sqrt));
    }

    @Override
    public void signSgd(Tensor table, Tensor dRows, Tensor ids, float lr, float wd) {
        int B = ids.dim(0), ndim = table.dim(1);
        dRows.expect("puzzle row gradients", B, ndim);
        if (B == 0) return;
        int t = Math.min(128, (ndim + 31) & ~31);
        launch("opt_sign_sgd", Dim3.of(B, ceil(ndim, t)), Dim3.of(t), f(table, "signSgd"), f(dRows, "signSgd"), in(ids, "signSgd"),
                i32(B), i32(ndim), f32(lr), f32(1f - lr * wd));
    }

    @Override
    public void ema(Tensor shadow, Tensor p, float decay) {
        same(shadow, p, "ema");
        flat("opt_ema", p.numel(), f(shadow, "ema"), f(p, "ema"), i64(p.numel()), f32(decay), f32(1f - decay));
    }

    // ---- halting.cu -----------------------------------------------------------------------------
    @Override
    public void haltUpdate(Tensor halted, Tensor steps, Tensor q, int maxSteps, float exploreProb, boolean training,
                           long seed, long step) {
        int B = halted.dim(0);
        steps.expect("steps", B);
        q.expect("q", B, 2);
        flat("halt_update", B, in(halted, "haltUpdate"), in(steps, "haltUpdate"), f(q, "haltUpdate"), i32(B), i32(maxSteps),
                f32(exploreProb), i32(training ? 1 : 0), i64(seed), i64(step));
    }

    @Override
    public void resetCarry(Tensor halted, Tensor y, Tensor z, Tensor hInit, Tensor lInit, Tensor steps) {
        int B = y.dim(0), L = y.dim(1), D = y.dim(2);
        z.expect("z", B, L, D);
        if (hInit.numel() != D || lInit.numel() != D) throw new IllegalArgumentException("resetCarry: init " + hInit + ", " + lInit + " for D=" + D);
        flat("halt_reset_carry", (long) B * L * D, in(halted, "resetCarry"), f(y, "resetCarry"), f(z, "resetCarry"),
                f(hInit, "resetCarry"), f(lInit, "resetCarry"), in(steps, "resetCarry"), i32(B), i32(L), i32(D));
    }

    @Override
    public void selectRows(Tensor halted, Tensor dst, Tensor src) {
        same(dst, src, "selectRows");
        int B = halted.dim(0);
        long rowLen = dst.numel() / B;
        flat("halt_select_rows", dst.numel(), in(halted, "selectRows"), in(dst, "selectRows"), in(src, "selectRows"),
                i32(B), i32(Math.toIntExact(rowLen)));
    }

    @Override
    public void accumulateMetrics(Tensor metrics, Tensor stats, Tensor halted, Tensor steps) {
        int B = halted.dim(0);
        metrics.expect("metrics", Metric.COLUMNS);
        stats.expect("stats", B, Stat.COLUMNS);
        launch("halt_accumulate_metrics", Dim3.of(1), Dim3.of(32), f(metrics, "accumulateMetrics"), f(stats, "accumulateMetrics"),
                in(halted, "accumulateMetrics"), in(steps, "accumulateMetrics"), i32(B));
    }

    // ---- MLP-mixer token mixing: batched weight-left GEMMs and a norm down the sequence, no transposes
    @Override
    public long tokenMixScratch(int B, int L, int D, int It) {
        return 2L * B * It * D; // dGateUp [B, 2It, D] for backward
    }

    @Override
    public void tokenMix(Tensor out, Tensor gateUp, Tensor act, Tensor rstd, Tensor h, Tensor w1, Tensor w2, Tensor scratch, float eps) {
        int B = h.dim(0), L = h.dim(1), D = h.dim(2), It = w2.dim(1);
        Mixer.forward(dev.runtime(), dev.address(check(out, DType.F32, "tokenMix")), rstd == null ? 0 : dev.address(rstd),
                dev.address(gateUp), dev.address(act), dev.address(check(h, DType.F32, "tokenMix")), dev.address(w1), dev.address(w2),
                B, L, D, It, eps);
    }

    @Override
    public void tokenMixBackward(Tensor dh, Tensor dW1, Tensor dW2, Tensor dOut, Tensor h, Tensor gateUp, Tensor act, Tensor out,
                                 Tensor rstd, Tensor w1, Tensor w2, Tensor scratch) {
        int B = h.dim(0), L = h.dim(1), D = h.dim(2), It = w2.dim(1);
        if (scratch.numel() < tokenMixScratch(B, L, D, It)) throw new IllegalArgumentException("tokenMixBackward: scratch too small");
        // One split: weight gradients summed over the batch in one fixed order, no workspace.
        Mixer.backward(dev.runtime(), dev.address(check(dh, DType.F32, "tokenMixBackward")), dev.address(dW1), dev.address(dW2),
                dev.address(dOut), dev.address(h), dev.address(gateUp), dev.address(act), dev.address(out), dev.address(rstd),
                dev.address(w1), dev.address(w2), dev.address(scratch), 0, 1, B, L, D, It);
    }

    // ---- the channel MLP: SwiGLU fused into the gate_up GEMM's epilogue (forward) and into the
    // down GEMM's grad-input (backward)
    @Override
    public void channelMlp(Tensor out, Tensor gateUp, Tensor act, Tensor rstd, Tensor h, Tensor wGateUp, Tensor wDown,
                           Tensor scratch, float eps) {
        int D = h.dim(-1), rows = rows(h), I = wDown.dim(1);
        var rt = dev.runtime();
        long mo = dev.address(check(scratch, DType.F32, "channelMlp"));
        Gemm.forward(rt, dev.address(check(act, DType.F32, "channelMlp")), dev.address(h), dev.address(wGateUp), 0, rows, D, 2 * I,
                Gemm.Epilogue.swiGlu(dev.address(check(gateUp, DType.F32, "channelMlp"))));
        Gemm.forward(rt, mo, dev.address(act), dev.address(wDown), 0, rows, I, D, Gemm.Epilogue.none());
        addRmsNorm(out, rstd, h, scratch.slice(0, rows, D), eps);
    }

    @Override
    public void channelMlpBackward(Tensor dh, Tensor dWGateUp, Tensor dWDown, Tensor dOut, Tensor h, Tensor gateUp, Tensor act,
                                   Tensor out, Tensor rstd, Tensor wGateUp, Tensor wDown, Tensor scratch) {
        int D = h.dim(-1), rows = rows(h), I = wDown.dim(1);
        var rt = dev.runtime();
        Tensor dR = dh.view(rows, D);
        long dGateUp = dev.address(scratch.slice((long) rows * D + (long) rows * I, rows, 2 * I));
        addRmsNormBackward(dR, dOut, out, rstd);
        long g = dev.address(dR);
        Gemm.backwardWeight(rt, dev.address(dWDown), g, dev.address(act), rows, I, D, 0, 1);
        Gemm.backwardInputSwiGlu(rt, dGateUp, g, dev.address(wDown), dev.address(gateUp), rows, I, D);
        Gemm.backwardWeight(rt, dev.address(dWGateUp), dGateUp, dev.address(h), rows, D, 2 * I, 0, 1);
        Gemm.backwardInput(rt, g, dGateUp, dev.address(wGateUp), rows, D, 2 * I, true);
    }

    // ---- the attention half-block: RoPE in the qkv GEMM's epilogue, its inverse inside the
    // attention backward (no separate rope kernels)
    @Override
    public void attentionMix(Tensor out, Tensor qkv, Tensor attn, Tensor saved, Tensor rstd, Tensor h, Tensor wQkv, Tensor wO,
                             Tensor cos, Tensor sin, int heads, Tensor scratch, float eps) {
        int B = h.dim(0), L = h.dim(1), D = h.dim(2);
        var rt = dev.runtime();
        Gemm.Epilogue epi = cos == null ? Gemm.Epilogue.none()
                : Gemm.Epilogue.rope(dev.address(cos), dev.address(sin), L, cos.dim(1), 2 * D);
        Gemm.forward(rt, dev.address(check(qkv, DType.F32, "attentionMix")), dev.address(check(h, DType.F32, "attentionMix")),
                dev.address(wQkv), 0, B * L, D, 3 * D, epi);
        attention(attn, saved, qkv, heads);
        Tensor mo = scratch.slice(0, B, L, D);
        Gemm.forward(rt, dev.address(mo), dev.address(attn), dev.address(wO), 0, B * L, D, D, Gemm.Epilogue.none());
        addRmsNorm(out, rstd, h, mo, eps);
    }

    @Override
    public void attentionMixBackward(Tensor dh, Tensor dWQkv, Tensor dWO, Tensor dOut, Tensor h, Tensor qkv, Tensor attn, Tensor saved,
                                     Tensor out, Tensor rstd, Tensor wQkv, Tensor wO, Tensor cos, Tensor sin, int heads, Tensor scratch) {
        int B = h.dim(0), L = h.dim(1), D = h.dim(2), H = attentionHeads(qkv, heads, "attentionMixBackward");
        var rt = dev.runtime();
        long n = (long) B * L * D;
        Tensor dR = scratch.slice(0, B, L, D), dAttn = scratch.slice(n, B, L, D), dQkv = scratch.slice(2 * n, B, L, 3 * D);
        addRmsNormBackward(dR, dOut, out, rstd);
        long g = dev.address(dR);
        Gemm.backwardInput(rt, dev.address(dAttn), g, dev.address(wO), B * L, D, D, false);
        Gemm.backwardWeight(rt, dev.address(dWO), g, dev.address(attn), B * L, D, D, 0, 1);
        Attention.backward(rt, dev.address(dQkv), dev.address(dAttn), dev.address(qkv), dev.address(attn),
                dev.address(check(saved, DType.F32, "attentionMixBackward")), dev.address(rowScratch(B, H, L)),
                cos == null ? 0 : dev.address(cos), sin == null ? 0 : dev.address(sin), B, L, H);
        copy(dh, dR);
        Gemm.backwardInput(rt, dev.address(dh), dev.address(dQkv), dev.address(wQkv), B * L, D, 3 * D, true);
        Gemm.backwardWeight(rt, dev.address(dWQkv), dev.address(dQkv), dev.address(h), B * L, D, 3 * D, 0, 1);
    }
}
