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
    }
}
