package trm.engine;

/**
 * Hands out tensors from three buffers (fp32, bf16 and int32) reserved once, so that a training
 * step allocates nothing. The bf16 buffer exists only when a bf16 tensor was asked for (the
 * kernel devices' saved activations; the cpu asks for none).
 *
 * <p>Sizing is done by running the same layout code twice: first against a measuring arena,
 * which returns shape-only tensors and adds up what was asked, then against a real one of
 * exactly that size. That keeps the size and the layout from drifting apart.
 */
public final class TensorArena {
    private final Device device;
    private final Tensor f32;
    private final Tensor bf16;
    private final Tensor i32;
    private long usedF32;
    private long usedBf16;
    private long usedI32;
    private boolean released;

    private TensorArena(Device device, Tensor f32, Tensor bf16, Tensor i32) {
        this.device = device;
        this.f32 = f32;
        this.bf16 = bf16;
        this.i32 = i32;
    }

    /** An arena that only measures: tensors it returns have no storage. */
    public static TensorArena measuring() {
        return new TensorArena(null, null, null, null);
    }

    /** An arena holding exactly what {@code measured} was asked for. */
    public static TensorArena sizedLike(Device device, TensorArena measured) {
        if (!measured.isMeasuring()) throw new IllegalArgumentException("expected a measuring arena");
        Tensor f = device.allocate(DType.F32, flatShape(Math.max(1, measured.usedF32)));
        Tensor h = measured.usedBf16 > 0 ? device.allocate(DType.BF16, flatShape(measured.usedBf16)) : null;
        Tensor i = device.allocate(DType.I32, flatShape(Math.max(1, measured.usedI32)));
        return new TensorArena(device, f, h, i);
    }

    /** Columns of the 2-D shape given to buffers of more than 2³¹−1 elements (a shape's dims are ints). */
    static final int WIDE_COLUMNS = 4096;

    /**
     * A shape holding at least n elements: [n] when n fits one int dimension, else
     * [ceil(n / 4096), 4096] (at most 4095 elements more; every arena tensor is rounded anyway).
     */
    static int[] flatShape(long n) {
        if (n < 0) throw new IllegalArgumentException("negative size " + n);
        if (n <= Integer.MAX_VALUE) return new int[]{(int) n};
        long rows = (n + WIDE_COLUMNS - 1) / WIDE_COLUMNS;
        if (rows > Integer.MAX_VALUE) throw new TrmException("a buffer of " + n + " elements (" + n / 250_000_000_000L + " TB of fp32) is beyond any device");
        return new int[]{(int) rows, WIDE_COLUMNS};
    }

    /**
     * An fp32 buffer of at least {@code n} elements (scratch whose size is a 64-bit count):
     * shaped [n], or [ceil(n/4096), 4096] beyond 2³¹−1 elements. Users slice it by offset.
     */
    public Tensor f32Elements(long n) {
        return f32(flatShape(n));
    }

    public boolean isMeasuring() { return device == null; }

    /**
     * Frees the arena's buffers ({@link Device#free}); idempotent, and a no-op for a measuring
     * arena. Every tensor the arena handed out is invalid afterwards.
     */
    public void release() {
        if (isMeasuring() || released) return;
        released = true;
        device.free(f32);
        if (bf16 != null) device.free(bf16);
        device.free(i32);
    }

    /** Whether {@link #release} has run. */
    public boolean released() { return released; }

    public Tensor f32(int... shape) {
        long n = Tensor.numel(shape);
        // Round each tensor to 16 elements (64 bytes) so device kernels see aligned rows.
        long start = usedF32;
        usedF32 += (n + 15) & ~15L;
        if (isMeasuring()) return new Tensor(MeasureOnly.INSTANCE, DType.F32, shape, null, start);
        if (usedF32 > f32.numel()) throw new IllegalStateException("arena exhausted (fp32): layout changed after sizing");
        return f32.slice(start, shape);
    }

    /** A bf16 tensor (16-element rounded, like the others: 32-byte aligned rows for the kernels). */
    public Tensor bf16(int... shape) {
        long n = Tensor.numel(shape);
        long start = usedBf16;
        usedBf16 += (n + 15) & ~15L;
        if (isMeasuring()) return new Tensor(MeasureOnly.INSTANCE, DType.BF16, shape, null, start);
        if (bf16 == null || usedBf16 > bf16.numel()) throw new IllegalStateException("arena exhausted (bf16): layout changed after sizing");
        return bf16.slice(start, shape);
    }

    /** A tensor of {@code dtype} (F32 or BF16): the layout code names the dtype a device asks for. */
    public Tensor of(DType dtype, int... shape) {
        return switch (dtype) {
            case F32 -> f32(shape);
            case BF16 -> bf16(shape);
            case I32 -> i32(shape);
        };
    }

    public Tensor i32(int... shape) {
        long n = Tensor.numel(shape);
        long start = usedI32;
        usedI32 += (n + 15) & ~15L;
        if (isMeasuring()) return new Tensor(MeasureOnly.INSTANCE, DType.I32, shape, null, start);
        if (usedI32 > i32.numel()) throw new IllegalStateException("arena exhausted (int32): layout changed after sizing");
        return i32.slice(start, shape);
    }

    /** Bytes reserved (or, while measuring, asked for so far). */
    public long bytes() { return usedF32 * 4 + usedBf16 * 2 + usedI32 * 4; }

    /** Bytes the arena sets aside for a tensor of this shape (its elements rounded up to 16, 4 bytes each). */
    public static long bytesOf(Tensor t) { return ((t.numel() + 15) & ~15L) * t.dtype().bytes(); }

    /** Stand-in device for shape-only tensors of a measuring arena. */
    private static final class MeasureOnly implements Device {
        static final MeasureOnly INSTANCE = new MeasureOnly();

        @Override public String name() { return "measure"; }
        @Override public Tensor allocate(DType dtype, int... shape) { throw unsupported(); }
        @Override public void upload(Tensor dst, float[] src) { throw unsupported(); }
        @Override public void upload(Tensor dst, int[] src) { throw unsupported(); }
        @Override public void download(Tensor src, float[] dst) { throw unsupported(); }
        @Override public void download(Tensor src, int[] dst) { throw unsupported(); }
        @Override public Ops ops() { throw unsupported(); }
        @Override public long transfers() { return 0; }
        @Override public long allocations() { return 0; }

        private static UnsupportedOperationException unsupported() {
            return new UnsupportedOperationException("a measuring arena's tensors have no storage");
        }
    }
}
