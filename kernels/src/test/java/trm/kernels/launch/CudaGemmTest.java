package trm.kernels.launch;

import org.junit.jupiter.api.extension.ExtendWith;

import trm.kernels.runtime.Devices;
import trm.kernels.runtime.KernelRuntime;
import trm.kernels.runtime.KernelSet;

/**
 * The GEMM parity suite on a real GPU (the cp.async main loop for bf16 operands), run by
 * bench/gpu/check.sh through trm.kernels.ParityCheck; skipped with the reason when there is none.
 */
@ExtendWith(Devices.NeedsCuda.class)
class CudaGemmTest extends GemmParitySuite {
    @Override LauncherSim launcher() { return new LauncherSim(KernelRuntime.cuda(0, KernelSet.MAIN), 42); }
}
