package trm.kernels;

import trm.kernels.runtime.Devices;

import org.junit.jupiter.api.extension.ExtendWith;

/** The parity suite on a real GPU: skipped with the reason when there is none. */
@ExtendWith(Devices.NeedsCuda.class)
class CudaOpsParityTest extends OpsParitySuite {
    @Override KernelDevice open() { return KernelDevice.cuda(0); }
}
