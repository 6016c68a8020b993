package trm.engine;

/** bfloat16 conversions (the upper half of an fp32), rounding to nearest even like the GPU does. */
public final class Bf16 {
    private Bf16() {}

    /** fp32 to bfloat16 bits, round to nearest even; NaN stays a (quiet) NaN. */
    public static short bits(float f) {
        int bits = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) return (short) ((bits >>> 16) | 0x0040);
        int rounded = bits + 0x7FFF + ((bits >>> 16) & 1);
        return (short) (rounded >>> 16);
    }

    /** bfloat16 bits to fp32 (exact). */
    public static float fromBits(short bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }

    /** The fp32 value nearest to f that bfloat16 can hold. */
    public static float round(float f) {
        return fromBits(bits(f));
    }
}
