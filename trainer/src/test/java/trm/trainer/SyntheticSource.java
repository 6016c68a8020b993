package trm.trainer;

import trm.trainer.data.Sample;
import trm.trainer.data.SampleSource;

import java.util.SplittableRandom;

/**
 * A small deterministic task for trainer tests: the answer at each position is the input token
 * of the mirrored position (reversal), so every output needs information from another
 * position — token mixing must learn it.
 */
final class SyntheticSource implements SampleSource {
    private final int seqLen, vocab;
    private final long seed;

    SyntheticSource(int seqLen, int vocab, long seed) {
        this.seqLen = seqLen;
        this.vocab = vocab;
        this.seed = seed;
    }

    @Override public int seqLen() { return seqLen; }
    @Override public int vocabSize() { return vocab; }
    @Override public int numPuzzleIdentifiers() { return 1; }
    @Override public int size() { return 1000; }

    @Override
    public Sample sample(long k) {
        SplittableRandom r = new SplittableRandom(seed * 1_000_003L + k);
        int[] in = new int[seqLen], out = new int[seqLen];
        for (int i = 0; i < seqLen; i++) in[i] = 1 + r.nextInt(vocab - 1);
        for (int i = 0; i < seqLen; i++) out[i] = in[seqLen - 1 - i];
        return new Sample(in, out, 0);
    }
}
