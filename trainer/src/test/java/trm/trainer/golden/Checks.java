package trm.trainer.golden;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Collects golden comparisons for one case and device, prints each with its margin, and fails
 * once at the end listing every comparison that missed (so one run shows them all).
 * The rule is the reference README's: d_ours ≤ factor · d_ref + floor · max|f64|, where d is the
 * largest elementwise distance from the float64 result and d_ref the reference's own float32 one.
 */
final class Checks {
    private final String label;
    private final List<String> failures = new ArrayList<>();
    private final Map<String, Double> distances = new HashMap<>();
    private final Map<String, Double> sensitivity;
    private final boolean measureOnly;
    private int count;

    /** Checks that fail on a miss. */
    Checks(String label) { this(label, Map.of(), false); }

    /**
     * {@code sensitivity}: per check, how far a perturbed run landed from the reference; the
     * bound grows by {@link #SENSITIVITY_FACTOR} times it. {@code measureOnly}: record the
     * distances (see {@link #distances()}) and never fail.
     */
    Checks(String label, Map<String, Double> sensitivity, boolean measureOnly) {
        this.label = label;
        this.sensitivity = sensitivity;
        this.measureOnly = measureOnly;
    }

    /** As in SimWholeModelTest: a device may land up to 3× as far as bf16 rounding alone moves the cpu run. */
    static final double SENSITIVITY_FACTOR = 3;

    /** Distance of each check, by its name (for a measuring run). */
    Map<String, Double> distances() { return distances; }

    private double slack(String what) { return SENSITIVITY_FACTOR * sensitivity.getOrDefault(what, 0.0); }

    int count() { return count; }

    /** Largest |a − b| over elements. */
    static double maxDiff(double[] a, double[] b) {
        if (a.length != b.length) throw new IllegalArgumentException("lengths " + a.length + " vs " + b.length);
        double d = 0;
        for (int i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
        return d;
    }

    static double maxAbs(double[] a) {
        double m = 0;
        for (double v : a) m = Math.max(m, Math.abs(v));
        return m;
    }

    static double[] widen(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) d[i] = a[i];
        return d;
    }

    /**
     * The reference rule for one tensor; returns the bound used. {@code floor} is relative to
     * max|f64| unless {@code absoluteFloor}.
     */
    double close(String what, double[] ours, double[] f64, double dRef, double factor, double floor, boolean absoluteFloor) {
        double d = maxDiff(ours, f64), scale = maxAbs(f64);
        double bound = factor * dRef + (absoluteFloor ? floor : floor * scale) + slack(what);
        distances.put(what, d);
        record(d <= bound, String.format("%-62s d %.2e  bound %.2e  (d_ref %.2e, max %.2e)", what, d, bound, dRef, scale));
        return bound;
    }

    /** Elementwise |ours − ref| ≤ tol except at the indices {@code exempt} marks. */
    void elementwise(String what, double[] ours, double[] ref, double tol0, boolean[] exempt) {
        double d = 0, tol = tol0 + slack(what);
        int skipped = 0;
        for (int i = 0; i < ours.length; i++) {
            if (exempt != null && exempt[i]) { skipped++; continue; }
            d = Math.max(d, Math.abs(ours[i] - ref[i]));
        }
        distances.put(what, d);
        record(d <= tol, String.format("%-62s d %.2e  bound %.2e  (%d of %d exempt: gradient within its bound of 0)",
                what, d, tol, skipped, ours.length));
    }

    /** |ours − ref| ≤ relTol · |scale|. */
    void relative(String what, double ours, double ref, double scale, double relTol) {
        relative(what, ours, ref, scale, relTol, 0);
    }

    /** |ours − ref| ≤ relTol · |scale| + extra. */
    void relative(String what, double ours, double ref, double scale, double relTol, double extra) {
        double d = Math.abs(ours - ref), bound = relTol * Math.abs(scale) + extra + slack(what);
        distances.put(what, d);
        record(d <= bound, String.format("%-62s %.9g vs %.9g  d %.2e  bound %.2e", what, ours, ref, d, bound));
    }

    void equal(String what, Object ours, Object ref) {
        boolean ok = ours instanceof int[] a && ref instanceof int[] b ? java.util.Arrays.equals(a, b) : ours.equals(ref);
        String show = ours instanceof int[] a ? java.util.Arrays.toString(a) + " vs " + java.util.Arrays.toString((int[]) ref) : ours + " vs " + ref;
        record(ok, String.format("%-62s %s", what, show));
    }

    void record(boolean ok, String line) {
        if (measureOnly) return;
        count++;
        System.out.println("  " + (ok ? "ok   " : "FAIL ") + line);
        if (!ok) failures.add(line);
    }

    /** Fails with every miss, or prints the tally. */
    void done() {
        if (measureOnly) return;
        System.out.printf("golden %s: %d checks, %d failed%n", label, count, failures.size());
        if (!failures.isEmpty()) fail(label + ": " + failures.size() + " of " + count + " golden checks failed:\n  " + String.join("\n  ", failures));
    }
}
