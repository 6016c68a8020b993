package trm.engine;

/**
 * The compute primitives of a device, exactly what the model ({@code trm.engine.model}) and the
 * training loop call: one method per fused layer or half-block, each with an explicit backward
 * (llm.c style, no autograd). Finer layers (RMSNorm, SwiGLU, RoPE, the attention core) are not
 * part of the contract: each device composes them inside the half-blocks as it likes. Shapes are given as [dims]; "rows" means every leading
 * axis flattened. Backward methods that take a gradient buffer for a parameter accumulate into
 * it (parameters are used many times per step); activation gradients are written unless the
 * method says otherwise.
 */
public interface Ops extends ScratchSizes {
    /** The reference's factor for averaging token and learned position embeddings (1/√2), see {@link #embed}. */
    float POS_MIX = 0.707106781f;

    /** The weight of the halting loss in the total loss, see {@link #haltLoss}. */
    float HALT_LOSS_WEIGHT = 0.5f;

    // ---- data movement -------------------------------------------------------------------

    void fill(Tensor t, float value);

    /**
     * The device-private scratch ({@link #stepScratch} floats, fp32) that the ops of the next
     * supervision step may use; the model passes its workspace's before each step. Ops called
     * outside a model step, or a scratch too small for a call, make the device use its own.
     * Devices that need none ignore it.
     */
    default void useStepScratch(Tensor scratch) {}

    /**
     * out = a + b, elementwise, same shape. out may alias a or b. fp32; where a device keeps
     * activations in bf16 ({@link ScratchSizes#activationDType}) any of the three may be bf16 (the
     * sum in fp32, rounded to nearest even once into a bf16 out).
     */
    void add(Tensor out, Tensor a, Tensor b);

    /**
     * dst ← src, same number of elements. Same dtype, or on a device with bf16 activations fp32 ↔
     * bf16 (exact from bf16, rounded to nearest even into bf16).
     */
    void copy(Tensor dst, Tensor src);

    // ---- input embedding ---------------------------------------------------------------

    /**
     * out [B, P+S, D] = scale · (c · ([puzzle prefix | token embeddings] + pos)), where the
     * prefix is the sample's puzzle-table row [ndim] zero-padded to P·D, pos is optional
     * (learned positions; then c = {@link #POS_MIX}, else c = 1).
     *
     * @param puzzleTable [ids, ndim] or null when the model has no puzzle embedding
     * @param posTable    [P+S, D] or null
     */
    void embed(Tensor out, Tensor tokens, Tensor puzzleIds, Tensor tokenTable, Tensor puzzleTable, Tensor posTable,
               int prefixLen, float scale);

    /**
     * Accumulates dTokenTable [V, D] and dPosTable [P+S, D] (nullable), and writes the
     * gradient of each sample's puzzle row into dPuzzleRows [B, ndim] (nullable).
     */
    void embedBackward(Tensor dOut, Tensor tokens, Tensor dTokenTable, Tensor dPuzzleRows, Tensor dPosTable,
                       int prefixLen, float scale, boolean learnedPos);

    // ---- linear -----------------------------------------------------------------------------

    /** out [rows, N] = in [rows, K] · w [N, K]ᵀ (+ bias [N] when non-null). */
    void linear(Tensor out, Tensor in, Tensor w, Tensor bias);

    /**
     * dIn [rows, K] = dOut · w (written, or added when accumulate; skipped when null);
     * dW [N, K] += dOutᵀ · in; dBias [N] += Σ dOut (when non-null).
     */
    void linearBackward(Tensor dIn, boolean accumulate, Tensor dW, Tensor dBias, Tensor dOut, Tensor in, Tensor w);

    // ---- the channel MLP half-block ------------------------------------------------------------

    /**
     * out = rms_norm(h + down(SwiGLU(gate_up(h)))) over the last axis of h [rows, D], with
     * wGateUp [2I, D] and wDown [D, I]. Saves gateUp [rows, 2I], act [rows, I] and rstd [rows]
     * (null when nothing is saved) for backward. Where the device recomputes
     * ({@link ScratchSizes#channelMlpRecomputes}) gateUp and act are null: the kernels fuse SwiGLU
     * into the gate_up GEMM, keep act in scratch and recompute both in the backward.
     * out may be h's buffer. h and out may be bf16 ({@link ScratchSizes#activationDType}).
     * {@code scratch} has {@link ScratchSizes#channelMlpScratch} floats.
     */
    void channelMlp(Tensor out, Tensor gateUp, Tensor act, Tensor rstd, Tensor h, Tensor wGateUp, Tensor wDown, Tensor scratch,
                    float eps);

    /**
     * dh [rows, D] written; dWGateUp, dWDown accumulated; from dOut and what {@link #channelMlp} saved
     * (gateUp and act null where the device recomputes them). {@code scratch} has
     * {@link ScratchSizes#channelMlpScratch} floats for backward.
     */
    void channelMlpBackward(Tensor dh, Tensor dWGateUp, Tensor dWDown, Tensor dOut, Tensor h, Tensor gateUp, Tensor act,
                            Tensor out, Tensor rstd, Tensor wGateUp, Tensor wDown, Tensor scratch);

    // ---- the attention half-block ------------------------------------------------------------

    /**
     * out = rms_norm(h + o_proj(attention(rope(qkv_proj(h))))) over the last axis of h [B, L, D].
     * Saves qkv [B, L, 3D] (after RoPE), attn [B, L, D], what the attention core keeps for backward
     * ({@link ScratchSizes#attentionSaveShape}; null: nothing saved) and rstd [B·L]. cos, sin: RoPE tables [L, head_dim], or null without RoPE.
     * Kernel devices fuse RoPE into the qkv GEMM's epilogue and its inverse into attention's
     * backward. out may be h's buffer when nothing is saved. {@code scratch}: {@link ScratchSizes#attentionMixScratch} floats.
     * h, out, qkv and attn may be bf16 where the device keeps activations so ({@link ScratchSizes#activationDType}).
     */
    void attentionMix(Tensor out, Tensor qkv, Tensor attn, Tensor saved, Tensor rstd, Tensor h, Tensor wQkv, Tensor wO,
                      Tensor cos, Tensor sin, int heads, Tensor scratch, float eps);

    /** dh [B, L, D] written; dWQkv, dWO accumulated; from dOut and what {@link #attentionMix} saved. */
    void attentionMixBackward(Tensor dh, Tensor dWQkv, Tensor dWO, Tensor dOut, Tensor h, Tensor qkv, Tensor attn, Tensor saved,
                              Tensor out, Tensor rstd, Tensor wQkv, Tensor wO, Tensor cos, Tensor sin, int heads, Tensor scratch);

    // ---- MLP-mixer token mixing -------------------------------------------------------------

    /**
     * The MLP-t half-block over h [B, L, D]: out = rms_norm over the sequence axis of
     * (h + SwiGLU_L(h)), SwiGLU mixing along L with w1 [2It, L] (gate_up) and w2 [L, It] (down).
     * Saves gateUp [B·D·2It], act [B·D·It] and rstd [B·D] for backward, in the device's own
     * layout (the cpu transposes as the reference does; kernels never transpose). out may be h's
     * buffer when nothing is saved for backward. {@code scratch} has {@link ScratchSizes#tokenMixScratch} floats.
     */
    void tokenMix(Tensor out, Tensor gateUp, Tensor act, Tensor rstd, Tensor h, Tensor w1, Tensor w2, Tensor scratch, float eps);

    /** dh [B, L, D] written; dW1, dW2 accumulated; from dOut and what {@link #tokenMix} saved. */
    void tokenMixBackward(Tensor dh, Tensor dW1, Tensor dW2, Tensor dOut, Tensor h, Tensor gateUp, Tensor act, Tensor out,
                          Tensor rstd, Tensor w1, Tensor w2, Tensor scratch);

    // ---- output heads and losses ------------------------------------------------------

    /** q [B, 2] = y[:, 0, :] · wᵀ + bias. */
    void qHead(Tensor q, Tensor y, Tensor w, Tensor bias);

    /** dy[:, 0, :] += dq · w; dW += dqᵀ · y[:, 0, :]; dBias += Σ dq. */
    void qHeadBackward(Tensor dy, Tensor dW, Tensor dBias, Tensor dq, Tensor y, Tensor w);

    /**
     * Cross-entropy of logits [B, P+S, V] against labels [B, S] (0 = ignore), positions before
     * prefixLen dropped, fused with argmax correctness. Writes dLogits (gradient of
     * gradScale · Σ_b lm_loss_b; zero on the prefix and ignored positions) and per sample
     * stats [B, STATS]: see {@link Stat}.
     */
    void lmLoss(LossKind kind, Tensor dLogits, Tensor stats, Tensor logits, Tensor labels, int prefixLen, float gradScale);

    /**
     * q_halt BCE-with-logits against seq_correct (read from stats): writes dq [B, 2]
     * (gradient of gradScale · {@link #HALT_LOSS_WEIGHT} · Σ_b bce_b; q_continue gets zero) and the halt columns of stats.
     */
    void haltLoss(Tensor dq, Tensor stats, Tensor q, float gradScale);

    /** preds [B, S] = argmax over the vocabulary of logits [B, P+S, V] after the prefix. */
    void argmax(Tensor preds, Tensor logits, int prefixLen);

    // ---- optimizers -----------------------------------------------------------------------

    /** AdamATan2 with decoupled decay (the reference's kernel: both bias corrections inside atan2); step counts from 1; the step scalars are {@link AdamStep}. */
    void adamAtan2(Tensor p, Tensor g, Tensor m, Tensor v, float lr, float weightDecay, float beta1, float beta2, long step);

    /** AdamW with decoupled decay; step counts from 1; the step scalars are {@link AdamStep}. */
    void adamW(Tensor p, Tensor g, Tensor m, Tensor v, float lr, float weightDecay, float beta1, float beta2, float eps, long step);

    /**
     * Sparse SignSGD for the puzzle table [ids, ndim]: the gradients of rows with equal ids
     * [B] are summed, then w ← w·(1 − lr·wd) − lr·sign(g) on each row used once.
     */
    void signSgd(Tensor table, Tensor dRows, Tensor ids, float lr, float weightDecay);

    /** shadow ← decay·shadow + (1 − decay)·p (the reference uses decay 0.999). */
    void ema(Tensor shadow, Tensor p, float decay);

    // ---- deep supervision: halting and slot reuse, on the device ----------------------

    /**
     * After a training or evaluation step: steps += 1; halted = steps ≥ maxSteps, and when
     * training with maxSteps > 1 also q_halt > 0, subject to exploration: with probability
     * exploreProb a slot draws min_steps uniformly from [2, maxSteps] and may not halt before.
     * Random draws come from {@link SlotRandom} keyed by (seed, step, slot), so every device
     * makes the same decisions.
     */
    void haltUpdate(Tensor halted, Tensor steps, Tensor q, int maxSteps, float exploreProb, boolean training,
                    long seed, long step);

    /** For halted slots: y, z [B, L, D] ← H_init, L_init broadcast; steps ← 0. */
    void resetCarry(Tensor halted, Tensor y, Tensor z, Tensor hInit, Tensor lInit, Tensor steps);

    /** Int32 rows dst[b] ← src[b] where halted[b] (fresh samples into the slots that finished). */
    void selectRows(Tensor halted, Tensor dst, Tensor src);

    /**
     * Adds this step's metrics into metrics [{@link Metric#COLUMNS}]: over halted slots with
     * a supervised position, count, token accuracy, exact accuracy, q_halt accuracy and steps;
     * over all slots, lm_loss and q_halt_loss sums. Read by the host only every few steps.
     */
    void accumulateMetrics(Tensor metrics, Tensor stats, Tensor halted, Tensor steps);

    /** Columns of {@link #accumulateMetrics}. */
    final class Metric {
        public static final int COUNT = 0, ACCURACY = 1, EXACT = 2, Q_HALT_ACCURACY = 3, STEPS = 4, LM_LOSS = 5,
                Q_HALT_LOSS = 6, SAMPLES = 7;
        public static final int COLUMNS = 8;

        private Metric() {}
    }

    /** Per-sample statistics columns written by {@link #lmLoss} and {@link #haltLoss}. */
    final class Stat {
        public static final int LM_LOSS = 0, CORRECT = 1, COUNT = 2, SEQ_CORRECT = 3, HALT_LOSS = 4, Q_HALT = 5;
        public static final int COLUMNS = 6;

        private Stat() {}
    }
}
