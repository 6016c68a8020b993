package trm.kernels.cublas;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import trm.engine.TrmException;
import trm.kernels.runtime.CudaRuntime;

/**
 * cuBLAS through Panama FFM, as a comparator for (and a fallback to) our WMMA GEMM
 * ({@link trm.kernels.launch.Gemm}). JCublas 12.6.0 links libcublas.so.12, which CUDA 13 machines
 * lack, so the library is opened by name at run time: {@code libcublas.so.13}, then
 * {@code libcublas.so.12}; or only the file named by the system property {@code trm.cublas.lib}
 * (else the environment variable {@code TRM_CUBLAS_LIB}). When none loads, {@link #open} and
 * {@link #requireAvailable} throw a one-line {@code TrmException("cuBLAS unavailable: ...")} naming
 * what was tried; {@link #unavailableReason} gives the same reason for tests to skip on.
 *
 * <p>A {@code Cublas} holds one cuBLAS handle bound to a {@link CudaRuntime}'s stream
 * ({@code cublasSetStream_v2}), so its products are ordered with our launches and timed by the
 * runtime's events. Every call makes the runtime's context current first and checks the returned
 * {@code cublasStatus_t}: a failure is a one-line TrmException naming the call and the status.
 * Scalars (alpha, beta) are passed by host pointer (cuBLAS's default pointer mode). Calls are
 * synchronized; nothing here waits for the stream.
 *
 * <h2>Row-major products on column-major cuBLAS</h2>
 *
 * Our tensors are row-major. A row-major matrix X [r, c] (leading dimension c) is, read
 * column-major, the c × r matrix Xᵀ with the same leading dimension. So a row-major
 * C = op(A)·op(B) is computed as the column-major Cᵀ = op(B)ᵀ·op(A)ᵀ: swap the operands, keep
 * each operand's own transpose flag, and swap m and n. With in [M, K], w [N, K], out [M, N]:
 *
 * <table>
 * <caption>the three products of a linear layer</caption>
 * <tr><th>row-major</th><th>column-major computed</th><th>cuBLAS call (transa, transb, m, n, k; A, lda; B, ldb; C, ldc; beta)</th></tr>
 * <tr><td>out = in·wᵀ</td><td>outᵀ = w·inᵀ</td><td>T, N, N, M, K; w, K; in, K; out, N; 0</td></tr>
 * <tr><td>dIn (+)= dOut·w</td><td>dInᵀ = wᵀ·dOutᵀ</td><td>N, N, K, M, N; w, K; dOut, N; dIn, K; 0 or 1</td></tr>
 * <tr><td>dW += dOutᵀ·in</td><td>dWᵀ += inᵀ·dOut</td><td>N, T, K, N, M; in, K; dOut, N; dW, K; 1</td></tr>
 * </table>
 *
 * (In the column-major view w's memory is the K × N matrix wᵀ, in's is the K × M matrix inᵀ,
 * dOut's the N × M matrix dOutᵀ; a T flag transposes that view back.) Leading dimensions are
 * clamped to ≥ 1 as cuBLAS requires when a dimension is 0.
 *
 * <h2>Precision</h2>
 * {@link Precision#BF16} ({@code cublasGemmEx}, fp32 in memory, {@code CUBLAS_COMPUTE_32F_FAST_16BF})
 * is the like-for-like comparison with our Gemm (bf16 operands on tensor cores, fp32
 * accumulation); {@link Precision#SGEMM} and {@link Precision#FP32} are plain fp32 (CUDA cores),
 * the accuracy reference; {@link Precision#TF32} is cuBLAS's usual fast fp32.
 */
public final class Cublas implements AutoCloseable {

    /** System property naming the cuBLAS library file to load instead of the default names. */
    public static final String LIB_PROPERTY = "trm.cublas.lib";
    /** Environment variable read when the property is not set. */
    public static final String LIB_ENV = "TRM_CUBLAS_LIB";
    /** The sonames tried, in order, when neither is set. */
    public static final List<String> DEFAULT_NAMES = List.of("libcublas.so.13", "libcublas.so.12");

    // cublasOperation_t
    public static final int OP_N = 0, OP_T = 1;
    // cublasMath_t
    public static final int DEFAULT_MATH = 0, PEDANTIC_MATH = 2, TF32_TENSOR_OP_MATH = 3;
    // cublasComputeType_t
    public static final int COMPUTE_32F = 68, COMPUTE_32F_PEDANTIC = 69, COMPUTE_32F_FAST_16BF = 75, COMPUTE_32F_FAST_TF32 = 77;
    // cudaDataType_t (library_types.h)
    public static final int CUDA_R_32F = 0;
    // cublasGemmAlgo_t
    public static final int GEMM_DEFAULT = -1;

    /** How a product is computed; the operands and result are fp32 in memory in every case. */
    public enum Precision {
        /** cublasSgemm_v2 under the handle's math mode (default: plain fp32 on CUDA cores). */
        SGEMM(-1),
        /** cublasGemmEx, CUBLAS_COMPUTE_32F: plain fp32. */
        FP32(COMPUTE_32F),
        /** cublasGemmEx, CUBLAS_COMPUTE_32F_FAST_16BF: operands down-converted to bf16, tensor cores, fp32 accumulation. */
        BF16(COMPUTE_32F_FAST_16BF),
        /** cublasGemmEx, CUBLAS_COMPUTE_32F_FAST_TF32: operands rounded to tf32, tensor cores. */
        TF32(COMPUTE_32F_FAST_TF32);

        /** The cublasComputeType_t passed to cublasGemmEx (-1 for SGEMM, which has none). */
        public final int computeType;

        Precision(int computeType) { this.computeType = computeType; }
    }

    /** One column-major cuBLAS product: C = alpha·op(A)·op(B) + beta·C, C m × n, reduction k. */
    public record Call(int transa, int transb, int m, int n, int k, long a, int lda, long b, int ldb, float beta, long c, int ldc) {
        @Override public String toString() {
            return (transa == OP_T ? "T" : "N") + (transb == OP_T ? "T" : "N") + " m=" + m + " n=" + n + " k=" + k
                    + " lda=" + lda + " ldb=" + ldb + " ldc=" + ldc + " beta=" + beta;
        }
    }

    // ---------------------------------------------------------------------------------------------
    // The row-major mapping (pure functions, tested without a GPU)

    /** out[M,N] = in[M,K] · w[N,K]ᵀ  ⇔  outᵀ = w·inᵀ (column-major). */
    public static Call forwardCall(long out, long in, long w, int M, int K, int N) {
        checkShape(M, K, N);
        return new Call(OP_T, OP_N, N, M, K, w, ld(K), in, ld(K), 0f, out, ld(N));
    }

    /** dIn[M,K] (+)= dOut[M,N] · w[N,K]  ⇔  dInᵀ (+)= wᵀ·dOutᵀ (column-major). */
    public static Call backwardInputCall(long dIn, long dOut, long w, int M, int K, int N, boolean accumulate) {
        checkShape(M, K, N);
        return new Call(OP_N, OP_N, K, M, N, w, ld(K), dOut, ld(N), accumulate ? 1f : 0f, dIn, ld(K));
    }

    /** dW[N,K] += dOut[M,N]ᵀ · in[M,K]  ⇔  dWᵀ += inᵀ·dOut (column-major). */
    public static Call backwardWeightCall(long dW, long dOut, long in, int M, int K, int N) {
        checkShape(M, K, N);
        return new Call(OP_N, OP_T, K, N, M, in, ld(K), dOut, ld(N), 1f, dW, ld(K));
    }

    private static int ld(int n) { return Math.max(1, n); }

    private static void checkShape(int M, int K, int N) {
        if (M < 0 || K < 0 || N < 0) throw new TrmException("cublas: negative shape M=" + M + " K=" + K + " N=" + N);
    }

    // ---------------------------------------------------------------------------------------------
    // Loading

    /** The bound entry points of one loaded library. */
    record Library(String name, MethodHandle create, MethodHandle destroy, MethodHandle setStream,
                   MethodHandle setMathMode, MethodHandle sgemm, MethodHandle gemmEx, MethodHandle getVersion) {}

    /** A library or why there is none (one line). */
    record Loaded(Library library, String problem) {}

    private static final Linker LINKER = Linker.nativeLinker();

    private static final class Default {
        static final Loaded LOADED = load(override());
    }

    /** The library file named by -Dtrm.cublas.lib, else $TRM_CUBLAS_LIB, else null. */
    static String override() {
        String p = System.getProperty(LIB_PROPERTY);
        if (p != null && !p.isBlank()) return LIB_PROPERTY + "=" + p.strip();
        String e = System.getenv(LIB_ENV);
        if (e != null && !e.isBlank()) return LIB_ENV + "=" + e.strip();
        return null;
    }

    /**
     * Loads the named file ({@code "where=path"} as {@link #override} gives, or a bare path) or,
     * when {@code override} is null, the first of {@link #DEFAULT_NAMES} that opens.
     */
    static Loaded load(String override) {
        if (override != null) {
            int eq = override.indexOf('=');
            String path = eq >= 0 ? override.substring(eq + 1) : override;
            if (!Files.exists(Path.of(path))) return new Loaded(null, override + ": no such file");
            SymbolLookup lookup;
            try {
                lookup = SymbolLookup.libraryLookup(Path.of(path), Arena.global());
            } catch (RuntimeException e) {
                return new Loaded(null, override + ": cannot be loaded (wrong architecture, or a missing dependency such as libcublasLt)");
            }
            return bind(path, lookup);
        }
        List<String> tried = new ArrayList<>();
        for (String name : DEFAULT_NAMES) {
            SymbolLookup lookup;
            try {
                lookup = SymbolLookup.libraryLookup(name, Arena.global());
            } catch (RuntimeException e) {
                tried.add(name);
                continue;
            }
            return bind(name, lookup);
        }
        return new Loaded(null, "tried " + String.join(", ", tried) + ", none can be loaded (set -D" + LIB_PROPERTY
                + "=/path/to/libcublas.so.N or " + LIB_ENV + ")");
    }

    private static Loaded bind(String name, SymbolLookup lookup) {
        String[] symbols = {"cublasCreate_v2", "cublasDestroy_v2", "cublasSetStream_v2", "cublasSetMathMode", "cublasSgemm_v2", "cublasGemmEx"};
        for (String s : symbols)
            if (lookup.find(s).isEmpty()) return new Loaded(null, name + " has no " + s);
        FunctionDescriptor sgemm = FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT,
                ADDRESS, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT);
        FunctionDescriptor gemmEx = FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT,
                ADDRESS, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT);
        return new Loaded(new Library(name,
                handle(lookup, "cublasCreate_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS)),
                handle(lookup, "cublasDestroy_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS)),
                handle(lookup, "cublasSetStream_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS)),
                handle(lookup, "cublasSetMathMode", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT)),
                handle(lookup, "cublasSgemm_v2", sgemm),
                handle(lookup, "cublasGemmEx", gemmEx),
                lookup.find("cublasGetVersion_v2").isPresent()
                        ? handle(lookup, "cublasGetVersion_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS)) : null), null);
    }

    private static MethodHandle handle(SymbolLookup lookup, String name, FunctionDescriptor fd) {
        return LINKER.downcallHandle(lookup.find(name).orElseThrow(), fd);
    }

    /** Why cuBLAS cannot be loaded on this machine (one line), or empty when it can. */
    public static Optional<String> unavailableReason() { return Optional.ofNullable(Default.LOADED.problem()); }

    /** Throws {@code TrmException("cuBLAS unavailable: ...")} when cuBLAS cannot be loaded. */
    public static void requireAvailable() { library(Default.LOADED); }

    private static Library library(Loaded l) {
        if (l.library() == null) throw new TrmException("cuBLAS unavailable: " + l.problem());
        return l.library();
    }

    // ---------------------------------------------------------------------------------------------
    // A handle

    private final Library lib;
    private final Runnable makeCurrent;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment handle;
    private final MemorySegment alpha, beta;
    private Precision precision = Precision.BF16;
    private boolean closed;

    private Cublas(Library lib, long stream, Runnable makeCurrent) {
        this.lib = lib;
        this.makeCurrent = makeCurrent;
        this.alpha = arena.allocate(JAVA_FLOAT);
        this.beta = arena.allocate(JAVA_FLOAT);
        makeCurrent.run();
        MemorySegment out = arena.allocate(ADDRESS);
        try {
            check("cublasCreate_v2", invoke(() -> (int) lib.create().invokeExact(out)));
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
        this.handle = out.get(ADDRESS, 0);
        try {
            check("cublasSetStream_v2", invoke(() -> (int) lib.setStream().invokeExact(handle, MemorySegment.ofAddress(stream))));
            setMathMode(DEFAULT_MATH);
        } catch (RuntimeException e) {
            try { close(); } catch (RuntimeException suppressed) { e.addSuppressed(suppressed); }
            throw e;
        }
    }

    /**
     * A cuBLAS handle on {@code rt}'s stream, computing in {@link Precision#BF16} until
     * {@link #precision(Precision)} says otherwise. Throws "cuBLAS unavailable: ..." when the library
     * cannot be loaded (checked before {@code rt} is touched).
     */
    public static Cublas open(CudaRuntime rt) {
        Library lib = library(Default.LOADED);
        Objects.requireNonNull(rt, "rt");
        return new Cublas(lib, rt.currentStream(), rt::currentStream);
    }

    /** A handle from a given library on a raw stream (tests: a stand-in library, stream 0). */
    static Cublas open(Loaded loaded, long stream, Runnable makeCurrent) {
        return new Cublas(library(loaded), stream, makeCurrent);
    }

    /** The library file or soname this handle came from. */
    public String libraryName() { return lib.name(); }

    /** cublasGetVersion_v2 (e.g. 130100), or -1 when the library does not export it. */
    public synchronized int version() {
        if (lib.getVersion() == null) return -1;
        open();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(JAVA_INT);
            check("cublasGetVersion_v2", invoke(() -> (int) lib.getVersion().invokeExact(handle, v)));
            return v.get(JAVA_INT, 0);
        }
    }

    /** The precision the row-major helpers use. */
    public synchronized Precision precision() { return precision; }

    public synchronized Cublas precision(Precision p) {
        this.precision = Objects.requireNonNull(p);
        return this;
    }

    /** cublasSetMathMode (a cublasMath_t: {@link #DEFAULT_MATH}, {@link #PEDANTIC_MATH}, {@link #TF32_TENSOR_OP_MATH}). */
    public synchronized void setMathMode(int mode) {
        open();
        check("cublasSetMathMode(" + mode + ")", invoke(() -> (int) lib.setMathMode().invokeExact(handle, mode)));
    }

    // ---------------------------------------------------------------------------------------------
    // Row-major helpers mirroring trm.kernels.launch.Gemm (all fp32 in memory)

    /** out[M,N] = in[M,K] · w[N,K]ᵀ (no bias). */
    public void linearForward(long out, long in, long w, int M, int K, int N) {
        run(precision(), forwardCall(out, in, w, M, K, N));
    }

    /** dIn[M,K] = dOut[M,N] · w[N,K], or += when accumulate. */
    public void backwardInput(long dIn, long dOut, long w, int M, int K, int N, boolean accumulate) {
        run(precision(), backwardInputCall(dIn, dOut, w, M, K, N, accumulate));
    }

    /** dW[N,K] += dOut[M,N]ᵀ · in[M,K] (accumulating, like Gemm.backwardWeight). */
    public void backwardWeight(long dW, long dOut, long in, int M, int K, int N) {
        run(precision(), backwardWeightCall(dW, dOut, in, M, K, N));
    }

    /** Runs one column-major product with alpha = 1 in the given precision. */
    public void run(Precision p, Call c) {
        if (c.m() == 0 || c.n() == 0) return;   // nothing to write
        if (p == Precision.SGEMM)
            sgemm(c.transa(), c.transb(), c.m(), c.n(), c.k(), 1f, c.a(), c.lda(), c.b(), c.ldb(), c.beta(), c.c(), c.ldc());
        else
            gemmEx(c.transa(), c.transb(), c.m(), c.n(), c.k(), 1f, c.a(), c.lda(), c.b(), c.ldb(), c.beta(), c.c(), c.ldc(), p.computeType);
    }

    // ---------------------------------------------------------------------------------------------
    // The raw calls (column-major, device pointers)

    /** cublasSgemm_v2: C = alpha·op(A)·op(B) + beta·C, column-major. */
    public synchronized void sgemm(int transa, int transb, int m, int n, int k, float alphaValue, long a, int lda,
                                   long b, int ldb, float betaValue, long c, int ldc) {
        open();
        alpha.set(JAVA_FLOAT, 0, alphaValue);
        beta.set(JAVA_FLOAT, 0, betaValue);
        MemorySegment pa = MemorySegment.ofAddress(a), pb = MemorySegment.ofAddress(b), pc = MemorySegment.ofAddress(c);
        int rc = invoke(() -> (int) lib.sgemm().invokeExact(handle, transa, transb, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc));
        if (rc != 0) check("cublasSgemm_v2(" + new Call(transa, transb, m, n, k, a, lda, b, ldb, betaValue, c, ldc) + ")", rc);
    }

    /** cublasGemmEx with fp32 A, B, C and scale type, the given cublasComputeType_t, CUBLAS_GEMM_DEFAULT. */
    public synchronized void gemmEx(int transa, int transb, int m, int n, int k, float alphaValue, long a, int lda,
                                    long b, int ldb, float betaValue, long c, int ldc, int computeType) {
        open();
        alpha.set(JAVA_FLOAT, 0, alphaValue);
        beta.set(JAVA_FLOAT, 0, betaValue);
        MemorySegment pa = MemorySegment.ofAddress(a), pb = MemorySegment.ofAddress(b), pc = MemorySegment.ofAddress(c);
        int rc = invoke(() -> (int) lib.gemmEx().invokeExact(handle, transa, transb, m, n, k, alpha, pa, CUDA_R_32F, lda,
                pb, CUDA_R_32F, ldb, beta, pc, CUDA_R_32F, ldc, computeType, GEMM_DEFAULT));
        if (rc != 0)
            check("cublasGemmEx(" + new Call(transa, transb, m, n, k, a, lda, b, ldb, betaValue, c, ldc) + ", " + computeName(computeType) + ")", rc);
    }

    /** cublasDestroy_v2 (does not synchronize the stream: cuBLAS work already enqueued still runs). */
    @Override public synchronized void close() {
        if (closed) return;
        closed = true;
        try {
            makeCurrent.run();
            check("cublasDestroy_v2", invoke(() -> (int) lib.destroy().invokeExact(handle)));
        } finally {
            arena.close();
        }
    }

    private void open() {
        if (closed) throw new TrmException("cublas: handle is closed");
        makeCurrent.run();
    }

    // ---------------------------------------------------------------------------------------------

    @FunctionalInterface
    private interface NativeCall { int call() throws Throwable; }

    private static int invoke(NativeCall c) {
        try {
            return c.call();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new TrmException("cublas: native call failed: " + t);
        }
    }

    static void check(String what, int status) {
        if (status != 0) throw new TrmException("cuBLAS: " + what + " failed: " + statusName(status));
    }

    /** cublasStatus_t as in cublas_api.h, e.g. "CUBLAS_STATUS_NOT_SUPPORTED (15)". */
    public static String statusName(int s) {
        String n = switch (s) {
            case 0 -> "SUCCESS";
            case 1 -> "NOT_INITIALIZED";
            case 3 -> "ALLOC_FAILED";
            case 7 -> "INVALID_VALUE";
            case 8 -> "ARCH_MISMATCH";
            case 11 -> "MAPPING_ERROR";
            case 13 -> "EXECUTION_FAILED";
            case 14 -> "INTERNAL_ERROR";
            case 15 -> "NOT_SUPPORTED";
            case 16 -> "LICENSE_ERROR";
            default -> null;
        };
        return n == null ? "unknown cublasStatus_t " + s : "CUBLAS_STATUS_" + n + " (" + s + ")";
    }

    static String computeName(int t) {
        return switch (t) {
            case COMPUTE_32F -> "CUBLAS_COMPUTE_32F";
            case COMPUTE_32F_PEDANTIC -> "CUBLAS_COMPUTE_32F_PEDANTIC";
            case COMPUTE_32F_FAST_16BF -> "CUBLAS_COMPUTE_32F_FAST_16BF";
            case COMPUTE_32F_FAST_TF32 -> "CUBLAS_COMPUTE_32F_FAST_TF32";
            default -> "cublasComputeType_t " + t;
        };
    }
}
