package trm.trainer.data;

/**
 * A deterministic stream of training samples: sample k is a pure function of (seed, k), so a
 * resumed run draws exactly what the interrupted one would have, with no iterator state to save.
 */
public interface SampleSource {
    int seqLen();

    int vocabSize();

    int numPuzzleIdentifiers();

    /** Distinct puzzles per epoch. */
    int size();

    /** The k-th sample drawn (k counts from 0 over the whole run). */
    Sample sample(long k);
}
