package trm.trainer;

import trm.engine.Device;
import trm.engine.Ops;
import trm.engine.Ops.Stat;
import trm.engine.Tensor;
import trm.engine.model.TrmConfig;
import trm.engine.model.TrmModel;
import trm.engine.model.Workspace;
import trm.trainer.data.Sample;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Runs the recursion for inference and evaluation: up to N_sup supervision steps per sample,
 * no gradient. Evaluation runs every step (the paper's protocol); solving may stop a sample
 * as soon as q_halt &gt; 0, keeping the answer it had then. {@link #close} releases its workspace
 * (and the graphs recorded on it).
 */
public final class Inference implements AutoCloseable {
    private final TrmModel model;
    private final TrmConfig config;
    private final Device device;
    private final Ops ops;
    private final Workspace ws;
    private final int batch;

    /** What the model answered for one sample. */
    public record Answer(int[] prediction, int stepsUsed, float qHalt, boolean halted, List<int[]> trace) {
        public double haltConfidence() { return 1 / (1 + Math.exp(-qHalt)); }
    }

    /** {@code batch}: samples per pass, positive (0 would never advance through the samples). */
    public Inference(TrmModel model, int batch) {
        if (batch <= 0) throw new trm.engine.TrmException("the batch must be positive, got " + batch);
        this.model = model;
        this.config = model.config;
        this.device = model.weights.device;
        this.ops = device.ops();
        this.batch = batch;
        this.ws = model.workspace(batch, false);
    }

    public int batch() { return batch; }

    /** Closes the workspace; idempotent. Solving or evaluating afterwards is refused in one line. */
    @Override
    public void close() { ws.close(); }

    /** {@link #evaluate(List, boolean)} with our loss averaging (unsupervised samples left out of both losses). */
    public Metrics evaluate(List<Sample> samples) {
        return evaluate(samples, false);
    }

    /**
     * Every sample runs all N_sup steps; accuracies and both losses are averaged over the
     * supervised samples (those with at least one label). A sample without labels has no
     * answer to judge, so by default it adds to neither loss. With {@code referenceMetrics} the
     * q_halt loss also sums its BCE (against "correct", as 0 of 0 cells are wrong) while still
     * dividing by the supervised count, as the reference's evaluate() does with the unlabelled
     * samples that pad its last batch: the numbers to compare with the reference's.
     */
    public Metrics evaluate(List<Sample> samples, boolean referenceMetrics) {
        ws.requireOpen("evaluate");
        double count = 0, acc = 0, exact = 0, qAcc = 0, lm = 0, qLoss = 0;
        for (int from = 0; from < samples.size(); from += batch) {
            int n = Math.min(batch, samples.size() - from);
            load(samples.subList(from, from + n));
            for (int s = 0; s < config.haltMaxSteps(); s++) model.step(ws, true, false, 0f);
            float[] st = device.toFloats(ws.stats);
            for (int b = 0; b < n; b++) {
                int o = b * Stat.COLUMNS;
                lm += st[o + Stat.LM_LOSS]; // 0 for an unsupervised sample
                if (st[o + Stat.COUNT] == 0) {
                    if (referenceMetrics) qLoss += st[o + Stat.HALT_LOSS];
                    continue;
                }
                qLoss += st[o + Stat.HALT_LOSS];
                boolean correct = st[o + Stat.SEQ_CORRECT] != 0;
                count++;
                // A non-finite output has no answer to judge: it makes the metric NaN rather than
                // counting as right or wrong (NaN >= 0 is false: all-NaN weights scored q_halt acc 1).
                boolean lmFinite = Float.isFinite(st[o + Stat.LM_LOSS]), qFinite = Float.isFinite(st[o + Stat.Q_HALT]);
                acc += lmFinite ? st[o + Stat.CORRECT] / st[o + Stat.COUNT] : Double.NaN;
                exact += lmFinite ? (correct ? 1 : 0) : Double.NaN;
                qAcc += qFinite ? ((st[o + Stat.Q_HALT] >= 0) == correct ? 1 : 0) : Double.NaN;
            }
        }
        double c = Math.max(1, count);
        return new Metrics((long) count, acc / c, exact / c, qAcc / c, config.haltMaxSteps(), lm / c, qLoss / c);
    }

    /**
     * Answers samples (labels ignored). With {@code earlyHalt}, a sample stops at the first
     * step whose q_halt &gt; 0. With {@code trace}, the answer after every step is kept.
     */
    public List<Answer> solve(List<Sample> samples, boolean earlyHalt, boolean trace) {
        ws.requireOpen("solve");
        List<Answer> out = new ArrayList<>();
        int S = config.seqLen();
        for (int from = 0; from < samples.size(); from += batch) {
            int n = Math.min(batch, samples.size() - from);
            load(samples.subList(from, from + n));
            int[][] answer = new int[n][];
            int[] used = new int[n];
            float[] qHalt = new float[n];
            boolean[] done = new boolean[n];
            List<List<int[]>> traces = new ArrayList<>();
            for (int b = 0; b < n; b++) traces.add(new ArrayList<>());
            for (int s = 1; s <= config.haltMaxSteps(); s++) {
                model.step(ws, false, false, 0f);
                // Without early halting or a trace only the last step's answer is read back.
                if (!earlyHalt && !trace && s < config.haltMaxSteps()) continue;
                ops.argmax(ws.preds, ws.logits, config.prefixLen());
                int[] preds = device.toInts(ws.preds);
                float[] q = device.toFloats(ws.q);
                boolean all = true;
                for (int b = 0; b < n; b++) {
                    if (done[b]) continue;
                    int[] p = Arrays.copyOfRange(preds, b * S, (b + 1) * S);
                    if (trace) traces.get(b).add(p);
                    answer[b] = p;
                    used[b] = s;
                    qHalt[b] = q[b * 2];
                    if (earlyHalt && q[b * 2] > 0) done[b] = true;
                    all &= done[b];
                }
                if (earlyHalt && all) break;
            }
            for (int b = 0; b < n; b++) out.add(new Answer(answer[b], used[b], qHalt[b], qHalt[b] > 0, traces.get(b)));
        }
        return out;
    }

    /** Uploads up to {@code batch} samples (the rest of the batch repeats the last) and resets the carry. */
    private void load(List<Sample> chunk) {
        int S = config.seqLen();
        int[] tokens = new int[batch * S], labels = new int[batch * S], ids = new int[batch];
        for (int b = 0; b < batch; b++) {
            Sample s = chunk.get(Math.min(b, chunk.size() - 1));
            if (s.inputs().length != S)
                throw new trm.engine.TrmException("a sample has " + s.inputs().length + " tokens; the model expects " + S);
            System.arraycopy(s.inputs(), 0, tokens, b * S, S);
            if (s.labels() != null) System.arraycopy(s.labels(), 0, labels, b * S, S);
            ids[b] = s.puzzleId();
        }
        device.upload(ws.tokens, tokens);
        device.upload(ws.labels, labels);
        device.upload(ws.puzzleIds, ids);
        model.resetCarry(ws);
    }
}
