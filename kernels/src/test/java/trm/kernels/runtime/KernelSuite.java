package trm.kernels.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static trm.kernels.runtime.KernelArg.f32;
import static trm.kernels.runtime.KernelArg.i32;
import static trm.kernels.runtime.KernelArg.i64;
import static trm.kernels.runtime.KernelArg.ptr;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;

import org.junit.jupiter.api.Test;

import trm.engine.TrmException;

/**
 * The test kernels (kernels/src/test/cuda) with exact expected results, on any runtime: the
 * simulator always, a GPU when there is one. Subclasses provide the runtime.
 */
abstract class KernelSuite {
    static final KernelSet TEST = Devices.TEST;

    abstract KernelRuntime rt();

    // ---------------------------------------------------------------------------------------------
    long upload(float[] a) {
        long p = rt().alloc(4L * a.length);
        rt().copyToDevice(MemorySegment.ofArray(a), p, 4L * a.length);
        return p;
    }

    long upload(int[] a) {
        long p = rt().alloc(4L * a.length);
        rt().copyToDevice(MemorySegment.ofArray(a), p, 4L * a.length);
        return p;
    }

    long upload(short[] a) {
        long p = rt().alloc(2L * a.length);
        rt().copyToDevice(MemorySegment.ofArray(a), p, 2L * a.length);
        return p;
    }

    float[] floats(long p, int n) {
        float[] a = new float[n];
        rt().copyToHost(p, MemorySegment.ofArray(a), 4L * n);
        return a;
    }

    int[] ints(long p, int n) {
        int[] a = new int[n];
        rt().copyToHost(p, MemorySegment.ofArray(a), 4L * n);
        return a;
    }

    short[] shorts(long p, int n) {
        short[] a = new short[n];
        rt().copyToHost(p, MemorySegment.ofArray(a), 2L * n);
        return a;
    }

    /** Java reference: float to bf16 bits, round to nearest even, NaN to 0x7fff. */
    static short bf16(float f) {
        int u = Float.floatToRawIntBits(f);
        if ((u & 0x7fffffff) > 0x7f800000) return (short) 0x7fff;
        u += 0x7fff + ((u >>> 16) & 1);
        return (short) (u >>> 16);
    }

    static float bf16ToFloat(short b) { return Float.intBitsToFloat((b & 0xffff) << 16); }

    // ---------------------------------------------------------------------------------------------
    @Test
    void blockReduceWithSharedMemoryAndSyncthreads() {
        int blocks = 300, n = blocks * 256 - 100;  // last block partly out of range
        float[] in = new float[n];
        Random r = new Random(1);
        for (int i = 0; i < n; i++) in[i] = r.nextInt(2001) - 1000;  // small integers: sums are exact
        long dIn = upload(in), dOut = rt().alloc(4L * blocks);
        rt().launch(Launch.of("test_block_reduce", Dim3.of(blocks), Dim3.of(256), 0, ptr(dIn), ptr(dOut), i32(n)));
        float[] out = floats(dOut, blocks);
        for (int b = 0; b < blocks; b++) {
            float s = 0;
            for (int i = b * 256; i < Math.min(n, (b + 1) * 256); i++) s += in[i];
            assertEquals(s, out[b], "block " + b);
        }
    }

    @Test
    void warpShuffles() {
        int blocks = 3, threads = 96, n = blocks * threads;
        int[] in = new int[n];
        Random r = new Random(2);
        for (int i = 0; i < n; i++) in[i] = r.nextInt(1000) - 500;
        long dIn = upload(in), dOut = rt().alloc(4L * 8 * n);
        rt().launch(Launch.of("test_warp_shuffles", Dim3.of(blocks), Dim3.of(threads), 0, ptr(dIn), ptr(dOut)));
        int[] out = ints(dOut, 8 * n);
        for (int t = 0; t < n; t++) {
            int lane = t % 32, w0 = t - lane;
            int warpSum = 0;
            for (int l = 0; l < 32; l++) warpSum += in[w0 + l];
            if (lane == 0) assertEquals(warpSum, out[8 * t], "shfl_down sum, thread " + t);
            assertEquals(warpSum, out[8 * t + 1], "shfl_xor sum, thread " + t);
            int prefix = 0;
            for (int l = 0; l <= lane; l++) prefix += in[w0 + l];
            assertEquals(prefix, out[8 * t + 2], "shfl_up scan, thread " + t);
            assertEquals(in[w0 + 5], out[8 * t + 3], "shfl broadcast, thread " + t);
            assertEquals(in[w0 + (lane + 1) % 32], out[8 * t + 4], "shfl rotate, thread " + t);
            int seg0 = w0 + lane / 8 * 8, seg = 0;
            for (int l = 0; l < 8; l++) seg += in[seg0 + l];
            assertEquals(seg, out[8 * t + 5], "shfl_xor width 8, thread " + t);
            int down = lane % 16 + 3 < 16 ? in[t + 3] : in[t];  // beyond the 16-lane segment: own value
            assertEquals(down, out[8 * t + 6], "shfl_down width 16, thread " + t);
            assertEquals(warpSum, out[8 * t + 7], "__reduce_add_sync, thread " + t);
        }
    }

    @Test
    void ballotAnyAll() {
        int warps = 4, n = warps * 32;
        int[] pred = new int[n];
        Random r = new Random(3);
        for (int i = 0; i < 32; i++) pred[i] = r.nextInt(2) * (1 + r.nextInt(5));  // mixed, non-0/1 truthy values
        for (int i = 32; i < 64; i++) pred[i] = 1;                                  // all true
        for (int i = 64; i < 96; i++) pred[i] = 0;                                  // all false
        pred[96 + 17] = 1;                                                           // exactly one
        long dPred = upload(pred), dOut = rt().alloc(4L * 4 * n);
        rt().launch(Launch.of("test_votes", Dim3.of(2), Dim3.of(64), 0, ptr(dPred), ptr(dOut)));
        int[] out = ints(dOut, 4 * n);
        for (int t = 0; t < n; t++) {
            int w0 = t - t % 32, ballot = 0, low = 0;
            for (int l = 0; l < 32; l++) if (pred[w0 + l] != 0) ballot |= 1 << l;
            low = ballot & 0xffff;
            assertEquals(ballot, out[4 * t], "ballot, thread " + t);
            assertEquals(ballot != 0 ? 1 : 0, out[4 * t + 1], "any, thread " + t);
            assertEquals(ballot == -1 ? 1 : 0, out[4 * t + 2], "all, thread " + t);
            assertEquals(t % 32 < 16 ? low : -1, out[4 * t + 3], "half-warp ballot, thread " + t);
        }
    }

    @Test
    void atomicsAcrossBlocksInAGridStrideLoop() {
        int n = 100_003;
        float[] in = new float[n];
        Random r = new Random(4);
        float sum = 0;
        int max = Integer.MIN_VALUE;
        for (int i = 0; i < n; i++) {
            in[i] = r.nextInt(100);  // exact float sums (< 2^24) in any order
            sum += in[i];
            max = Math.max(max, (int) in[i]);
        }
        long dIn = upload(in);
        long dSum = upload(new float[] {0f}), dCount = upload(new int[] {0}), dMax = upload(new int[] {Integer.MIN_VALUE});
        long dSlots = upload(new int[64]);
        rt().launch(Launch.of("test_atomics", Dim3.of(37), Dim3.of(128), 0, ptr(dIn), ptr(dSum), ptr(dCount), ptr(dMax), ptr(dSlots), i32(n)));
        assertEquals(sum, floats(dSum, 1)[0]);
        assertEquals(n, ints(dCount, 1)[0]);
        assertEquals(max, ints(dMax, 1)[0]);
        int[] slots = ints(dSlots, 64);
        for (int s = 0; s < 64; s++) {
            int claimedBy = slots[s] - 1;  // exactly one i with i % 64 == s won the CAS
            assertTrue(claimedBy >= 0 && claimedBy < n && claimedBy % 64 == s, "slot " + s + " = " + slots[s]);
        }
    }

    @Test
    void dynamicSharedMemoryAndSyncthreadsCount() {
        int threads = 96, blocks = 5, n = threads * blocks - 17;
        float[] in = new float[n];
        Random r = new Random(5);
        for (int i = 0; i < n; i++) in[i] = r.nextInt(21) - 10;
        long dIn = upload(in), dOut = rt().alloc(4L * n);
        rt().launch(Launch.of("test_dynamic_smem", Dim3.of(blocks), Dim3.of(threads), 4 * threads, ptr(dIn), ptr(dOut), i32(n)));
        float[] out = floats(dOut, n);
        for (int b = 0; b < blocks; b++) {
            int base = b * threads, positive = 0;
            for (int t = 0; t < threads; t++) if (base + t < n && in[base + t] > 0) positive++;
            for (int t = 0; t < threads; t++) {
                int j = base + threads - 1 - t;
                if (j >= n) continue;
                float v = base + t < n ? in[base + t] : 0f;
                assertEquals(v + positive, out[j], "out[" + j + "]");
            }
        }
    }

    @Test
    void bf16RoundToNearestEvenOnKnownBitPatterns() {
        int[] bits = {
            0x3f800000, // 1.0 -> 0x3f80
            0x3f808000, // halfway, even below -> 0x3f80
            0x3f818000, // halfway, odd below -> up to 0x3f82
            0x3f808001, // just above halfway -> 0x3f81
            0x3f807fff, // just below halfway -> 0x3f80
            0xbf818000, // negative halfway, odd -> 0xbf82
            0x7f7fffff, // max float -> rounds to +inf 0x7f80
            0x7f800000, // +inf
            0xff800000, // -inf
            0x7fc00000, // NaN -> canonical 0x7fff
            0x7f800001, // signalling NaN -> 0x7fff
            0x80000000, // -0
            0x00000001, // smallest subnormal -> +0
            0x00018000, // subnormal halfway, odd -> 0x0002
            0x00008000, // subnormal halfway, even -> 0x0000
            0x3f7fffff, // just below 1 -> 0x3f80
        };
        int[] expect = {0x3f80, 0x3f80, 0x3f82, 0x3f81, 0x3f80, 0xbf82, 0x7f80, 0x7f80, 0xff80, 0x7fff, 0x7fff, 0x8000, 0x0000, 0x0002, 0x0000, 0x3f80};
        int n = bits.length + 1000;
        float[] in = new float[n];
        for (int i = 0; i < bits.length; i++) in[i] = Float.intBitsToFloat(bits[i]);
        Random r = new Random(6);
        for (int i = bits.length; i < n; i++) in[i] = Float.intBitsToFloat(r.nextInt());
        long dIn = upload(in), dBits = rt().alloc(2L * n), dBack = rt().alloc(4L * n);
        rt().launch(Launch.of("test_bf16_convert", Dim3.of((n + 127) / 128), Dim3.of(128), 0, ptr(dIn), ptr(dBits), ptr(dBack), i32(n)));
        short[] got = shorts(dBits, n);
        float[] back = floats(dBack, n);
        for (int i = 0; i < bits.length; i++)
            assertEquals(expect[i], got[i] & 0xffff, String.format("bf16(0x%08x)", bits[i]));
        for (int i = 0; i < n; i++) {
            assertEquals(bf16(in[i]), got[i], String.format("bf16(0x%08x)", Float.floatToRawIntBits(in[i])));
            assertEquals(Float.floatToRawIntBits(bf16ToFloat(got[i])), Float.floatToRawIntBits(back[i]), "back " + i);
        }
    }

    @Test
    void wmmaBf16GemmRowMajorB() { wmmaGemm(false); }

    @Test
    void wmmaBf16GemmColMajorB() { wmmaGemm(true); }

    private void wmmaGemm(boolean bColMajor) {
        int M = 32, N = 48, K = 64;
        float alpha = 1.5f, beta = -0.5f;
        Random r = new Random(bColMajor ? 8 : 7);
        short[] a = new short[M * K], b = new short[K * N];
        float[] c = new float[M * N];
        for (int i = 0; i < a.length; i++) a[i] = bf16((float) r.nextGaussian());
        for (int i = 0; i < b.length; i++) b[i] = bf16((float) r.nextGaussian());
        for (int i = 0; i < c.length; i++) c[i] = (float) r.nextGaussian();
        // B(k, n) from storage: row-major K x N, or column-major (element (k, n) at n * K + k)
        long dA = upload(a), dB = upload(b), dC = upload(c);
        int warps = (M / 16) * (N / 16);
        rt().launch(Launch.of("test_wmma_gemm", Dim3.of((warps + 1) / 2), Dim3.of(64), 0, ptr(dA), ptr(dB), ptr(dC),
                i32(M), i32(N), i32(K), i32(bColMajor ? 1 : 0), f32(alpha), f32(beta)));
        float[] out = floats(dC, M * N);
        double num = 0, den = 0;
        for (int m = 0; m < M; m++)
            for (int n = 0; n < N; n++) {
                double s = 0;
                for (int k = 0; k < K; k++) {
                    short bk = bColMajor ? b[n * K + k] : b[k * N + n];
                    s += (double) bf16ToFloat(a[m * K + k]) * bf16ToFloat(bk);
                }
                double ref = alpha * s + beta * c[m * N + n];
                num += (out[m * N + n] - ref) * (out[m * N + n] - ref);
                den += ref * ref;
            }
        double rel = Math.sqrt(num / den);
        assertTrue(rel < 1e-5, "relative error " + rel);
    }

    @Test
    void gridStrideSaxpyWith64BitCount() {
        int n = 1_000_003;
        float a = 0.75f;
        float[] x = new float[n], y = new float[n];
        Random r = new Random(9);
        for (int i = 0; i < n; i++) { x[i] = r.nextFloat() - 0.5f; y[i] = r.nextFloat(); }
        long dX = upload(x), dY = upload(y);
        rt().launch(Launch.of("test_saxpy", Dim3.of(64), Dim3.of(256), 0, f32(a), ptr(dX), ptr(dY), i64(n)));
        float[] out = floats(dY, n);
        for (int i = 0; i < n; i++) {
            float plain = a * x[i] + y[i], fused = Math.fma(a, x[i], y[i]);  // nvcc contracts to FMA, g++ need not
            if (out[i] != plain && out[i] != fused) assertEquals(plain, out[i], "y[" + i + "]");
        }
    }

    @Test
    void threeDimensionalGridsAndBlocks() {
        Dim3 grid = Dim3.of(3, 2, 2), block = Dim3.of(4, 3, 2);
        int total = (int) (grid.count() * block.count());
        long dOut = rt().alloc(4L * total);
        rt().launch(Launch.of("test_indices", grid, block, 0, ptr(dOut)));
        int[] out = ints(dOut, total);
        int[] expect = new int[total];
        for (int bz = 0; bz < 2; bz++) for (int by = 0; by < 2; by++) for (int bx = 0; bx < 3; bx++)
            for (int tz = 0; tz < 2; tz++) for (int ty = 0; ty < 3; ty++) for (int tx = 0; tx < 4; tx++) {
                int bid = bx + 3 * (by + 2 * bz), tid = tx + 4 * (ty + 3 * tz);
                expect[bid * 24 + tid] = bx * 1000000 + by * 100000 + bz * 10000 + tx * 100 + ty * 10 + tz;
            }
        assertArrayEquals(expect, out);
    }

    @Test
    void blockSizeNotAMultipleOf32() {
        int threads = 48, blocks = 3, n = threads * blocks;
        long dOut = rt().alloc(4L * 4 * n);
        rt().launch(Launch.of("test_odd_block", Dim3.of(blocks), Dim3.of(threads), 0, ptr(dOut)));
        int[] out = ints(dOut, 4 * n);
        for (int g = 0; g < n; g++) {
            int t = g % threads;
            assertEquals(g, out[4 * g], "global id");
            assertEquals(t < 32 ? 0x55555555 : 0x00005555, out[4 * g + 1], "ballot of warp " + t / 32 + ", thread " + g);
            assertEquals(t < 32 ? 16 : 8, out[4 * g + 2], "popc, thread " + g);
            assertEquals(threads * (threads - 1) / 2, out[4 * g + 3], "block total, thread " + g);
        }
    }

    @Test
    void copiesAreCountedAndLaunchesAreNot() {
        long before = rt().hostDeviceCopies();
        long p = rt().alloc(4096);
        rt().fill32(p, 0x3f800000, 1024);  // 1.0f
        rt().copyDeviceToDevice(p, p + 2048, 1024);
        rt().launch(Launch.of("test_saxpy", Dim3.of(2), Dim3.of(128), 0, f32(2f), ptr(p), ptr(p + 2048), i64(256)));
        assertEquals(before, rt().hostDeviceCopies(), "fill, device copy and launch are not host copies");
        MemorySegment pinned = rt().allocHost(4096);
        rt().copyToHost(p, pinned, 4096);
        rt().synchronize();
        assertEquals(before + 1, rt().hostDeviceCopies());
        assertEquals(1.0f, pinned.getAtIndex(ValueLayout.JAVA_FLOAT, 0));
        assertEquals(3.0f, pinned.getAtIndex(ValueLayout.JAVA_FLOAT, 512));  // 2 * 1 + 1
        assertEquals(1.0f, pinned.getAtIndex(ValueLayout.JAVA_FLOAT, 800));  // y beyond n untouched
        rt().copyToDevice(pinned, p, 4096);
        rt().synchronize();
        assertEquals(before + 2, rt().hostDeviceCopies());
        rt().freeHost(pinned);
        rt().free(p);
    }

    @Test
    void launchesAreCountedOncePerAcceptedLaunchAndNothingElse() {
        long p = rt().alloc(4096);
        long before = rt().launches();
        rt().fill32(p, 0x3f800000, 1024);
        rt().copyDeviceToDevice(p, p + 2048, 1024);
        rt().copyToHost(p, MemorySegment.ofArray(new float[16]), 64);
        assertEquals(before, rt().launches(), "fills and copies are not kernel launches");
        for (int i = 0; i < 3; i++)
            rt().launch(Launch.of("test_saxpy", Dim3.of(2), Dim3.of(128), 0, f32(2f), ptr(p), ptr(p + 2048), i64(256)));
        assertEquals(before + 3, rt().launches());
        assertThrows(TrmException.class, () -> rt().launch(Launch.of("test_no_such_kernel", Dim3.of(1), Dim3.of(32), 0, ptr(p))));
        assertThrows(TrmException.class, () -> rt().launch(Launch.of("test_saxpy", Dim3.of(1), Dim3.of(2048), 0, f32(2f), ptr(p), ptr(p), i64(1))));
        assertEquals(before + 3, rt().launches(), "refused launches are not counted");
        rt().free(p);
    }

    @Test
    void aCapturedGraphReplaysItsLaunchesFillsAndCopiesInOrder() {
        int n = 256;
        float[] xs = new float[n];
        for (int i = 0; i < n; i++) xs[i] = i * 0.5f - 7;
        long x = upload(xs), y = upload(new float[n]), z = upload(new float[n]);
        rt().fill32(y, Float.floatToRawIntBits(9f), n);
        rt().fill32(z, Float.floatToRawIntBits(9f), n);
        long launches = rt().launches(), graphs = rt().graphLaunches();
        rt().beginCapture();
        assertTrue(rt().capturing());
        rt().fill32(y, Float.floatToRawIntBits(1f), n);                                                   // y = 1
        rt().launch(Launch.of("test_saxpy", Dim3.of(2), Dim3.of(64), 0, f32(2f), ptr(x), ptr(y), i64(n)));  // y = 2x + 1
        rt().copyDeviceToDevice(y, z, 4L * n);                                                            // z = y
        rt().launch(Launch.of("test_saxpy", Dim3.of(1), Dim3.of(96), 0, f32(3f), ptr(x), ptr(z), i64(n)));  // z = 5x + 1
        KernelRuntime.Graph g = rt().endCapture();
        assertTrue(!rt().capturing());
        assertEquals(2, g.kernels(), "kernel launches in the graph");
        assertEquals(launches, rt().launches(), "captured launches are not launches");
        assertEquals(9f, floats(z, n)[n - 1], "capturing ran the work");
        for (int round = 0; round < 2; round++) {
            if (round == 1) {  // fresh input in the same buffer: the replay reads it
                for (int i = 0; i < n; i++) xs[i] = 3 - i * 0.25f;
                rt().copyToDevice(MemorySegment.ofArray(xs), x, 4L * n);
            }
            rt().launchGraph(g);
            float[] ys = floats(y, n), zs = floats(z, n);
            for (int i = 0; i < n; i++) {
                assertEquals(2 * xs[i] + 1, ys[i], "y[" + i + "] in round " + round);
                assertEquals(3 * xs[i] + (2 * xs[i] + 1), zs[i], "z[" + i + "] in round " + round);
            }
        }
        assertEquals(graphs + 2, rt().graphLaunches());
        assertEquals(launches, rt().launches(), "a replay adds graph launches, not kernel launches");
        g.close();
        g.close();  // idempotent
        TrmException e = assertThrows(TrmException.class, () -> rt().launchGraph(g));
        assertTrue(e.getMessage().contains("already closed"), e.getMessage());
        rt().free(x);
        rt().free(y);
        rt().free(z);
    }

    @Test
    void aCaptureRefusesHostWorkAndCanBeAbandoned() {
        long p = rt().alloc(1024);
        TrmException e = assertThrows(TrmException.class, rt()::endCapture);
        assertTrue(e.getMessage().contains("endCapture without beginCapture"), e.getMessage());
        rt().beginCapture();
        try {
            for (org.junit.jupiter.api.function.Executable refused : new org.junit.jupiter.api.function.Executable[] {
                    () -> rt().alloc(64),
                    () -> rt().copyToDevice(MemorySegment.ofArray(new int[4]), p, 16),
                    () -> rt().copyToHost(p, MemorySegment.ofArray(new int[4]), 16),
                    rt()::synchronize}) {
                e = assertThrows(TrmException.class, refused);
                assertTrue(e.getMessage().contains("during a graph capture"), e.getMessage());
            }
            e = assertThrows(TrmException.class, rt()::beginCapture);
            assertTrue(e.getMessage().contains("captures do not nest"), e.getMessage());
            rt().fill32(p, 1, 256);  // recorded, then dropped
        } finally {
            rt().abortCapture();
        }
        assertTrue(!rt().capturing());
        rt().fill32(p, 5, 256);  // the runtime works as before
        rt().synchronize();
        int[] all = ints(p, 256);
        for (int v : all) assertEquals(5, v);
        rt().free(p);
    }

    @Test
    void unknownKernelAndWrongArgumentsAreClearErrors() {
        long p = rt().alloc(1024);
        TrmException e = assertThrows(TrmException.class,
                () -> rt().launch(Launch.of("test_no_such_kernel", Dim3.of(1), Dim3.of(32), 0, ptr(p))));
        assertTrue(e.getMessage().contains("unknown kernel 'test_no_such_kernel'"), e.getMessage());
        e = assertThrows(TrmException.class,
                () -> rt().launch(Launch.of("test_block_reduce", Dim3.of(1), Dim3.of(256), 0, ptr(p), ptr(p))));
        assertTrue(e.getMessage().contains("takes 3 arguments (ppi), the launch passes 2 (pp)"), e.getMessage());
        e = assertThrows(TrmException.class,
                () -> rt().launch(Launch.of("test_block_reduce", Dim3.of(1), Dim3.of(256), 0, ptr(p), ptr(p), f32(1f))));
        assertTrue(e.getMessage().contains("argument 2 is a 32-bit int (i), the launch passes a float (f)"), e.getMessage());
        e = assertThrows(TrmException.class,
                () -> rt().launch(Launch.of("test_block_reduce", Dim3.of(1), Dim3.of(1025), 0, ptr(p), ptr(p), i32(1))));
        assertTrue(e.getMessage().contains("at most 1024 threads per block"), e.getMessage());
        e = assertThrows(TrmException.class,
                () -> rt().launch(Launch.of("test_block_reduce", Dim3.of(1), Dim3.of(256), 0, ptr(p), ptr(12345), i32(1))));
        assertTrue(e.getMessage().contains("is not in any device allocation"), e.getMessage());
        e = assertThrows(TrmException.class, () -> rt().copyToHost(p + 512, MemorySegment.ofArray(new byte[1024]), 1024));
        assertTrue(e.getMessage().contains("is not inside one allocation"), e.getMessage());
        for (TrmException x : new TrmException[] {e}) assertTrue(!x.getMessage().contains("\n"));
        rt().free(p);
    }
}
