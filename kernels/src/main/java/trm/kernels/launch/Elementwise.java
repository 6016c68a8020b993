package trm.kernels.launch;

import static trm.kernels.runtime.KernelArg.i32;
import static trm.kernels.runtime.KernelArg.i64;
import static trm.kernels.runtime.KernelArg.ptr;

import trm.kernels.runtime.KernelRuntime;

/** Launches {@code elementwise.cu}: add, copy and 16-bit fills over flat buffers (grid-stride). */
public final class Elementwise {
    private Elementwise() {}

    /** {@code n} 16-bit words at {@code address} set to {@code value} (bf16 fills and poisoning). */
    public static void fillHalfWords(KernelRuntime rt, long address, int value, long n) {
        Grid.flat(rt, "ew_fill_u16", n, ptr(address), i32(value), i64(n));
    }

    /** out = a + b over n fp32 elements; out may alias a or b. */
    public static void add(KernelRuntime rt, long out, long a, long b, long n) {
        Grid.flat(rt, "ew_add_f32", n, ptr(out), ptr(a), ptr(b), i64(n));
    }

    /** Bits of the {@code bf16} masks of {@link #addMixed} and {@link #convert}. */
    public static final int BF16_OUT = 1, BF16_A = 2, BF16_B = 4;

    /**
     * out = a + b over n elements, any of them bf16 as {@code bf16} says ({@link #BF16_OUT} | {@link #BF16_A}
     * | {@link #BF16_B}): the sum in fp32, rounded to nearest even once for a bf16 out. out may alias a or b.
     */
    public static void addMixed(KernelRuntime rt, long out, long a, long b, long n, int bf16) {
        Grid.flat(rt, "ew_add_mixed", n, ptr(out), ptr(a), ptr(b), i64(n), i32(bf16));
    }

    /** dst = src over n elements, fp32 ↔ bf16 ({@link #BF16_OUT}: dst bf16, rounded; {@link #BF16_A}: src bf16, exact). */
    public static void convert(KernelRuntime rt, long dst, long src, long n, int bf16) {
        Grid.flat(rt, "ew_convert", n, ptr(dst), ptr(src), i64(n), i32(bf16));
    }

    /** n elements of {@code elementBytes} (4 or 2) from src to dst; the ranges must not overlap. */
    public static void copy(KernelRuntime rt, long dst, long src, long n, int elementBytes) {
        Grid.flat(rt, elementBytes == 2 ? "ew_copy_u16" : "ew_copy_u32", n, ptr(dst), ptr(src), i64(n));
    }
}
