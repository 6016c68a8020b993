package trm.trainer.data.arc;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Votes over augmented predictions, streaming: each prediction (already mapped back to the
 * original task's frame) adds one vote to its grid for its (task, test input); memory grows with
 * distinct candidates, not with predictions. Candidates rank by votes, ties by the mean of
 * sigmoid(q_halt) over their votes (then by first arrival, for a deterministic order). A new
 * voter per evaluation: unlike the reference's, votes never carry over from another checkpoint.
 */
public final class ArcVoter {
    /** A (task, test input) the votes are for. */
    public record Query(String taskId, int test) {}

    /** A distinct predicted grid with its votes and mean halting confidence. */
    public record Candidate(ArcGrid grid, int votes, double meanConfidence) {}

    private static final class Tally {
        final int order;
        int votes;
        double confidence;

        Tally(int order) { this.order = order; }
    }

    private final Map<Query, Map<ArcGrid, Tally>> votes = new LinkedHashMap<>();

    /** One prediction for test input {@code test} of task {@code taskId}; {@code qHalt} is the halting logit. */
    public void vote(String taskId, int test, ArcGrid grid, double qHalt) {
        Map<ArcGrid, Tally> m = votes.computeIfAbsent(new Query(taskId, test), q -> new HashMap<>());
        Tally t = m.computeIfAbsent(grid, g -> new Tally(m.size()));
        t.votes++;
        t.confidence += 1 / (1 + Math.exp(-qHalt));
    }

    /** The candidates of a query, best first; empty when it got no prediction. */
    public List<Candidate> ranked(String taskId, int test) {
        Map<ArcGrid, Tally> m = votes.getOrDefault(new Query(taskId, test), Map.of());
        List<Map.Entry<ArcGrid, Tally>> es = new ArrayList<>(m.entrySet());
        es.sort(Comparator.<Map.Entry<ArcGrid, Tally>>comparingInt(e -> -e.getValue().votes)
                .thenComparingDouble(e -> -e.getValue().confidence / e.getValue().votes)
                .thenComparingInt(e -> e.getValue().order));
        List<Candidate> out = new ArrayList<>(es.size());
        for (var e : es) out.add(new Candidate(e.getKey(), e.getValue().votes, e.getValue().confidence / e.getValue().votes));
        return out;
    }

    /** Distinct candidates held, over all queries. */
    public int distinctCandidates() {
        return votes.values().stream().mapToInt(Map::size).sum();
    }
}
