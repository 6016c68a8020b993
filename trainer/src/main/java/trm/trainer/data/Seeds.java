package trm.trainer.data;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;

/**
 * Seeded random generators, so that every random choice in the data layer (generation,
 * subsampling, shuffling, augmentation) is reproducible from one number.
 */
public final class Seeds {
    private static final RandomGeneratorFactory<RandomGenerator> FACTORY = RandomGeneratorFactory.of("L64X128MixRandom");

    private Seeds() {}

    /** A generator fully determined by {@code seed}. */
    public static RandomGenerator random(long seed) {
        return FACTORY.create(seed);
    }

    /**
     * A seed for an independent stream derived from {@code seed} and some indices (an epoch, a
     * sample), so that epoch 7 gets the same randomness however many epochs ran before it.
     */
    public static long derive(long seed, long... indices) {
        long h = mix(seed);
        for (long i : indices) h = mix(h ^ mix(i + 0x632BE59BD9B4E019L));
        return h;
    }

    /** A uniform random permutation of 0..size-1 (Fisher–Yates, drawing {@code nextInt(i + 1)} from the top). */
    public static int[] permutation(int size, RandomGenerator random) {
        int[] p = new int[size];
        for (int i = 0; i < size; i++) p[i] = i;
        for (int i = size - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    /** What an epoch yields at one position: the example {@code index} (of the shuffled order) seen at {@code position}. */
    @FunctionalInterface
    public interface Pick<T> {
        T at(int index, int position);
    }

    /**
     * Epoch {@code epoch} of a dataset of {@code size} examples: every index once, in an order
     * shuffled from (seed, epoch), each turned into a draw by {@code pick} (which may seed its own
     * augmentation from (seed, epoch, position)). Epochs are independent, so any one can be replayed alone.
     */
    public static <T> Iterator<T> epoch(int size, long seed, int epoch, Pick<T> pick) {
        int[] order = permutation(size, random(derive(seed, epoch)));
        return new Iterator<>() {
            private int position;

            @Override
            public boolean hasNext() { return position < order.length; }

            @Override
            public T next() {
                if (!hasNext()) throw new NoSuchElementException();
                T t = pick.at(order[position], position);
                position++;
                return t;
            }
        };
    }

    /** A 64-bit finalizer: every input bit affects every output bit. */
    private static long mix(long z) {
        z += 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
