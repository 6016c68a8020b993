package trm.engine;

import java.util.Arrays;

/**
 * A view of a device buffer: dtype, shape, and an element offset into the buffer.
 *
 * <p>The storage is whatever the owning device uses (a {@code float[]} or {@code int[]} on the
 * cpu, an address on cuda and sim); only the device interprets it. Views share storage, so
 * slicing a flat parameter buffer into named weights costs nothing.
 */
public final class Tensor {
    private final Device device;
    private final DType dtype;
    private final int[] shape;
    private final Object storage;
    private final long offset;
    private final long numel;

    public Tensor(Device device, DType dtype, int[] shape, Object storage, long offset) {
        this.device = device;
        this.dtype = dtype;
        this.shape = shape.clone();
        this.storage = storage;
        this.offset = offset;
        this.numel = numel(shape);
    }

    public static long numel(int... shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            n *= d;
        }
        return n;
    }

    public Device device() { return device; }
    public DType dtype() { return dtype; }
    public int[] shape() { return shape.clone(); }
    public int rank() { return shape.length; }
    public int dim(int i) { return shape[i < 0 ? shape.length + i : i]; }
    public long numel() { return numel; }
    public Object storage() { return storage; }
    public long offset() { return offset; }

    /** Offset as an int, for the cpu's Java arrays. */
    public int off() { return Math.toIntExact(offset); }

    /** The cpu's fp32 array behind this view (read from {@link #off()}). */
    public float[] f32() {
        if (storage instanceof float[] a) return a;
        throw new IllegalStateException("tensor " + this + " is not an fp32 cpu tensor");
    }

    /** The cpu's int32 array behind this view (read from {@link #off()}). */
    public int[] i32() {
        if (storage instanceof int[] a) return a;
        throw new IllegalStateException("tensor " + this + " is not an int32 cpu tensor");
    }

    /** Same elements, another shape of the same size. */
    public Tensor view(int... newShape) {
        if (numel(newShape) != numel)
            throw new IllegalArgumentException("cannot view " + Arrays.toString(shape) + " as " + Arrays.toString(newShape));
        return new Tensor(device, dtype, newShape, storage, offset);
    }

    /** A contiguous sub-range starting {@code elementOffset} elements in, with the given shape. */
    public Tensor slice(long elementOffset, int... newShape) {
        long n = numel(newShape);
        if (elementOffset < 0 || elementOffset + n > numel)
            throw new IllegalArgumentException("slice [" + elementOffset + ", " + (elementOffset + n) + ") outside " + Arrays.toString(shape));
        return new Tensor(device, dtype, newShape, storage, offset + elementOffset);
    }

    /** The i-th sub-tensor along the first axis. */
    public Tensor get(int i) {
        int[] rest = Arrays.copyOfRange(shape, 1, shape.length);
        return slice((long) i * numel(rest), rest);
    }

    /** Throws a clear error unless this tensor has exactly the expected shape. */
    public Tensor expect(String what, int... expected) {
        if (!Arrays.equals(shape, expected))
            throw new TrmException(what + ": expected shape " + Arrays.toString(expected) + ", got " + Arrays.toString(shape));
        return this;
    }

    @Override
    public String toString() {
        return dtype.name().toLowerCase() + Arrays.toString(shape) + "@" + device.name();
    }
}
