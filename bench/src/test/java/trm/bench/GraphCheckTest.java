package trm.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import trm.engine.model.TrmConfig;
import trm.kernels.KernelDevice;

/** The GPU check's comparison, run on the simulator at reduced size (it must see no difference there either). */
class GraphCheckTest {
    @Test
    void replayedStepsMatchEagerOnesAndADifferenceIsNamed() {
        LaunchCountsTest.needSim();
        TrmConfig c = GraphCheck.tiny(TrmConfig.preset("sudoku-att"));
        try (KernelDevice d = KernelDevice.sim()) {
            boolean before = d.graphs();
            var r = GraphCheck.check(d, "sudoku-att@64", c, 2, 2);
            assertNull(r.firstMismatch(), "sim: " + r);
            assertEquals(before, d.graphs(), "the device's graph switch was not restored");
        }
        String m = GraphCheck.firstDifference("y", new float[] {1f, 2f, 0f}, new float[] {1f, 2f, -0f});
        assertTrue(m != null && m.startsWith("y[2]"), "-0 and 0 differ in bits: " + m);
    }
}
