package trm.kernels;

import trm.kernels.runtime.Devices;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import trm.engine.Bf16;
import trm.engine.DType;
import trm.engine.Device;
import trm.engine.Tensor;
import trm.engine.TrmException;

/** The sim device itself: opening by name, zeroed allocations, poisoning, views, bf16, transfer counting. */
class KernelDeviceTest {

    @Test
    @ExtendWith(Devices.NeedsSim.class)
    void simOpensByNameThroughTheServiceLoader() {
        try (Device d = trm.engine.Devices.open("sim")) {
            assertInstanceOf(KernelDevice.class, d);
            assertEquals("sim", d.name());
        }
    }

    @Test
    void cudaOpensByNameOrSaysWhyInOneLine() {
        if (Devices.cudaProblem().isPresent()) {
            TrmException e = assertThrows(TrmException.class, () -> trm.engine.Devices.open("cuda"));
            assertTrue(e.getMessage().startsWith("cuda device unavailable: "), e.getMessage());
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
        } else {
            try (Device d = trm.engine.Devices.open("cuda")) {
                assertEquals("cuda", d.name());
            }
        }
    }

    @Test
    @ExtendWith(Devices.NeedsSim.class)
    void allocateZeroesPoisonMarksViewsAndCopiesAreCounted() {
        try (KernelDevice d = KernelDevice.sim()) {
            long t0 = d.transfers();
            Tensor f = d.allocate(DType.F32, 3, 5), i = d.allocate(DType.I32, 7);
            Tensor b = d.allocate(DType.BF16, 5);
            d.ops().fill(f.slice(5, 5), 2f);
            d.poison(i.slice(6, 1));
            assertEquals(t0, d.transfers(), "allocation, fills and poisoning copy nothing");
            assertArrayEquals(new float[] {0, 0, 0, 0, 0, 2, 2, 2, 2, 2, 0, 0, 0, 0, 0}, d.toFloats(f));
            assertArrayEquals(new int[] {0, 0, 0, 0, 0, 0, -1}, d.toInts(i));
            assertEquals(t0 + 2, d.transfers());
            d.upload(f.get(2), new float[] {1, 2, 3, 4, 5});
            assertArrayEquals(new float[] {2, 3}, d.toFloats(f.slice(11, 2)));
            float[] x = {1.001f, -3f, 1e-3f, 7.77f, 0f};
            d.upload(b, x);
            float[] back = d.toFloats(b);
            for (int k = 0; k < x.length; k++) assertEquals(Bf16.round(x[k]), back[k]);
            d.poison(b.slice(1, 1));
            assertTrue(Float.isNaN(d.toFloats(b)[1]) && d.toFloats(b)[2] == Bf16.round(1e-3f), "bf16 poison is per element");
            assertThrows(IllegalArgumentException.class, () -> d.upload(f, new float[3]));
            assertThrows(IllegalArgumentException.class, () -> d.upload(i, new float[7]));
        }
    }
}
