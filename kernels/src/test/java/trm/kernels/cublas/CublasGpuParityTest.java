package trm.kernels.cublas;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static trm.kernels.cublas.Ref.check;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import trm.engine.cpu.Matmul;
import trm.kernels.runtime.CudaRuntime;
import trm.kernels.runtime.KernelRuntime;
import trm.kernels.runtime.KernelSet;
import trm.kernels.launch.Gemm;

/**
 * On a GPU with cuBLAS: Cublas.linearForward / backwardInput / backwardWeight against our WMMA
 * {@link Gemm} and against trm.engine.cpu.Matmul, fresh random inputs, outputs poisoned with NaN.
 * Bounds ‖a − b‖/‖b‖: bf16 paths (cuBLAS FAST_16BF, our Gemm) 2e-2; TF32 5e-3; plain fp32
 * (SGEMM, GemmEx COMPUTE_32F) against the cpu 1e-5. Skipped, with the reason, without both.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CublasGpuParityTest {
    private static final int NAN_BITS = 0x7fc00000;

    private CudaRuntime rt;
    private Cublas cublas;
    private final List<Long> allocations = new ArrayList<>();
    private final Random random = new Random(5);

    /** Why this class cannot run here, or null. */
    private String skip;

    @BeforeAll void open() {
        skip = CudaRuntime.unavailableReason(KernelSet.MAIN).map(w -> "cuda device unavailable: " + w)
                .or(() -> Cublas.unavailableReason().map(w -> "cuBLAS unavailable: " + w)).orElse(null);
        if (skip != null) {
            System.out.println("[cublas] gpu parity skipped: " + skip);
            return;
        }
        rt = CudaRuntime.open(0, KernelSet.MAIN);
        cublas = Cublas.open(rt);
        System.out.println("[cublas] " + cublas.libraryName() + " version " + cublas.version() + " on " + rt.deviceName());
    }

    @BeforeEach void needsGpuAndCublas() { Assumptions.assumeTrue(skip == null, () -> skip); }

    @AfterAll void close() {
        if (cublas != null) cublas.close();
        if (rt != null) {
            for (long p : allocations) rt.free(p);
            rt.close();
        }
    }

    private long upload(float[] a) {
        long p = alloc(a.length);
        rt.copyToDevice(MemorySegment.ofArray(a), p, 4L * a.length);
        return p;
    }

    private long alloc(long floats) {
        long p = rt.alloc(4L * Math.max(1, floats));
        allocations.add(p);
        return p;
    }

    private long poisoned(long floats) {
        long p = alloc(floats);
        rt.fill32(p, NAN_BITS, floats);
        return p;
    }

    private float[] download(long p, int n) {
        float[] a = new float[n];
        rt.synchronize();
        rt.copyToHost(p, MemorySegment.ofArray(a), 4L * n);
        return a;
    }

    private static double bound(Cublas.Precision p) {
        return switch (p) {
            case BF16 -> 2e-2;
            case TF32 -> 5e-3;
            case SGEMM, FP32 -> 1e-5;
        };
    }

    @Test void forward() {
        for (int[] s : Ref.SHAPES) {
            int M = s[0], K = s[1], N = s[2];
            float[] in = Ref.random(random, M * K, 1f), w = Ref.random(random, N * K, 0.2f), ref = new float[M * N];
            Matmul.forward(ref, 0, in, 0, w, 0, null, 0, M, K, N);
            long pIn = upload(in), pW = upload(w);
            long ours = poisoned((long) M * N);
            Gemm.forward(rt, ours, pIn, pW, 0, M, K, N, Gemm.Epilogue.none());
            float[] gemm = download(ours, M * N);
            for (Cublas.Precision p : Cublas.Precision.values()) {
                long out = poisoned((long) M * N);
                cublas.precision(p).linearForward(out, pIn, pW, M, K, N);
                float[] got = download(out, M * N);
                String tag = p + " " + M + "x" + K + "x" + N;
                check("gpu forward vs cpu " + tag, got, ref, bound(p));
                if (p == Cublas.Precision.BF16) check("gpu forward vs our Gemm " + tag, got, gemm, 2e-2);
            }
        }
    }

    @Test void backwardInput() {
        for (int[] s : Ref.SHAPES)
            for (boolean acc : new boolean[] {false, true}) {
                int M = s[0], K = s[1], N = s[2];
                float[] dOut = Ref.random(random, M * N, 1f), w = Ref.random(random, N * K, 0.2f);
                float[] old = Ref.random(random, M * K, 1f), ref = acc ? old.clone() : new float[M * K];
                Matmul.backwardInput(ref, 0, dOut, 0, w, 0, M, K, N, acc);
                long pDOut = upload(dOut), pW = upload(w);
                long ours = acc ? upload(old) : poisoned((long) M * K);
                Gemm.backwardInput(rt, ours, pDOut, pW, M, K, N, acc);
                float[] gemm = download(ours, M * K);
                for (Cublas.Precision p : Cublas.Precision.values()) {
                    long dIn = acc ? upload(old) : poisoned((long) M * K);
                    cublas.precision(p).backwardInput(dIn, pDOut, pW, M, K, N, acc);
                    float[] got = download(dIn, M * K);
                    String tag = p + (acc ? " acc " : " ") + M + "x" + K + "x" + N;
                    check("gpu backwardInput vs cpu " + tag, got, ref, bound(p));
                    if (p == Cublas.Precision.BF16) check("gpu backwardInput vs our Gemm " + tag, got, gemm, 2e-2);
                }
            }
    }

    @Test void backwardWeight() {
        for (int[] s : Ref.SHAPES) {
            int M = s[0], K = s[1], N = s[2];
            float[] dOut = Ref.random(random, M * N, 1f), in = Ref.random(random, M * K, 1f), old = Ref.random(random, N * K, 1f);
            float[] ref = old.clone();
            Matmul.backwardWeight(ref, 0, null, 0, dOut, 0, in, 0, M, K, N);
            long pDOut = upload(dOut), pIn = upload(in);
            long ours = upload(old);
            Gemm.backwardWeight(rt, ours, pDOut, pIn, M, K, N, 0, 1);
            float[] gemm = download(ours, N * K);
            for (Cublas.Precision p : Cublas.Precision.values()) {
                long dW = upload(old);
                cublas.precision(p).backwardWeight(dW, pDOut, pIn, M, K, N);
                float[] got = download(dW, N * K);
                String tag = p + " " + M + "x" + K + "x" + N;
                check("gpu backwardWeight vs cpu " + tag, got, ref, bound(p));
                if (p == Cublas.Precision.BF16) check("gpu backwardWeight vs our Gemm " + tag, got, gemm, 2e-2);
            }
        }
    }

    /** cuBLAS products are on the runtime's stream: one event pair times them, no host copies. */
    @Test void timedOnTheRuntimesStream() {
        int M = 768, K = 512, N = 1536;
        long in = upload(Ref.random(random, M * K, 1f)), w = upload(Ref.random(random, N * K, 0.1f)), out = alloc((long) M * N);
        long copies = rt.hostDeviceCopies();
        cublas.precision(Cublas.Precision.BF16).linearForward(out, in, w, M, K, N);   // warm-up
        KernelRuntime.Event t0 = rt.record();
        for (int i = 0; i < 10; i++) cublas.linearForward(out, in, w, M, K, N);
        KernelRuntime.Event t1 = rt.record();
        float ms = t1.millisSince(t0) / 10;
        System.out.printf("[cublas] BF16 forward %dx%dx%d: %.4f ms, %.1f TFLOP/s%n", M, K, N, ms, 2.0 * M * N * K / (ms * 1e9));
        assertTrue(ms > 0, "a positive time: the calls were enqueued on the runtime's stream");
        assertTrue(rt.hostDeviceCopies() == copies, "no host/device copies");
    }
}
