package trm.engine.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register-blocked inner kernel: a 6 × (2 vectors) tile of C held in twelve accumulators
 * (6×16 with AVX2's 8 floats), fed per k by two vector loads of packed B and six broadcasts of
 * packed A, twelve fused multiply-adds. Twelve accumulators + two B vectors + one broadcast
 * fit AVX2's sixteen registers and cover the FMA latency × throughput of two FMA pipes.
 */
final class MicroKernel {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int VL = S.length();
    static final int MR = 6;
    static final int NR = 2 * VL;

    private MicroKernel() {}

    /**
     * Tile C[0..rows, 0..cols) at {@code c[ci]} (row stride ldc) gets Σ_p A(r,p)·B(p,j) over
     * kc values of p, from packed A ({@code a[ai + p*MR + r]}) and packed B ({@code
     * b[bi + p*NR + j]}). overwrite: C = Σ, else C = C + Σ; then + bias[bi0 + j] when bias !=
     * null. Partial tiles (rows < MR or cols < NR) go through {@code tmp} (MR·NR floats).
     */
    static void tile(int kc, float[] a, int ai, float[] b, int bi, float[] c, int ci, int ldc,
                     int rows, int cols, boolean overwrite, float[] bias, int bias0, float[] tmp) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z;
        FloatVector c30 = z, c31 = z, c40 = z, c41 = z, c50 = z, c51 = z;
        // The loop walks b by NR and a by MR; one check up front lets the JIT drop per-access
        // bounds checks (twice as fast as indexing by p·NR, p·MR here).
        int bEnd = bi + kc * NR;
        if (kc < 0 || bi < 0 || ai < 0 || bEnd > b.length || ai + kc * MR > a.length) {
            throw new IndexOutOfBoundsException("packed panel out of range");
        }
        for (; bi < bEnd; bi += NR, ai += MR) {
            FloatVector b0 = FloatVector.fromArray(S, b, bi);
            FloatVector b1 = FloatVector.fromArray(S, b, bi + VL);
            FloatVector av = FloatVector.broadcast(S, a[ai]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(S, a[ai + 1]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(S, a[ai + 2]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(S, a[ai + 3]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
            av = FloatVector.broadcast(S, a[ai + 4]);
            c40 = av.fma(b0, c40);
            c41 = av.fma(b1, c41);
            av = FloatVector.broadcast(S, a[ai + 5]);
            c50 = av.fma(b0, c50);
            c51 = av.fma(b1, c51);
        }
        if (rows == MR && cols == NR) {
            FloatVector bv0 = null, bv1 = null;
            if (bias != null) {
                bv0 = FloatVector.fromArray(S, bias, bias0);
                bv1 = FloatVector.fromArray(S, bias, bias0 + VL);
            }
            store(c, ci, c00, c01, overwrite, bv0, bv1);
            store(c, ci + ldc, c10, c11, overwrite, bv0, bv1);
            store(c, ci + 2 * ldc, c20, c21, overwrite, bv0, bv1);
            store(c, ci + 3 * ldc, c30, c31, overwrite, bv0, bv1);
            store(c, ci + 4 * ldc, c40, c41, overwrite, bv0, bv1);
            store(c, ci + 5 * ldc, c50, c51, overwrite, bv0, bv1);
            return;
        }
        c00.intoArray(tmp, 0);
        c01.intoArray(tmp, VL);
        c10.intoArray(tmp, NR);
        c11.intoArray(tmp, NR + VL);
        c20.intoArray(tmp, 2 * NR);
        c21.intoArray(tmp, 2 * NR + VL);
        c30.intoArray(tmp, 3 * NR);
        c31.intoArray(tmp, 3 * NR + VL);
        c40.intoArray(tmp, 4 * NR);
        c41.intoArray(tmp, 4 * NR + VL);
        c50.intoArray(tmp, 5 * NR);
        c51.intoArray(tmp, 5 * NR + VL);
        for (int r = 0; r < rows; r++) {
            int o = ci + r * ldc;
            for (int j = 0; j < cols; j++) {
                float v = overwrite ? tmp[r * NR + j] : c[o + j] + tmp[r * NR + j];
                if (bias != null) v += bias[bias0 + j];
                c[o + j] = v;
            }
        }
    }

    private static void store(float[] c, int o, FloatVector v0, FloatVector v1, boolean overwrite,
                              FloatVector bv0, FloatVector bv1) {
        if (!overwrite) {
            v0 = FloatVector.fromArray(S, c, o).add(v0);
            v1 = FloatVector.fromArray(S, c, o + VL).add(v1);
        }
        if (bv0 != null) {
            v0 = v0.add(bv0);
            v1 = v1.add(bv1);
        }
        v0.intoArray(c, o);
        v1.intoArray(c, o + VL);
    }
}
