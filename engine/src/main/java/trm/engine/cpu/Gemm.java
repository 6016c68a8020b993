package trm.engine.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Blocked fp32 GEMM on the Vector API: C[M,N] (=|+=) A[M,K] · B[K,N] (+ bias[N]).
 *
 * <p>A and B are read through strides, so one driver serves the three layer products: element
 * A(i, p) is {@code a[aOff + i*aRs + p*aCs]} and B(p, j) is {@code b[bOff + p*bRs + j*bCs]};
 * C is row-major with row stride {@code ldc}.
 *
 * <p>Structure (GotoBLAS style): K is cut into blocks of {@link #KC}. For each K block the
 * whole B block is packed (in parallel) into panels of {@link #NR} columns, k-major, zero-padded
 * on the right; then the MR-row strips of C are split over the threads, each thread packing
 * its A rows ({@link #MC_STRIPS} strips at a time, k-major, zero-padded at the bottom). For
 * each group of {@link #NC_PANELS} B panels (L2-resident) each A strip (L1-resident) sweeps the
 * group, so the C tiles it updates run along its rows, sequential streams the hardware
 * prefetcher follows (measured a few % better than running down the columns of C). The
 * {@link MicroKernel} keeps an MR×NR tile of C in registers.
 *
 * <p>Determinism: the K blocking is fixed, and each C element, in each K block, is summed by
 * one kernel call in k order and then added to C; which thread does a strip, and how strips
 * are grouped, never changes a result bit.
 */
final class Gemm {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int VL = S.length();
    /** Rows of the register tile. */
    static final int MR = MicroKernel.MR;
    /** Columns of the register tile: two vectors. */
    static final int NR = MicroKernel.NR;
    /**
     * K block: a packed A strip is KC·MR floats (6 KiB), L1-resident; a B panel KC·NR (16 KiB
     * for 256-bit vectors). A fixed constant: the K blocking, hence the summation order, depends
     * on K alone.
     */
    static final int KC = 256;
    /** A strips packed at once: MC_STRIPS·MR·KC floats (96 KiB), L2-resident. */
    static final int MC_STRIPS = 16;
    /** B panels swept per A strip: NC_PANELS·NR·KC floats (256 KiB), L2-resident. */
    static final int NC_PANELS = 16;
    /** Default minimum strips per parallel chunk. */
    static final int GRAIN_STRIPS = 4;

    private static final ThreadLocal<float[][]> PACK_B = ThreadLocal.withInitial(() -> new float[1][0]);
    private static final ThreadLocal<float[][]> PACK_A = ThreadLocal.withInitial(() -> new float[1][0]);

    private Gemm() {}

    static void gemm(int M, int N, int K,
                     float[] a, int aOff, int aRs, int aCs,
                     float[] b, int bOff, int bRs, int bCs,
                     float[] c, int cOff, int ldc,
                     boolean accumulate, float[] bias, int biasOff) {
        gemm(M, N, K, a, aOff, aRs, aCs, b, bOff, bRs, bCs, c, cOff, ldc, accumulate, bias, biasOff, GRAIN_STRIPS);
    }

    /**
     * As above with the parallel grain (minimum MR-strips per chunk) given: tests vary it to
     * check that the thread split does not change results. Needs M, N, K ≥ 1.
     */
    static void gemm(int M, int N, int K,
                     float[] a, int aOff, int aRs, int aCs,
                     float[] b, int bOff, int bRs, int bCs,
                     float[] c, int cOff, int ldc,
                     boolean accumulate, float[] bias, int biasOff, int grainStrips) {
        final int panels = (N + NR - 1) / NR;
        final int strips = (M + MR - 1) / MR;
        final float[] biasPad;
        if (bias != null) {
            biasPad = new float[panels * NR];
            System.arraycopy(bias, biasOff, biasPad, 0, N);
        } else {
            biasPad = null;
        }
        // Narrow B (≤ 8 panels): longer K blocks, fewer passes and fork-joins per call. A read
        // transposed (grad-weight: the reduction runs over the batch rows, thousands long):
        // 512-long blocks halve the passes over C (measured 0.60–0.75 of OpenBLAS vs 0.58–0.67
        // with 256). The blocking depends on the shape and layout alone, never on the threads.
        final int kcMax = panels <= 8 ? 4 * KC : (aRs == 1 && aCs != 1 ? 2 * KC : KC);
        final float[] pb = scratch(PACK_B, Math.min(kcMax, K) * panels * NR);
        for (int pc0 = 0; pc0 < K; pc0 += kcMax) {
            final int pc = pc0;
            final int kc = Math.min(kcMax, K - pc);
            final boolean overwrite = pc == 0 && !accumulate;
            final float[] bb = pc == 0 ? biasPad : null;
            Parallel.forRange(panels, 8, (j0, j1) -> {
                for (int jp = j0; jp < j1; jp++) {
                    int col = jp * NR;
                    packB(b, bOff, bRs, bCs, pc, kc, col, Math.min(NR, N - col), pb, jp * kc * NR);
                }
            });
            if (strips >= 4 * grainStrips || panels < 2) {
                Parallel.forRange(strips, grainStrips, (s0, s1) -> {
                    float[] pa = scratch(PACK_A, MC_STRIPS * MR * kc);
                    float[] tmp = new float[MR * NR];
                    for (int sb = s0; sb < s1; sb += MC_STRIPS) {
                        int se = Math.min(s1, sb + MC_STRIPS);
                        packStrips(M, a, aOff, aRs, aCs, pc, kc, sb, se, pa);
                        sweep(M, N, kc, pa, sb, se, pb, 0, panels, c, cOff, ldc, overwrite, bb, tmp);
                    }
                });
            } else {
                // Few rows (e.g. dW of a small head): split the panels instead, each task
                // packing the (small) A block itself.
                Parallel.forRange(panels, 1, (j0, j1) -> {
                    float[] pa = scratch(PACK_A, MC_STRIPS * MR * kc);
                    float[] tmp = new float[MR * NR];
                    for (int sb = 0; sb < strips; sb += MC_STRIPS) {
                        int se = Math.min(strips, sb + MC_STRIPS);
                        packStrips(M, a, aOff, aRs, aCs, pc, kc, sb, se, pa);
                        sweep(M, N, kc, pa, sb, se, pb, j0, j1, c, cOff, ldc, overwrite, bb, tmp);
                    }
                });
            }
        }
    }

    private static void packStrips(int M, float[] a, int aOff, int aRs, int aCs, int pc, int kc, int sb, int se,
                                   float[] pa) {
        for (int s = sb; s < se; s++) {
            int row = s * MR;
            packA(a, aOff, aRs, aCs, row, Math.min(MR, M - row), pc, kc, pa, (s - sb) * kc * MR);
        }
    }

    /**
     * C tiles of strips [sb, se) (packed in pa) × panels [j0, j1) (packed in pb): each A strip
     * sweeps a group of NC_PANELS panels, so its C tiles run along its rows.
     */
    private static void sweep(int M, int N, int kc, float[] pa, int sb, int se, float[] pb, int j0, int j1,
                              float[] c, int cOff, int ldc, boolean overwrite, float[] bb, float[] tmp) {
        for (int jc = j0; jc < j1; jc += NC_PANELS) {
            int je = Math.min(j1, jc + NC_PANELS);
            for (int s = sb; s < se; s++) {
                int row = s * MR;
                int rows = Math.min(MR, M - row);
                for (int jp = jc; jp < je; jp++) {
                    int col = jp * NR;
                    MicroKernel.tile(kc, pa, (s - sb) * kc * MR, pb, jp * kc * NR,
                            c, cOff + row * ldc + col, ldc, rows, Math.min(NR, N - col),
                            overwrite, bb, col, tmp);
                }
            }
        }
    }

    private static float[] scratch(ThreadLocal<float[][]> tl, int size) {
        float[][] h = tl.get();
        if (h[0].length < size) h[0] = new float[size];
        return h[0];
    }

    /** dst[d + p*MR + r] = A(row + r, pc + p) for r < rows, 0 for rows ≤ r < MR. */
    static void packA(float[] a, int aOff, int aRs, int aCs, int row, int rows, int pc, int kc, float[] dst, int d) {
        if (aCs == 1) {
            for (int r = 0; r < rows; r++) {
                int src = aOff + (row + r) * aRs + pc;
                for (int p = 0; p < kc; p++) dst[d + p * MR + r] = a[src + p];
            }
        } else {
            for (int p = 0; p < kc; p++) {
                int src = aOff + row * aRs + (pc + p) * aCs;
                int o = d + p * MR;
                for (int r = 0; r < rows; r++) dst[o + r] = a[src + r * aRs];
            }
        }
        for (int r = rows; r < MR; r++) {
            for (int p = 0; p < kc; p++) dst[d + p * MR + r] = 0f;
        }
    }

    /** dst[d + p*NR + j] = B(pc + p, col + j) for j < cols, 0 for cols ≤ j < NR. */
    static void packB(float[] b, int bOff, int bRs, int bCs, int pc, int kc, int col, int cols, float[] dst, int d) {
        if (bCs == 1) {
            for (int p = 0; p < kc; p++) {
                int o = d + p * NR;
                System.arraycopy(b, bOff + (pc + p) * bRs + col, dst, o, cols);
                for (int j = cols; j < NR; j++) dst[o + j] = 0f;
            }
        } else {
            for (int j = 0; j < cols; j++) {
                int src = bOff + pc * bRs + (col + j) * bCs;
                for (int p = 0; p < kc; p++) dst[d + p * NR + j] = b[src + p * bRs];
            }
            for (int j = cols; j < NR; j++) {
                for (int p = 0; p < kc; p++) dst[d + p * NR + j] = 0f;
            }
        }
    }
}
