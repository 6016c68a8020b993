package trm.kernels.runtime;

/**
 * One kernel argument, as the kernel declares it: a device pointer, or a 32-bit int, 64-bit
 * integer or float scalar. {@link #code()} is the letter used in the kernel tables
 * ({@code <set>.kernels}): p, i, l, f.
 */
public sealed interface KernelArg {
    char code();

    /** A device pointer (an address returned by {@link KernelRuntime#alloc}, possibly offset). */
    record Ptr(long address) implements KernelArg {
        @Override public char code() { return 'p'; }
    }

    /** An {@code int} or {@code unsigned int} parameter. */
    record I32(int value) implements KernelArg {
        @Override public char code() { return 'i'; }
    }

    /** A {@code long long}, {@code size_t} or other 64-bit integer parameter. */
    record I64(long value) implements KernelArg {
        @Override public char code() { return 'l'; }
    }

    /** A {@code float} parameter. */
    record F32(float value) implements KernelArg {
        @Override public char code() { return 'f'; }
    }

    static KernelArg ptr(long address) { return new Ptr(address); }

    static KernelArg i32(int value) { return new I32(value); }

    static KernelArg i64(long value) { return new I64(value); }

    static KernelArg f32(float value) { return new F32(value); }

    /** What a signature letter means, for messages. */
    static String describe(char code) {
        return switch (code) {
            case 'p' -> "pointer";
            case 'i' -> "32-bit int";
            case 'l' -> "64-bit int";
            case 'f' -> "float";
            case 'd' -> "double";
            case 'h' -> "16-bit int";
            case 'b' -> "8-bit int";
            default -> "unsupported type";
        };
    }
}
