package trm.kernels;

import trm.kernels.runtime.Devices;

import org.junit.jupiter.api.extension.ExtendWith;

/** The parity suite on the CPU simulator (CI). */
@ExtendWith(Devices.NeedsSim.class)
class SimOpsParityTest extends OpsParitySuite {
    @Override KernelDevice open() { return KernelDevice.sim(); }
}
