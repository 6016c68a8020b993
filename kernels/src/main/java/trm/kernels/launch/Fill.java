package trm.kernels.launch;

import static trm.kernels.runtime.KernelArg.i32;
import static trm.kernels.runtime.KernelArg.i64;
import static trm.kernels.runtime.KernelArg.ptr;

import trm.kernels.runtime.KernelRuntime;

/** Launches {@code fill.cu}: 32-bit words set to a value (fp32 fills, zeroing, poisoning). */
public final class Fill {
    private Fill() {}

    /** {@code words} 32-bit words at {@code address} set to {@code value}. */
    public static void words(KernelRuntime rt, long address, int value, long words) {
        Grid.flat(rt, "trm_fill_u32", words, ptr(address), i32(value), i64(words));
    }
}
