package trm.engine.model;

import trm.engine.DType;
import trm.engine.Device;
import trm.engine.Ops;
import trm.engine.Tensor;
import trm.engine.model.Workspace.BlockActs;

/**
 * TRM's recursion on any device: one network of L_layers blocks applied n times to the latent
 * z and once to the answer y per cycle, T cycles per supervision step, only the last cycle
 * back-propagated. Written once against {@link Ops}; the device decides how each op runs.
 */
public final class TrmModel {
    public final TrmConfig config;
    public final TrmWeights weights;
    /** Gradients of the flat parameters, same layout. */
    public final Tensor grads;
    private final Ops ops;
    private final Layer[] layers, layerGrads;
    private final Tensor embed, pos, lmHead, qW, qB;
    private final Tensor gEmbed, gPos, gLmHead, gQW, gQB;

    /** The weights of one block (the unused variant's tensors are null). */
    private record Layer(Tensor tokGateUp, Tensor tokDown, Tensor qkv, Tensor o, Tensor gateUp, Tensor down) {}

    public TrmModel(TrmWeights weights) {
        this.config = weights.config;
        this.weights = weights;
        this.ops = weights.device.ops();
        this.grads = weights.device.allocate(DType.F32, Math.toIntExact(weights.layout.size()));
        this.layers = new Layer[config.layers()];
        this.layerGrads = new Layer[config.layers()];
        for (int i = 0; i < config.layers(); i++) {
            layers[i] = layer(weights.params, i);
            layerGrads[i] = layer(grads, i);
        }
        embed = weights.view(weights.params, ParamLayout.EMBED_TOKENS);
        gEmbed = weights.view(grads, ParamLayout.EMBED_TOKENS);
        pos = config.learnedPos() ? weights.view(weights.params, ParamLayout.EMBED_POS) : null;
        gPos = config.learnedPos() ? weights.view(grads, ParamLayout.EMBED_POS) : null;
        lmHead = weights.view(weights.params, ParamLayout.LM_HEAD);
        gLmHead = weights.view(grads, ParamLayout.LM_HEAD);
        qW = weights.view(weights.params, ParamLayout.Q_HEAD_W);
        gQW = weights.view(grads, ParamLayout.Q_HEAD_W);
        qB = weights.view(weights.params, ParamLayout.Q_HEAD_B);
        gQB = weights.view(grads, ParamLayout.Q_HEAD_B);
    }

    private Layer layer(Tensor flat, int i) {
        var w = weights;
        return config.mlpT()
                ? new Layer(w.view(flat, ParamLayout.layer(i, "mlp_t.gate_up_proj.weight")), w.view(flat, ParamLayout.layer(i, "mlp_t.down_proj.weight")),
                null, null, w.view(flat, ParamLayout.layer(i, "mlp.gate_up_proj.weight")), w.view(flat, ParamLayout.layer(i, "mlp.down_proj.weight")))
                : new Layer(null, null, w.view(flat, ParamLayout.layer(i, "self_attn.qkv_proj.weight")), w.view(flat, ParamLayout.layer(i, "self_attn.o_proj.weight")),
                w.view(flat, ParamLayout.layer(i, "mlp.gate_up_proj.weight")), w.view(flat, ParamLayout.layer(i, "mlp.down_proj.weight")));
    }

    public Workspace workspace(int batch, boolean training) {
        return Workspace.allocate(config, weights.device, batch, training);
    }

    /** Sets every slot's carry to the init buffers (the state of a fresh or halted slot). */
    public void resetCarry(Workspace ws) {
        ws.requireOpen("resetCarry");
        if (!ws.allSlotsReady) { // one upload at first use, then a single broadcast kernel per reset
            int[] ones = new int[ws.batch];
            java.util.Arrays.fill(ones, 1);
            weights.device.upload(ws.allSlots, ones);
            ws.allSlotsReady = true;
        }
        ops.resetCarry(ws.allSlots, ws.y, ws.z, weights.hInit, weights.lInit, ws.slotSteps);
    }

    // ---- one supervision step ------------------------------------------------------------

    /**
     * One supervision step on ws.tokens / ws.puzzleIds with the carry ws.y, ws.z, which it
     * replaces with the new (detached) carry. Writes logits, q and, when {@code withLoss},
     * the per-sample stats against ws.labels. With {@code withGradient}, also the gradients
     * of gradScale · (Σ lm_loss + 0.5 Σ q_halt_loss): into {@link #grads} (zeroed first) and
     * ws.dPuzzleRows.
     *
     * <p>On a device with graphs ({@link Device#capture}) the first step of each kind on a
     * workspace is recorded and every step replays it as one launch: nothing in a step depends on
     * the host (fixed buffers, scalars fixed by the step kind), so the host's only per-step work is
     * uploading fresh samples into the workspace. The graphs recorded on a workspace are destroyed
     * when it {@linkplain Workspace#close closes}; a step on a closed workspace is refused in one line.
     */
    public void step(Workspace ws, boolean withLoss, boolean withGradient, float gradScale) {
        ws.requireOpen("step");
        if (withGradient && !ws.training) throw new IllegalArgumentException("workspace was allocated without training buffers");
        ops.useStepScratch(ws.stepScratch);
        StepKind kind = new StepKind(withLoss, withGradient, gradScale);
        Device.Graph g;
        synchronized (graphs) {
            var recorded = graphs.get(ws);
            g = recorded == null ? null : recorded.get(kind);
        }
        if (g == null) {
            var captured = weights.device.capture(() -> eagerStep(ws, withLoss, withGradient, gradScale));
            if (captured.isEmpty()) {
                eagerStep(ws, withLoss, withGradient, gradScale);
                return;
            }
            g = captured.get();
            synchronized (graphs) {
                graphs.computeIfAbsent(ws, w -> {
                    w.onClose(() -> releaseGraphs(w));
                    return new java.util.HashMap<>();
                }).put(kind, g);
            }
        }
        g.replay();
    }

    /**
     * A kind of supervision step: every op of it has the same buffers and scalars each time on a
     * given workspace, so the device may record it once per workspace and replay it.
     */
    private record StepKind(boolean withLoss, boolean withGradient, float gradScale) {}

    /** The recorded steps, per workspace (by identity) and step kind (devices with graphs only). */
    private final java.util.Map<Workspace, java.util.Map<StepKind, Device.Graph>> graphs = new java.util.IdentityHashMap<>();

    /** Destroys and forgets the graphs recorded on {@code ws} (its {@link Workspace#close} calls this). */
    private void releaseGraphs(Workspace ws) {
        java.util.Map<StepKind, Device.Graph> recorded;
        synchronized (graphs) {
            recorded = graphs.remove(ws);
        }
        if (recorded != null) recorded.values().forEach(Device.Graph::close);
    }

    /** Graphs this model holds, over all its open workspaces (for tests and diagnostics). */
    public int recordedGraphs() {
        synchronized (graphs) {
            return graphs.values().stream().mapToInt(java.util.Map::size).sum();
        }
    }

    /** {@link #step} as ops, one by one (what a graph records). */
    private void eagerStep(Workspace ws, boolean withLoss, boolean withGradient, float gradScale) {
        int P = config.prefixLen();
        ops.embed(ws.x, ws.tokens, ws.puzzleIds, embed, weights.puzzleTable, pos, P, config.embedScale());
        int T = config.hCycles(), n = config.lCycles();
        for (int c = 0; c < (withGradient ? T - 1 : T); c++) {
            ops.add(ws.inj, ws.y, ws.x);
            for (int i = 0; i < n; i++) netInPlace(ws, ws.z, ws.inj);
            netInPlace(ws, ws.y, ws.z);
        }
        Tensor yOut = ws.y;
        if (withGradient) {
            ops.add(ws.inj, ws.y, ws.x);
            Tensor zc = ws.z;
            for (int i = 0; i < n; i++) zc = netSaved(ws, i, zc, ws.inj);
            Tensor yNew = netSaved(ws, n, ws.y, zc);
            // The new carry (gradients never flow into it), fp32 even where the saved activations
            // are bf16; the heads and their backward read y from it (the same values).
            ops.copy(ws.z, zc);
            ops.copy(ws.y, yNew);
        }
        heads(ws, yOut);
        if (withLoss || withGradient) {
            ops.lmLoss(config.loss(), withGradient ? ws.dLogits : null, ws.stats, ws.logits, ws.labels, P, gradScale);
            ops.haltLoss(withGradient ? ws.dq : null, ws.stats, ws.q, gradScale);
        }
        if (withGradient) backward(ws, yOut);
    }

    private void heads(Workspace ws, Tensor y) {
        int B = ws.batch, L = config.totalLen(), D = config.hiddenSize();
        ops.linear(ws.logits.view(B * L, config.vocabSize()), y.view(B * L, D), lmHead, null);
        ops.qHead(ws.q, y, qW, qB);
    }

    /** h ← net(h, inject), in place, keeping nothing for backward. */
    private void netInPlace(Workspace ws, Tensor h, Tensor inject) {
        ops.add(h, h, inject);
        for (int l = 0; l < layers.length; l++) blockForward(ws, l, h, h, ws.scratchActs, false);
    }

    /** Application {@code app} of the gradient cycle: returns net(h, inject), saving what backward needs. */
    private Tensor netSaved(Workspace ws, int app, Tensor h, Tensor inject) {
        ops.add(ws.h0[app], h, inject);
        Tensor cur = ws.h0[app];
        for (int l = 0; l < layers.length; l++) {
            BlockActs a = ws.saved[app][l];
            blockForward(ws, l, cur, a.out(), a, true);
            cur = a.out();
        }
        return cur;
    }

    private void blockForward(Workspace ws, int l, Tensor in, Tensor out, BlockActs a, boolean save) {
        Layer w = layers[l];
        int B = ws.batch, L = config.totalLen(), D = config.hiddenSize();
        float eps = (float) config.rmsNormEps();
        if (config.mlpT()) {
            // Token mixing over the sequence axis (the reference transposes; our kernels need not).
            ops.tokenMix(a.h1(), a.mixGateUp(), a.mixAct(), save ? a.rstd1() : null, in, w.tokGateUp(), w.tokDown(), ws.mixScratch, eps);
        } else {
            ops.attentionMix(a.h1(), a.qkv(), a.attn(), save ? a.attnSaved() : null, save ? a.rstd1() : null, in, w.qkv(), w.o(),
                    weights.ropeCos, weights.ropeSin, config.numHeads(), ws.attScratch, eps);
        }
        ops.channelMlp(out.view(B * L, D), a.gu(), a.act(), save ? a.rstd2() : null, a.h1().view(B * L, D), w.gateUp(), w.down(),
                ws.mlpScratch, eps);
    }

    // ---- backward ------------------------------------------------------------------------------

    private void backward(Workspace ws, Tensor yOut) {
        int B = ws.batch, L = config.totalLen(), D = config.hiddenSize(), n = config.lCycles();
        ops.fill(grads, 0f);
        ops.linearBackward(ws.dA.view(B * L, D), false, gLmHead, null, ws.dLogits.view(B * L, config.vocabSize()),
                yOut.view(B * L, D), lmHead);
        ops.qHeadBackward(ws.dA, gQW, gQB, ws.dq, yOut, qW);
        // y = net(y_old, z_n): y_old came from the no-grad cycles, so only z_n receives gradient.
        Tensor d = netBackward(ws, n, ws.dA);
        ops.fill(ws.dX, 0f);
        for (int k = n - 1; k >= 0; k--) {
            d = netBackward(ws, k, d); // z_{k+1} = net(z_k, y_old + x): x gets every application's gradient
            ops.add(ws.dX, ws.dX, d);
        }
        ops.embedBackward(ws.dX, ws.tokens, gEmbed, ws.dPuzzleRows, gPos, config.prefixLen(), config.embedScale(), config.learnedPos());
    }

    /** Gradient w.r.t. the input h + inject of application {@code app}, from that w.r.t. its output. */
    private Tensor netBackward(Workspace ws, int app, Tensor dOut) {
        Tensor d = dOut;
        for (int l = layers.length - 1; l >= 0; l--) {
            Tensor in = l == 0 ? ws.h0[app] : ws.saved[app][l - 1].out();
            Tensor dIn = d == ws.dA ? ws.dB : ws.dA;
            blockBackward(ws, l, d, dIn, in, ws.saved[app][l]);
            d = dIn;
        }
        return d;
    }

    private void blockBackward(Workspace ws, int l, Tensor dOut, Tensor dIn, Tensor in, BlockActs a) {
        Layer w = layers[l], g = layerGrads[l];
        int B = ws.batch, L = config.totalLen(), D = config.hiddenSize();
        Tensor dR = ws.dR.view(B, L, D);
        // channel MLP: out = rms(h1 + down(swiglu(gate_up(h1)))); dR ← dL/dh1
        ops.channelMlpBackward(ws.dR, g.gateUp(), g.down(), dOut.view(B * L, D), a.h1().view(B * L, D), a.gu(), a.act(),
                a.out().view(B * L, D), a.rstd2(), w.gateUp(), w.down(), ws.mlpScratch);
        if (config.mlpT()) {
            ops.tokenMixBackward(dIn, g.tokGateUp(), g.tokDown(), dR, in, a.mixGateUp(), a.mixAct(), a.h1(), a.rstd1(),
                    w.tokGateUp(), w.tokDown(), ws.mixScratch);
        } else {
            ops.attentionMixBackward(dIn, g.qkv(), g.o(), dR, in, a.qkv(), a.attn(), a.attnSaved(), a.h1(), a.rstd1(), w.qkv(), w.o(),
                    weights.ropeCos, weights.ropeSin, config.numHeads(), ws.attScratch);
        }
    }
}
