package trm.kernels.launch;

import trm.kernels.runtime.Dim3;
import trm.kernels.runtime.KernelArg;
import trm.kernels.runtime.KernelRuntime;
import trm.kernels.runtime.Launch;

/** Launch shapes shared by the launchers: grid-stride launches over n items, and ceilings. */
final class Grid {
    private Grid() {}

    static final int THREADS = 256;
    static final int MAX_BLOCKS = 8192;  // grid-stride kernels loop beyond this

    /** A grid-stride launch of {@code kernel} over n items (nothing when n ≤ 0). */
    static void flat(KernelRuntime rt, String kernel, long n, KernelArg... args) {
        if (n <= 0) return;
        long blocks = Math.min(MAX_BLOCKS, (n + THREADS - 1) / THREADS);
        rt.launch(Launch.of(kernel, Dim3.of((int) blocks), Dim3.of(THREADS), 0, args));
    }

    static void launch(KernelRuntime rt, String kernel, Dim3 grid, Dim3 block, KernelArg... args) {
        rt.launch(Launch.of(kernel, grid, block, 0, args));
    }

    static int ceil(long a, int b) { return Math.toIntExact((a + b - 1) / b); }
}
