package trm.kernels.launch;

import org.junit.jupiter.api.extension.ExtendWith;

/** The GEMM parity suite on the simulator (the portable main loop); run in two thread orders by the kernels pom. */
@ExtendWith(LauncherSim.Needed.class)
class GemmTest extends GemmParitySuite {
    @Override LauncherSim launcher() { return new LauncherSim(42); }
}
