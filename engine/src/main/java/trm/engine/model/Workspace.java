package trm.engine.model;

import trm.engine.DType;
import trm.engine.Device;
import trm.engine.Ops;
import trm.engine.ScratchSizes;
import trm.engine.TrmException;
import trm.engine.Tensor;
import trm.engine.TensorArena;

/**
 * Every buffer a supervision step touches for a batch of B slots, carved from one arena sized
 * once: the batch and carry, the embeddings, the heads, the saved activations of the one
 * cycle that is back-propagated ((n+1) network applications × layers), and scratch.
 * The T−1 cycles without gradient reuse a single scratch set, so memory does not grow with T.
 * Activations are kept in the device's {@link ScratchSizes#activationDType} (bf16 on the kernel
 * devices for attention, fp32 on the cpu); the channel MLP's gate_up and act are not kept at all
 * where the device recomputes them ({@link ScratchSizes#channelMlpRecomputes}).
 *
 * <p>{@link #close} ends its life: first the graphs a {@link TrmModel} recorded on its buffers
 * are destroyed, then the arena is freed; a step on it afterwards is refused in one line. Whoever
 * allocates a workspace closes it when done (a try-with-resources, or the owner's own close).
 */
public final class Workspace implements AutoCloseable {
    /** What one block keeps for its backward (or, in the scratch set, writes on the way). */
    public record BlockActs(Tensor h1, Tensor rstd1, Tensor gu, Tensor act, Tensor out, Tensor rstd2,
                            Tensor mixGateUp, Tensor mixAct, Tensor qkv, Tensor attnSaved, Tensor attn) {}

    public final int batch;
    public final boolean training;
    public final TensorArena arena;

    // batch and carry
    public final Tensor tokens, puzzleIds, labels, y, z;
    // embeddings, injections, heads
    public final Tensor x, inj, logits, q, stats, preds;
    /** Every slot selected (ones, filled on first use) and a step counter, for resetting the whole batch. */
    final Tensor allSlots, slotSteps;
    boolean allSlotsReady;
    // no-gradient scratch block
    final BlockActs scratchActs;
    // forward scratch shared by every block; the token mixer's own scratch (forward and backward)
    final Tensor mlpScratch, mixScratch, attScratch;
    /** The device's private scratch ({@link ScratchSizes#stepScratch}; null when it needs none). */
    final Tensor stepScratch;
    // training only: saved activations of the gradient cycle, and backward buffers
    final Tensor[] h0;
    final BlockActs[][] saved;
    public final Tensor dLogits, dq, dX, dPuzzleRows;
    final Tensor dA, dB, dR;
    /** Run by {@link #close} before the arena is freed (the models' graph releases), in order. */
    private final java.util.List<Runnable> onClose = new java.util.ArrayList<>();
    private boolean closed;

    public static Workspace allocate(TrmConfig c, Device device, int batch, boolean training) {
        Workspace measured = measure(c, device.ops(), batch, training);
        return new Workspace(c, batch, training, TensorArena.sizedLike(device, measured.arena), device.ops());
    }

    /**
     * The layout pass alone, against a measuring arena: a workspace of shape-only tensors whose
     * {@link #arena} holds the bytes {@link #allocate} would reserve. Allocates nothing (what the
     * memory model reads). A batch whose buffers would not fit the engine's 32-bit dimensions is
     * refused with one line naming the batch and the limit.
     */
    public static Workspace measure(TrmConfig c, ScratchSizes sizes, int batch, boolean training) {
        checkBatch(c, batch);
        return new Workspace(c, batch, training, TensorArena.measuring(), sizes);
    }

    /** The largest single dimension (a tensor's dims are ints; element counts and offsets are longs). */
    public static final long MAX_DIM = Integer.MAX_VALUE;

    /** Refuses a batch whose flattened rows (B·L, and B·D for the token mixer) exceed {@link #MAX_DIM}. */
    static void checkBatch(TrmConfig c, int B) {
        if (B <= 0) throw new TrmException("batch must be positive, got " + B);
        long rows = (long) B * c.totalLen();
        if (rows > MAX_DIM)
            throw new TrmException("batch " + B + " × " + c.totalLen() + " positions = " + rows + " rows, above the limit of "
                    + MAX_DIM + " rows (largest batch: " + MAX_DIM / c.totalLen() + ")");
        long cols = (long) B * c.hiddenSize();
        if (c.mlpT() && cols > MAX_DIM)
            throw new TrmException("batch " + B + " × hidden_size " + c.hiddenSize() + " = " + cols + " token-mixer rows, above the limit of "
                    + MAX_DIM + " (largest batch: " + MAX_DIM / c.hiddenSize() + ")");
    }

    private Workspace(TrmConfig c, int B, boolean training, TensorArena a, ScratchSizes ops) {
        this.batch = B;
        this.training = training;
        this.arena = a;
        int S = c.seqLen(), L = c.totalLen(), D = c.hiddenSize(), V = c.vocabSize(), I = c.interChannels();
        int It = c.mlpT() ? c.interTokens() : 0;
        tokens = a.i32(B, S);
        puzzleIds = a.i32(B);
        labels = a.i32(B, S);
        y = a.f32(B, L, D);
        z = a.f32(B, L, D);
        x = a.f32(B, L, D);
        inj = a.f32(B, L, D);
        logits = a.f32(B, L, V);
        q = a.f32(B, 2);
        stats = a.f32(B, Ops.Stat.COLUMNS);
        preds = a.i32(B, S);
        allSlots = a.i32(B);
        slotSteps = a.i32(B);

        scratchActs = blockActs(c, a, B, false, ops);
        attScratch = c.mlpT() ? null : a.f32Elements(ops.attentionMixScratch(B, L, D, training));
        mlpScratch = a.f32Elements(ops.channelMlpScratch(B * L, D, I, training));
        mixScratch = c.mlpT() ? a.f32Elements(ops.tokenMixScratch(B, L, D, It)) : null;
        long own = ops.stepScratch(stepShape(c, B, training));
        stepScratch = own > 0 ? a.f32Elements(own) : null;

        int apps = c.lCycles() + 1;
        DType act = ops.activationDType(c.mlpT());
        if (training) {
            h0 = new Tensor[apps];
            saved = new BlockActs[apps][c.layers()];
            for (int k = 0; k < apps; k++) {
                h0[k] = a.of(act, B, L, D);
                for (int l = 0; l < c.layers(); l++) saved[k][l] = blockActs(c, a, B, true, ops);
            }
            dLogits = a.f32(B, L, V);
            dq = a.f32(B, 2);
            dX = a.f32(B, L, D);
            dPuzzleRows = c.puzzleEmbNdim() > 0 ? a.f32(B, c.puzzleEmbNdim()) : null;
            dA = a.f32(B, L, D);
            dB = a.f32(B, L, D);
            dR = a.f32(B * L, D);
        } else {
            h0 = null;
            saved = null;
            dLogits = dq = dX = dPuzzleRows = dA = dB = dR = null;
        }
    }

    /**
     * Releases the workspace: runs what was registered with {@link #onClose} (each model destroys
     * the graphs it recorded on these buffers), then frees the arena. Idempotent. Its tensors must
     * not be used afterwards; {@link TrmModel#step} and {@link TrmModel#resetCarry} refuse it.
     */
    @Override
    public void close() {
        java.util.List<Runnable> actions;
        synchronized (this) {
            if (closed) return;
            closed = true;
            actions = java.util.List.copyOf(onClose);
            onClose.clear();
        }
        try {
            for (Runnable r : actions) r.run();
        } finally {
            arena.release(); // even when a graph release failed: the buffers are done with either way
        }
    }

    /** Whether {@link #close} has run. */
    public synchronized boolean closed() { return closed; }

    /** Registers {@code action} to run at {@link #close}, before the buffers are freed; refused once closed. */
    synchronized void onClose(Runnable action) {
        if (closed) throw new TrmException("workspace (batch " + batch + ") is closed");
        onClose.add(action);
    }

    /** Refuses a closed workspace in one line naming {@code what} was asked of it. */
    public void requireOpen(String what) {
        if (closed())
            throw new TrmException(what + " on a closed workspace (batch " + batch + (training ? ", training" : "")
                    + "): its buffers and recorded graphs were released; allocate a new one with TrmModel.workspace");
    }

    /** The shapes {@link ScratchSizes#stepScratch} sizes the device's private scratch by. */
    static ScratchSizes.StepShape stepShape(TrmConfig c, int B, boolean training) {
        return new ScratchSizes.StepShape(B, c.totalLen(), c.hiddenSize(), c.interChannels(), c.mlpT() ? c.interTokens() : 0,
                c.numHeads(), c.vocabSize(), c.mlpT(), training);
    }

    private static BlockActs blockActs(TrmConfig c, TensorArena a, int B, boolean forBackward, ScratchSizes ops) {
        int L = c.totalLen(), D = c.hiddenSize(), I = c.interChannels();
        DType dt = ops.activationDType(c.mlpT());
        Tensor h1 = a.of(dt, B, L, D);
        // Where the device recomputes them (kernels) the MLP's gate_up and act are kept nowhere.
        boolean keepMlp = !ops.channelMlpRecomputes();
        Tensor gu = keepMlp ? a.f32(B * L, 2 * I) : null;
        Tensor act = keepMlp ? a.f32(B * L, I) : null;
        Tensor out = forBackward ? a.of(dt, B, L, D) : null; // no-grad blocks write in place
        Tensor rstd1, rstd2 = forBackward ? a.f32(B * L) : null;
        Tensor mixGateUp = null, mixAct = null, qkv = null, attnSaved = null, attn = null;
        if (c.mlpT()) {
            rstd1 = forBackward ? a.f32(B * D) : null;
            mixGateUp = a.f32(B * D, 2 * c.interTokens()); // B·D is checked by checkBatch
            mixAct = a.f32(B * D, c.interTokens());
        } else {
            rstd1 = forBackward ? a.f32(B * L) : null;
            qkv = a.of(dt, B, L, 3 * D);
            attn = a.of(dt, B, L, D);
            attnSaved = forBackward ? a.f32(ops.attentionSaveShape(B, c.numHeads(), L)) : null;
        }
        return new BlockActs(h1, rstd1, gu, act, out, rstd2, mixGateUp, mixAct, qkv, attnSaved, attn);
    }

    /** Bytes of the saved activations of the gradient cycle (0 without training buffers), as the arena lays them out. */
    public long savedActivationBytes() {
        return savedActivations().stream().mapToLong(TensorArena::bytesOf).sum();
    }

    /** Every saved activation tensor of the gradient cycle (for tests and diagnostics). */
    public java.util.List<Tensor> savedActivations() {
        var all = new java.util.ArrayList<Tensor>();
        if (saved == null) return all;
        java.util.Collections.addAll(all, h0);
        for (BlockActs[] app : saved)
            for (BlockActs b : app)
                for (Tensor t : new Tensor[]{b.h1(), b.rstd1(), b.gu(), b.act(), b.out(), b.rstd2(), b.mixGateUp(), b.mixAct(), b.qkv(), b.attnSaved(), b.attn()})
                    if (t != null) all.add(t);
        return all;
    }
}
