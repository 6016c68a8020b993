package trm.trainer.data.sudoku;

import java.util.Iterator;

import trm.trainer.data.EpochSource;
import trm.trainer.data.Sample;

/**
 * Sudoku training samples as a deterministic stream: sample k is example order_e[k mod N] of
 * epoch e = k / N, freshly augmented; the dataset replays any epoch from (seed, epoch), so a
 * resumed run continues the same stream.
 */
public final class SudokuSource extends EpochSource {
    private final SudokuDataset data;

    public SudokuSource(SudokuDataset data, long seed, boolean augment) {
        super(seed, augment);
        this.data = data;
    }

    @Override public int seqLen() { return data.task().seqLen(); }
    @Override public int vocabSize() { return data.task().vocabSize(); }
    @Override public int numPuzzleIdentifiers() { return 1; }
    @Override public int size() { return data.size(); }

    @Override
    protected Iterator<Sample> epoch(int e) {
        Iterator<SudokuDataset.Draw> draws = data.epoch(seed, e, augment);
        return new Iterator<>() {
            @Override public boolean hasNext() { return draws.hasNext(); }
            @Override public Sample next() { return draws.next().sample(); }
        };
    }
}
