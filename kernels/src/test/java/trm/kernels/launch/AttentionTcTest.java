package trm.kernels.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static trm.kernels.launch.LauncherSim.check;

import java.util.Locale;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import trm.engine.Bf16;
import trm.engine.cpu.Rope;
import trm.engine.model.RopeTables;
import trm.kernels.runtime.SimRuntime;
import trm.kernels.runtime.SimRuntime.ThreadOrder;

/**
 * attention_tc.cu (tensor-core flash attention, {@link Attention.Impl#TENSOR_CORE}) against
 * trm.engine.cpu.Attention (+ Rope.backward) on the simulator, at L = 97 (16 + 81, the Sudoku
 * sequence: a 33-row tail tile) and L = 916 (the maze sequence: 15 tiles, a 20-row tail), with and
 * without RoPE, fp32 and bf16 qkv. The reference gets the qkv the kernel sees (rounded to bf16
 * when the kernel reads bf16), so the errors measured are the kernels' own: P, dO and dS rounded
 * to bf16 (and Q, K, V from fp32 qkv), fp32 accumulation in a different order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(LauncherSim.Needed.class)
class AttentionTcTest {
    /**
     * ‖out − ref‖ / ‖ref‖ bounds for out and dqkv (kernels/HEAVY.md). One bf16 rounding is a relative
     * error of at most 2⁻⁹ ≈ 2e-3 per element (≈ 1.1e-3 rms); out carries the rounding of P and V
     * (and of Q, K through the scores, and out's own storage when bf16), dqkv that of dO and dS as
     * well. Measured on sim over the cases below: out ≤ 2.8e-3, dqkv ≤ 3.3e-3.
     */
    static final double OUT_BOUND = 5e-3, DQKV_BOUND = 6e-3;
    /**
     * lse: max |lse − ref| (natural log; an error e in lse scales every P of the row by e^−e, so
     * it is P's relative error). Only the scores move it: Q, K rounded to bf16 from fp32 qkv
     * (measured ≤ 1.5e-3, at L = 1 where lse is a single score; 6e-4 – 1.2e-3 at L = 65 – 916), and
     * fp32 summation order for bf16 qkv (≤ 1e-6).
     */
    static final double LSE_ABS_BOUND = 5e-3;

    private LauncherSim s;

    @BeforeAll void open() { s = new LauncherSim(12); }

    @AfterAll void close() { if (s != null) s.close(); }

    /** What one forward + backward produced: out, lse, dqkv (as fp32). */
    private record Result(float[] out, float[] lse, float[] dqkv) {}

    /** The inputs of one case and the cpu's answers. */
    private final class Case {
        final int B, L, H, D;
        final boolean rope, bf16;
        final float[] qkv, dOut, out, lse, dqkv, cos, sin;

        Case(int B, int L, int H, boolean rope, boolean bf16) {
            this.B = B;
            this.L = L;
            this.H = H;
            this.rope = rope;
            this.bf16 = bf16;
            int hd = Attention.HEAD_DIM;
            D = H * hd;
            float[] q = s.random(B * L * 3 * D, 1.5f);
            if (bf16) for (int i = 0; i < q.length; i++) q[i] = Bf16.round(q[i]);
            qkv = q;
            dOut = s.random(B * L * D, 1f);
            out = new float[B * L * D];
            float[] probs = new float[B * H * L * L];
            dqkv = new float[B * L * 3 * D];
            trm.engine.cpu.Attention.forward(out, 0, probs, 0, qkv, 0, B, L, H, hd);
            trm.engine.cpu.Attention.backward(dqkv, 0, dOut, 0, qkv, 0, probs, 0, B, L, H, hd);
            lse = logSumExp(qkv, B, L, H);
            if (rope) {
                cos = new float[L * hd];
                sin = new float[L * hd];
                RopeTables.fill(cos, sin, L, hd, 10000.0);
                Rope.backward(dqkv, 0, cos, 0, sin, 0, B, L, H, hd);
            } else {
                cos = sin = null;
            }
        }

        String name() { return "B=" + B + " L=" + L + " H=" + H + (bf16 ? " bf16" : " fp32") + (rope ? " +rope" : ""); }

        /** Forward and backward on the tensor cores, outputs poisoned first. */
        Result run() {
            int bf = bf16 ? Attention.BF16_QKV | Attention.BF16_OUT : 0;
            long gQkv = bf16 ? s.uploadBf16(qkv) : s.upload(qkv);
            long gOut = bf16 ? s.poisonedBf16((long) B * L * D) : s.poisoned((long) B * L * D);
            long gLse = s.poisoned((long) B * H * L), gDOut = s.upload(dOut);
            long gDqkv = s.poisoned((long) B * L * 3 * D), gDelta = s.poisoned(Attention.deltaFloats(B, L, H));
            long gCos = rope ? s.upload(cos) : 0, gSin = rope ? s.upload(sin) : 0;
            Attention.forward(s.rt, Attention.Impl.TENSOR_CORE, gOut, gLse, gQkv, B, L, H, bf);
            Attention.backward(s.rt, Attention.Impl.TENSOR_CORE, gDqkv, gDOut, gQkv, gOut, gLse, gDelta, gCos, gSin, B, L, H, bf);
            float[] o = bf16 ? s.downloadBf16(gOut, B * L * D) : s.download(gOut, B * L * D);
            return new Result(o, s.download(gLse, B * H * L), s.download(gDqkv, B * L * 3 * D));
        }

        void checkParity() {
            Result r = run();
            check("attention_tc fwd out " + name(), r.out, out, OUT_BOUND);
            checkMaxAbs("attention_tc fwd lse " + name(), r.lse, lse, LSE_ABS_BOUND);
            check("attention_tc bwd dqkv " + name(), r.dqkv, dqkv, DQKV_BOUND);
        }
    }

    /** Asserts max |out − ref| < bound (every element finite) and prints it. */
    private static void checkMaxAbs(String what, float[] out, float[] ref, double bound) {
        double m = 0;
        for (int i = 0; i < ref.length; i++) m = Float.isFinite(out[i]) ? Math.max(m, Math.abs((double) out[i] - ref[i])) : Double.NaN;
        System.out.printf(Locale.ROOT, "[parity] %-48s max abs %.3e (bound %.1e)%n", what, m, bound);
        assertTrue(m < bound, what + ": max abs err " + m + " (bound " + bound + "; NaN means an element was not written)");
    }

    /** lse[b, h, i] = ln Σ_j exp(q_i·k_j / 8), in double. */
    private static float[] logSumExp(float[] qkv, int B, int L, int H) {
        int hd = Attention.HEAD_DIM, D = H * hd;
        float[] lse = new float[B * H * L];
        double scale = 1.0 / Math.sqrt(hd);
        double[] t = new double[L];
        for (int b = 0; b < B; b++)
            for (int h = 0; h < H; h++)
                for (int i = 0; i < L; i++) {
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < L; j++) {
                        double dot = 0;
                        for (int d = 0; d < hd; d++)
                            dot += (double) qkv[(b * L + i) * 3 * D + h * hd + d] * qkv[(b * L + j) * 3 * D + D + h * hd + d];
                        t[j] = dot * scale;
                        max = Math.max(max, t[j]);
                    }
                    double sum = 0;
                    for (int j = 0; j < L; j++) sum += Math.exp(t[j] - max);
                    lse[(b * H + h) * L + i] = (float) (max + Math.log(sum));
                }
        return lse;
    }

    @Test void sudokuLengthFp32() { new Case(2, 97, 2, false, false).checkParity(); }

    @Test void sudokuLengthFp32Rope() { new Case(1, 97, 2, true, false).checkParity(); }

    @Test void sudokuLengthBf16() { new Case(2, 97, 1, false, true).checkParity(); }

    @Test void sudokuLengthBf16Rope() { new Case(1, 97, 2, true, true).checkParity(); }

    @Test void mazeLengthFp32() { new Case(1, 916, 1, false, false).checkParity(); }

    @Test void mazeLengthBf16Rope() { new Case(1, 916, 1, true, true).checkParity(); }

    /** Lengths around the tile edges: one row, a full tile, one past it. */
    @Test void tileEdges() {
        new Case(1, 1, 1, true, false).checkParity();
        new Case(1, 64, 1, false, true).checkParity();
        new Case(2, 65, 1, true, false).checkParity();
    }

    /**
     * The same bits on every run and under every thread order the simulator has (shuffled with two
     * seeds, reversed, ascending): no atomics, every gradient element summed by one fragment in
     * tile order.
     */
    @Test void bitIdenticalAcrossRunsAndThreadOrders() {
        Case c = new Case(2, 130, 1, true, true);
        var sim = (SimRuntime) s.rt;
        ThreadOrder[] orders = {ThreadOrder.SHUFFLED, ThreadOrder.SHUFFLED, ThreadOrder.REVERSED, ThreadOrder.ASCENDING};
        Result first = null;
        try {
            for (int run = 0; run < orders.length; run++) {
                sim.threadOrder(orders[run], 3 + run);
                Result r = c.run();
                if (first == null) {
                    first = r;
                    continue;
                }
                String what = "run " + run + " (" + orders[run] + ")";
                assertBitIdentical(what + " out", first.out, r.out);
                assertBitIdentical(what + " lse", first.lse, r.lse);
                assertBitIdentical(what + " dqkv", first.dqkv, r.dqkv);
            }
        } finally {
            sim.threadOrder(ThreadOrder.valueOf(System.getProperty("trm.sim.order", "shuffled").toUpperCase(Locale.ROOT)),
                    Long.getLong("trm.sim.seed", 1));
        }
    }

    /** The fallback switch: fp32 or tensor-core, anything else refused in one line. */
    @Test void fallbackProperty() {
        String key = "trm.kernels.attention", old = System.getProperty(key);
        try {
            System.setProperty(key, "fp32");
            assertTrue(Attention.fp32Requested());
            System.setProperty(key, "tensor-core");
            assertFalse(Attention.fp32Requested());
            System.setProperty(key, "bf16");
            var e = assertThrows(trm.engine.TrmException.class, Attention::fp32Requested);
            assertEquals("trm.kernels.attention=bf16: expected tensor-core or fp32", e.getMessage());
        } finally {
            if (old == null) System.clearProperty(key);
            else System.setProperty(key, old);
        }
    }

    private static void assertBitIdentical(String what, float[] a, float[] b) {
        for (int i = 0; i < a.length; i++)
            assertEquals(Float.floatToRawIntBits(a[i]), Float.floatToRawIntBits(b[i]), () -> what + ": element differs from the first run");
    }
}
