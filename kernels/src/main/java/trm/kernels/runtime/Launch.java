package trm.kernels.runtime;

import java.util.List;
import java.util.Objects;

/**
 * Everything one kernel launch needs, the same for the cuda and sim runtimes: the kernel's name
 * (as in {@code extern "C" __global__ void name(...)}), grid and block shapes, bytes of dynamic
 * shared memory, and the arguments in declaration order.
 */
public record Launch(String kernel, Dim3 grid, Dim3 block, int sharedBytes, List<KernelArg> args) {
    public Launch {
        Objects.requireNonNull(kernel, "kernel");
        Objects.requireNonNull(grid, "grid");
        Objects.requireNonNull(block, "block");
        if (sharedBytes < 0) throw new IllegalArgumentException("negative shared memory: " + sharedBytes);
        args = List.copyOf(args);
    }

    public static Launch of(String kernel, Dim3 grid, Dim3 block, int sharedBytes, KernelArg... args) {
        return new Launch(kernel, grid, block, sharedBytes, List.of(args));
    }

    /** The argument kinds as signature letters, e.g. "ppi". */
    public String signature() {
        StringBuilder s = new StringBuilder(args.size());
        for (KernelArg a : args) s.append(a.code());
        return s.toString();
    }

    @Override public String toString() {
        return kernel + "<<<" + grid + ", " + block + ", " + sharedBytes + ">>>(" + signature() + ")";
    }
}
