package trm.trainer.data.sudoku;

import trm.trainer.data.Sample;
import trm.trainer.data.SampleSource;

import java.util.Iterator;

/**
 * Sudoku training samples as a deterministic stream: sample k is example order_e[k mod N] of
 * epoch e = k / N, freshly augmented; the dataset replays any epoch from (seed, epoch), so a
 * resumed run continues the same stream.
 */
public final class SudokuSource implements SampleSource {
    private final SudokuDataset data;
    private final long seed;
    private final boolean augment;
    private Iterator<SudokuDataset.Draw> epoch;
    private long next = -1; // index of the sample the iterator yields next

    public SudokuSource(SudokuDataset data, long seed, boolean augment) {
        this.data = data;
        this.seed = seed;
        this.augment = augment;
    }

    @Override public int seqLen() { return data.task().seqLen(); }
    @Override public int vocabSize() { return data.task().vocabSize(); }
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
