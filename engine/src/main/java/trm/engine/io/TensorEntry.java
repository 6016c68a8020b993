package trm.engine.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

import trm.engine.DType;
import trm.engine.TrmException;

/**
 * One named tensor as the safetensors format stores it: element type, shape (row-major, outermost
 * first) and the raw little-endian bytes. The constructor checks that the byte count matches
 * shape × element size. {@link #shape()} returns a copy; {@link #data()} returns the backing array
 * itself (checkpoints are tens of MB, so it is not copied): do not modify it.
 */
public record TensorEntry(String name, SafetensorsDType dtype, int[] shape, byte[] data) {

    public TensorEntry {
        if (name == null || name.isEmpty()) throw new TrmException("tensor name is empty");
        if (dtype == null) throw new TrmException("tensor " + name + ": no dtype");
        if (shape == null) throw new TrmException("tensor " + name + ": no shape");
        if (data == null) throw new TrmException("tensor " + name + ": no data");
        shape = shape.clone();
        long expected = byteSize(name, dtype, shape);
        if (expected != data.length) {
            throw new TrmException("tensor " + name + ": shape " + Arrays.toString(shape) + " of "
                    + dtype + " needs " + expected + " bytes but " + data.length + " were given");
        }
    }

    /** An F32 tensor holding {@code values} (copied). */
    public static TensorEntry f32(String name, float[] values, int... shape) {
        return fromFloats(name, SafetensorsDType.F32, values, shape);
    }

    /** A BF16 tensor holding {@code values} rounded to bfloat16 (round to nearest even). */
    public static TensorEntry bf16(String name, float[] values, int... shape) {
        return fromFloats(name, SafetensorsDType.BF16, values, shape);
    }

    /** An I32 tensor holding {@code values} (copied). */
    public static TensorEntry i32(String name, int[] values, int... shape) {
        checkCount(name, values.length, shape);
        ByteBuffer b = le(new byte[values.length * 4]);
        b.asIntBuffer().put(values);
        return new TensorEntry(name, SafetensorsDType.I32, shape, b.array());
    }

    /** A tensor of an engine type: F32 and BF16 from {@code float[]}, I32 from {@code int[]}. */
    public static TensorEntry of(String name, DType dtype, float[] values, int... shape) {
        if (dtype == DType.I32) throw new TrmException("tensor " + name + ": I32 needs int values");
        return fromFloats(name, SafetensorsDType.of(dtype), values, shape);
    }

    /** A floating tensor (F64, F32, F16 or BF16) holding {@code values}, narrowed as needed. */
    public static TensorEntry fromFloats(String name, SafetensorsDType dtype, float[] values, int... shape) {
        checkCount(name, values.length, shape);
        int n = values.length;
        ByteBuffer b = le(new byte[Math.multiplyExact(n, dtype.bytes())]);
        switch (dtype) {
            case F32 -> b.asFloatBuffer().put(values);
            case F64 -> { for (int i = 0; i < n; i++) b.putDouble(values[i]); }
            case F16 -> { for (int i = 0; i < n; i++) b.putShort(Float.floatToFloat16(values[i])); }
            case BF16 -> { for (int i = 0; i < n; i++) b.putShort(trm.engine.Bf16.bits(values[i])); }
            default -> throw new TrmException("tensor " + name + ": " + dtype + " is not a floating type");
        }
        return new TensorEntry(name, dtype, shape, b.array());
    }

    /** Number of elements (product of the shape; 1 for a scalar). */
    public long numel() {
        long n = 1;
        for (int d : shape) n *= d;
        return n;
    }

    /** The shape without copying it, for internal use. */
    int[] shapeView() { return shape; }

    @Override
    public int[] shape() { return shape.clone(); }

    /** The values as fp32: F32 as is, BF16 and F16 widened exactly, F64 rounded. */
    public float[] asFloats() {
        int n = (int) numel();
        float[] out = new float[n];
        ByteBuffer b = le(data);
        switch (dtype) {
            case F32 -> b.asFloatBuffer().get(out);
            case BF16 -> { for (int i = 0; i < n; i++) out[i] = trm.engine.Bf16.fromBits(b.getShort(2 * i)); }
            case F16 -> { for (int i = 0; i < n; i++) out[i] = Float.float16ToFloat(b.getShort(2 * i)); }
            case F64 -> { for (int i = 0; i < n; i++) out[i] = (float) b.getDouble(8 * i); }
            default -> throw new TrmException("tensor " + name + " is " + dtype + ", not a floating type");
        }
        return out;
    }

    /** The values as int: I32 as is, I16/I8 sign-extended, U16/U8 unsigned, BOOL as 0/1, I64/U64/U32 range-checked. */
    public int[] asInts() {
        int n = (int) numel();
        int[] out = new int[n];
        ByteBuffer b = le(data);
        switch (dtype) {
            case I32 -> b.asIntBuffer().get(out);
            case I16 -> { for (int i = 0; i < n; i++) out[i] = b.getShort(2 * i); }
            case I8 -> { for (int i = 0; i < n; i++) out[i] = data[i]; }
            case U16 -> { for (int i = 0; i < n; i++) out[i] = b.getShort(2 * i) & 0xFFFF; }
            case U8 -> { for (int i = 0; i < n; i++) out[i] = data[i] & 0xFF; }
            case BOOL -> { for (int i = 0; i < n; i++) out[i] = data[i] != 0 ? 1 : 0; }
            case I64, U64, U32 -> {
                long[] wide = asLongs();
                for (int i = 0; i < n; i++) {
                    if (wide[i] != (int) wide[i]) {
                        throw new TrmException("tensor " + name + ": " + dtype + " value " + wide[i] + " at index " + i
                                + " does not fit in an int");
                    }
                    out[i] = (int) wide[i];
                }
            }
            default -> throw new TrmException("tensor " + name + " is " + dtype + ", not an integer type");
        }
        return out;
    }

    /** The values as long, for any integer or BOOL type; U64 values above Long.MAX_VALUE are rejected. */
    public long[] asLongs() {
        int n = (int) numel();
        long[] out = new long[n];
        ByteBuffer b = le(data);
        switch (dtype) {
            case I64 -> b.asLongBuffer().get(out);
            case U64 -> {
                b.asLongBuffer().get(out);
                for (int i = 0; i < n; i++) {
                    if (out[i] < 0) {
                        throw new TrmException("tensor " + name + ": U64 value " + Long.toUnsignedString(out[i])
                                + " at index " + i + " does not fit in a long");
                    }
                }
            }
            case U32 -> { for (int i = 0; i < n; i++) out[i] = b.getInt(4 * i) & 0xFFFFFFFFL; }
            default -> {
                int[] ints = asInts();
                for (int i = 0; i < n; i++) out[i] = ints[i];
            }
        }
        return out;
    }

    /** A copy under another name (same dtype, shape and bytes). */
    public TensorEntry withName(String newName) {
        return new TensorEntry(newName, dtype, shape, data);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorEntry t && name.equals(t.name) && dtype == t.dtype
                && Arrays.equals(shape, t.shape) && Arrays.equals(data, t.data);
    }

    @Override
    public int hashCode() {
        return ((name.hashCode() * 31 + dtype.hashCode()) * 31 + Arrays.hashCode(shape)) * 31 + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "TensorEntry[" + name + ", " + dtype + ", " + Arrays.toString(shape) + ", " + data.length + " bytes]";
    }

    // ---- helpers ----

    /** Bytes a tensor of this dtype and shape occupies; TrmException for negative or huge shapes. */
    static long byteSize(String name, SafetensorsDType dtype, int[] shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) throw new TrmException("tensor " + name + ": negative dimension in shape " + Arrays.toString(shape));
            try {
                n = Math.multiplyExact(n, d);
            } catch (ArithmeticException e) {
                throw new TrmException("tensor " + name + ": shape " + Arrays.toString(shape) + " is too large");
            }
        }
        if (n > (Integer.MAX_VALUE - 8) / dtype.bytes()) {
            throw new TrmException("tensor " + name + ": shape " + Arrays.toString(shape) + " is too large (over 2 GiB)");
        }
        long bits = n * dtype.bits();
        // as the reference library: packed types must fill whole bytes
        if (bits % 8 != 0) {
            throw new TrmException("tensor " + name + ": shape " + Arrays.toString(shape) + " of " + dtype + " is " + bits
                    + " bits, not a whole number of bytes");
        }
        return bits / 8;
    }

    private static void checkCount(String name, int count, int[] shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) throw new TrmException("tensor " + name + ": negative dimension in shape " + Arrays.toString(shape));
            n *= d;
        }
        if (n != count) {
            throw new TrmException("tensor " + name + ": shape " + Arrays.toString(shape) + " holds " + n
                    + " values but " + count + " were given");
        }
    }

    private static ByteBuffer le(byte[] bytes) {
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }
}
