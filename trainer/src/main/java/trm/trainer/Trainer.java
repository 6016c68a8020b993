package trm.trainer;

import trm.engine.DType;
import trm.engine.Device;
import trm.engine.Ops;
import trm.engine.Tensor;
import trm.engine.TrmException;
import trm.engine.io.ModelCheckpoint;
import trm.engine.io.Safetensors;
import trm.engine.io.SafetensorsFile;
import trm.engine.io.TensorEntry;
import trm.engine.model.TrmConfig;
import trm.engine.model.TrmModel;
import trm.engine.model.TrmWeights;
import trm.engine.model.Workspace;
import trm.trainer.data.Sample;
import trm.trainer.data.SampleSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Deep supervision with adaptive halting, as the reference trains: B slots persist across
 * optimizer steps, each carrying (y, z, steps, halted, its sample). Every step, halted slots
 * take this step's fresh sample and restart from the init buffers; one supervision step runs
 * on all slots; the optimizer, SignSGD on the puzzle table and the EMA update follow; then
 * the halting rule decides which slots are done. Everything but the fresh samples stays on
 * the device; metrics are summed there and read when asked.
 *
 * <p>{@link #close} releases its workspaces (training and evaluation) and the graphs recorded
 * on them; the weights and optimizer state stay until the device closes.
 */
public final class Trainer implements AutoCloseable {
    private static final String T = "_trainer.";

    public final TrmConfig config;
    public final TrainOptions options;
    public final Device device;
    public final TrmWeights weights;
    public final TrmModel model;
    private final Ops ops;
    private final Workspace ws;
    private final SampleSource data;
    private final Tensor adamM, adamV, ema, backup;
    private final Tensor halted, steps, freshTokens, freshLabels, freshIds, metrics;
    private final int[] hostTokens, hostLabels, hostIds;
    private long step;
    private Inference inference;

    public Trainer(TrmConfig config, TrainOptions options, Device device, SampleSource data) {
        if (data.seqLen() != config.seqLen())
            throw new TrmException("data has sequences of " + data.seqLen() + " tokens but the config's seq_len is " + config.seqLen());
        if (data.vocabSize() > config.vocabSize())
            throw new TrmException("data uses " + data.vocabSize() + " token ids but the config's vocab_size is " + config.vocabSize());
        if (config.puzzleEmbNdim() > 0 && data.numPuzzleIdentifiers() > config.numPuzzleIdentifiers())
            throw new TrmException("data has " + data.numPuzzleIdentifiers() + " puzzle identifiers but the config has "
                    + config.numPuzzleIdentifiers());
        this.config = config;
        this.options = options;
        this.device = device;
        this.data = data;
        this.ops = device.ops();
        this.weights = new TrmWeights(config, device).initialize(options.seed());
        this.model = new TrmModel(weights);
        int B = options.batch(), S = config.seqLen();
        this.ws = model.workspace(B, true);
        int n = Math.toIntExact(weights.layout.size());
        adamM = device.allocate(DType.F32, n);
        adamV = device.allocate(DType.F32, n);
        ema = device.allocate(DType.F32, n);
        backup = device.allocate(DType.F32, n);
        ops.copy(ema, weights.params);
        halted = device.allocate(DType.I32, B);
        steps = device.allocate(DType.I32, B);
        freshTokens = device.allocate(DType.I32, B, S);
        freshLabels = device.allocate(DType.I32, B, S);
        freshIds = device.allocate(DType.I32, B);
        metrics = device.allocate(DType.F32, Ops.Metric.COLUMNS);
        hostTokens = new int[B * S];
        hostLabels = new int[B * S];
        hostIds = new int[B];
        int[] all = new int[B];
        java.util.Arrays.fill(all, 1);
        device.upload(halted, all); // every slot starts halted, so the first step fills them all
    }

    /**
     * Starts from the model tensors of {@code f} (e.g. the reference's own initialisation)
     * instead of our seeded init: live weights, their EMA copy, the init buffers and the puzzle
     * table. Loading is strict (see {@link ModelCheckpoint#load}); only before the first step.
     */
    public Trainer startFrom(SafetensorsFile f) {
        if (step != 0) throw new TrmException("startFrom: the run has already taken " + step + " steps");
        ModelCheckpoint.load(f, weights, weights.params);
        ops.copy(ema, weights.params);
        return this;
    }

    /** Optimizer steps done so far. */
    public long step() { return step; }

    public boolean done() { return step >= options.steps(); }

    public double lr() {
        return TrainOptions.scheduledLr(options.lr(), Math.max(1, step), options.warmupSteps(), options.steps(), options.lrMinRatio());
    }

    /** One optimizer step. */
    public void trainStep() {
        ws.requireOpen("trainStep");
        step++;
        int B = options.batch(), S = config.seqLen();
        // The reference draws a full batch every step; only halted slots take theirs.
        for (int b = 0; b < B; b++) {
            Sample s = data.sample((step - 1) * B + b);
            System.arraycopy(s.inputs(), 0, hostTokens, b * S, S);
            System.arraycopy(s.labels(), 0, hostLabels, b * S, S);
            hostIds[b] = s.puzzleId();
        }
        device.upload(freshTokens, hostTokens);
        device.upload(freshLabels, hostLabels);
        device.upload(freshIds, hostIds);
        ops.selectRows(halted, ws.tokens, freshTokens);
        ops.selectRows(halted, ws.labels, freshLabels);
        ops.selectRows(halted, ws.puzzleIds, freshIds);
        ops.resetCarry(halted, ws.y, ws.z, weights.hInit, weights.lInit, steps);

        model.step(ws, true, true, 1f / B);

        float lr = (float) TrainOptions.scheduledLr(options.lr(), step, options.warmupSteps(), options.steps(), options.lrMinRatio());
        float b1 = (float) options.beta1(), b2 = (float) options.beta2(), wd = (float) options.weightDecay();
        switch (options.optimizer()) {
            case ADAM_ATAN2 -> ops.adamAtan2(weights.params, model.grads, adamM, adamV, lr, wd, b1, b2, step);
            case ADAMW -> ops.adamW(weights.params, model.grads, adamM, adamV, lr, wd, b1, b2, (float) options.adamwEps(), step);
        }
        if (weights.puzzleTable != null) {
            float plr = (float) TrainOptions.scheduledLr(options.puzzleEmbLr(), step, options.warmupSteps(), options.steps(), options.lrMinRatio());
            ops.signSgd(weights.puzzleTable, ws.dPuzzleRows, ws.puzzleIds, plr, (float) options.puzzleEmbWeightDecay());
        }
        if (options.ema()) ops.ema(ema, weights.params, (float) options.emaRate());
        ops.haltUpdate(halted, steps, ws.q, config.haltMaxSteps(), (float) config.haltExplorationProb(), true, options.seed(), step);
        ops.accumulateMetrics(metrics, ws.stats, halted, steps);
    }

    /** Metrics summed since the last call (one small download), then reset. */
    public Metrics takeMetrics() {
        Metrics m = peekMetrics();
        ops.fill(metrics, 0f);
        return m;
    }

    /** Metrics summed since the last {@link #takeMetrics}, without resetting them (one small download). */
    public Metrics peekMetrics() {
        return Metrics.fromSums(device.toFloats(metrics));
    }

    /** A quantity of the run that is no longer a finite number, and one value of it. */
    public record NonFinite(String quantity, double value) {
        @Override public String toString() { return quantity + " is " + value; }
    }

    /**
     * The divergence guard's check: the loss summed since the last {@link #takeMetrics}, the
     * last step's gradient norm, the live weights and their EMA copy must all be finite.
     * Downloads the weights and gradients (2 to 3 copies of the parameters); meant for log
     * and checkpoint boundaries, not every step. Empty when all is finite.
     */
    public java.util.Optional<NonFinite> nonFinite() {
        Metrics m = peekMetrics();
        if (!Double.isFinite(m.lmLoss())) return java.util.Optional.of(new NonFinite("the lm loss", m.lmLoss()));
        if (!Double.isFinite(m.qHaltLoss())) return java.util.Optional.of(new NonFinite("the q_halt loss", m.qHaltLoss()));
        if (step > 0) {
            double g = norm(device.toFloats(model.grads));
            if (!Double.isFinite(g)) return java.util.Optional.of(new NonFinite("the gradient norm", g));
        }
        double w = norm(device.toFloats(weights.params));
        if (!Double.isFinite(w)) return java.util.Optional.of(new NonFinite("the weight norm", w));
        if (options.ema()) {
            double e = norm(device.toFloats(ema));
            if (!Double.isFinite(e)) return java.util.Optional.of(new NonFinite("the EMA weight norm", e));
        }
        if (weights.puzzleTable != null) {
            double p = norm(device.toFloats(weights.puzzleTable));
            if (!Double.isFinite(p)) return java.util.Optional.of(new NonFinite("the puzzle embedding norm", p));
        }
        return java.util.Optional.empty();
    }

    /** L2 norm in double: NaN if any element is NaN, infinite if any is infinite (or it overflows). */
    private static double norm(float[] x) {
        double s = 0;
        for (float v : x) s += (double) v * v;
        return Math.sqrt(s);
    }

    /** The weights evaluation and checkpoints use: the EMA copy when enabled. */
    /** The last step's puzzle-embedding gradient rows [B, puzzleEmbNdim] (SignSGD's input), or null without a puzzle table; for tests. */
    Tensor puzzleGradient() { return ws.dPuzzleRows; }

    /** The last step's puzzle ids [B] (the table rows SignSGD updated); for tests. */
    Tensor puzzleIds() { return ws.puzzleIds; }

    public Tensor evalParams() { return options.ema() ? ema : weights.params; }

    /** The evaluation workspace for {@code batch}: kept for the run, replaced (and the old one closed) when the batch changes. */
    private Inference inference(int batch) {
        if (inference != null && inference.batch() != batch) {
            inference.close();
            inference = null;
        }
        if (inference == null) inference = new Inference(model, batch);
        return inference;
    }

    /** Closes the training and evaluation workspaces (and the graphs recorded on them); idempotent. */
    @Override
    public void close() {
        try {
            if (inference != null) inference.close();
        } finally {
            ws.close();
        }
    }

    /** Evaluates on the EMA weights (every sample runs all N_sup steps), then restores the live ones. */
    public Metrics evaluate(List<Sample> samples, int batch) {
        // One evaluation workspace for the whole run: device memory is reserved once.
        Inference inference = inference(batch);
        ops.copy(backup, weights.params);
        ops.copy(weights.params, evalParams());
        try {
            return inference.evaluate(samples);
        } finally {
            ops.copy(weights.params, backup);
        }
    }

    /**
     * The evaluation weights' answer to each sample: the argmax tokens after all N_sup supervision
     * steps (as {@link #evaluate} scores them), for task-specific scores such as a maze's "valid
     * shortest path".
     */
    public List<int[]> predict(List<Sample> samples, int batch) {
        Inference inference = inference(batch);
        ops.copy(backup, weights.params);
        ops.copy(weights.params, evalParams());
        try {
            return inference.solve(samples, false, false).stream().map(Inference.Answer::prediction).toList();
        } finally {
            ops.copy(weights.params, backup);
        }
    }

    // ---- checkpoints ---------------------------------------------------------------------

    /**
     * Writes the model (EMA weights under the reference's names, loadable by {@code trm solve}
     * and by the reference after conversion) and everything needed to resume exactly:
     * live weights, Adam moments, the slots' carry and samples, the step. Atomic.
     */
    public void save(Path file) {
        List<TensorEntry> entries = new ArrayList<>(ModelCheckpoint.entries(weights, evalParams()));
        entries.add(TensorEntry.f32(T + "params", device.toFloats(weights.params), Math.toIntExact(weights.params.numel())));
        entries.add(TensorEntry.f32(T + "adam_m", device.toFloats(adamM), Math.toIntExact(adamM.numel())));
        entries.add(TensorEntry.f32(T + "adam_v", device.toFloats(adamV), Math.toIntExact(adamV.numel())));
        for (var e : carryTensors().entrySet()) {
            Tensor t = e.getValue();
            entries.add(t.dtype() == DType.I32 ? TensorEntry.i32(T + e.getKey(), device.toInts(t), t.shape())
                    : TensorEntry.f32(T + e.getKey(), device.toFloats(t), t.shape()));
        }
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put(ModelCheckpoint.FORMAT_KEY, ModelCheckpoint.FORMAT);
        meta.put(ModelCheckpoint.CONFIG_KEY, config.toJson());
        meta.put("train_options", options.toJson());
        meta.put("step", Long.toString(step));
        meta.put("weights", options.ema() ? "ema" : "live");
        meta.putAll(data.checkpointMetadata());
        Safetensors.write(file, meta, entries);
    }

    /**
     * The checkpoint and the model file as one consistent pair: both carry this step, the
     * checkpoint is replaced first (each file atomically), so a crash in between leaves a
     * checkpoint one save ahead of the model, which {@code trm train --resume} rewrites from it.
     */
    public void savePair(Path checkpoint, Path modelFile) {
        save(checkpoint);
        saveModel(modelFile);
    }

    /** The model alone (EMA weights when enabled) with its config: what {@code trm solve} and {@code trm eval} load. */
    public void saveModel(Path file) {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put(ModelCheckpoint.FORMAT_KEY, ModelCheckpoint.FORMAT);
        meta.put(ModelCheckpoint.CONFIG_KEY, config.toJson());
        meta.put("step", Long.toString(step));
        meta.put("weights", options.ema() ? "ema" : "live");
        meta.putAll(data.checkpointMetadata());
        Safetensors.write(file, meta, ModelCheckpoint.entries(weights, evalParams()));
    }

    private Map<String, Tensor> carryTensors() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("carry.y", ws.y);
        m.put("carry.z", ws.z);
        m.put("carry.steps", steps);
        m.put("carry.halted", halted);
        m.put("carry.tokens", ws.tokens);
        m.put("carry.labels", ws.labels);
        m.put("carry.puzzle_ids", ws.puzzleIds);
        return m;
    }

    /**
     * Continues a run from its checkpoint. {@code totalSteps} (if positive) may extend the run;
     * everything else comes from the checkpoint, so the continuation is bit-identical to a run
     * that was never interrupted.
     */
    public static Trainer resume(Path file, Device device, SampleSource data, long totalSteps) {
        return resume(file, device, data, stored -> totalSteps > 0 ? stored.withSteps(totalSteps) : stored);
    }

    /** The training options a checkpoint stores (its {@code train_options} metadata). */
    public static TrainOptions storedOptions(SafetensorsFile f, Path file) {
        String opts = f.meta("train_options").orElseThrow(() -> new TrmException(file + ": not a training checkpoint (no train_options): it can be solved with, not resumed"));
        return TrainOptions.fromJson(opts, file.toString());
    }

    /**
     * Continues a run from its checkpoint with the stored options as {@code change} returns
     * them (e.g. more total steps, an amended learning rate). The batch, the seed and the EMA
     * switch define the buffers, the data stream and what the model tensors hold: changing them
     * is refused, as is a total below the step already reached.
     */
    public static Trainer resume(Path file, Device device, SampleSource data, java.util.function.UnaryOperator<TrainOptions> change) {
        SafetensorsFile f = Safetensors.read(file);
        TrmConfig config = ModelCheckpoint.config(f);
        TrainOptions stored = storedOptions(f, file);
        TrainOptions options = change.apply(stored);
        if (options.batch() != stored.batch() || options.seed() != stored.seed() || options.ema() != stored.ema())
            throw new TrmException(file + ": the batch, the seed and the EMA switch of a run cannot change on resume");
        long step = Long.parseLong(f.meta("step").orElse("0"));
        if (options.steps() < step)
            throw new TrmException(file + ": the run is already at step " + step + "; its total steps cannot be " + options.steps());
        Trainer t = new Trainer(config, options, device, data);
        try {
            t.restore(f, file, step);
        } catch (RuntimeException e) {
            t.close();
            throw e;
        }
        return t;
    }

    /** Loads a checkpoint's tensors and step into this fresh trainer ({@link #resume}). */
    private void restore(SafetensorsFile f, Path file, long step) {
        ModelCheckpoint.load(f, weights, evalParams());
        device.upload(weights.params, ModelCheckpoint.tensor(f, T + "params", Math.toIntExact(weights.params.numel())));
        device.upload(adamM, ModelCheckpoint.tensor(f, T + "adam_m", Math.toIntExact(adamM.numel())));
        device.upload(adamV, ModelCheckpoint.tensor(f, T + "adam_v", Math.toIntExact(adamV.numel())));
        for (var e : carryTensors().entrySet()) {
            Tensor dst = e.getValue();
            TensorEntry src = f.require(T + e.getKey());
            if (!java.util.Arrays.equals(src.shape(), dst.shape()))
                throw new TrmException(file + ": " + T + e.getKey() + " has shape " + java.util.Arrays.toString(src.shape())
                        + ", expected " + java.util.Arrays.toString(dst.shape()));
            if (dst.dtype() == DType.I32) device.upload(dst, src.asInts());
            else device.upload(dst, src.asFloats());
        }
        this.step = step;
    }
}
