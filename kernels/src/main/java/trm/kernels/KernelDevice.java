package trm.kernels;

import trm.kernels.launch.Elementwise;
import trm.kernels.launch.Fill;
import trm.kernels.runtime.KernelRuntime;
import trm.kernels.runtime.KernelSet;

import java.lang.foreign.MemorySegment;

import trm.engine.Bf16;
import trm.engine.DType;
import trm.engine.Device;
import trm.engine.Ops;
import trm.engine.Tensor;
import trm.engine.TrmException;

/**
 * The cuda and sim devices: tensors in the memory of a {@link KernelRuntime}, ops as our kernels
 * ({@link KernelOps}).
 *
 * <p>A tensor's storage is a {@link Memory} (the allocation's device address and size); its
 * element offset is in elements of its dtype, so a view's address is
 * {@code memory.address + offset * dtype.bytes}. fp32 and int32 are computed on; bf16 can be
 * allocated, filled, copied, uploaded from and downloaded to {@code float[]} (rounded to nearest
 * even on upload) for the kernels still to come.
 *
 * <p>{@link #allocate} returns zeros, as {@link Device} promises (a device-side fill, not a host
 * copy). Tests that must see unwritten outputs call {@link #poison} (all bits set: NaN for fp32
 * and bf16, -1 for int32). Uploads and downloads are the runtime's counted host/device copies, so
 * {@link #transfers()} is {@link KernelRuntime#hostDeviceCopies()}; fills, launches and
 * device-to-device copies are not transfers.
 */
public final class KernelDevice implements Device {

    /** A tensor's storage: one allocation of the runtime. */
    public record Memory(long address, long bytes) {}

    /** The bit pattern {@link #poison} writes into every 32-bit word (16-bit for bf16). */
    public static final int POISON = 0xFFFFFFFF;

    private final KernelRuntime rt;
    private final KernelOps ops;
    private boolean graphs = graphsByDefault();

    /**
     * The off switch: {@code -Dtrm.graphs=off} or the environment variable {@code TRM_GRAPHS=off}
     * (the property wins) makes every new kernel device eager: each op is launched as it is
     * called, as before graphs, for debugging (a failing kernel is then reported at its own
     * launch). Default on.
     */
    static boolean graphsByDefault() {
        String v = System.getProperty("trm.graphs", System.getenv().getOrDefault("TRM_GRAPHS", "on")).strip();
        return switch (v.toLowerCase(java.util.Locale.ROOT)) {
            case "on", "true", "1" -> true;
            case "off", "false", "0" -> false;
            default -> throw new TrmException("trm.graphs / TRM_GRAPHS must be on or off, got '" + v + "'");
        };
    }

    /** A device over {@code rt}, which must hold {@link KernelSet#MAIN}; closing the device closes the runtime. */
    public KernelDevice(KernelRuntime rt) {
        this.rt = rt;
        this.ops = new KernelOps(this);
    }

    /** The simulator device, or a one-line TrmException ("sim device unavailable: ..."). */
    public static KernelDevice sim() { return new KernelDevice(KernelRuntime.sim(KernelSet.MAIN)); }

    /** GPU {@code ordinal}, or a one-line TrmException ("cuda device unavailable: ..."). */
    public static KernelDevice cuda(int ordinal) { return new KernelDevice(KernelRuntime.cuda(ordinal, KernelSet.MAIN)); }

    public KernelRuntime runtime() { return rt; }

    /** Turns graph capture of supervision steps on or off for this device (see {@link #graphsByDefault}); returns this. */
    public KernelDevice graphs(boolean on) {
        graphs = on;
        return this;
    }

    /** Whether supervision steps are captured and replayed as graphs on this device. */
    public boolean graphs() { return graphs; }

    /**
     * Records {@code work} with the runtime's capture (a CUDA graph on cuda, a launch list on
     * sim), or empty in eager mode. The runtime is held for the whole capture, so no other
     * thread's work can slip into the graph; a failure inside {@code work} ends the capture and
     * is rethrown.
     */
    @Override
    public java.util.Optional<Graph> capture(Runnable work) {
        if (!graphs) return java.util.Optional.empty();
        KernelRuntime.Graph g;
        synchronized (rt) {
            rt.beginCapture();
            try {
                work.run();
            } catch (RuntimeException | Error e) {
                rt.abortCapture();
                throw e;
            }
            g = rt.endCapture();
        }
        return java.util.Optional.of(new RecordedStep(rt, g));
    }

    /** A runtime graph as the engine sees it: replay launches it, close destroys it. */
    private record RecordedStep(KernelRuntime rt, KernelRuntime.Graph graph) implements Graph {
        @Override public void replay() { rt.launchGraph(graph); }

        @Override public void close() { graph.close(); }
    }

    @Override public String name() { return rt.name(); }

    @Override
    public Tensor allocate(DType dtype, int... shape) {
        long n = Tensor.numel(shape);
        long bytes = bufferBytes(dtype, n);
        long address = rt.alloc(bytes);
        allocations.incrementAndGet();
        Tensor t = new Tensor(this, dtype, shape, new Memory(address, bytes), 0);
        Fill.words(rt, address, 0, bytes / 4);
        return t;
    }

    /** Bytes {@link #allocate} reserves for {@code n} elements: whole 4-byte words, at least one ({@link #free} checks a buffer against it). */
    private static long bufferBytes(DType dtype, long n) {
        return Math.max(4, (n * dtype.bytes() + 3) & ~3L);
    }

    /**
     * Frees a buffer from {@link #allocate} (offset 0, its own allocation) after the queued work
     * is done; a no-op once the device is closed. A view is refused.
     */
    @Override
    public synchronized void free(Tensor buffer) {
        if (closed) return;
        if (buffer.offset() != 0 || !(buffer.storage() instanceof Memory m) || buffer.device() != this
                || m.bytes() != bufferBytes(buffer.dtype(), buffer.numel()))
            throw new IllegalArgumentException("free of " + buffer + ": not a buffer this " + name() + " device allocated");
        rt.synchronize(); // cuda: kernels still queued may read it
        rt.free(m.address());
    }

    /** Sets every element of {@code t} to the poison pattern (NaN / -1), on the device. */
    public void poison(Tensor t) {
        long a = address(t);
        if (t.dtype() == DType.BF16) Elementwise.fillHalfWords(rt, a, POISON & 0xFFFF, t.numel());
        else Fill.words(rt, a, POISON, t.numel());
    }

    @Override
    public void upload(Tensor dst, float[] src) {
        check(dst, src.length);
        switch (dst.dtype()) {
            case F32 -> rt.copyToDevice(MemorySegment.ofArray(src), address(dst), 4L * src.length);
            case BF16 -> {
                short[] h = new short[src.length];
                for (int i = 0; i < h.length; i++) h[i] = Bf16.bits(src[i]);
                rt.copyToDevice(MemorySegment.ofArray(h), address(dst), 2L * h.length);
            }
            case I32 -> throw new IllegalArgumentException("upload of float[] into int32 tensor " + dst);
        }
    }

    @Override
    public void upload(Tensor dst, int[] src) {
        check(dst, src.length);
        if (dst.dtype() != DType.I32) throw new IllegalArgumentException("upload of int[] into " + dst);
        rt.copyToDevice(MemorySegment.ofArray(src), address(dst), 4L * src.length);
    }

    @Override
    public void download(Tensor src, float[] dst) {
        check(src, dst.length);
        switch (src.dtype()) {
            case F32 -> rt.copyToHost(address(src), MemorySegment.ofArray(dst), 4L * dst.length);
            case BF16 -> {
                short[] h = new short[dst.length];
                rt.copyToHost(address(src), MemorySegment.ofArray(h), 2L * h.length);
                for (int i = 0; i < h.length; i++) dst[i] = Bf16.fromBits(h[i]);
            }
            case I32 -> throw new IllegalArgumentException("download of int32 tensor " + src + " into float[]");
        }
    }

    @Override
    public void download(Tensor src, int[] dst) {
        check(src, dst.length);
        if (src.dtype() != DType.I32) throw new IllegalArgumentException("download of " + src + " into int[]");
        rt.copyToHost(address(src), MemorySegment.ofArray(dst), 4L * dst.length);
    }

    private void check(Tensor t, int length) {
        if (t.device() != this) throw new IllegalArgumentException(t + " does not belong to this " + name() + " device");
        if (t.numel() != length) throw new IllegalArgumentException("copy of " + length + " elements into " + t);
    }

    /** The device address of {@code t}'s first element (0 for null). */
    long address(Tensor t) {
        if (t == null) return 0;
        if (t.device() != this) throw new IllegalArgumentException(t + " does not belong to this " + name() + " device");
        if (!(t.storage() instanceof Memory m)) throw new TrmException(name() + ": tensor " + t + " has no device storage");
        return m.address() + t.offset() * t.dtype().bytes();
    }

    @Override public Ops ops() { return ops; }

    @Override public long transfers() { return rt.hostDeviceCopies(); }

    private final java.util.concurrent.atomic.AtomicLong allocations = new java.util.concurrent.atomic.AtomicLong();

    @Override public long allocations() { return allocations.get(); }

    @Override public void synchronize() { rt.synchronize(); }

    private boolean closed;

    @Override
    public synchronized void close() {
        closed = true;
        rt.close();
    }
}
