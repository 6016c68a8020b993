package trm.trainer.data.arc;

import trm.trainer.data.Sample;

import java.util.ArrayList;
import java.util.List;

/**
 * Scores a model on the held-out test inputs: every variant of every test input is answered (by
 * a {@link Predictor}, e.g. the trainer's inference after all supervision steps), cropped,
 * mapped back to the original frame and voted on; then pass@k and the submission follow from
 * the voter. Streams in chunks of {@code batch}; a fresh voter every call.
 */
public final class ArcEvaluator {
    /** What the model answered for a sample: its tokens and its final halting logit. */
    public record Prediction(int[] tokens, float qHalt) {}

    /** Answers a chunk of samples, in order. */
    @FunctionalInterface
    public interface Predictor {
        List<Prediction> predict(List<Sample> samples);
    }

    /** The voter holding every evaluated query's candidates, and the score. */
    public record Result(ArcVoter voter, PassAtK score, List<ArcTask> tasks, long predictions) {}

    private ArcEvaluator() {}

    /** Evaluates the held-out tasks (the first {@code taskLimit}, when not null). */
    public static Result evaluate(ArcDataset data, Predictor model, int batch, Integer taskLimit) {
        ArcVoter voter = new ArcVoter();
        List<ArcTask> tasks = new ArrayList<>();
        List<ArcDataset.EvalItem> chunk = new ArrayList<>(batch);
        long n = 0;
        for (int t = 0; t < data.tasks().size() && (taskLimit == null || tasks.size() < taskLimit); t++) {
            if (!data.heldOut(data.tasks().get(t))) continue;
            tasks.add(data.tasks().get(t));
            int variants = data.identifiers().tasks().get(t).variants().size();
            for (int j = 0; j < data.tasks().get(t).test().size(); j++)
                for (int v = 0; v < variants; v++) {
                    chunk.add(data.evalItem(t, j, v));
                    if (chunk.size() == batch) {
                        n += vote(data, model, chunk, voter);
                        chunk.clear();
                    }
                }
        }
        if (!chunk.isEmpty()) n += vote(data, model, chunk, voter);
        return new Result(voter, PassAtK.score(tasks, voter), List.copyOf(tasks), n);
    }

    private static int vote(ArcDataset data, Predictor model, List<ArcDataset.EvalItem> chunk, ArcVoter voter) {
        List<Prediction> ps = model.predict(chunk.stream().map(ArcDataset.EvalItem::sample).toList());
        for (int i = 0; i < chunk.size(); i++) {
            ArcDataset.EvalItem it = chunk.get(i);
            ArcGrid g = data.canvas().decode(ps.get(i).tokens());
            if (g == null) continue; // no colour at the top-left: no grid to vote for
            ArcVariant v = data.identifiers().tasks().get(it.task()).variants().get(it.variant());
            voter.vote(data.tasks().get(it.task()).id(), it.test(), v.restore(g), ps.get(i).qHalt());
        }
        return chunk.size();
    }
}
