package trm.kernels;

import trm.engine.Device;
import trm.engine.DeviceProvider;

/** {@code Devices.open("cuda")}: the kernels on GPU 0 ({@code TRM_CUDA_DEVICE} picks another). */
public final class CudaDeviceProvider implements DeviceProvider {
    @Override public trm.engine.ScratchSizes scratchSizes() { return KernelScratchSizes.INSTANCE; }

    @Override public String name() { return "cuda"; }

    @Override public Device open() {
        String ordinal = System.getenv("TRM_CUDA_DEVICE");
        int d;
        try {
            d = ordinal == null || ordinal.isBlank() ? 0 : Integer.parseInt(ordinal.strip());
        } catch (NumberFormatException e) {
            throw new trm.engine.TrmException("cuda device unavailable: TRM_CUDA_DEVICE=" + ordinal + " is not a device number");
        }
        return KernelDevice.cuda(d);
    }
}
