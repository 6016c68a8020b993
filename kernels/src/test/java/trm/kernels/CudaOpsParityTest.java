package trm.kernels;

import trm.kernels.runtime.Devices;
import trm.kernels.runtime.KernelRuntime;
import trm.kernels.runtime.KernelSet;

import org.junit.jupiter.api.extension.ExtendWith;

/** The parity suite on a real GPU: skipped with the reason when there is none. */
@ExtendWith(Devices.NeedsCuda.class)
class CudaOpsParityTest extends OpsParitySuite {
    @Override KernelDevice open() { return new KernelDevice(KernelRuntime.cuda(0, KernelSet.MAIN, Devices.TEST)); }
}
