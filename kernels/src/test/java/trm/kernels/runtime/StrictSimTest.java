package trm.kernels.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static trm.kernels.runtime.KernelArg.i32;
import static trm.kernels.runtime.KernelArg.ptr;

import java.lang.foreign.MemorySegment;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import trm.engine.TrmException;
import trm.kernels.runtime.SimRuntime.ThreadOrder;

/**
 * Each check of the strict simulator against a kernel that breaks it on purpose
 * (kernels/src/test/cuda/strict_test.cu): the check catches it with a one-line message naming the
 * kernel and the place, and the runtime stays usable afterwards.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(Devices.NeedsSim.class)
class StrictSimTest {
    private SimRuntime rt;

    @BeforeAll
    void open() { rt = SimRuntime.open(Devices.TEST, KernelSet.MAIN); }

    @AfterAll
    void close() { if (rt != null) rt.close(); }

    @AfterEach
    void defaultOrder() { rt.threadOrder(ThreadOrder.SHUFFLED, 1); }

    private int[] ints(long p, int n) {
        int[] a = new int[n];
        rt.copyToHost(p, MemorySegment.ofArray(a), 4L * n);
        return a;
    }

    private int wrongReads(String kernel, int threads) {
        long out = rt.alloc(4L * threads);
        rt.launch(Launch.of(kernel, Dim3.of(1), Dim3.of(threads), 0, ptr(out)));
        int[] o = ints(out, threads);
        rt.free(out);
        int wrong = o[0] == 99 ? 0 : 1;
        for (int t = 1; t < threads; t++) if (o[t] != t - 1 + 100) wrong++;
        return wrong;
    }

    @Test
    void aMissingBarrierShowsUnderReversedAndShuffledOrder() {
        rt.threadOrder(ThreadOrder.ASCENDING, 1);
        assertEquals(0, wrongReads("strict_race", 256), "the lenient order hides the race");
        rt.threadOrder(ThreadOrder.REVERSED, 1);
        assertEquals(255, wrongReads("strict_race", 256), "reversed: every thread but 0 reads the poison");
        rt.threadOrder(ThreadOrder.SHUFFLED, 5);
        int shuffled = wrongReads("strict_race", 256);
        assertTrue(shuffled > 50 && shuffled < 220, "shuffled: about half the reads are early, got " + shuffled);
    }

    @ParameterizedTest
    @EnumSource(ThreadOrder.class)
    void withTheBarrierEveryOrderIsRight(ThreadOrder order) {
        rt.threadOrder(order, 7);
        assertEquals(0, wrongReads("strict_race_fixed", 256));
    }

    @Test
    void shuffledOrderDependsOnTheSeedAndIsReproducible() {
        rt.threadOrder(ThreadOrder.SHUFFLED, 11);
        long out = rt.alloc(4L * 256);
        rt.launch(Launch.of("strict_race", Dim3.of(1), Dim3.of(256), 0, ptr(out)));
        int[] a = ints(out, 256);
        rt.threadOrder(ThreadOrder.SHUFFLED, 11);
        rt.launch(Launch.of("strict_race", Dim3.of(1), Dim3.of(256), 0, ptr(out)));
        int[] b = ints(out, 256);
        rt.threadOrder(ThreadOrder.SHUFFLED, 12);
        rt.launch(Launch.of("strict_race", Dim3.of(1), Dim3.of(256), 0, ptr(out)));
        int[] c = ints(out, 256);
        rt.free(out);
        assertEquals(java.util.Arrays.toString(a), java.util.Arrays.toString(b), "same seed, same order");
        assertNotEquals(java.util.Arrays.toString(a), java.util.Arrays.toString(c), "another seed, another order");
    }

    @Test
    void sharedMemoryIsPoisonedAtBlockStart() {
        int blocks = 40;
        long out = rt.alloc(4L * 3 * blocks);
        rt.launch(Launch.of("strict_stale_shared", Dim3.of(blocks), Dim3.of(32), 64, ptr(out)));
        int[] o = ints(out, 3 * blocks);
        rt.free(out);
        assertEquals(42, o[0], "block 0 wrote its static shared variable");
        for (int b = 0; b < blocks; b++) {
            if (b > 0) assertEquals(-1, o[3 * b], "block " + b + " reads static shared memory it never wrote: poison, not a stale 7 or 42");
            assertEquals(-1, o[3 * b + 1], "block " + b + " reads dynamic shared memory it never wrote: poison");
            assertEquals(7, o[3 * b + 2], "block " + b + " after writing");
        }
    }

    @Test
    void aBarrierReachedFromTwoLinesIsAnError() {
        long out = rt.alloc(4L * 64);
        TrmException e = assertThrows(TrmException.class,
                () -> rt.launch(Launch.of("strict_divergent_barrier", Dim3.of(1), Dim3.of(64), 0, ptr(out))));
        String m = e.getMessage();
        assertTrue(m.startsWith("sim: kernel strict_divergent_barrier: block (0,0,0) thread ("), m);
        assertTrue(m.matches(".*__syncthreads at strict_test\\.cu:\\d+, but thread \\(\\d+,0,0\\) waits at the one at strict_test\\.cu:\\d+.*"), m);
        assertTrue(m.contains("strict_test.cu:53") && m.contains("strict_test.cu:55"), "both lines named: " + m);
        usable(out);
    }

    @Test
    void aWarpCollectiveFromTwoCallsIsAnError() {
        long out = rt.alloc(4L * 32);
        TrmException e = assertThrows(TrmException.class,
                () -> rt.launch(Launch.of("strict_divergent_shuffle", Dim3.of(1), Dim3.of(32), 0, ptr(out))));
        String m = e.getMessage();
        assertTrue(m.startsWith("sim: kernel strict_divergent_shuffle: block (0,0,0) thread ("), m);
        assertTrue(m.contains("__shfl_sync at strict_test.cu:") && m.contains("waits in the one at strict_test.cu:"), m);
        assertTrue(m.contains("strict_test.cu:65") && m.contains("strict_test.cu:66"), "both lines named: " + m);
        usable(out);
    }

    @Test
    void aWritePastTheEndNamesTheArgumentAndOffset() {
        int n = 100;
        long out = rt.alloc(4L * n);
        TrmException e = assertThrows(TrmException.class, () -> rt.launch(
                Launch.of("strict_oob_write", Dim3.of(1), Dim3.of(128), 0, ptr(out), i32(0), i32(n), i32(1))));
        assertEquals("sim: kernel strict_oob_write: write out of bounds through argument 0 at byte offset 400 from it, "
                + "0 bytes past the end of its 400-byte allocation", e.getMessage());
        // in bounds: fine, and the guards were restored
        rt.launch(Launch.of("strict_oob_write", Dim3.of(1), Dim3.of(128), 0, ptr(out), i32(0), i32(n), i32(0)));
        rt.free(out);
    }

    @Test
    void aWriteBeforeTheStartAndAFarWriteAreCaught() {
        long a = rt.alloc(4L * 64), b = rt.alloc(4L * 64);
        TrmException before = assertThrows(TrmException.class, () -> rt.launch(
                Launch.of("strict_oob_write", Dim3.of(1), Dim3.of(32), 0, ptr(a), i32(-2), i32(8), i32(0))));
        assertEquals("sim: kernel strict_oob_write: write out of bounds through argument 0 at byte offset -8 from it, "
                + "8 bytes before the start of its 256-byte allocation", before.getMessage());
        // an argument pointing into the middle of its allocation: the offset is from the argument
        TrmException middle = assertThrows(TrmException.class, () -> rt.launch(
                Launch.of("strict_oob_write", Dim3.of(1), Dim3.of(64), 0, ptr(b + 4 * 32), i32(0), i32(32), i32(5))));
        assertTrue(middle.getMessage().contains("through argument 0 at byte offset 128 from it, 0 bytes past the end of its 256-byte allocation"),
                middle.getMessage());
        rt.free(a);
        rt.free(b);
    }

    @Test
    void tooLittleDynamicSharedMemoryIsAnError() {
        long in = rt.alloc(4L * 64), out = rt.alloc(4L * 64);
        rt.fill32(in, Float.floatToIntBits(1f), 64);
        TrmException e = assertThrows(TrmException.class, () -> rt.launch(
                Launch.of("test_dynamic_smem", Dim3.of(2), Dim3.of(32), 100, ptr(in), ptr(out), i32(64))));
        assertEquals("sim: kernel test_dynamic_smem: wrote dynamic shared memory at byte 100, but the launch passed only 100 bytes",
                e.getMessage());
        rt.launch(Launch.of("test_dynamic_smem", Dim3.of(2), Dim3.of(32), 128, ptr(in), ptr(out), i32(64)));
        rt.free(in);
        rt.free(out);
    }

    @Test
    void wmmaPointerAlignmentAndLdmFollowTheHardwareRules() {
        long a = rt.alloc(2L * 16 * 64), c = rt.alloc(4L * 256);
        rt.launch(Launch.of("strict_wmma_rules", Dim3.of(1), Dim3.of(32), 0, ptr(a), ptr(c), i32(16), i32(24)));  // 32 B, 48 B: fine
        TrmException align = assertThrows(TrmException.class, () -> rt.launch(
                Launch.of("strict_wmma_rules", Dim3.of(1), Dim3.of(32), 0, ptr(a), ptr(c), i32(8), i32(16))));
        assertTrue(align.getMessage().startsWith("sim: kernel strict_wmma_rules: block (0,0,0) thread ("), align.getMessage());
        assertTrue(align.getMessage().endsWith("is not 32-byte (256-bit) aligned"), align.getMessage());
        TrmException ldm = assertThrows(TrmException.class, () -> rt.launch(
                Launch.of("strict_wmma_rules", Dim3.of(1), Dim3.of(32), 0, ptr(a), ptr(c), i32(0), i32(12))));
        assertTrue(ldm.getMessage().endsWith("wmma::load_matrix_sync: ldm 12 is not a multiple of 16 bytes (8 elements of 2 bytes)"),
                ldm.getMessage());
        rt.free(a);
        rt.free(c);
    }

    @Test
    void badOrderPropertyIsOneLine() {
        TrmException e = assertThrows(TrmException.class, () -> ThreadOrder.parse("backwards"));
        assertEquals("trm.sim.order=backwards: expected ascending, reversed or shuffled", e.getMessage());
    }

    /** After a failed launch the runtime still runs kernels. */
    private void usable(long out) {
        rt.launch(Launch.of("trm_fill_u32", Dim3.of(1), Dim3.of(32), 0, ptr(out), i32(5), KernelArg.i64(32)));
        assertEquals(5, ints(out, 32)[31]);
        rt.free(out);
    }
}
