package trm.trainer.data;

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

    /** A 64-bit finalizer: every input bit affects every output bit. */
    private static long mix(long z) {
        z += 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
