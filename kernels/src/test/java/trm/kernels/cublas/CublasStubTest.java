package trm.kernels.cublas;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static trm.kernels.cublas.Ref.check;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import trm.engine.TrmException;
import trm.engine.cpu.Matmul;

/**
 * The FFM binding end to end against a stand-in libcublas compiled here with cc: the same exported
 * names and C signatures as cublas_api.h (as we read them), computing on host memory in the
 * column-major convention, returning CUBLAS_STATUS_INVALID_VALUE / NOT_SUPPORTED where cuBLAS
 * documents it. This checks argument order, types and scalars through the downcalls and the status
 * messages; it cannot check that the real library agrees with our reading of its header.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CublasStubTest {
    static final String STUB = """
            #include <stdint.h>
            #include <stdlib.h>
            #include <string.h>
            typedef struct { void* stream; int math; } ctx;
            long long stub_last_stream = -1; int stub_last_math = -1, stub_live = 0, stub_last_compute = -1;
            static float round_bits(float x, int low) {
                uint32_t u; memcpy(&u, &x, 4);
                uint32_t half = 1u << (low - 1), lsb = (u >> low) & 1u;
                u = (u + half - 1 + lsb) & ~((1u << low) - 1);
                memcpy(&x, &u, 4); return x;
            }
            int cublasCreate_v2(ctx** h) { *h = calloc(1, sizeof(ctx)); stub_live++; return 0; }
            int cublasDestroy_v2(ctx* h) { if (!h) return 1; free(h); stub_live--; return 0; }
            int cublasSetStream_v2(ctx* h, void* s) { h->stream = s; stub_last_stream = (long long) (intptr_t) s; return 0; }
            int cublasSetMathMode(ctx* h, int m) { if (m != 0 && m != 2 && m != 3) return 7; h->math = m; stub_last_math = m; return 0; }
            int cublasGetVersion_v2(ctx* h, int* v) { *v = 130042; return 0; }
            static int gemm(int ta, int tb, int m, int n, int k, const float* alpha, const float* A, int lda,
                            const float* B, int ldb, const float* beta, float* C, int ldc, int low) {
                if ((ta != 0 && ta != 1) || (tb != 0 && tb != 1) || m < 0 || n < 0 || k < 0) return 7;
                if (lda < (ta == 0 ? (m > 1 ? m : 1) : (k > 1 ? k : 1))) return 7;
                if (ldb < (tb == 0 ? (k > 1 ? k : 1) : (n > 1 ? n : 1))) return 7;
                if (ldc < (m > 1 ? m : 1)) return 7;
                for (int j = 0; j < n; j++) for (int i = 0; i < m; i++) {
                    double s = 0;
                    for (int r = 0; r < k; r++) {
                        float a = ta == 0 ? A[i + (long) r * lda] : A[r + (long) i * lda];
                        float b = tb == 0 ? B[r + (long) j * ldb] : B[j + (long) r * ldb];
                        if (low) { a = round_bits(a, low); b = round_bits(b, low); }
                        s += (double) a * b;
                    }
                    float* c = &C[i + (long) j * ldc];
                    *c = (float) (*alpha * s + (*beta == 0.0f ? 0.0 : *beta * (double) *c));
                }
                return 0;
            }
            int cublasSgemm_v2(ctx* h, int ta, int tb, int m, int n, int k, const float* alpha, const float* A, int lda,
                               const float* B, int ldb, const float* beta, float* C, int ldc) {
                return gemm(ta, tb, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc, h->math == 3 ? 13 : 0);
            }
            int cublasGemmEx(ctx* h, int ta, int tb, int m, int n, int k, const void* alpha, const void* A, int at, int lda,
                             const void* B, int bt, int ldb, const void* beta, void* C, int ct, int ldc, int compute, int algo) {
                stub_last_compute = compute;
                if (at != 0 || bt != 0 || ct != 0 || algo != -1) return 15;
                int low = compute == 75 ? 16 : compute == 77 ? 13 : (compute == 68 || compute == 69) ? 0 : -1;
                if (low < 0) return 15;
                return gemm(ta, tb, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc, low);
            }
            """;

    private Cublas.Loaded loaded;
    private SymbolLookup stub;
    private final Arena arena = Arena.ofShared();
    private final Random random = new Random(11);

    @BeforeAll void build(@TempDir Path dir) throws Exception {
        Path src = Files.writeString(dir.resolve("cublas_stub.c"), STUB), lib = dir.resolve("libcublas_stub.so");
        try {
            cc(dir, "-o", lib.toString(), src.toString());
        } catch (java.io.IOException e) {
            Assumptions.abort("no C compiler (cc) to build the stand-in libcublas: " + e.getMessage());
            return;
        }
        this.dir = dir;
        loaded = Cublas.load(lib.toString());
        assertNull(loaded.problem(), loaded.problem());
        stub = SymbolLookup.libraryLookup(lib, Arena.global());
    }

    @AfterAll void free() { arena.close(); }

    private Path dir;

    private static void cc(Path dir, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("cc", "-shared", "-fPIC", "-O1"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "cc failed: " + log);
    }

    /** The usual real-world failure: the file is there but a dependency (libcublasLt) is not. */
    @Test void libraryWithAMissingDependency() throws Exception {
        Path dep = Files.writeString(dir.resolve("lt.c"), "int trm_lt(void) { return 1; }\n");
        Path use = Files.writeString(dir.resolve("use.c"), "int trm_lt(void); int cublasCreate_v2(void* h) { return trm_lt(); }\n");
        cc(dir, "-o", dir.resolve("libtrmlt.so").toString(), dep.toString());
        Path lib = dir.resolve("libcublas_needs_lt.so");
        cc(dir, "-o", lib.toString(), use.toString(), "-L" + dir, "-ltrmlt");
        Files.delete(dir.resolve("libtrmlt.so"));
        Cublas.Loaded l = Cublas.load(Cublas.LIB_ENV + "=" + lib);
        assertNull(l.library());
        assertEquals(Cublas.LIB_ENV + "=" + lib + ": cannot be loaded (wrong architecture, or a missing dependency such as libcublasLt)", l.problem());
    }

    private int stubInt(String name) { return stub.find(name).orElseThrow().reinterpret(4).get(JAVA_INT, 0); }

    private long stubLong(String name) { return stub.find(name).orElseThrow().reinterpret(8).get(JAVA_LONG, 0); }

    /** "Device" memory: host memory at a raw address, like a device pointer. */
    private long upload(float[] a) {
        MemorySegment s = arena.allocate(4L * Math.max(1, a.length), 256);
        MemorySegment.copy(a, 0, s, JAVA_FLOAT, 0, a.length);
        return s.address();
    }

    private static float[] download(long address, int n) {
        return MemorySegment.ofAddress(address).reinterpret(4L * n).toArray(JAVA_FLOAT);
    }

    private Cublas open() { return Cublas.open(loaded, 0x1234, () -> {}); }

    @Test void handleLifecycleStreamMathModeAndVersion() {
        int live = stubInt("stub_live");
        Cublas c = open();
        try {
            assertEquals(live + 1, stubInt("stub_live"));
            assertEquals(0x1234, stubLong("stub_last_stream"), "cublasSetStream_v2 got the stream");
            assertEquals(Cublas.DEFAULT_MATH, stubInt("stub_last_math"));
            c.setMathMode(Cublas.PEDANTIC_MATH);
            assertEquals(Cublas.PEDANTIC_MATH, stubInt("stub_last_math"));
            assertEquals(130042, c.version());
            assertTrue(c.libraryName().endsWith("libcublas_stub.so"));
            TrmException e = assertThrows(TrmException.class, () -> c.setMathMode(42));
            assertEquals("cuBLAS: cublasSetMathMode(42) failed: CUBLAS_STATUS_INVALID_VALUE (7)", e.getMessage());
            c.close();
            assertEquals(live, stubInt("stub_live"), "cublasDestroy_v2 called");
            assertEquals("cublas: handle is closed", assertThrows(TrmException.class, () -> c.linearForward(8, 8, 8, 1, 1, 1)).getMessage());
        } finally {
            c.close();
        }
        assertEquals(live, stubInt("stub_live"), "closing twice destroys once");
    }

    @Test void rowMajorHelpersInEveryPrecision() {
        try (Cublas c = open()) {
            for (Cublas.Precision prec : Cublas.Precision.values()) {
                c.precision(prec);
                double bound = prec == Cublas.Precision.BF16 ? 2e-2 : prec == Cublas.Precision.TF32 ? 5e-3 : 1e-5;
                for (int[] s : Ref.SHAPES) {
                    int M = s[0], K = s[1], N = s[2];
                    String tag = prec + " " + M + "x" + K + "x" + N;
                    float[] in = Ref.random(random, M * K, 1f), w = Ref.random(random, N * K, 0.2f), dOut = Ref.random(random, M * N, 1f);
                    long pIn = upload(in), pW = upload(w), pDOut = upload(dOut);

                    float[] nan = new float[M * N];
                    Arrays.fill(nan, Float.NaN);
                    long out = upload(nan);
                    c.linearForward(out, pIn, pW, M, K, N);
                    float[] ref = new float[M * N];
                    Matmul.forward(ref, 0, in, 0, w, 0, null, 0, M, K, N);
                    check("stub forward " + tag, download(out, M * N), ref, bound);

                    float[] old = Ref.random(random, M * K, 1f);
                    long dIn = upload(old);
                    c.backwardInput(dIn, pDOut, pW, M, K, N, true);
                    float[] refIn = old.clone();
                    Matmul.backwardInput(refIn, 0, dOut, 0, w, 0, M, K, N, true);
                    check("stub backwardInput acc " + tag, download(dIn, M * K), refIn, bound);

                    float[] oldW = Ref.random(random, N * K, 1f);
                    long dW = upload(oldW);
                    c.backwardWeight(dW, pDOut, pIn, M, K, N);
                    Matmul.backwardWeight(oldW, 0, null, 0, dOut, 0, in, 0, M, K, N);
                    check("stub backwardWeight " + tag, download(dW, N * K), oldW, bound);

                    if (prec != Cublas.Precision.SGEMM) assertEquals(prec.computeType, stubInt("stub_last_compute"));
                }
            }
        }
    }

    @Test void statusErrorsNameTheCallAndStatus() {
        try (Cublas c = open()) {
            TrmException e = assertThrows(TrmException.class,
                    () -> c.sgemm(Cublas.OP_N, Cublas.OP_N, 4, 4, 4, 1f, 256, 2, 256, 4, 0f, 256, 4));
            assertEquals("cuBLAS: cublasSgemm_v2(NN m=4 n=4 k=4 lda=2 ldb=4 ldc=4 beta=0.0) failed: CUBLAS_STATUS_INVALID_VALUE (7)", e.getMessage());
            e = assertThrows(TrmException.class,
                    () -> c.gemmEx(Cublas.OP_T, Cublas.OP_N, 4, 4, 4, 1f, 256, 4, 256, 4, 0f, 256, 4, 64));
            assertEquals("cuBLAS: cublasGemmEx(TN m=4 n=4 k=4 lda=4 ldb=4 ldc=4 beta=0.0, cublasComputeType_t 64) failed: CUBLAS_STATUS_NOT_SUPPORTED (15)",
                    e.getMessage());
            assertEquals("cublas: negative shape M=-1 K=2 N=3", assertThrows(TrmException.class, () -> c.linearForward(256, 256, 256, -1, 2, 3)).getMessage());
        }
    }
}
