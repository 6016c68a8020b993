package trm.kernels.runtime;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** The kernel suite on a real GPU: skipped with the reason when there is none. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(Devices.NeedsCuda.class)
class CudaKernelsTest extends KernelSuite {
    private CudaRuntime rt;

    @BeforeAll
    void open() {
        rt = CudaRuntime.open(0, TEST, KernelSet.MAIN);
        System.out.println("cuda tests on " + rt.deviceName());
    }

    @AfterAll
    void close() { if (rt != null) rt.close(); }

    @Override KernelRuntime rt() { return rt; }
}
