package trm.engine;

import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * Central finite differences of a scalar loss, in double, for gradient checks. The loss is
 * usually Σ out ⊙ R for a fixed random R, so that backward with dOut = R must give its
 * gradient. Only a sample of coordinates is perturbed to keep the checks fast.
 */
public final class GradCheck {
    private GradCheck() {}

    public static float[] random(SplittableRandom rng, int n, double scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (rng.nextGaussian() * scale);
        return a;
    }

    public static double dot(float[] a, float[] r) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += (double) a[i] * r[i];
        return s;
    }

    /** Coordinates to perturb: all of them when few, else a seeded sample. */
    public static int[] coords(int n, int max, long seed) {
        if (n <= max) return java.util.stream.IntStream.range(0, n).toArray();
        return new SplittableRandom(seed).ints(max, 0, n).toArray();
    }

    /**
     * Finite-difference gradient of loss() w.r.t. x[off + c] for each c in coords. The step
     * actually taken is measured after rounding to float.
     */
    public static double[] numeric(float[] x, int off, int[] coords, double h, Supplier<Double> loss) {
        double[] g = new double[coords.length];
        for (int i = 0; i < coords.length; i++) {
            int k = off + coords[i];
            float save = x[k];
            float plus = (float) (save + h), minus = (float) (save - h);
            x[k] = plus;
            double lp = loss.get();
            x[k] = minus;
            double lm = loss.get();
            x[k] = save;
            g[i] = (lp - lm) / ((double) plus - (double) minus);
        }
        return g;
    }

    public static double[] pick(float[] analytic, int off, int[] coords) {
        double[] g = new double[coords.length];
        for (int i = 0; i < coords.length; i++) g[i] = analytic[off + coords[i]];
        return g;
    }

    /** ‖a − b‖ / ‖b‖ (‖a − b‖ alone when b is zero). */
    public static double relErr(double[] a, double[] b) {
        double num = 0, den = 0;
        for (int i = 0; i < a.length; i++) {
            num += (a[i] - b[i]) * (a[i] - b[i]);
            den += b[i] * b[i];
        }
        return den == 0 ? Math.sqrt(num) : Math.sqrt(num / den);
    }
}
