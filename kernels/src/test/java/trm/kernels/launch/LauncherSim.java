package trm.kernels.launch;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

import trm.kernels.runtime.KernelRuntime;
import trm.kernels.runtime.KernelSet;
import trm.kernels.runtime.SimRuntime;

/**
 * A runtime for the heavy-kernel parity tests (the simulator unless one is given), with
 * upload/download/poison helpers.
 */
final class LauncherSim implements AutoCloseable {
    /** fp32 quiet NaN: outputs are filled with it before a kernel runs, so unwritten elements show. */
    static final int NAN_BITS = 0x7fc00000;
    /** ‖out − ref‖ / ‖ref‖ bounds: bf16 operands with fp32 accumulation, and all-fp32 paths. */
    static final double BF16_BOUND = 2e-2, FP32_BOUND = 1e-5;

    final KernelRuntime rt;
    private final List<Long> allocations = new ArrayList<>();
    final Random random;

    LauncherSim(long seed) { this(KernelRuntime.sim(KernelSet.MAIN), seed); }

    /** Helpers over {@code rt} (closed with this). */
    LauncherSim(KernelRuntime rt, long seed) { this.rt = rt; random = new Random(seed); }

    /**
     * {@code a} on the device as fp32, or as bf16 when {@code bf16} (every value must be bf16-exact:
     * {@link #randomBf16}); when {@code misaligned} the data starts one element past a 16-byte
     * boundary (the allocation is 256-byte aligned), so no row can take a 16-byte vector load.
     */
    long uploadAs(float[] a, boolean bf16, boolean misaligned) {
        int pad = misaligned ? 1 : 0, size = bf16 ? 2 : 4;
        long p = rt.alloc((long) size * (a.length + pad));
        allocations.add(p);
        if (bf16) {
            short[] h = new short[a.length + pad];
            for (int i = 0; i < a.length; i++) {
                int bits = Float.floatToRawIntBits(a[i]);
                if ((bits & 0xffff) != 0) throw new IllegalArgumentException("uploadAs: element " + i + " = " + a[i] + " is not bf16-exact");
                h[i + pad] = (short) (bits >>> 16);
            }
            rt.copyToDevice(MemorySegment.ofArray(h), p, 2L * h.length);
        } else {
            float[] h = new float[a.length + pad];
            System.arraycopy(a, 0, h, pad, a.length);
            rt.copyToDevice(MemorySegment.ofArray(h), p, 4L * h.length);
        }
        return p + (long) size * pad;
    }

    long upload(float[] a) {
        long p = alloc(a.length);
        rt.copyToDevice(MemorySegment.ofArray(a), p, 4L * a.length);
        return p;
    }

    /** a rounded to bf16 (nearest even) on the device: a buffer of a.length bf16 elements. */
    long uploadBf16(float[] a) {
        short[] h = new short[a.length];
        for (int i = 0; i < a.length; i++) h[i] = trm.engine.Bf16.bits(a[i]);
        long p = alloc((a.length + 1) / 2);
        rt.copyToDevice(MemorySegment.ofArray(h), p, 2L * a.length);
        return p;
    }

    /** A fresh buffer of n bf16 elements, every one NaN (0x7fc0). */
    long poisonedBf16(long n) {
        long words = (n + 1) / 2, p = alloc(words);
        rt.fill32(p, 0x7fc07fc0, words);
        return p;
    }

    /** n bf16 elements from the device, as fp32 (exact). */
    float[] downloadBf16(long p, int n) {
        short[] h = new short[n];
        rt.synchronize();
        rt.copyToHost(p, MemorySegment.ofArray(h), 2L * n);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = trm.engine.Bf16.fromBits(h[i]);
        return a;
    }

    long alloc(long floats) {
        long p = rt.alloc(4L * Math.max(1, floats));
        allocations.add(p);
        return p;
    }

    /** A fresh buffer filled with NaN. */
    long poisoned(long floats) {
        long p = alloc(floats);
        rt.fill32(p, NAN_BITS, floats);
        return p;
    }

    float[] download(long p, int n) {
        float[] a = new float[n];
        rt.synchronize();
        rt.copyToHost(p, MemorySegment.ofArray(a), 4L * n);
        return a;
    }

    /** Uniform in [−scale, scale], never exactly zero. */
    float[] random(int n, float scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            float v;
            do v = (random.nextFloat() * 2f - 1f) * scale; while (v == 0f);
            a[i] = v;
        }
        return a;
    }

    /** Like {@link #random} but every value exactly representable in bf16 (so bf16 staging is lossless). */
    float[] randomBf16(int n, float scale) {
        float[] a = random(n, scale);
        for (int i = 0; i < n; i++) {
            float v = Float.intBitsToFloat(Float.floatToRawIntBits(a[i]) & 0xffff0000);
            a[i] = v != 0f ? v : scale;
        }
        return a;
    }

    static double relErr(float[] out, float[] ref) {
        double d = 0, r = 0;
        for (int i = 0; i < ref.length; i++) {
            if (!Float.isFinite(out[i])) return Double.NaN;
            double e = (double) out[i] - ref[i];
            d += e * e;
            r += (double) ref[i] * ref[i];
        }
        return Math.sqrt(d / r);
    }

    /** Asserts the relative error is below the bound (and that every element is finite) and prints it. */
    static double check(String what, float[] out, float[] ref, double bound) {
        double e = relErr(out, ref);
        System.out.printf("[parity] %-48s rel err %.3e (bound %.0e)%n", what, e, bound);
        assertTrue(e < bound, what + ": rel err " + e + " (bound " + bound + "; NaN means an element was not written)");
        return e;
    }

    @Override public void close() {
        for (long p : allocations) rt.free(p);
        rt.close();
    }

    /** Skips a test class when the simulator library was not built. */
    static final class Needed implements ExecutionCondition {
        @Override public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            return SimRuntime.unavailableReason(KernelSet.MAIN)
                    .map(w -> ConditionEvaluationResult.disabled("sim device unavailable: " + w))
                    .orElse(ConditionEvaluationResult.enabled("simulator library present"));
        }
    }
}
