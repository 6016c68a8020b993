package trm.kernels;

import org.junit.jupiter.api.extension.ExtendWith;

/** The parity suite on the CPU simulator (CI). */
@ExtendWith(Devices.NeedsSim.class)
class SimOpsParityTest extends OpsParitySuite {
    @Override KernelDevice open() { return KernelDevice.sim(); }
}
