package trm.trainer.data.arc;

import trm.trainer.data.Sample;
import trm.trainer.data.SampleSource;

import java.util.Map;
import java.util.SplittableRandom;

/**
 * ARC training samples as a deterministic stream. An epoch holds every training pair of every
 * task once, in a seeded random order, each task seen through one variant drawn per (seed,
 * epoch, task) — the reference's "one puzzle per group" sampling. Sample k is a pure function of
 * (seed, k); only the current epoch's order is cached.
 */
public final class ArcSource implements SampleSource {
    /** Checkpoint metadata key of the identifier table. */
    public static final String IDENTIFIERS_KEY = "arc_identifiers";

    private final ArcDataset data;
    private final long seed;
    private final int[] firstPair; // prefix sums of training pairs per task
    private final int size;
    private long cachedEpoch = -1;
    private int[] order;

    public ArcSource(ArcDataset data, long seed) {
        this.data = data;
        this.seed = seed;
        int n = data.tasks().size();
        firstPair = new int[n + 1];
        for (int i = 0; i < n; i++) firstPair[i + 1] = firstPair[i] + data.trainingPairs(i).size();
        size = firstPair[n];
        if (size == 0) throw new trm.engine.TrmException("the ARC data has no training pairs");
    }

    public ArcDataset data() { return data; }

    @Override public int seqLen() { return data.canvas().seqLen(); }
    @Override public int vocabSize() { return ArcCanvas.VOCAB; }
    @Override public int numPuzzleIdentifiers() { return data.identifiers().count(); }
    @Override public int size() { return size; }

    @Override
    public synchronized Sample sample(long k) {
        long epoch = k / size;
        if (epoch != cachedEpoch) {
            order = trm.trainer.data.Seeds.permutation(size, new SplittableRandom(seed * 31 + epoch * 0x9E3779B97F4A7C15L));
            cachedEpoch = epoch;
        }
        int flat = order[(int) (k % size)];
        int task = java.util.Arrays.binarySearch(firstPair, flat);
        if (task < 0) task = -task - 2;
        while (firstPair[task + 1] <= flat) task++; // past tasks without training pairs
        int variants = data.identifiers().tasks().get(task).variants().size();
        int variant = new SplittableRandom(seed ^ epoch * 0xC2B2AE3D27D4EB4FL ^ (long) task * 0x165667B19E3779F9L).nextInt(variants);
        return data.trainingSample(task, flat - firstPair[task], variant);
    }

    /** The identifier table travels with the weights (see {@link ArcIdentifiers}). */
    @Override
    public Map<String, String> checkpointMetadata() {
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        return Map.of(IDENTIFIERS_KEY, data.identifiers().toJson(json).toString());
    }

}
