package trm.trainer.data.arc;

import trm.engine.TrmException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The two benchmarks as the reference builds them: every subset's demonstration pairs are
 * trained on; the test pairs of {@link #evalSubset} are held out and those of the other
 * subsets are trained on. Files: {@code arc-agi_<subset>_challenges.json} and {@code _solutions.json}.
 */
public enum ArcBenchmark {
    ARC_AGI_1("arc-agi-1", List.of("training", "evaluation", "concept"), "evaluation"),
    ARC_AGI_2("arc-agi-2", List.of("training2", "evaluation2", "concept"), "evaluation2");

    private final String key;
    private final List<String> subsets;
    private final String evalSubset;

    ArcBenchmark(String key, List<String> subsets, String evalSubset) {
        this.key = key;
        this.subsets = subsets;
        this.evalSubset = evalSubset;
    }

    public String key() { return key; }

    public List<String> subsets() { return subsets; }

    public String evalSubset() { return evalSubset; }

    public static ArcBenchmark parse(String s) {
        for (ArcBenchmark b : values()) if (b.key.equals(s)) return b;
        throw new TrmException("unknown ARC benchmark '" + s + "' (expected arc-agi-1 or arc-agi-2)");
    }

    public static Path challenges(Path dir, String subset) { return dir.resolve("arc-agi_" + subset + "_challenges.json"); }

    public static Path solutions(Path dir, String subset) { return dir.resolve("arc-agi_" + subset + "_solutions.json"); }

    /** Every task of the benchmark's subsets, in subset then file order; a task id twice is refused. */
    public List<ArcTask> read(Path dir) {
        List<ArcTask> tasks = new ArrayList<>();
        java.util.Set<String> ids = new java.util.HashSet<>();
        for (String s : subsets) {
            for (ArcTask t : ArcJson.readSubset(challenges(dir, s), solutions(dir, s), s)) {
                if (!ids.add(t.id())) throw new TrmException(challenges(dir, s) + ": task " + t.id() + " is also in another subset of " + key);
                tasks.add(t);
            }
        }
        return tasks;
    }
}
