package trm.engine.model;

import java.util.random.RandomGenerator;

/**
 * The reference's initialiser (JAX style): a normal truncated at ±2σ', where σ' is chosen so
 * the truncated distribution's standard deviation is the requested std. Sampled by rejection,
 * which gives exactly that distribution.
 */
public final class TruncatedNormal {
    private static final double LIMIT = 2.0;
    /** std of a standard normal truncated to [−2, 2]. */
    private static final double TRUNCATED_STD;

    static {
        double c = 1 / Math.sqrt(2 * Math.PI);
        double pdf = c * StrictMath.exp(-0.5 * LIMIT * LIMIT); // StrictMath: the same bits on every machine
        double z = erf(LIMIT / Math.sqrt(2)); // mass inside [−2, 2]
        TRUNCATED_STD = Math.sqrt(1 - 2 * LIMIT * pdf / z);
    }

    private TruncatedNormal() {}

    public static void fill(float[] out, int off, int n, double std, RandomGenerator rng) {
        double sigma = std / TRUNCATED_STD;
        for (int i = 0; i < n; i++) {
            double x;
            do x = rng.nextGaussian(); while (Math.abs(x) > LIMIT);
            out[off + i] = (float) (x * sigma);
        }
    }

    /** Abramowitz–Stegun 7.1.26 is too coarse here; use a series that converges fast for |x| ≤ 3. */
    static double erf(double x) {
        double sum = x, term = x, x2 = x * x;
        for (int n = 1; n < 200; n++) {
            term *= -x2 / n;
            double add = term / (2 * n + 1);
            sum += add;
            if (Math.abs(add) < 1e-17) break;
        }
        return 2 / Math.sqrt(Math.PI) * sum;
    }
}
