package trm.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import trm.engine.model.TrmConfig;
import trm.kernels.KernelDevice;
import trm.kernels.runtime.KernelSet;
import trm.kernels.runtime.SimRuntime;

/**
 * Launches per supervision step on the simulator, at reduced width, depth and length (same
 * structure as the Sudoku presets: mixer or attention, SwiGLU, heads, loss) so it finishes in seconds.
 */
class LaunchCountsTest {
    static void needSim() {
        var why = SimRuntime.unavailableReason(KernelSet.MAIN);
        Assumptions.assumeTrue(why.isEmpty(), () -> "sim device unavailable: " + why.orElse(""));
    }

    static LaunchCounts.Counts count(String preset, int width, int h, int l, int batch) {
        // one layer and 16 cells (+ the 16 prefix positions) keep the simulator quick
        TrmConfig c = LaunchCounts.narrow(TrmConfig.preset(preset), width).toBuilder().hCycles(h).lCycles(l).layers(1).seqLen(16).build();
        try (KernelDevice d = KernelDevice.sim()) {
            return LaunchCounts.count(d, preset, c, batch);
        }
    }

    @Test
    void countsFollowTheRecursionAndNotTheWidth() {
        needSim();
        for (String p : new String[] {"sudoku-mlp", "sudoku-att"}) {
            var a = count(p, 64, 2, 1, 1);
            var wide = count(p, 128, 2, 1, 1);
            var deeper = count(p, 64, 3, 1, 1);
            var moreL = count(p, 64, 2, 2, 1);
            System.out.printf("  %s per step (1 layer, H=2 L=1, width 64): training %d launches eager, %s replayed; inference %d eager, %s replayed%n",
                    p, a.trainingStep(), a.trainingReplay(), a.inferenceStep(), a.inferenceReplay());
            // Replayed, a supervision step is one graph launch and nothing else: no kernel launch, no copy.
            var one = new LaunchCounts.Replayed(1, 0, 0);
            for (var n : List.of(a, wide, deeper, moreL)) {
                assertEquals(one, n.trainingReplay(), p + ": replayed training step " + n);
                assertEquals(one, n.inferenceReplay(), p + ": replayed inference step " + n);
            }
            assertTrue(a.inferenceStep() > 0 && a.trainingStep() > a.inferenceStep(), p + ": " + a);
            assertEquals(a, new LaunchCounts.Counts(p, 1, wide.trainingStep(), wide.inferenceStep(), wide.trainingReplay(), wide.inferenceReplay()),
                    p + ": width changed the launch count");
            // One more H-cycle adds L + 1 no-gradient net applications plus the injection add to
            // both steps alike: the same number of launches.
            long perHCycle = deeper.inferenceStep() - a.inferenceStep();
            assertTrue(perHCycle > 0, p + ": " + deeper + " vs " + a);
            assertEquals(perHCycle, deeper.trainingStep() - a.trainingStep(), p + ": an extra no-gradient H-cycle costs the same in training");
            // One more L-cycle in a 2-H-cycle run: two more net applications in inference.
            long perNet = (moreL.inferenceStep() - a.inferenceStep()) / 2;
            assertEquals(2 * perNet, moreL.inferenceStep() - a.inferenceStep(), p);
            assertEquals(2 * perNet + 1, perHCycle, p + ": an H-cycle is L + 1 = 2 net applications and one add");
            assertEquals(1 + 2 * perHCycle + 2, a.inferenceStep(), p + ": inference = embed + H-cycles + lm_head + q head");
        }
    }
}
