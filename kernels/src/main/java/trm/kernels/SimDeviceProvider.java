package trm.kernels;

import trm.engine.Device;
import trm.engine.DeviceProvider;

/** {@code Devices.open("sim")}: the kernels on the CPU simulator (for tests; slow). */
public final class SimDeviceProvider implements DeviceProvider {
    @Override public trm.engine.ScratchSizes scratchSizes() { return KernelScratchSizes.INSTANCE; }

    @Override public String name() { return "sim"; }

    @Override public Device open() { return KernelDevice.sim(); }
}
