package trm.trainer.data;

import java.util.Iterator;

/**
 * A task's training samples as a deterministic stream over seeded epochs: sample k is the
 * (k mod N)-th sample of epoch e = k / N, as the task's dataset yields it for (seed, e). Because a
 * dataset replays any epoch from (seed, epoch), a resumed run continues the same stream; sequential
 * reads walk one epoch iterator, a jump replays the epoch up to k.
 */
public abstract class EpochSource implements SampleSource {
    /** The seed every epoch is drawn from. */
    protected final long seed;
    /** Whether the dataset augments the samples it yields. */
    protected final boolean augment;
    private Iterator<Sample> epoch;
    private long next = -1; // index of the sample the iterator yields next

    protected EpochSource(long seed, boolean augment) {
        this.seed = seed;
        this.augment = augment;
    }

    /** The samples of epoch {@code e} (size() of them), in the order the dataset draws for (seed, e). */
    protected abstract Iterator<Sample> epoch(int e);

    @Override
    public final synchronized Sample sample(long k) {
        int n = size();
        if (k != next || epoch == null) { // random access: replay the epoch up to k
            epoch = epoch(Math.toIntExact(k / n));
            for (long i = k - k % n; i < k; i++) epoch.next();
        }
        Sample s = epoch.next();
        next = k + 1;
        if (next % n == 0) epoch = null;
        return s;
    }
}
