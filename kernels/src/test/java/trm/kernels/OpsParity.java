package trm.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import trm.engine.DType;
import trm.engine.Ops;
import trm.engine.Tensor;
import trm.engine.cpu.CpuDevice;

/**
 * The parity harness: every tensor exists twice, on the {@link KernelDevice} under test and on
 * the cpu reference device, with identical contents. Inputs are fresh random numbers (never
 * zeros); outputs are poisoned on both sides (NaN for fp32, -1 for int32), so an element a kernel
 * does not write shows up as NaN and fails the comparison. An op is run on both devices with the
 * same arguments, then outputs are compared by relative error ‖out − ref‖ / ‖ref‖ against a
 * bound, or exactly.
 */
final class OpsParity {
    /** fp32 bound for kernels whose arithmetic mirrors the cpu's (reductions in another order, fp32 vs double transcendental). */
    static final double F32 = 1e-5;

    /** Largest relative error seen per check name, per device (printed by the test classes). */
    static final Map<String, Double> WORST = new TreeMap<>();

    final KernelDevice dev;
    final CpuDevice cpu = new CpuDevice();
    final Random rnd;

    OpsParity(KernelDevice dev, long seed) {
        this.dev = dev;
        this.rnd = new Random(seed);
    }

    /** A tensor on both devices. */
    record Twin(Tensor k, Tensor c) {
        Twin slice(long offset, int... shape) { return new Twin(k.slice(offset, shape), c.slice(offset, shape)); }

        Twin view(int... shape) { return new Twin(k.view(shape), c.view(shape)); }
    }

    /** Which device's half of a twin to pass. */
    record Side(boolean kernel) {
        Tensor of(Twin t) { return t == null ? null : kernel ? t.k() : t.c(); }
    }

    interface Op {
        void run(Ops ops, Side s);
    }

    /** An op of the finer layers (not part of {@link Ops}). */
    interface LayerOp {
        void run(Layers layers, Side s);
    }

    // ---- inputs ----------------------------------------------------------------------------
    /** Uniform in ±scale, never exactly zero. */
    float[] randoms(int n, float scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            float x = (rnd.nextFloat() * 2 - 1) * scale;
            a[i] = x == 0 ? scale / 3 : x;
        }
        return a;
    }

    Twin rand(int... shape) { return f32(randoms(Math.toIntExact(Tensor.numel(shape)), 1f), shape); }

    Twin f32(float[] data, int... shape) {
        return new Twin(dev.tensor(data, shape), cpu.tensor(data, shape));
    }

    Twin i32(int[] data, int... shape) {
        return new Twin(dev.tensor(data, shape), cpu.tensor(data, shape));
    }

    /** Uniform ints in [lo, hi). */
    Twin ints(int lo, int hi, int... shape) {
        int[] a = new int[Math.toIntExact(Tensor.numel(shape))];
        for (int i = 0; i < a.length; i++) a[i] = lo + rnd.nextInt(hi - lo);
        return i32(a, shape);
    }

    /** An output, poisoned on both devices. */
    Twin out(DType dtype, int... shape) {
        Tensor k = dev.allocate(dtype, shape), c = cpu.allocate(dtype, shape);
        dev.poison(k);
        int n = Math.toIntExact(c.numel());
        if (dtype == DType.I32) {
            int[] p = new int[n];
            Arrays.fill(p, KernelDevice.POISON);
            cpu.upload(c, p);
        } else {
            float[] p = new float[n];
            Arrays.fill(p, Float.NaN);
            cpu.upload(c, p);
        }
        return new Twin(k, c);
    }

    Twin out(int... shape) { return out(DType.F32, shape); }

    /**
     * bf16 for one rounding of an fp32 result into bf16 storage: ≤ 2⁻⁹ relative per element, less in
     * norm. The tensor-core attention's bf16 operands (P, dO, dS) stay within it too (2.5e-3 seen).
     */
    static final double BF16_STORE = 4e-3;

    /** An input stored as bf16 on the kernel device and as fp32 on the cpu, holding the same (bf16-exact) values. */
    Twin randBf16(int... shape) { return bf16(randoms(Math.toIntExact(Tensor.numel(shape)), 1f), shape); }

    /** data rounded to bf16: a bf16 tensor on the kernel device, the same values in fp32 on the cpu. */
    Twin bf16(float[] data, int... shape) {
        float[] r = new float[data.length];
        for (int i = 0; i < r.length; i++) r[i] = trm.engine.Bf16.round(data[i]);
        Tensor k = dev.allocate(DType.BF16, shape);
        dev.upload(k, r);
        return new Twin(k, cpu.tensor(r, shape));
    }

    /** A bf16 output on the kernel device (poisoned) beside an fp32 one on the cpu (NaN). */
    Twin outBf16(int... shape) {
        Twin f = out(shape);
        Tensor k = dev.allocate(DType.BF16, shape);
        dev.poison(k);
        return new Twin(k, f.c());
    }

    /** The kernel device's values of t on both sides (fp32 on the cpu): for a backward that must read what the kernels stored. */
    Twin asComputed(Twin t) {
        float[] v = dev.toFloats(t.k());
        cpu.upload(t.c(), v);
        return t;
    }

    /** A bf16 output that must equal the cpu's fp32 result rounded to nearest even, element for element. */
    void sameRounded(String name, Twin t) {
        float[] k = dev.toFloats(t.k()), c = cpu.toFloats(t.c());
        for (int i = 0; i < c.length; i++) c[i] = trm.engine.Bf16.round(c[i]);
        assertArrayEquals(c, k, name + " on " + dev.name());
        record(name, 0);
    }

    // ---- running and comparing ---------------------------------------------------------------
    void run(Op op) {
        op.run(cpu.ops(), new Side(false));
        op.run(dev.ops(), new Side(true));
        dev.synchronize();
    }

    void runLayers(LayerOp op) {
        op.run(Layers.of(cpu), new Side(false));
        op.run(Layers.of(dev), new Side(true));
        dev.synchronize();
    }

    /** ‖k − c‖ / ‖c‖ (absolute when ‖c‖ = 0); NaN when either side has a NaN the other lacks. */
    static double relErr(float[] k, float[] c) {
        double num = 0, den = 0;
        for (int i = 0; i < c.length; i++) {
            if (Float.isNaN(k[i]) || Float.isNaN(c[i])) {
                if (Float.isNaN(k[i]) && Float.isNaN(c[i])) continue;
                return Double.NaN;
            }
            double d = (double) k[i] - c[i];
            num += d * d;
            den += (double) c[i] * c[i];
        }
        return den == 0 ? Math.sqrt(num) : Math.sqrt(num / den);
    }

    /** Compares fp32 outputs by relative error; records the worst error under {@code name}. */
    double close(String name, Twin t, double bound) {
        float[] k = dev.toFloats(t.k()), c = cpu.toFloats(t.c());
        long nanK = count(k), nanC = count(c);
        assertTrue(nanC == 0 || nanK == nanC, name + ": " + nanK + " NaNs on " + dev.name() + ", " + nanC + " on cpu");
        assertTrue(nanK == nanC, name + ": " + nanK + " elements unwritten (NaN) on " + dev.name() + " vs " + nanC + " on cpu");
        double err = relErr(k, c);
        record(name, err);
        assertTrue(err <= bound, name + ": relative error " + err + " > " + bound + " on " + dev.name());
        return err;
    }

    /** fp32 outputs that must be bit-identical (halting state, metrics, selections). */
    void sameFloats(String name, Twin t) {
        float[] k = dev.toFloats(t.k()), c = cpu.toFloats(t.c());
        assertArrayEquals(c, k, name + " on " + dev.name());
        record(name, relErr(k, c));
    }

    void sameInts(String name, Twin t) {
        int[] k = dev.toInts(t.k()), c = cpu.toInts(t.c());
        assertArrayEquals(c, k, name + " on " + dev.name());
        record(name, 0);
    }

    private void record(String name, double err) {
        synchronized (WORST) {
            WORST.merge(dev.name() + " " + name, err, Math::max);
        }
    }

    private static long count(float[] a) {
        long n = 0;
        for (float x : a) if (Float.isNaN(x)) n++;
        return n;
    }

    static String report(String device) {
        StringBuilder s = new StringBuilder("parity on " + device + " (max relative error per check):\n");
        synchronized (WORST) {
            WORST.forEach((k, v) -> {
                if (k.startsWith(device + " ")) s.append(String.format("  %-40s %.3g%n", k.substring(device.length() + 1), v));
            });
        }
        return s.toString();
    }
}
