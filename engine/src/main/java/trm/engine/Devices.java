package trm.engine;

import trm.engine.cpu.CpuDevice;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/** Opens a device by its name: cpu, cuda or sim. */
public final class Devices {
    private Devices() {}

    /**
     * The buffer sizes of device {@code name} without opening it (no GPU or native library
     * needed): what the memory model measures with.
     */
    public static ScratchSizes scratchSizes(String name) {
        if ("cpu".equals(name)) return new CpuDevice().ops();
        List<String> known = new ArrayList<>(List.of("cpu"));
        for (DeviceProvider p : ServiceLoader.load(DeviceProvider.class)) {
            if (p.name().equals(name)) return p.scratchSizes();
            known.add(p.name());
        }
        throw new TrmException("unknown device '" + name + "' (available: " + String.join(", ", known) + ")");
    }

    public static Device open(String name) {
        if ("cpu".equals(name)) return new CpuDevice();
        List<String> known = new ArrayList<>(List.of("cpu"));
        for (DeviceProvider p : ServiceLoader.load(DeviceProvider.class)) {
            if (p.name().equals(name)) return p.open();
            known.add(p.name());
        }
        if (List.of("cuda", "sim").contains(name))
            throw new TrmException("device '" + name + "' is not available in this build (available: " + String.join(", ", known) + ")");
        throw new TrmException("unknown device '" + name + "' (available: " + String.join(", ", known) + ")");
    }
}
