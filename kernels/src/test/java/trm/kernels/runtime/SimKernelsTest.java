package trm.kernels.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static trm.kernels.runtime.KernelArg.i32;
import static trm.kernels.runtime.KernelArg.i64;
import static trm.kernels.runtime.KernelArg.ptr;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import trm.engine.TrmException;

/** The kernel suite on the CPU simulator, plus what only the simulator can check. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(Devices.NeedsSim.class)
class SimKernelsTest extends KernelSuite {
    private SimRuntime rt;

    @BeforeAll
    void open() { rt = SimRuntime.open(TEST, KernelSet.MAIN); }

    @AfterAll
    void close() { if (rt != null) rt.close(); }

    @Override KernelRuntime rt() { return rt; }

    @Test
    void kernelTableMatchesTheLibrary() {
        var table = TEST.table().orElseThrow();
        assertTrue(rt.kernelNames().containsAll(table.keySet()), rt.kernelNames().toString());
        assertEquals("ppi", table.get("test_block_reduce"));
        assertEquals("pppiiiiff", table.get("test_wmma_gemm"));
        assertEquals("fppl", table.get("test_saxpy"));
        assertTrue(rt.kernelNames().contains("trm_fill_u32"));
    }

    @Test
    void mainKernelSetFill() {
        long p = rt.alloc(4L * 1000);
        rt.launch(Launch.of("trm_fill_u32", Dim3.of(3), Dim3.of(128), 0, ptr(p), i32(0xdeadbeef), i64(999)));
        int[] out = ints(p, 1000);
        for (int i = 0; i < 999; i++) assertEquals(0xdeadbeef, out[i]);
        assertEquals(-1, out[999], "fresh sim memory is 0xff bytes, and the fill stops at n");
        rt.free(p);
    }

    @Test
    void deadlockIsReportedNotHung() {
        long p = rt.alloc(64);
        TrmException e = assertThrows(TrmException.class, () -> rt.launch(Launch.of("test_deadlock", Dim3.of(1), Dim3.of(2), 0, ptr(p))));
        assertTrue(e.getMessage().contains("deadlock in block (0,0,0)"), e.getMessage());
        assertTrue(e.getMessage().contains("waits at __syncthreads"), e.getMessage());
        assertTrue(e.getMessage().contains("waits at __shfl_sync"), e.getMessage());
        rt.free(p);
    }

    @Test
    void trapNamesBlockAndThread() {
        long p = rt.alloc(4 * 8 * 8);
        TrmException e = assertThrows(TrmException.class, () -> rt.launch(Launch.of("test_trap", Dim3.of(8), Dim3.of(8), 0, ptr(p))));
        assertEquals("sim: kernel test_trap: block (3,0,0) thread (5,0,0): __trap() called", e.getMessage());
        // the runtime stays usable after a failed launch
        rt.launch(Launch.of("trm_fill_u32", Dim3.of(1), Dim3.of(64), 0, ptr(p), i32(7), i64(64)));
        assertEquals(7, ints(p, 64)[63]);
        rt.free(p);
    }

    @Test
    void tooMuchDynamicSharedMemory() {
        long p = rt.alloc(4096);
        TrmException e = assertThrows(TrmException.class, () -> rt.launch(
                Launch.of("test_dynamic_smem", Dim3.of(1), Dim3.of(32), 300 * 1024, ptr(p), ptr(p), i32(32))));
        assertTrue(e.getMessage().contains("dynamic shared memory"), e.getMessage());
        rt.free(p);
    }

    @Test
    void fastEnough() {
        int blocks = 400, n = blocks * 256;
        long in = rt.alloc(4L * n), out = rt.alloc(4L * blocks);
        rt.fill32(in, Float.floatToIntBits(1f), n);
        Launch l = Launch.of("test_block_reduce", Dim3.of(blocks), Dim3.of(256), 0, ptr(in), ptr(out), i32(n));
        rt.launch(l);  // warm-up: fiber stacks
        long t0 = System.nanoTime();
        rt.launch(l);
        double ms = (System.nanoTime() - t0) / 1e6;
        System.out.printf("sim: %d blocks x 256 threads, 9 barriers each: %.1f ms%n", blocks, ms);
        assertEquals(256f, floats(out, blocks)[blocks - 1]);
        assertTrue(ms < 3000, "took " + ms + " ms");  // typically ~100 ms; generous for a loaded CI machine
        rt.free(in);
        rt.free(out);
    }
}
