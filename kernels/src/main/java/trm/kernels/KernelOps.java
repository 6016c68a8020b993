package trm.kernels;

import trm.engine.AdamStep;
import trm.engine.DType;
import trm.engine.LossKind;
import trm.engine.Ops;
import trm.engine.Tensor;
import trm.engine.TrmException;
import trm.kernels.launch.AddRmsNorm;
import trm.kernels.launch.Attention;
import trm.kernels.launch.Elementwise;
import trm.kernels.launch.Embedding;
import trm.kernels.launch.Fill;
import trm.kernels.launch.Gemm;
import trm.kernels.launch.Halting;
import trm.kernels.launch.LmLoss;
import trm.kernels.launch.Mixer;
import trm.kernels.launch.Optimizers;
import trm.kernels.launch.QHead;
import trm.kernels.runtime.KernelRuntime;

/**
 * {@link Ops} as launches of the project's kernels (kernels/src/main/cuda), with the cpu
 * reference's semantics (same shapes, same accumulate-versus-write rules). This class checks
 * shapes and dtypes and turns tensors into device addresses; the launchers in
 * {@code trm.kernels.launch} (one per .cu file) pick grids and pass arguments. Every op enqueues
 * kernels and copies nothing between host and device; there is deliberately no host fallback.
 *
 * <p>The finer layers the half-blocks are made of ({@link #addRmsNorm}, {@link #attention} and
 * their backwards) are package-private helpers here, not part of {@link Ops}; the parity suite
 * tests them on their own.
 *
 * <p>Activations may be bf16 ({@link KernelScratchSizes#activationDType}): add, copy, the norms,
 * attention and the attention and channel-MLP half-blocks take bf16 or fp32 for them (the
 * kernels' bf16 masks); weights, gradients, rstd and the heads stay fp32.
 */
final class KernelOps implements Ops {
    private final KernelDevice dev;

    KernelOps(KernelDevice dev) { this.dev = dev; }

    // ---- helpers ----------------------------------------------------------------------------
    private KernelRuntime rt() { return dev.runtime(); }

    /** The address of an fp32 tensor (checked), for {@code op}'s messages. */
    private long f(Tensor t, String op) { return dev.address(check(t, DType.F32, op)); }

    /** The address of an int32 tensor (checked). */
    private long in(Tensor t, String op) { return dev.address(check(t, DType.I32, op)); }

    /** null stays 0 (a null pointer argument). */
    private long fOpt(Tensor t, String op) { return t == null ? 0 : f(t, op); }

    /** The address of an fp32 or bf16 tensor (checked). */
    private long fb(Tensor t, String op) {
        if (t == null) throw new IllegalArgumentException(op + ": missing tensor");
        if (t.dtype() != DType.F32 && t.dtype() != DType.BF16) throw new IllegalArgumentException(op + ": expected F32 or BF16, got " + t);
        return dev.address(t);
    }

    /** {@code bit} when t is bf16, else 0 (for the kernels' bf16 masks). */
    private static int bf(Tensor t, int bit) { return t != null && t.dtype() == DType.BF16 ? bit : 0; }

    private static Tensor check(Tensor t, DType dtype, String op) {
        if (t == null) throw new IllegalArgumentException(op + ": missing tensor");
        if (t.dtype() != dtype) throw new IllegalArgumentException(op + ": expected " + dtype + ", got " + t);
        return t;
    }

    private static int rows(Tensor t) { return Math.toIntExact(t.numel() / t.dim(-1)); }

    private static void same(Tensor a, Tensor b, String op) {
        if (a.numel() != b.numel()) throw new IllegalArgumentException(op + ": size mismatch " + a + " vs " + b);
    }

    // ---- data movement: fill.cu, elementwise.cu ----------------------------------------------
    @Override
    public void fill(Tensor t, float value) {
        Fill.words(rt(), f(t, "fill"), Float.floatToRawIntBits(value), t.numel());
    }

    @Override
    public void add(Tensor out, Tensor a, Tensor b) {
        same(out, a, "add");
        same(out, b, "add");
        int mask = bf(out, Elementwise.BF16_OUT) | bf(a, Elementwise.BF16_A) | bf(b, Elementwise.BF16_B);
        if (mask == 0) Elementwise.add(rt(), f(out, "add"), f(a, "add"), f(b, "add"), out.numel());
        else Elementwise.addMixed(rt(), fb(out, "add"), fb(a, "add"), fb(b, "add"), out.numel(), mask);
    }

    @Override
    public void copy(Tensor dst, Tensor src) {
        same(dst, src, "copy");
        if (dst.dtype() != src.dtype()) {  // fp32 <-> bf16 (activations to and from the carry)
            Elementwise.convert(rt(), fb(dst, "copy"), fb(src, "copy"), dst.numel(), bf(dst, Elementwise.BF16_OUT) | bf(src, Elementwise.BF16_A));
            return;
        }
        long n = dst.numel(), bytes = n * dst.dtype().bytes();
        long d = dev.address(dst), s = dev.address(src);
        if (d == s || n == 0) return;
        if (d < s + bytes && s < d + bytes) throw new IllegalArgumentException("copy: overlapping " + src + " and " + dst);
        Elementwise.copy(rt(), d, s, n, dst.dtype().bytes());
    }

    // ---- embedding.cu -------------------------------------------------------------------------
    @Override
    public void embed(Tensor out, Tensor tokens, Tensor ids, Tensor tokenTable, Tensor puzzleTable, Tensor posTable,
                      int prefixLen, float scale) {
        int B = tokens.dim(0), S = tokens.dim(1), D = tokenTable.dim(1), L = prefixLen + S;
        out.expect("embedding output", B, L, D);
        if (posTable != null) posTable.expect("position table", L, D);
        float c = posTable != null ? Ops.POS_MIX * scale : scale;
        int ndim = puzzleTable == null ? 0 : puzzleTable.dim(1);
        if (puzzleTable != null && prefixLen > 0) check(ids, DType.I32, "embed");
        Embedding.forward(rt(), f(out, "embed"), in(tokens, "embed"), ids == null ? 0 : in(ids, "embed"), f(tokenTable, "embed"),
                fOpt(puzzleTable, "embed"), ndim, fOpt(posTable, "embed"), B, prefixLen, S, D, c);
    }

    @Override
    public void embedBackward(Tensor dOut, Tensor tokens, Tensor dTokenTable, Tensor dPuzzleRows, Tensor dPosTable,
                              int prefixLen, float scale, boolean learnedPos) {
        int B = tokens.dim(0), S = tokens.dim(1), V = dTokenTable.dim(0), D = dTokenTable.dim(1), L = prefixLen + S;
        dOut.expect("embedding gradient", B, L, D);
        float c = learnedPos ? Ops.POS_MIX * scale : scale;
        String op = "embedBackward";
        if (dPuzzleRows != null)
            Embedding.backwardRows(rt(), f(dPuzzleRows, op), f(dOut, op), B, dPuzzleRows.dim(1), L, prefixLen, D, c);
        Embedding.backwardTokens(rt(), f(dTokenTable, op), f(dOut, op), in(tokens, op), V, B, prefixLen, S, D, c);
        if (dPosTable != null) {
            dPosTable.expect("position table gradient", L, D);
            Embedding.backwardPositions(rt(), f(dPosTable, op), f(dOut, op), B, L, D, c);
        }
    }

    // ---- linear: gemm.cu ------------------------------------------------------------------------
    @Override
    public void linear(Tensor out, Tensor in, Tensor w, Tensor bias) {
        int K = w.dim(1), N = w.dim(0), M = rows(in);
        if (in.dim(-1) != K || out.dim(-1) != N || rows(out) != M)
            throw new IllegalArgumentException("linear: " + in + " · " + w + "ᵀ → " + out);
        Gemm.forward(rt(), f(out, "linear"), f(in, "linear"), f(w, "linear"), fOpt(bias, "linear"), M, K, N, Gemm.Epilogue.none());
    }

    @Override
    public void linearBackward(Tensor dIn, boolean accumulate, Tensor dW, Tensor dBias, Tensor dOut, Tensor in, Tensor w) {
        int K = w.dim(1), N = w.dim(0), M = rows(in);
        long g = f(dOut, "linearBackward");
        if (dIn != null) Gemm.backwardInput(rt(), f(dIn, "linearBackward"), g, dev.address(w), M, K, N, accumulate);
        weightGrad(f(dW, "linearBackward"), g, dev.address(in), M, K, N, 0);
        if (dBias != null) Gemm.colSum(rt(), f(dBias, "linearBackward"), g, M, N, true);
    }

    // ---- add_rmsnorm.cu: a helper of the half-blocks ------------------------------------------
    /** out = rms_norm(a + b) over the last axis; rstd [rows] saved when non-null. out may alias a or b. */
    void addRmsNorm(Tensor out, Tensor rstd, Tensor a, Tensor b, float eps) {
        same(out, a, "addRmsNorm");
        same(out, b, "addRmsNorm");
        int rows = rows(out);
        if (rstd != null && rstd.numel() != rows) throw new IllegalArgumentException("addRmsNorm: rstd " + rstd + " for " + rows + " rows");
        int mask = bf(out, AddRmsNorm.BF16_OUT) | bf(a, AddRmsNorm.BF16_A) | bf(b, AddRmsNorm.BF16_B);
        AddRmsNorm.forward(rt(), fb(out, "addRmsNorm"), fOpt(rstd, "addRmsNorm"), fb(a, "addRmsNorm"), fb(b, "addRmsNorm"), rows,
                out.dim(-1), eps, mask);
    }

    /** dIn (w.r.t. a, equal to that w.r.t. b) from the saved out and rstd; dIn may alias dOut. */
    void addRmsNormBackward(Tensor dIn, Tensor dOut, Tensor out, Tensor rstd) {
        same(dIn, out, "addRmsNormBackward");
        same(dOut, out, "addRmsNormBackward");
        String op = "addRmsNormBackward";
        AddRmsNorm.backward(rt(), f(dIn, op), f(dOut, op), fb(out, op), f(rstd, op), rows(out), out.dim(-1), out.dtype() == DType.BF16);
    }

    // ---- attention_tc.cu / attention.cu: the attention core, a helper of the attention half-block
    @Override
    public int[] attentionSaveShape(int batch, int heads, int len) {
        return KernelScratchSizes.INSTANCE.attentionSaveShape(batch, heads, len);
    }

    @Override
    public long attentionMixScratch(int batch, int len, int dim, boolean backward) {
        return KernelScratchSizes.INSTANCE.attentionMixScratch(batch, len, dim, backward);
    }

    @Override
    public long stepScratch(StepShape shape) {
        return KernelScratchSizes.INSTANCE.stepScratch(shape);
    }

    @Override
    public DType activationDType(boolean tokenMixer) {
        return KernelScratchSizes.INSTANCE.activationDType(tokenMixer);
    }

    /**
     * The attention kernels for a qkv tensor: bf16 qkv (the model's activations on these devices)
     * runs on the tensor cores (attention_tc.cu) unless {@link Attention#fp32Requested()} (system
     * property {@code trm.kernels.attention=fp32}); fp32 qkv keeps the fp32 kernels (attention.cu),
     * so a caller that stores fp32 gets fp32 attention (kernels/HEAVY.md).
     */
    private static Attention.Impl attentionImpl(Tensor qkv) {
        return qkv.dtype() == DType.BF16 && !Attention.fp32Requested() ? Attention.Impl.TENSOR_CORE : Attention.Impl.FP32;
    }

    /** The attention kernels' bf16 mask for qkv and out. */
    private static int attentionMask(Tensor qkv, Tensor out) {
        return bf(qkv, Attention.BF16_QKV) | bf(out, Attention.BF16_OUT);
    }

    /** The workspace's private scratch ({@link KernelScratchSizes#stepScratch}), bound by the model before each step. */
    private Tensor stepScratch;

    /** Grown on demand for ops called outside a model step (the parity suite, benchmarks); never inside one. */
    private Tensor ownScratch;

    @Override
    public void useStepScratch(Tensor scratch) {
        stepScratch = scratch == null ? null : check(scratch, DType.F32, "useStepScratch");
    }

    /**
     * The address of {@code floats} of fp32 scratch (0 for none): the bound step scratch, or this
     * device's own buffer when none is bound or it is too small. One region serves the split-K
     * partial sums and the attention row buffer: each use ends within the launcher call that
     * makes it (see {@link KernelScratchSizes#stepScratch}).
     */
    private long scratch(long floats) {
        if (floats <= 0) return 0;
        if (stepScratch != null && stepScratch.numel() >= floats) return dev.address(stepScratch);
        if (ownScratch == null || ownScratch.numel() < floats) ownScratch = dev.allocate(DType.F32, Math.toIntExact(floats));
        return dev.address(ownScratch);
    }

    /**
     * dW[N,K] += dOut[M,N]ᵀ·in[M,K] with the split count of {@link Gemm#weightGradSplits} (the
     * shape alone: the same sums in the same order on every GPU and on the simulator).
     */
    private void weightGrad(long dW, long dOut, long in, int M, int K, int N, int bf16) {
        int s = Gemm.weightGradSplits(M, K, N);
        Gemm.backwardWeight(rt(), dW, dOut, in, M, K, N, scratch(Gemm.workspaceBytes(M, K, N, s) / 4), s, bf16);
    }

    /** The attention row buffer [B, H, L] fp32 (log-sum-exp nobody keeps, or the backward's delta). */
    private long rowScratch(int B, int H, int L) {
        return scratch((long) B * H * L);
    }

    private static int attentionHeads(Tensor qkv, int heads, String op) {
        int hd = qkv.dim(2) / 3 / heads;
        if (hd != Attention.HEAD_DIM) throw new TrmException(op + ": the attention kernel needs head_dim " + Attention.HEAD_DIM + ", got " + hd);
        return heads;
    }

    /** out [B, L, H·64] from qkv; saved [B, H, L] (log-sum-exp) written when non-null. */
    void attention(Tensor out, Tensor saved, Tensor qkv, int heads) {
        int B = qkv.dim(0), L = qkv.dim(1), H = attentionHeads(qkv, heads, "attention");
        long lse = saved != null ? dev.address(check(saved, DType.F32, "attention")) : rowScratch(B, H, L);
        Attention.forward(dev.runtime(), attentionImpl(qkv), fb(out, "attention"), lse, fb(qkv, "attention"), B, L, H, attentionMask(qkv, out));
    }

    /** dqkv from dOut and what {@link #attention} saved, without RoPE (the half-block's backward undoes it in the kernel). */
    void attentionBackward(Tensor dqkv, Tensor dOut, Tensor out, Tensor qkv, Tensor saved, int heads) {
        int B = qkv.dim(0), L = qkv.dim(1), H = attentionHeads(qkv, heads, "attentionBackward");
        Attention.backward(dev.runtime(), attentionImpl(qkv), dev.address(check(dqkv, DType.F32, "attentionBackward")), f(dOut, "attentionBackward"),
                fb(qkv, "attentionBackward"), fb(out, "attentionBackward"), dev.address(check(saved, DType.F32, "attentionBackward")),
                rowScratch(B, H, L), 0, 0, B, L, H, attentionMask(qkv, out));
    }

    // ---- qhead.cu -------------------------------------------------------------------------------
    @Override
    public void qHead(Tensor q, Tensor y, Tensor w, Tensor bias) {
        int B = y.dim(0), L = y.dim(1), D = y.dim(2);
        q.expect("q", B, 2);
        w.expect("q_head weight", 2, D);
        QHead.forward(rt(), f(q, "qHead"), f(y, "qHead"), f(w, "qHead"), f(bias, "qHead"), B, L, D);
    }

    @Override
    public void qHeadBackward(Tensor dy, Tensor dW, Tensor dBias, Tensor dq, Tensor y, Tensor w) {
        int B = y.dim(0), L = y.dim(1), D = y.dim(2);
        dy.expect("dy", B, L, D);
        dq.expect("dq", B, 2);
        String op = "qHeadBackward";
        QHead.backward(rt(), f(dy, op), f(dW, op), f(dBias, op), f(dq, op), f(y, op), f(w, op), B, L, D);
    }

    // ---- lm_loss.cu -----------------------------------------------------------------------------
    @Override
    public void lmLoss(LossKind kind, Tensor dLogits, Tensor stats, Tensor logits, Tensor labels, int prefixLen, float gradScale) {
        int B = labels.dim(0), S = labels.dim(1), V = logits.dim(2);
        logits.expect("logits", B, prefixLen + S, V);
        stats.expect("stats", B, Stat.COLUMNS);
        if (dLogits != null) dLogits.expect("dLogits", B, prefixLen + S, V);
        LmLoss.forwardBackward(rt(), fOpt(dLogits, "lmLoss"), f(stats, "lmLoss"), f(logits, "lmLoss"), in(labels, "lmLoss"),
                B, prefixLen, S, V, kind == LossKind.STABLEMAX, gradScale);
    }

    @Override
    public void argmax(Tensor preds, Tensor logits, int prefixLen) {
        int B = preds.dim(0), S = preds.dim(1), V = logits.dim(2);
        logits.expect("logits", B, prefixLen + S, V);
        LmLoss.argmax(rt(), in(preds, "argmax"), f(logits, "argmax"), B, prefixLen, S, V);
    }

    // ---- halting.cu -----------------------------------------------------------------------------
    @Override
    public void haltLoss(Tensor dq, Tensor stats, Tensor q, float gradScale) {
        int B = q.dim(0);
        stats.expect("stats", B, Stat.COLUMNS);
        if (Ops.HALT_LOSS_WEIGHT != Halting.LOSS_WEIGHT)
            throw new IllegalStateException("halting.cu hard-codes the halt-loss weight " + Halting.LOSS_WEIGHT);
        Halting.loss(rt(), fOpt(dq, "haltLoss"), f(stats, "haltLoss"), f(q, "haltLoss"), B, gradScale);
    }

    @Override
    public void haltUpdate(Tensor halted, Tensor steps, Tensor q, int maxSteps, float exploreProb, boolean training,
                           long seed, long step) {
        int B = halted.dim(0);
        steps.expect("steps", B);
        q.expect("q", B, 2);
        Halting.update(rt(), in(halted, "haltUpdate"), in(steps, "haltUpdate"), f(q, "haltUpdate"), B, maxSteps, exploreProb, training,
                seed, step);
    }

    @Override
    public void resetCarry(Tensor halted, Tensor y, Tensor z, Tensor hInit, Tensor lInit, Tensor steps) {
        int B = y.dim(0), L = y.dim(1), D = y.dim(2);
        z.expect("z", B, L, D);
        if (hInit.numel() != D || lInit.numel() != D) throw new IllegalArgumentException("resetCarry: init " + hInit + ", " + lInit + " for D=" + D);
        String op = "resetCarry";
        Halting.resetCarry(rt(), in(halted, op), f(y, op), f(z, op), f(hInit, op), f(lInit, op), in(steps, op), B, L, D);
    }

    @Override
    public void selectRows(Tensor halted, Tensor dst, Tensor src) {
        same(dst, src, "selectRows");
        int B = halted.dim(0);
        Halting.selectRows(rt(), in(halted, "selectRows"), in(dst, "selectRows"), in(src, "selectRows"), B,
                Math.toIntExact(dst.numel() / B));
    }

    @Override
    public void accumulateMetrics(Tensor metrics, Tensor stats, Tensor halted, Tensor steps) {
        int B = halted.dim(0);
        metrics.expect("metrics", Metric.COLUMNS);
        stats.expect("stats", B, Stat.COLUMNS);
        String op = "accumulateMetrics";
        Halting.accumulateMetrics(rt(), f(metrics, op), f(stats, op), in(halted, op), in(steps, op), B);
    }

    // ---- optimizers.cu --------------------------------------------------------------------------
    @Override
    public void adamAtan2(Tensor p, Tensor g, Tensor m, Tensor v, float lr, float wd, float beta1, float beta2, long step) {
        same(p, g, "adamAtan2"); same(p, m, "adamAtan2"); same(p, v, "adamAtan2");
        String op = "adamAtan2";
        Optimizers.adamAtan2(rt(), f(p, op), f(g, op), f(m, op), f(v, op), p.numel(), lr, beta1, beta2, AdamStep.of(lr, wd, beta1, beta2, step));
    }

    @Override
    public void adamW(Tensor p, Tensor g, Tensor m, Tensor v, float lr, float wd, float beta1, float beta2, float eps, long step) {
        same(p, g, "adamW"); same(p, m, "adamW"); same(p, v, "adamW");
        String op = "adamW";
        Optimizers.adamW(rt(), f(p, op), f(g, op), f(m, op), f(v, op), p.numel(), lr, beta1, beta2, eps, AdamStep.of(lr, wd, beta1, beta2, step));
    }

    @Override
    public void signSgd(Tensor table, Tensor dRows, Tensor ids, float lr, float wd) {
        int B = ids.dim(0), ndim = table.dim(1);
        dRows.expect("puzzle row gradients", B, ndim);
        Optimizers.signSgd(rt(), f(table, "signSgd"), f(dRows, "signSgd"), in(ids, "signSgd"), B, ndim, lr, 1f - lr * wd);
    }

    @Override
    public void ema(Tensor shadow, Tensor p, float decay) {
        same(shadow, p, "ema");
        Optimizers.ema(rt(), f(shadow, "ema"), f(p, "ema"), p.numel(), decay);
    }

    // ---- MLP-mixer token mixing: batched weight-left GEMMs and a norm down the sequence, no transposes
    @Override
    public boolean channelMlpRecomputes() {
        return KernelScratchSizes.INSTANCE.channelMlpRecomputes();
    }

    @Override
    public long channelMlpScratch(int rows, int dim, int inter, boolean backward) {
        return KernelScratchSizes.INSTANCE.channelMlpScratch(rows, dim, inter, backward);
    }

    @Override
    public long tokenMixScratch(int B, int L, int D, int It) {
        return KernelScratchSizes.INSTANCE.tokenMixScratch(B, L, D, It);
    }

    /**
     * {@inheritDoc} Without rstd (a no-gradient cycle: nothing is kept for backward) the
     * pre-activation gateUp [B·D, 2It] is not written at all (the SWIGLU_ROWS epilogue's aux is
     * off), saving B·D·2It fp32 stores per application; act stays the down GEMM's operand.
     */
    @Override
    public void tokenMix(Tensor out, Tensor gateUp, Tensor act, Tensor rstd, Tensor h, Tensor w1, Tensor w2, Tensor scratch, float eps) {
        int B = h.dim(0), L = h.dim(1), D = h.dim(2), It = w2.dim(1);
        boolean saves = rstd != null;
        Mixer.forward(dev.runtime(), dev.address(check(out, DType.F32, "tokenMix")), saves ? dev.address(rstd) : 0,
                saves ? dev.address(gateUp) : 0, dev.address(act), dev.address(check(h, DType.F32, "tokenMix")), dev.address(w1),
                dev.address(w2), B, L, D, It, eps);
    }

    @Override
    public void tokenMixBackward(Tensor dh, Tensor dW1, Tensor dW2, Tensor dOut, Tensor h, Tensor gateUp, Tensor act, Tensor out,
                                 Tensor rstd, Tensor w1, Tensor w2, Tensor scratch) {
        int B = h.dim(0), L = h.dim(1), D = h.dim(2), It = w2.dim(1);
        if (scratch.numel() < tokenMixScratch(B, L, D, It)) throw new IllegalArgumentException("tokenMixBackward: scratch too small");
        // Weight gradients split over batch groups by the shape alone, partial sums added in slice order.
        int splits = Mixer.weightGradSplits(B, L, D, It);
        long ws = scratch(Mixer.workspaceFloats(L, It, splits));
        Mixer.backward(dev.runtime(), dev.address(check(dh, DType.F32, "tokenMixBackward")), dev.address(dW1), dev.address(dW2),
                dev.address(dOut), dev.address(h), dev.address(gateUp), dev.address(act), dev.address(out), dev.address(rstd),
                dev.address(w1), dev.address(w2), dev.address(scratch), ws, splits, B, L, D, It);
    }

    // ---- the channel MLP: SwiGLU fused into the gate_up GEMM's epilogue (forward) and into the
    // down GEMM's grad-input (backward); gate_up and act recomputed in backward when not given
    /**
     * gateUp and act may be null (the model passes null: {@link #channelMlpRecomputes}): act then
     * lives in the scratch (bf16, after mo) for the down GEMM, and gate_up is not stored.
     */
    @Override
    public void channelMlp(Tensor out, Tensor gateUp, Tensor act, Tensor rstd, Tensor h, Tensor wGateUp, Tensor wDown,
                           Tensor scratch, float eps) {
        int D = h.dim(-1), rows = rows(h), I = wDown.dim(1);
        String op = "channelMlp";
        if (scratch.numel() < channelMlpScratch(rows, D, I, false)) throw new IllegalArgumentException(op + ": scratch too small: " + scratch);
        var rt = dev.runtime();
        long mo = f(scratch, op);
        long a = act != null ? fb(act, op) : mo + 4L * KernelScratchSizes.mlpActOffset(rows, D);
        int actBf = act == null ? Gemm.BF16_C : bf(act, Gemm.BF16_C);
        Gemm.forward(rt, a, fb(h, op), dev.address(wGateUp), 0, rows, D, 2 * I,
                Gemm.Epilogue.swiGlu(gateUp == null ? 0 : fb(gateUp, op)), bf(h, Gemm.BF16_A) | actBf | bf(gateUp, Gemm.BF16_AUX));
        Gemm.forward(rt, mo, a, dev.address(wDown), 0, rows, I, D, Gemm.Epilogue.none(), actBf != 0 ? Gemm.BF16_A : 0);
        addRmsNorm(out, rstd, h, scratch.slice(0, rows, D), eps);
    }

    /**
     * With gateUp and act null, recomputes both from h into the scratch (the gate_up GEMM again,
     * bf16: bit-identical to what the forward computed), then backpropagates as with saved ones.
     * dGateUp goes to the scratch as bf16 (it is only ever a GEMM operand, rounded to bf16 anyway).
     */
    @Override
    public void channelMlpBackward(Tensor dh, Tensor dWGateUp, Tensor dWDown, Tensor dOut, Tensor h, Tensor gateUp, Tensor act,
                                   Tensor out, Tensor rstd, Tensor wGateUp, Tensor wDown, Tensor scratch) {
        int D = h.dim(-1), rows = rows(h), I = wDown.dim(1);
        String op = "channelMlpBackward";
        if ((gateUp == null) != (act == null)) throw new IllegalArgumentException(op + ": give both gateUp and act, or neither (recomputed)");
        if (scratch.numel() < channelMlpScratch(rows, D, I, true)) throw new IllegalArgumentException(op + ": scratch too small: " + scratch);
        var rt = dev.runtime();
        Tensor dR = dh.view(rows, D);
        long s = f(scratch, op), ri = (long) rows * I;
        long gu, a, dGateUp = s;
        int guBf, aBf;
        if (gateUp == null) {  // scratch: gate_up [rows, 2I], act [rows, I], dGateUp [rows, 2I], all bf16
            gu = s;
            a = s + 2 * (2 * ri);
            dGateUp = s + 2 * (3 * ri);
            guBf = Gemm.BF16_AUX;
            aBf = Gemm.BF16_B;
            Gemm.forward(rt, a, fb(h, op), dev.address(wGateUp), 0, rows, D, 2 * I, Gemm.Epilogue.swiGlu(gu),
                    bf(h, Gemm.BF16_A) | Gemm.BF16_C | Gemm.BF16_AUX);
        } else {
            gu = fb(gateUp, op);
            a = fb(act, op);
            guBf = bf(gateUp, Gemm.BF16_AUX);
            aBf = bf(act, Gemm.BF16_B);
        }
        addRmsNormBackward(dR, dOut, out, rstd);
        long g = f(dR, op);
        weightGrad(dev.address(dWDown), g, a, rows, I, D, aBf);
        Gemm.backwardInputSwiGlu(rt, dGateUp, g, dev.address(wDown), gu, rows, I, D, Gemm.BF16_C | guBf);
        weightGrad(dev.address(dWGateUp), dGateUp, fb(h, op), rows, D, 2 * I, Gemm.BF16_A | bf(h, Gemm.BF16_B));
        Gemm.backwardInput(rt, g, dGateUp, dev.address(wGateUp), rows, D, 2 * I, true, Gemm.BF16_A);
    }

    // ---- the attention half-block: RoPE in the qkv GEMM's epilogue, its inverse inside the
    // attention backward (no separate rope kernels)
    @Override
    public void attentionMix(Tensor out, Tensor qkv, Tensor attn, Tensor saved, Tensor rstd, Tensor h, Tensor wQkv, Tensor wO,
                             Tensor cos, Tensor sin, int heads, Tensor scratch, float eps) {
        int B = h.dim(0), L = h.dim(1), D = h.dim(2);
        String op = "attentionMix";
        if (scratch.numel() < attentionMixScratch(B, L, D, false)) throw new IllegalArgumentException(op + ": scratch too small: " + scratch);
        var rt = dev.runtime();
        Gemm.Epilogue epi = cos == null ? Gemm.Epilogue.none()
                : Gemm.Epilogue.rope(dev.address(cos), dev.address(sin), L, cos.dim(1), 2 * D);
        Gemm.forward(rt, fb(qkv, op), fb(h, op), dev.address(wQkv), 0, B * L, D, 3 * D, epi, bf(h, Gemm.BF16_A) | bf(qkv, Gemm.BF16_C));
        attention(attn, saved, qkv, heads);
        Tensor mo = scratch.slice(0, B, L, D);
        Gemm.forward(rt, dev.address(mo), fb(attn, op), dev.address(wO), 0, B * L, D, D, Gemm.Epilogue.none(), bf(attn, Gemm.BF16_A));
        addRmsNorm(out, rstd, h, mo, eps);
    }

    @Override
    public void attentionMixBackward(Tensor dh, Tensor dWQkv, Tensor dWO, Tensor dOut, Tensor h, Tensor qkv, Tensor attn, Tensor saved,
                                     Tensor out, Tensor rstd, Tensor wQkv, Tensor wO, Tensor cos, Tensor sin, int heads, Tensor scratch) {
        int B = h.dim(0), L = h.dim(1), D = h.dim(2), H = attentionHeads(qkv, heads, "attentionMixBackward");
        String op = "attentionMixBackward";
        if (scratch.numel() < attentionMixScratch(B, L, D, true)) throw new IllegalArgumentException(op + ": scratch too small: " + scratch);
        var rt = dev.runtime();
        long n = (long) B * L * D;
        Tensor dR = scratch.slice(0, B, L, D), dAttn = scratch.slice(n, B, L, D), dQkv = scratch.slice(2 * n, B, L, 3 * D);
        addRmsNormBackward(dR, dOut, out, rstd);
        long g = dev.address(dR);
        Gemm.backwardInput(rt, dev.address(dAttn), g, dev.address(wO), B * L, D, D, false);
        weightGrad(dev.address(dWO), g, fb(attn, op), B * L, D, D, bf(attn, Gemm.BF16_B));
        Attention.backward(rt, attentionImpl(qkv), dev.address(dQkv), dev.address(dAttn), fb(qkv, op), fb(attn, op),
                dev.address(check(saved, DType.F32, op)), rowScratch(B, H, L),
                cos == null ? 0 : dev.address(cos), sin == null ? 0 : dev.address(sin), B, L, H, attentionMask(qkv, attn));
        copy(dh, dR);
        Gemm.backwardInput(rt, dev.address(dh), dev.address(dQkv), dev.address(wQkv), B * L, D, 3 * D, true);
        weightGrad(dev.address(dWQkv), dev.address(dQkv), fb(h, op), B * L, D, 3 * D, bf(h, Gemm.BF16_B));
    }
}
