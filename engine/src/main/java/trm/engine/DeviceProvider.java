package trm.engine;

/**
 * Supplies a device by name (cuda and sim come from the kernels module through
 * {@link java.util.ServiceLoader}, so the engine does not depend on JCuda or native code).
 */
public interface DeviceProvider {
    String name();

    /** Opens the device, or throws a {@link TrmException} saying why it is unavailable. */
    Device open();

    /** The device's buffer sizes, known without opening it (for the memory model). */
    ScratchSizes scratchSizes();
}
