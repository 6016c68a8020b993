package trm.kernels.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import trm.engine.TrmException;

/** Opening cuda either works or fails with one clean line; the fatbin is a fatbin when nvcc ran. */
class CudaAvailabilityTest {

    @Test
    void openingCudaWorksOrSaysWhyInOneLine() {
        Optional<String> why = CudaRuntime.unavailableReason(KernelSet.MAIN);
        if (why.isPresent()) {
            TrmException e = assertThrows(TrmException.class, () -> CudaRuntime.open(0, KernelSet.MAIN));
            System.out.println("cuda: " + e.getMessage());
            assertTrue(e.getMessage().startsWith("cuda device unavailable: "), e.getMessage());
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
            assertTrue(e.getMessage().length() < 200, e.getMessage());
            assertEquals(e.getMessage(), assertThrows(TrmException.class, () -> KernelRuntime.cuda(0, KernelSet.MAIN)).getMessage(),
                    "same answer the second time (no half-initialised JCuda)");
        } else {
            try (CudaRuntime rt = CudaRuntime.open(0, KernelSet.MAIN)) {
                assertFalse(rt.deviceName().isEmpty());
                assertTrue(rt.kernelNames().contains("trm_fill_u32"));
            }
            TrmException e = assertThrows(TrmException.class, () -> CudaRuntime.open(99, KernelSet.MAIN));
            assertTrue(e.getMessage().startsWith("cuda device unavailable: device 99 requested"), e.getMessage());
        }
    }

    @Test
    void fatbinIsAFatbinWhenBuilt() {
        KernelSet s = KernelSet.MAIN;
        if (s.resource(s.fatbinResource()).isEmpty()) {
            System.out.println("no fatbin: " + s.fatbinMissingReason());
            assertTrue(s.resource("trm/kernels/" + s.name() + ".fatbin.missing").isPresent(), "a missing fatbin comes with a note");
            return;
        }
        byte[] f = s.readResource(s.fatbinResource());
        assertEquals(0xba55ed50, ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN).getInt(0), "fatbin magic");
        int built = s.fatbinCudaVersion().orElseThrow(() -> new AssertionError("a fatbin comes with the CUDA version that built it"));
        assertTrue(built >= 11000 && built % 10 == 0, "CUDA version " + built);
    }

    @Test
    void anOldDriverIsRefusedNamingBothVersions() {
        assertEquals(Optional.empty(), CudaRuntime.driverTooOld(13000, 13000));
        assertEquals(Optional.empty(), CudaRuntime.driverTooOld(13010, 12080));
        String why = CudaRuntime.driverTooOld(12080, 13000).orElseThrow();
        assertEquals("the NVIDIA driver supports CUDA 12.8, the kernels were built by nvcc 13.0 and need a driver for CUDA 13.0 or newer", why);
        assertEquals("12.4", CudaRuntime.version(12040));
    }

    @Test
    void eventsAreClosable() {
        if (CudaRuntime.unavailableReason(KernelSet.MAIN).isPresent()) {
            try (KernelRuntime rt = KernelRuntime.sim(KernelSet.MAIN); KernelRuntime.Event a = rt.record(); KernelRuntime.Event b = rt.record()) {
                assertTrue(b.millisSince(a) >= 0);
            }
            return;
        }
        try (CudaRuntime rt = CudaRuntime.open(0, KernelSet.MAIN)) {
            KernelRuntime.Event a = rt.record(), b = rt.record();
            assertTrue(b.millisSince(a) >= 0);
            a.close();
            a.close(); // idempotent
            // b is left open: the runtime's close destroys it
        }
    }
}
