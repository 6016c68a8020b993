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

    /**
     * The ops answer every sizing question as {@link KernelScratchSizes} does (what the memory
     * model and {@code trm info --device cuda} use): a method KernelOps forgets to delegate would
     * fall back to the cpu's answer, so a workspace on the device would differ from the one the
     * memory model counts.
     */
    @Test
    void theOpsSizeBuffersAsKernelScratchSizes() {
        for (java.lang.reflect.Method m : trm.engine.ScratchSizes.class.getMethods()) {
            if (java.lang.reflect.Modifier.isStatic(m.getModifiers())) continue;
            try {
                assertEquals(KernelOps.class, KernelOps.class.getMethod(m.getName(), m.getParameterTypes()).getDeclaringClass(),
                        "KernelOps does not answer ScratchSizes." + m.getName() + " itself");
                assertEquals(KernelScratchSizes.class, KernelScratchSizes.class.getMethod(m.getName(), m.getParameterTypes()).getDeclaringClass(),
                        "KernelScratchSizes does not answer ScratchSizes." + m.getName());
            } catch (NoSuchMethodException e) {
                throw new AssertionError(e);
            }
        }
        var shape = new trm.engine.ScratchSizes.StepShape(768, 97, 512, 1536, 0, 8, 11, false, true);
        assertTrue(KernelScratchSizes.INSTANCE.stepScratch(shape) >= 768L * 8 * 97, "at least the attention rows [B, H, L]");
    }

    /** A graph capture refuses host work inside it, and a failed capture leaves the device eager-usable. */
    @Test
    @ExtendWith(Devices.NeedsSim.class)
    void aCaptureThatUploadsIsRefusedAndTheDeviceStillWorks() {
        try (KernelDevice d = KernelDevice.sim().graphs(true)) {
            Tensor t = d.allocate(DType.F32, 4);
            TrmException e = assertThrows(TrmException.class, () -> d.capture(() -> d.upload(t, new float[] {1, 2, 3, 4})));
            assertTrue(e.getMessage().contains("copyToDevice during a graph capture"), e.getMessage());
            assertFalse(d.runtime().capturing());
            var g = d.capture(() -> d.ops().fill(t, 3f)).orElseThrow();
            assertArrayEquals(new float[] {0, 0, 0, 0}, d.toFloats(t), "recording runs nothing");
            g.replay();
            assertArrayEquals(new float[] {3, 3, 3, 3}, d.toFloats(t));
            d.graphs(false);
            assertTrue(d.capture(() -> d.ops().fill(t, 5f)).isEmpty(), "eager mode records nothing");
            assertArrayEquals(new float[] {3, 3, 3, 3}, d.toFloats(t));
        }
    }
}
