package trm.trainer.data.arc;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * ARC's score: for each k, a test input passes when its true output is among the voter's top k;
 * a task scores the mean over its test inputs; the result is the sum over tasks divided by the
 * number of evaluated tasks (those with known outputs). Source: the reference's ARC evaluator.
 *
 * @param tasks  tasks scored
 * @param passAt k → fraction in [0, 1], for k = 1, 2, 5, 10, 100, 1000
 */
public record PassAtK(int tasks, Map<Integer, Double> passAt) {
    public static final List<Integer> KS = List.of(1, 2, 5, 10, 100, 1000);

    /** Scores the voter's candidates against the tasks' known test outputs; tasks without them are skipped. */
    public static PassAtK score(List<ArcTask> tasks, ArcVoter voter) {
        double[] sum = new double[KS.size()];
        int scored = 0;
        for (ArcTask t : tasks) {
            if (t.test().stream().anyMatch(p -> p.output() == null)) continue;
            scored++;
            for (int j = 0; j < t.test().size(); j++) {
                List<ArcVoter.Candidate> c = voter.ranked(t.id(), j);
                int rank = -1;
                for (int r = 0; r < c.size(); r++) if (c.get(r).grid().equals(t.test().get(j).output())) { rank = r; break; }
                for (int i = 0; i < KS.size(); i++) if (rank >= 0 && rank < KS.get(i)) sum[i] += 1.0 / t.test().size();
            }
        }
        Map<Integer, Double> m = new LinkedHashMap<>();
        for (int i = 0; i < KS.size(); i++) m.put(KS.get(i), scored == 0 ? 0 : sum[i] / scored);
        return new PassAtK(scored, m);
    }

    public double at(int k) { return passAt.get(k); }

    /** A two-line table: k, then the percentages. */
    public String table() {
        StringBuilder a = new StringBuilder(String.format("%-8s", "pass@k")), b = new StringBuilder(String.format("%-8s", "%"));
        for (var e : passAt.entrySet()) {
            a.append(String.format("%8s", "@" + e.getKey()));
            b.append(String.format("%8.2f", 100 * e.getValue()));
        }
        return a + "\n" + b + "\n(" + tasks + " task" + (tasks == 1 ? "" : "s") + ")";
    }

    /** One JSON object: {"tasks": n, "pass@1": x, …} with fractions. */
    public String json() {
        StringBuilder sb = new StringBuilder("{\"tasks\":" + tasks);
        for (var e : passAt.entrySet()) sb.append(",\"pass@").append(e.getKey()).append("\":").append(e.getValue());
        return sb.append('}').toString();
    }
}
