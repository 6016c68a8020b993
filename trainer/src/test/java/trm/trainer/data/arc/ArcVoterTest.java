package trm.trainer.data.arc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The voter and pass@k on small cases computed by hand, and the submission file against the ARC Prize format. */
public class ArcVoterTest {
    static final ArcGrid A = ArcGrid.of(new int[][] {{1}}), B = ArcGrid.of(new int[][] {{2}}), C = ArcGrid.of(new int[][] {{3, 3}}),
            D = ArcGrid.of(new int[][] {{4}, {4}});
    static final double EPS = 1e-12;

    static ArcTask task(String id, ArcGrid... answers) {
        List<ArcPair> tests = java.util.Arrays.stream(answers).map(a -> new ArcPair(A, a)).toList();
        return new ArcTask(id, "evaluation", List.of(new ArcPair(A, B)), tests);
    }

    @Test
    void ranksByVotesThenMeanConfidence() {
        ArcVoter v = new ArcVoter();
        v.vote("t", 0, A, 0);     // sigmoid 0.5
        v.vote("t", 0, B, 2);     // 0.881
        v.vote("t", 0, C, -1);
        v.vote("t", 0, C, -1);    // C: 2 votes, mean 0.269
        v.vote("t", 0, A, 4);     // A: 2 votes, mean (0.5 + 0.982) / 2 = 0.741
        List<ArcVoter.Candidate> r = v.ranked("t", 0);
        assertEquals(List.of(A, C, B), r.stream().map(ArcVoter.Candidate::grid).toList());
        assertEquals(2, r.get(0).votes());
        assertEquals((0.5 + 1 / (1 + Math.exp(-4))) / 2, r.get(0).meanConfidence(), EPS);
        assertEquals(3, v.distinctCandidates());
    }

    @Test
    void exactTiesKeepTheFirstArrival() {
        ArcVoter v = new ArcVoter();
        v.vote("t", 0, B, 1);
        v.vote("t", 0, A, 1);
        assertEquals(List.of(B, A), v.ranked("t", 0).stream().map(ArcVoter.Candidate::grid).toList());
    }

    /**
     * Three tasks: t1 (one test) right at rank 2; t2 (two tests) right at rank 1 on the first, no
     * prediction on the second; t3 (one test) right at rank 6. pass@1 = (0 + 1/2 + 0)/3 = 1/6;
     * pass@2 = (1 + 1/2 + 0)/3 = 1/2; pass@5 = 1/2; pass@10 = (1 + 1/2 + 1)/3 = 5/6.
     */
    @Test
    void passAtKAveragesTestsPerTaskThenTasks() {
        ArcVoter v = new ArcVoter();
        v.vote("t1", 0, A, 0);
        v.vote("t1", 0, A, 0);
        v.vote("t1", 0, B, 0);
        v.vote("t2", 0, C, 0);
        int[] colours = {1, 2, 3, 4, 5, 6};
        for (int i = 0; i < colours.length; i++)
            for (int k = 0; k < colours.length - i; k++) v.vote("t3", 0, ArcGrid.of(new int[][] {{colours[i]}}), 0);
        PassAtK p = PassAtK.score(List.of(task("t1", B), task("t2", C, D), task("t3", ArcGrid.of(new int[][] {{6}}))), v);
        assertEquals(3, p.tasks());
        assertEquals(1 / 6.0, p.at(1), EPS);
        assertEquals(1 / 2.0, p.at(2), EPS);
        assertEquals(1 / 2.0, p.at(5), EPS);
        assertEquals(5 / 6.0, p.at(10), EPS);
        assertEquals(5 / 6.0, p.at(1000), EPS);
        assertTrue(p.json().contains("\"pass@2\":0.5"), p.json());
    }

    @Test
    void everyEvaluationStartsAfresh() {
        ArcTask t = new ArcTask("e", "evaluation", List.of(new ArcPair(A, A)), List.of(new ArcPair(B, B)));
        ArcDataset d = new ArcDataset(new ArcCanvas(3), List.of(t), ArcIdentifiers.of(List.of(t), List.of(List.of(ArcVariant.IDENTITY))),
                "evaluation", 0, true);
        ArcCanvas c = d.canvas();
        ArcEvaluator.Predictor right = s -> s.stream().map(x -> new ArcEvaluator.Prediction(c.encode(B), 0)).toList();
        ArcEvaluator.Predictor wrong = s -> s.stream().map(x -> new ArcEvaluator.Prediction(c.encode(C), 0)).toList();
        assertEquals(1.0, ArcEvaluator.evaluate(d, right, 4, null).score().at(1), EPS);
        var second = ArcEvaluator.evaluate(d, wrong, 4, null);
        assertEquals(0.0, second.score().at(1000), EPS, "the second weights' evaluation does not see the first's votes");
        assertEquals(List.of(C), second.voter().ranked("e", 0).stream().map(ArcVoter.Candidate::grid).toList());
    }

    /** Predictions of every variant are mapped back before voting: a model that answers in each variant's frame agrees with itself. */
    @Test
    void predictionsAreMappedBackToTheOriginalFrame() {
        ArcGrid in = ArcGrid.of(new int[][] {{1, 2, 0}, {0, 3, 0}}), out = ArcGrid.of(new int[][] {{0, 1}, {5, 0}, {0, 7}});
        ArcTask t = new ArcTask("m", "evaluation", List.of(new ArcPair(in, out)), List.of(new ArcPair(in, out)));
        List<ArcVariant> vs = ArcAugmenter.variants(t, 16, 1);
        ArcDataset d = new ArcDataset(new ArcCanvas(5), List.of(t), ArcIdentifiers.of(List.of(t), List.of(vs)), "evaluation", 0, true);
        // an oracle answering in each sample's own frame, taken from the labels
        ArcEvaluator.Predictor oracle = s -> s.stream().map(x -> new ArcEvaluator.Prediction(x.labels(), 1)).toList();
        var r = ArcEvaluator.evaluate(d, oracle, 3, null);
        assertEquals(16, r.predictions());
        assertEquals(1, r.voter().ranked("m", 0).size());
        assertEquals(16, r.voter().ranked("m", 0).getFirst().votes());
        assertEquals(1.0, r.score().at(1), EPS);
        Iterator<ArcDataset.EvalItem> it = d.evalItems();
        int n = 0;
        while (it.hasNext()) {
            it.next();
            n++;
        }
        assertEquals(d.evalItemCount(), n);
    }

    @Test
    void submissionFollowsTheArcPrizeFormat(@TempDir Path dir) throws Exception {
        ArcVoter v = new ArcVoter();
        v.vote("t1", 0, A, 0);
        v.vote("t1", 0, B, 1);
        v.vote("t1", 0, B, 1);
        v.vote("t2", 0, C, 0); // t2's second test input gets no prediction
        List<ArcTask> tasks = List.of(task("t1", B), task("t2", C, D));
        Path file = dir.resolve("submission.json");
        ArcSubmission.write(file, tasks, v);
        JsonNode root = new ObjectMapper().readTree(file.toFile());
        validate(root, Map.of("t1", 1, "t2", 2));
        assertEquals("[[2]]", root.get("t1").get(0).get("attempt_1").toString());
        assertEquals("[[1]]", root.get("t1").get(0).get("attempt_2").toString());
        assertEquals("[[3,3]]", root.get("t2").get(0).get("attempt_1").toString());
        assertEquals("[[3,3]]", root.get("t2").get(0).get("attempt_2").toString(), "a single candidate is repeated");
        assertEquals("[[0]]", root.get("t2").get(1).get("attempt_1").toString(), "no prediction: a 1×1 grid");
    }

    /** The ARC Prize's submission format: every task, one object per test input with attempt_1 and attempt_2, each a grid. */
    public static void validate(JsonNode root, Map<String, Integer> testsPerTask) {
        assertTrue(root.isObject());
        assertEquals(testsPerTask.keySet(), new java.util.HashSet<>(iterable(root.fieldNames())));
        for (var e : testsPerTask.entrySet()) {
            JsonNode list = root.get(e.getKey());
            assertTrue(list.isArray());
            assertEquals(e.getValue(), list.size());
            for (JsonNode attempts : list) {
                assertEquals(java.util.Set.of("attempt_1", "attempt_2"), new java.util.HashSet<>(iterable(attempts.fieldNames())));
                for (JsonNode g : attempts) {
                    assertTrue(g.isArray() && g.size() >= 1 && g.size() <= 30, "1..30 rows");
                    int w = g.get(0).size();
                    assertTrue(w >= 1 && w <= 30, "1..30 columns");
                    for (JsonNode row : g) {
                        assertEquals(w, row.size(), "rectangular");
                        for (JsonNode cell : row) assertTrue(cell.isInt() && cell.asInt() >= 0 && cell.asInt() <= 9, "colour 0..9");
                    }
                }
            }
        }
    }

    static <T> List<T> iterable(Iterator<T> it) {
        List<T> out = new java.util.ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }
}
