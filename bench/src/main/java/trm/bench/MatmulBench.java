package trm.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import trm.engine.cpu.Matmul;

/**
 * The cpu fp32 matmul ({@link Matmul}) against OpenBLAS's cblas_sgemm on the same products,
 * side by side: {@code ours} and {@code openblas} for each {@link MatmulShape}. Time per call
 * (ms/op); GFLOP/s = 2·M·N·K / time, which {@link MatmulTable} prints with the ratio.
 *
 * <p>{@code openblas} fails its setup with a message when no OpenBLAS is installed.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx4g"})
@State(Scope.Benchmark)
public class MatmulBench {
    @Param({
        "fwd:6208:512:3072", "fwd:6208:1536:512",
        "bwdIn:6208:512:3072", "bwdIn:6208:1536:512",
        "bwdW:6208:512:3072", "bwdW:6208:1536:512",
    })
    public String shape;

    static float[] random(long n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[Math.toIntExact(n)];
        for (int i = 0; i < a.length; i++) a[i] = (float) (r.nextDouble() * 2 - 1);
        return a;
    }

    /** Heap arrays for {@link Matmul}. */
    @State(Scope.Benchmark)
    public static class Ours {
        MatmulShape s;
        float[] x, y, z;

        @Setup(Level.Trial)
        public void setup(MatmulBench b) {
            s = MatmulShape.parse(b.shape);
            long[] n = s.sizes();
            x = random(n[0], 1);
            y = random(n[1], 2);
            z = random(n[2], 3);
        }
    }

    /** Native copies of the same data for cblas_sgemm. */
    @State(Scope.Benchmark)
    public static class Blas {
        MatmulShape s;
        Arena arena;
        MemorySegment x, y, z;

        @Setup(Level.Trial)
        public void setup(MatmulBench b) {
            if (!OpenBlas.available()) throw new IllegalStateException("skipping OpenBLAS: " + OpenBlas.unavailableReason());
            s = MatmulShape.parse(b.shape);
            long[] n = s.sizes();
            arena = Arena.ofShared();
            x = copy(random(n[0], 1));
            y = copy(random(n[1], 2));
            z = copy(random(n[2], 3));
        }

        private MemorySegment copy(float[] a) {
            MemorySegment m = arena.allocate(ValueLayout.JAVA_FLOAT, a.length);
            MemorySegment.copy(a, 0, m, ValueLayout.JAVA_FLOAT, 0, a.length);
            return m;
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            arena.close();
        }
    }

    @Benchmark
    public float[] ours(Ours o) {
        run(o.s, o.x, o.y, o.z);
        return o.z;
    }

    @Benchmark
    public MemorySegment openblas(Blas b) {
        run(b.s, b.x, b.y, b.z);
        return b.z;
    }

    /** One product by {@link Matmul}, no bias. */
    public static void run(MatmulShape s, float[] x, float[] y, float[] z) {
        int M = s.m(), K = s.k(), N = s.n();
        switch (s.op()) {
            case "fwd" -> Matmul.forward(z, 0, x, 0, y, 0, null, 0, M, K, N);
            case "bwdIn" -> Matmul.backwardInput(z, 0, x, 0, y, 0, M, K, N, false);
            default -> Matmul.backwardWeight(z, 0, null, 0, x, 0, y, 0, M, K, N);
        }
    }

    /** The same product by cblas_sgemm (row-major). */
    public static void run(MatmulShape s, MemorySegment x, MemorySegment y, MemorySegment z) {
        int M = s.m(), K = s.k(), N = s.n();
        switch (s.op()) {
            // out[M,N] = in[M,K] · w[N,K]ᵀ
            case "fwd" -> OpenBlas.sgemm(false, true, M, N, K, 1f, x, K, y, K, 0f, z, N);
            // dIn[M,K] = dOut[M,N] · w[N,K]
            case "bwdIn" -> OpenBlas.sgemm(false, false, M, K, N, 1f, x, N, y, K, 0f, z, K);
            // dW[N,K] += dOut[M,N]ᵀ · in[M,K]
            default -> OpenBlas.sgemm(true, false, N, K, M, 1f, x, N, y, K, 1f, z, K);
        }
    }
}
