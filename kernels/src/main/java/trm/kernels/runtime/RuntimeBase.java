package trm.kernels.runtime;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import trm.engine.TrmException;

/**
 * What the cuda and sim runtimes share: kernel lookup and argument checks against the kernel
 * table, launch-shape limits, allocation bookkeeping with bounds checks on every copy, fill and
 * pointer argument, staging of heap segments, and the host/device copy and kernel launch counters. Subclasses supply
 * only the final calls.
 */
abstract sealed class RuntimeBase permits SimRuntime, CudaRuntime {

    /** A launchable kernel: signature letters (null when no table says), and the runtime's handle. */
    record Kernel(String name, KernelSet set, String signature, Object handle) {}

    static final int MAX_THREADS_PER_BLOCK = 1024;

    private final String runtimeName;
    private final List<KernelSet> sets;
    private final Map<String, Kernel> kernels = new HashMap<>();
    private final TreeMap<Long, Long> deviceAllocations = new TreeMap<>();
    private final Map<Long, MemorySegment> hostAllocations = new HashMap<>();
    private final AtomicLong copies = new AtomicLong();
    private final AtomicLong launches = new AtomicLong();
    private final AtomicLong graphLaunches = new AtomicLong();
    /** Kernel launches recorded by the capture under way; -1 when not capturing. */
    private long capturedKernels = -1;
    private final java.util.Set<Graph> graphs = new java.util.HashSet<>();
    private boolean closed;

    RuntimeBase(String runtimeName, List<KernelSet> sets) {
        this.runtimeName = runtimeName;
        this.sets = List.copyOf(sets);
        if (this.sets.isEmpty()) throw new IllegalArgumentException("no kernel sets");
    }

    /** Called by subclass constructors for every kernel they can launch. */
    final void addKernel(Kernel k) {
        Kernel old = kernels.putIfAbsent(k.name(), k);
        if (old != null)
            throw new TrmException(runtimeName + ": kernel " + k.name() + " is defined by both kernel sets " + old.set().name() + " and " + k.set().name());
    }

    /** For kernels the table does not list (cuda without a table): the runtime's own lookup, or null. */
    Kernel resolveUnlisted(String name) { return null; }

    // -------------------------------------------------------------------------------------------
    // the final calls
    // -------------------------------------------------------------------------------------------
    abstract long deviceAlloc(long bytes);

    abstract void deviceFree(long ptr);

    abstract MemorySegment hostAlloc(long bytes);

    abstract void hostFree(MemorySegment segment);

    abstract void h2d(MemorySegment src, long dst, long bytes);

    abstract void d2h(long src, MemorySegment dst, long bytes);

    abstract void d2d(long src, long dst, long bytes);

    abstract void memset32(long dst, int value, long count);

    abstract void launchKernel(Kernel kernel, Launch launch);

    abstract void sync();

    abstract KernelRuntime.Event recordEvent();

    abstract void release();

    /** Starts recording the stream's launches, fills and device copies instead of running them. */
    abstract void beginStreamCapture();

    /** Ends the recording; returns the runtime's executable graph handle. */
    abstract Object endStreamCapture();

    /** Ends a recording that failed half-way, discarding it (best effort: the first error wins). */
    abstract void abortStreamCapture();

    /** Enqueues one replay of a graph handle from {@link #endStreamCapture}. */
    abstract void launchGraphHandle(Object handle);

    /** Frees a graph handle. */
    abstract void destroyGraphHandle(Object handle);

    /** A captured graph of this runtime: its handle and the kernel launches it replays. */
    final class Graph implements KernelRuntime.Graph {
        private final Object handle;
        private final long kernels;

        private Graph(Object handle, long kernels) {
            this.handle = handle;
            this.kernels = kernels;
        }

        @Override public long kernels() { return kernels; }

        @Override public void close() { destroyGraph(this); }
    }

    // -------------------------------------------------------------------------------------------
    // the shared part
    // -------------------------------------------------------------------------------------------
    public final String name() { return runtimeName; }

    public final synchronized long alloc(long bytes) {
        open();
        notCapturing("alloc");
        if (bytes <= 0) throw new TrmException(runtimeName + ": cannot allocate " + bytes + " bytes");
        long p = deviceAlloc(bytes);
        deviceAllocations.put(p, bytes);
        return p;
    }

    public final synchronized void free(long devicePtr) {
        open();
        notCapturing("free");
        if (deviceAllocations.remove(devicePtr) == null)
            throw new TrmException(runtimeName + ": free of " + hex(devicePtr) + ", which is not an allocation of this runtime");
        deviceFree(devicePtr);
    }

    public final synchronized long allocatedBytes() {
        return deviceAllocations.values().stream().mapToLong(Long::longValue).sum();
    }

    public final synchronized MemorySegment allocHost(long bytes) {
        open();
        notCapturing("allocHost");
        if (bytes <= 0) throw new TrmException(runtimeName + ": cannot allocate " + bytes + " host bytes");
        MemorySegment s = hostAlloc(bytes);
        hostAllocations.put(s.address(), s);
        return s;
    }

    public final synchronized void freeHost(MemorySegment hostBuffer) {
        open();
        notCapturing("freeHost");
        MemorySegment s = hostAllocations.remove(hostBuffer.address());
        if (s == null) throw new TrmException(runtimeName + ": freeHost of a buffer that allocHost did not return");
        hostFree(s);
    }

    public final synchronized void copyToDevice(MemorySegment src, long dstDevicePtr, long bytes) {
        open();
        notCapturing("copyToDevice");
        checkHost(src, bytes, "copyToDevice");
        checkDevice(dstDevicePtr, bytes, "copyToDevice");
        if (bytes == 0) return;
        copies.incrementAndGet();
        if (src.isNative()) {
            h2d(src, dstDevicePtr, bytes);
        } else {
            try (Arena a = Arena.ofConfined()) {  // staged: pageable copies return once the source is consumed
                MemorySegment tmp = a.allocate(bytes, 16);
                tmp.copyFrom(src.asSlice(0, bytes));
                h2d(tmp, dstDevicePtr, bytes);
            }
        }
    }

    public final synchronized void copyToHost(long srcDevicePtr, MemorySegment dst, long bytes) {
        open();
        notCapturing("copyToHost");
        checkHost(dst, bytes, "copyToHost");
        checkDevice(srcDevicePtr, bytes, "copyToHost");
        if (dst.isReadOnly()) throw new TrmException(runtimeName + ": copyToHost into a read-only segment");
        if (bytes == 0) return;
        copies.incrementAndGet();
        if (dst.isNative()) {
            d2h(srcDevicePtr, dst, bytes);
        } else {
            try (Arena a = Arena.ofConfined()) {
                MemorySegment tmp = a.allocate(bytes, 16);
                d2h(srcDevicePtr, tmp, bytes);
                sync();
                dst.asSlice(0, bytes).copyFrom(tmp);
            }
        }
    }

    public final synchronized void copyDeviceToDevice(long srcDevicePtr, long dstDevicePtr, long bytes) {
        open();
        checkDevice(srcDevicePtr, bytes, "copyDeviceToDevice");
        checkDevice(dstDevicePtr, bytes, "copyDeviceToDevice");
        if (bytes > 0) d2d(srcDevicePtr, dstDevicePtr, bytes);
    }

    public final synchronized void fill32(long dstDevicePtr, int value, long count) {
        open();
        if ((dstDevicePtr & 3) != 0) throw new TrmException(runtimeName + ": fill32 at " + hex(dstDevicePtr) + ", not 4-byte aligned");
        if (count < 0) throw new TrmException(runtimeName + ": fill32 of " + count + " words");
        checkDevice(dstDevicePtr, count * 4, "fill32");
        if (count > 0) memset32(dstDevicePtr, value, count);
    }

    public final synchronized void launch(Launch launch) {
        open();
        Kernel k = kernels.get(launch.kernel());
        if (k == null) k = resolveUnlisted(launch.kernel());
        if (k == null) throw new TrmException(runtimeName + ": unknown kernel '" + launch.kernel() + "' (kernel sets "
                + sets.stream().map(KernelSet::name).collect(Collectors.joining(", ")) + " have "
                + kernels.keySet().stream().sorted().collect(Collectors.joining(", ")) + ")");
        String sig = k.signature();
        List<KernelArg> args = launch.args();
        if (sig != null) {
            if (sig.length() != args.size())
                throw new TrmException(runtimeName + ": kernel " + k.name() + " takes " + sig.length() + " arguments (" + sig
                        + "), the launch passes " + args.size() + " (" + launch.signature() + ")");
            for (int i = 0; i < sig.length(); i++) {
                char want = sig.charAt(i), got = args.get(i).code();
                if (want != got)
                    throw new TrmException(runtimeName + ": kernel " + k.name() + " argument " + i + " is a " + KernelArg.describe(want)
                            + " (" + want + "), the launch passes a " + KernelArg.describe(got) + " (" + got + ")");
            }
        }
        for (int i = 0; i < args.size(); i++)
            if (args.get(i) instanceof KernelArg.Ptr(long p) && p != 0 && !isDevice(p, 0))
                throw new TrmException(runtimeName + ": kernel " + k.name() + " argument " + i + " = " + hex(p)
                        + " is not in any device allocation of this runtime");
        Dim3 b = launch.block(), g = launch.grid();
        if (b.count() > MAX_THREADS_PER_BLOCK || b.z() > 64 || g.x() < 1 || g.y() > 65535 || g.z() > 65535)
            throw new TrmException(runtimeName + ": kernel " + k.name() + " launched with grid " + g + " and block " + b
                    + " (at most 1024 threads per block, block z <= 64, grid y and z <= 65535)");
        if (capturedKernels >= 0) capturedKernels++;
        else launches.incrementAndGet();
        launchKernel(k, launch);
    }

    // ---- graphs ---------------------------------------------------------------------------------
    public final synchronized void beginCapture() {
        open();
        if (capturedKernels >= 0) throw new TrmException(runtimeName + ": beginCapture while a capture is under way (captures do not nest)");
        beginStreamCapture();
        capturedKernels = 0;
    }

    public final synchronized KernelRuntime.Graph endCapture() {
        open();
        if (capturedKernels < 0) throw new TrmException(runtimeName + ": endCapture without beginCapture");
        long n = capturedKernels;
        capturedKernels = -1;
        Graph g = new Graph(endStreamCapture(), n);
        graphs.add(g);
        return g;
    }

    public final synchronized void abortCapture() {
        if (closed || capturedKernels < 0) return;
        capturedKernels = -1;
        abortStreamCapture();
    }

    public final synchronized boolean capturing() { return capturedKernels >= 0; }

    public final synchronized void launchGraph(KernelRuntime.Graph graph) {
        open();
        notCapturing("launchGraph");
        if (!(graph instanceof Graph g) || !graphs.contains(g))
            throw new TrmException(runtimeName + ": launchGraph of a graph this runtime did not capture, or one already closed");
        graphLaunches.incrementAndGet();
        launchGraphHandle(g.handle);
    }

    public final long graphLaunches() { return graphLaunches.get(); }

    public final synchronized int liveGraphs() { return graphs.size(); }

    private synchronized void destroyGraph(Graph g) {
        if (!closed && graphs.remove(g)) destroyGraphHandle(g.handle);
    }

    private void notCapturing(String what) {
        if (capturedKernels >= 0)
            throw new TrmException(runtimeName + ": " + what + " during a graph capture (a graph holds device work only: "
                    + "allocate and copy before or after the captured step)");
    }

    public final synchronized void synchronize() {
        open();
        notCapturing("synchronize");
        sync();
    }

    public final long hostDeviceCopies() { return copies.get(); }

    public final long launches() { return launches.get(); }

    public final synchronized KernelRuntime.Event record() {
        open();
        notCapturing("record");
        return recordEvent();
    }

    public final synchronized void close() {
        if (closed) return;
        try {
            if (capturedKernels >= 0) abortCapture();
            sync();
            for (Graph g : graphs) destroyGraphHandle(g.handle);
            graphs.clear();
            for (long p : deviceAllocations.keySet()) deviceFree(p);
            for (MemorySegment s : hostAllocations.values()) hostFree(s);
            deviceAllocations.clear();
            hostAllocations.clear();
        } finally {
            closed = true;
            release();
        }
    }

    /** Kernel names this runtime can launch by table (sorted). */
    public final synchronized List<String> kernelNames() { return kernels.keySet().stream().sorted().toList(); }

    // -------------------------------------------------------------------------------------------
    private void open() {
        if (closed) throw new TrmException(runtimeName + ": runtime already closed");
    }

    private boolean isDevice(long ptr, long bytes) {
        var e = deviceAllocations.floorEntry(ptr);
        return e != null && bytes >= 0 && ptr + bytes <= e.getKey() + e.getValue() && ptr <= e.getKey() + e.getValue();
    }

    private void checkDevice(long ptr, long bytes, String what) {
        if (bytes < 0) throw new TrmException(runtimeName + ": " + what + " of " + bytes + " bytes");
        if (!isDevice(ptr, bytes))
            throw new TrmException(runtimeName + ": " + what + ": device range [" + hex(ptr) + ", +" + bytes + ") is not inside one allocation");
    }

    private void checkHost(MemorySegment s, long bytes, String what) {
        if (bytes < 0 || s.byteSize() < bytes)
            throw new TrmException(runtimeName + ": " + what + " of " + bytes + " bytes with a host segment of " + s.byteSize());
    }

    static String hex(long p) { return "0x" + Long.toHexString(p); }
}
