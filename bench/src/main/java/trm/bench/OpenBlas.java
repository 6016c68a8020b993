package trm.bench;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * cblas_sgemm of a system OpenBLAS through the FFM API, the comparator of the matmul benchmarks.
 *
 * <p>Looks for {@code -Dtrm.blas.lib=PATH}, else libopenblas.so.0, libopenblas.so, libcblas.so.3,
 * libblas.so.3 (the first that loads and has cblas_sgemm). On Debian/Ubuntu: {@code apt-get
 * install libopenblas-dev}. OpenBLAS picks its thread count itself (all cores) unless
 * OPENBLAS_NUM_THREADS is set.
 */
public final class OpenBlas {
    public static final int ROW_MAJOR = 101, NO_TRANS = 111, TRANS = 112;

    private static final Holder HOLDER = Holder.load();

    private OpenBlas() {}

    private record Holder(MethodHandle sgemm, MethodHandle config, String library, String why) {
        static Holder load() {
            List<String> names = new ArrayList<>();
            String p = System.getProperty("trm.blas.lib");
            if (p != null) names.add(p);
            names.addAll(List.of("libopenblas.so.0", "libopenblas.so", "libcblas.so.3", "libblas.so.3"));
            Linker linker = Linker.nativeLinker();
            StringBuilder why = new StringBuilder();
            for (String name : names) {
                SymbolLookup lib;
                try {
                    lib = SymbolLookup.libraryLookup(name, Arena.global());
                } catch (IllegalArgumentException | IllegalCallerException e) {
                    why.append(name).append(": ").append(e.getMessage()).append("; ");
                    continue;
                }
                Optional<MemorySegment> f = lib.find("cblas_sgemm");
                if (f.isEmpty()) {
                    why.append(name).append(": no cblas_sgemm; ");
                    continue;
                }
                MethodHandle sgemm = linker.downcallHandle(f.get(), FunctionDescriptor.ofVoid(
                        JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT,
                        JAVA_FLOAT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, JAVA_FLOAT, ADDRESS, JAVA_INT));
                MethodHandle config = lib.find("openblas_get_config")
                        .map(s -> linker.downcallHandle(s, FunctionDescriptor.of(ADDRESS)))
                        .orElse(null);
                return new Holder(sgemm, config, name, null);
            }
            return new Holder(null, null, null, why.toString());
        }
    }

    /** Whether a cblas_sgemm was found. */
    public static boolean available() {
        return HOLDER.sgemm != null;
    }

    /** Why none was found (the libraries tried), or null when one was. */
    public static String unavailableReason() {
        return available() ? null : "no BLAS with cblas_sgemm found (" + HOLDER.why
                + "); install OpenBLAS (apt-get install libopenblas-dev) or set -Dtrm.blas.lib=PATH";
    }

    /** The library loaded and, for OpenBLAS, its build configuration (core, threads). */
    public static String describe() {
        if (!available()) return unavailableReason();
        String s = HOLDER.library;
        if (HOLDER.config != null) {
            try {
                MemorySegment c = (MemorySegment) HOLDER.config.invokeExact();
                s += " [" + c.reinterpret(1024).getString(0) + "]";
            } catch (Throwable ignored) {
                // description only
            }
        }
        return s;
    }

    /** C = alpha·op(A)·op(B) + beta·C, row-major; throws when no BLAS is available. */
    public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                             MemorySegment a, int lda, MemorySegment b, int ldb, float beta, MemorySegment c, int ldc) {
        if (!available()) throw new IllegalStateException(unavailableReason());
        try {
            HOLDER.sgemm.invokeExact(ROW_MAJOR, transA ? TRANS : NO_TRANS, transB ? TRANS : NO_TRANS,
                    m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
