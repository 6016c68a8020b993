package trm.kernels;

import trm.kernels.runtime.Devices;
import trm.kernels.runtime.KernelRuntime;
import trm.kernels.runtime.KernelSet;

import org.junit.jupiter.api.extension.ExtendWith;

/** The parity suite on the CPU simulator (CI); the runtime also holds the test set (standalone SwiGLU, RoPE, transpose). */
@ExtendWith(Devices.NeedsSim.class)
class SimOpsParityTest extends OpsParitySuite {
    @Override KernelDevice open() { return new KernelDevice(KernelRuntime.sim(KernelSet.MAIN, Devices.TEST)); }
}
