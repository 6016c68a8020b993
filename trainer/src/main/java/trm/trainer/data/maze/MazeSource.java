package trm.trainer.data.maze;

import java.util.Iterator;

import trm.trainer.data.EpochSource;
import trm.trainer.data.Sample;

/**
 * Maze training samples as a deterministic stream: sample k is example order_e[k mod N] of epoch
 * e = k / N, seen through a dihedral transform drawn from (seed, e, k mod N); the dataset replays
 * any epoch from (seed, epoch), so a resumed run continues the same stream.
 */
public final class MazeSource extends EpochSource {
    private final MazeDataset data;

    public MazeSource(MazeDataset data, long seed, boolean augment) {
        super(seed, augment);
        this.data = data;
    }

    @Override public int seqLen() { return data.sequenceLength(); }
    @Override public int vocabSize() { return data.vocabSize(); }
    @Override public int numPuzzleIdentifiers() { return 1; }
    @Override public int size() { return data.size(); }

    @Override
    protected Iterator<Sample> epoch(int e) {
        Iterator<MazeDataset.Draw> draws = data.epoch(seed, e, augment);
        return new Iterator<>() {
            @Override public boolean hasNext() { return draws.hasNext(); }
            @Override public Sample next() { return draws.next().sample(); }
        };
    }
}
