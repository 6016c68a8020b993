package trm.trainer.data.maze;

import java.util.Iterator;

import trm.trainer.data.Sample;
import trm.trainer.data.SampleSource;

/**
 * Maze training samples as a deterministic stream: sample k is example order_e[k mod N] of epoch
 * e = k / N, seen through a dihedral transform drawn from (seed, e, k mod N); the dataset replays
 * any epoch from (seed, epoch), so a resumed run continues the same stream.
 */
public final class MazeSource implements SampleSource {
    private final MazeDataset data;
    private final long seed;
    private final boolean augment;
    private Iterator<MazeDataset.Draw> epoch;
    private long next = -1; // index of the sample the iterator yields next

    public MazeSource(MazeDataset data, long seed, boolean augment) {
        this.data = data;
        this.seed = seed;
        this.augment = augment;
    }

    @Override public int seqLen() { return data.sequenceLength(); }
    @Override public int vocabSize() { return data.vocabSize(); }
    @Override public int numPuzzleIdentifiers() { return 1; }
    @Override public int size() { return data.size(); }

    @Override
    public synchronized Sample sample(long k) {
        int n = data.size();
        if (k != next || epoch == null) { // random access: replay the epoch up to k
            epoch = data.epoch(seed, Math.toIntExact(k / n), augment);
            for (long i = k - k % n; i < k; i++) epoch.next();
        }
        Sample s = epoch.next().sample();
        next = k + 1;
        if (next % n == 0) epoch = null;
        return s;
    }
}
