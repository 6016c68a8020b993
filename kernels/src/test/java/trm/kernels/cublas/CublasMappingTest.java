package trm.kernels.cublas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static trm.kernels.cublas.Ref.check;

import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

import trm.engine.cpu.Matmul;

/**
 * The row-major → column-major mapping of {@link Cublas#forwardCall} and friends, run through a
 * Java reference of cuBLAS's column-major gemm and compared with trm.engine.cpu.Matmul. No GPU,
 * no library: this checks the arguments the helpers would pass to cuBLAS.
 */
class CublasMappingTest {
    private static final double BOUND = 1e-5;
    private final Random random = new Random(7);

    /** Lays out the arrays one after another in one "memory"; returns their byte addresses. */
    private static long[] layout(float[] mem, float[]... arrays) {
        long[] at = new long[arrays.length];
        int off = 0;
        for (int i = 0; i < arrays.length; i++) {
            System.arraycopy(arrays[i], 0, mem, off, arrays[i].length);
            at[i] = 4L * off;
            off += arrays[i].length + 3;   // a gap: an overrun shows as a wrong result, not silently
        }
        return at;
    }

    private static float[] slice(float[] mem, long address, int n) {
        return Arrays.copyOfRange(mem, (int) (address / 4), (int) (address / 4) + n);
    }

    @Test void forward() {
        for (int[] s : Ref.SHAPES) {
            int M = s[0], K = s[1], N = s[2];
            float[] in = Ref.random(random, M * K, 1f), w = Ref.random(random, N * K, 0.2f), out = new float[M * N];
            Arrays.fill(out, Float.NaN);
            float[] mem = new float[M * K + N * K + M * N + 16];
            long[] p = layout(mem, out, in, w);
            Ref.gemm(mem, Cublas.forwardCall(p[0], p[1], p[2], M, K, N), 1f);
            float[] ref = new float[M * N];
            Matmul.forward(ref, 0, in, 0, w, 0, null, 0, M, K, N);
            check("mapping forward " + M + "x" + K + "x" + N, slice(mem, p[0], M * N), ref, BOUND);
        }
    }

    @Test void backwardInputWriteAndAccumulate() {
        for (int[] s : Ref.SHAPES)
            for (boolean acc : new boolean[] {false, true}) {
                int M = s[0], K = s[1], N = s[2];
                float[] dOut = Ref.random(random, M * N, 1f), w = Ref.random(random, N * K, 0.2f);
                float[] dIn = acc ? Ref.random(random, M * K, 1f) : new float[M * K];
                float[] ref = dIn.clone();
                if (!acc) Arrays.fill(dIn, Float.NaN);
                float[] mem = new float[M * K + N * K + M * N + 16];
                long[] p = layout(mem, dIn, dOut, w);
                Ref.gemm(mem, Cublas.backwardInputCall(p[0], p[1], p[2], M, K, N, acc), 1f);
                Matmul.backwardInput(ref, 0, dOut, 0, w, 0, M, K, N, acc);
                check("mapping backwardInput " + (acc ? "acc " : "") + M + "x" + K + "x" + N, slice(mem, p[0], M * K), ref, BOUND);
            }
    }

    @Test void backwardWeightAccumulates() {
        for (int[] s : Ref.SHAPES) {
            int M = s[0], K = s[1], N = s[2];
            float[] dOut = Ref.random(random, M * N, 1f), in = Ref.random(random, M * K, 1f), dW = Ref.random(random, N * K, 1f);
            float[] ref = dW.clone();
            float[] mem = new float[M * K + N * K + M * N + 16];
            long[] p = layout(mem, dW, dOut, in);
            Ref.gemm(mem, Cublas.backwardWeightCall(p[0], p[1], p[2], M, K, N), 1f);
            Matmul.backwardWeight(ref, 0, null, 0, dOut, 0, in, 0, M, K, N);
            check("mapping backwardWeight " + M + "x" + K + "x" + N, slice(mem, p[0], N * K), ref, BOUND);
        }
    }

    @Test void leadingDimensionsAreAtLeastOne() {
        Cublas.Call c = Cublas.forwardCall(0, 0, 0, 4, 0, 3);
        assertEquals(1, c.lda());
        assertEquals(1, c.ldb());
        assertEquals(3, c.ldc());
        assertEquals(0, c.k());
    }

    @Test void statusNames() {
        assertEquals("CUBLAS_STATUS_NOT_SUPPORTED (15)", Cublas.statusName(15));
        assertEquals("CUBLAS_STATUS_INVALID_VALUE (7)", Cublas.statusName(7));
        assertEquals("unknown cublasStatus_t 99", Cublas.statusName(99));
    }
}
