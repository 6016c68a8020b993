package trm.kernels.runtime;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntSupplier;

import jcuda.CudaException;
import jcuda.NativePointerObject;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUevent;
import jcuda.driver.CUevent_flags;
import jcuda.driver.CUfunction;
import jcuda.driver.CUfunction_attribute;
import jcuda.driver.CUgraph;
import jcuda.driver.CUgraphExec;
import jcuda.driver.CUmodule;
import jcuda.driver.CUresult;
import jcuda.driver.CUstream;
import jcuda.driver.CUstreamCaptureMode;
import jcuda.driver.CUstream_flags;
import jcuda.driver.JCudaDriver;
import trm.engine.TrmException;

/**
 * A real GPU through JCuda's driver API: the primary context of one device, one non-blocking
 * stream, one module per kernel set loaded from its fatbin resource ({@code cuModuleLoadData}),
 * functions from {@code cuModuleGetFunction}, launches with {@code cuLaunchKernel}. Every driver
 * call is checked; a failure is a one-line TrmException naming the call and the CUresult. Without
 * a driver, a device, JCuda's natives or the fatbin, {@link #open} throws
 * "cuda device unavailable: reason".
 */
public final class CudaRuntime extends RuntimeBase implements KernelRuntime {

    private static final int DEFAULT_MAX_DYNAMIC_SHARED = 48 * 1024;

    /** A device pointer as JCuda wants it: address = nativePointer (0) + byteOffset. */
    static final class DevPtr extends CUdeviceptr {
        private static final CUdeviceptr ZERO = new CUdeviceptr();

        DevPtr() {}

        DevPtr(long address) { super(ZERO, address); }

        long address() { return getNativePointer() + getByteOffset(); }
    }

    /** A host pointer at a raw address (pinned buffers, native segments). */
    static final class HostPtr extends Pointer {
        private static final Pointer ZERO = new Pointer();

        HostPtr() {}

        HostPtr(long address) { super(ZERO, address); }

        long address() { return getNativePointer() + getByteOffset(); }
    }

    private static final class Function {
        final CUfunction function;
        int maxDynamicShared = DEFAULT_MAX_DYNAMIC_SHARED;

        Function(CUfunction f) { function = f; }
    }

    private final int ordinal;
    private final CUdevice device = new CUdevice();
    private final CUcontext context = new CUcontext();
    private final CUstream stream = new CUstream();
    private final List<CUmodule> modules = new ArrayList<>();
    private final Map<Long, HostPtr> pinned = new HashMap<>();
    private final Map<Long, DevPtr> devicePtrs = new HashMap<>();
    /** Events recorded and not yet closed: destroyed on release. */
    private final java.util.Set<CudaEvent> events = new java.util.HashSet<>();
    private final String deviceName;
    private boolean contextRetained;

    private CudaRuntime(int ordinal, List<KernelSet> sets) {
        super("cuda", sets);
        this.ordinal = ordinal;
        try {
            cu("cuDeviceGet", () -> JCudaDriver.cuDeviceGet(device, ordinal));
            cu("cuDevicePrimaryCtxRetain", () -> JCudaDriver.cuDevicePrimaryCtxRetain(context, device));
            contextRetained = true;
            current();
            byte[] name = new byte[256];
            cu("cuDeviceGetName", () -> JCudaDriver.cuDeviceGetName(name, name.length, device));
            deviceName = new String(name, 0, indexOfZero(name)).strip();
            cu("cuStreamCreate", () -> JCudaDriver.cuStreamCreate(stream, CUstream_flags.CU_STREAM_NON_BLOCKING));
            for (KernelSet set : sets) {
                CUmodule module = new CUmodule();
                byte[] fatbin = set.readResource(set.fatbinResource());
                cu("cuModuleLoadData(" + set.name() + ".fatbin)", () -> JCudaDriver.cuModuleLoadData(module, fatbin));
                modules.add(module);
                Optional<Map<String, String>> table = set.table();
                if (table.isPresent()) {
                    for (var e : table.get().entrySet()) {
                        CUfunction f = new CUfunction();
                        cu("cuModuleGetFunction(" + e.getKey() + ")", () -> JCudaDriver.cuModuleGetFunction(f, module, e.getKey()));
                        addKernel(new Kernel(e.getKey(), set, e.getValue(), new Function(f)));
                    }
                }
            }
        } catch (RuntimeException e) {
            release();
            throw e;
        }
    }

    /** Opens device {@code ordinal} with the given kernel sets, or throws "cuda device unavailable: ...". */
    public static CudaRuntime open(int ordinal, KernelSet... sets) {
        Optional<String> why = unavailableReason(sets);
        if (why.isPresent()) throw new TrmException("cuda device unavailable: " + why.get());
        for (KernelSet s : sets) {
            Optional<String> old = s.fatbinCudaVersion().flatMap(need -> driverTooOld(driverVersion(), need));
            if (old.isPresent()) throw new TrmException("cuda device unavailable: " + old.get());
        }
        int count = deviceCount();
        if (ordinal < 0 || ordinal >= count)
            throw new TrmException("cuda device unavailable: device " + ordinal + " requested, " + count + " present");
        return new CudaRuntime(ordinal, List.of(sets));
    }

    /** Why no cuda runtime can be opened for these kernel sets (no fatbin, natives, driver or device), or empty. */
    public static Optional<String> unavailableReason(KernelSet... sets) {
        for (KernelSet s : sets)
            if (s.resource(s.fatbinResource()).isEmpty()) return Optional.of(s.fatbinMissingReason());
        return Optional.ofNullable(Driver.PROBLEM);
    }

    /** The CUDA version the installed driver supports (cuDriverGetVersion: major·1000 + minor·10, e.g. 12080). */
    public static int driverVersion() {
        int[] v = new int[1];
        cu("cuDriverGetVersion", () -> JCudaDriver.cuDriverGetVersion(v));
        return v[0];
    }

    /**
     * Why a driver supporting CUDA {@code driver} cannot load a fatbin built by the nvcc of CUDA
     * {@code needed} (both as major·1000 + minor·10), or empty when it can. A cubin from nvcc N needs a
     * driver for CUDA N or newer; older drivers fail later with a message that names the wrong version.
     */
    static Optional<String> driverTooOld(int driver, int needed) {
        if (driver >= needed) return Optional.empty();
        return Optional.of("the NVIDIA driver supports CUDA " + version(driver) + ", the kernels were built by nvcc " + version(needed)
                + " and need a driver for CUDA " + version(needed) + " or newer");
    }

    /** 12080 -> "12.8". */
    static String version(int v) { return v / 1000 + "." + (v % 1000) / 10; }

    /** The device's name, as the driver reports it. */
    public String deviceName() { return deviceName; }

    public int ordinal() { return ordinal; }

    /**
     * Makes this runtime's context current on the calling thread and returns its stream as a raw
     * CUstream handle (also a cudaStream_t), for runtime-API libraries such as cuBLAS.
     */
    public long currentStream() {
        current();
        return new RawHandle(stream).value();
    }

    private static final class RawHandle extends NativePointerObject {
        RawHandle(NativePointerObject o) { super(o); }

        long value() { return getNativePointer(); }
    }

    // -------------------------------------------------------------------------------------------
    // Driver initialisation, once per process: a failure is kept as a one-line reason.
    // -------------------------------------------------------------------------------------------
    private static final class Driver {
        static final String PROBLEM = init();

        private static String init() {
            try {
                JCudaDriver.setExceptionsEnabled(true);
                JCudaDriver.cuInit(0);
                int[] n = new int[1];
                JCudaDriver.cuDeviceGetCount(n);
                return n[0] > 0 ? null : "no CUDA device found";
            } catch (Throwable t) {
                return reason(t);
            }
        }

        /** One line: what is missing, without JCuda's multi-line loader report. */
        static String reason(Throwable t) {
            StringBuilder all = new StringBuilder();
            for (Throwable c = t; c != null; c = c.getCause()) all.append(c).append(' ');
            String s = all.toString();
            if (s.contains("libcuda.so")) return "no NVIDIA driver (libcuda.so.1 cannot be loaded)";
            if (s.contains("CUDA_ERROR_NO_DEVICE")) return "no CUDA device (CUDA_ERROR_NO_DEVICE)";
            if (s.contains("CUDA_ERROR_INSUFFICIENT_DRIVER")) return "the NVIDIA driver is older than CUDA 12.6 (CUDA_ERROR_INSUFFICIENT_DRIVER)";
            if (t instanceof UnsatisfiedLinkError || t instanceof NoClassDefFoundError || t instanceof ExceptionInInitializerError)
                return "JCuda's native library cannot be loaded: " + firstLine(s);
            return firstLine(s);
        }
    }

    private static int deviceCount() {
        int[] n = new int[1];
        cu("cuDeviceGetCount", () -> JCudaDriver.cuDeviceGetCount(n));
        return n[0];
    }

    // -------------------------------------------------------------------------------------------
    @Override Kernel resolveUnlisted(String name) {
        // No kernel table (built without g++): look the name up in the modules directly.
        for (CUmodule m : modules) {
            CUfunction f = new CUfunction();
            try {
                if (JCudaDriver.cuModuleGetFunction(f, m, name) == CUresult.CUDA_SUCCESS) return new Kernel(name, null, null, new Function(f));
            } catch (CudaException e) {
                // not in this module
            }
        }
        return null;
    }

    @Override long deviceAlloc(long bytes) {
        current();
        DevPtr p = new DevPtr();
        cu("cuMemAlloc(" + bytes + ")", () -> JCudaDriver.cuMemAlloc(p, bytes));
        devicePtrs.put(p.address(), p);
        return p.address();
    }

    @Override void deviceFree(long ptr) {
        current();
        DevPtr p = devicePtrs.remove(ptr);
        cu("cuMemFree", () -> JCudaDriver.cuMemFree(p != null ? p : new DevPtr(ptr)));
    }

    @Override MemorySegment hostAlloc(long bytes) {
        current();
        HostPtr p = new HostPtr();
        cu("cuMemAllocHost(" + bytes + ")", () -> JCudaDriver.cuMemAllocHost(p, bytes));
        pinned.put(p.address(), p);
        return MemorySegment.ofAddress(p.address()).reinterpret(bytes);
    }

    @Override void hostFree(MemorySegment segment) {
        current();
        HostPtr p = pinned.remove(segment.address());
        cu("cuMemFreeHost", () -> JCudaDriver.cuMemFreeHost(p != null ? p : new HostPtr(segment.address())));
    }

    @Override void h2d(MemorySegment src, long dst, long bytes) {
        current();
        cu("cuMemcpyHtoDAsync", () -> JCudaDriver.cuMemcpyHtoDAsync(new DevPtr(dst), new HostPtr(src.address()), bytes, stream));
    }

    @Override void d2h(long src, MemorySegment dst, long bytes) {
        current();
        cu("cuMemcpyDtoHAsync", () -> JCudaDriver.cuMemcpyDtoHAsync(new HostPtr(dst.address()), new DevPtr(src), bytes, stream));
        if (!pinned.containsKey(dst.address())) sync();  // pageable destination: done when we return
    }

    @Override void d2d(long src, long dst, long bytes) {
        current();
        cu("cuMemcpyDtoDAsync", () -> JCudaDriver.cuMemcpyDtoDAsync(new DevPtr(dst), new DevPtr(src), bytes, stream));
    }

    @Override void memset32(long dst, int value, long count) {
        current();
        cu("cuMemsetD32Async", () -> JCudaDriver.cuMemsetD32Async(new DevPtr(dst), value, count, stream));
    }

    @Override void launchKernel(Kernel kernel, Launch launch) {
        current();
        Function f = (Function) kernel.handle();
        int shared = launch.sharedBytes();
        if (shared > f.maxDynamicShared) {
            cu("cuFuncSetAttribute(" + kernel.name() + ", max dynamic shared " + shared + ")", () -> JCudaDriver.cuFuncSetAttribute(
                    f.function, CUfunction_attribute.CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES, shared));
            f.maxDynamicShared = shared;
        }
        List<KernelArg> args = launch.args();
        NativePointerObject[] params = new NativePointerObject[args.size()];
        for (int i = 0; i < params.length; i++) {
            params[i] = switch (args.get(i)) {
                case KernelArg.Ptr(long p) -> Pointer.to(new long[] {p});
                case KernelArg.I32(int v) -> Pointer.to(new int[] {v});
                case KernelArg.I64(long v) -> Pointer.to(new long[] {v});
                case KernelArg.F32(float v) -> Pointer.to(new float[] {v});
            };
        }
        Dim3 g = launch.grid(), b = launch.block();
        cu("cuLaunchKernel(" + launch + ")", () -> JCudaDriver.cuLaunchKernel(f.function, g.x(), g.y(), g.z(), b.x(), b.y(), b.z(),
                shared, stream, Pointer.to(params), null));
    }

    @Override void sync() {
        current();
        cu("cuStreamSynchronize", () -> JCudaDriver.cuStreamSynchronize(stream));
    }

    /** A captured graph and its executable instance. */
    private record CudaGraph(CUgraph graph, CUgraphExec exec) {}

    @Override void beginStreamCapture() {
        current();
        cu("cuStreamBeginCapture", () -> JCudaDriver.cuStreamBeginCapture(stream, CUstreamCaptureMode.CU_STREAM_CAPTURE_MODE_THREAD_LOCAL));
    }

    @Override Object endStreamCapture() {
        current();
        CUgraph graph = new CUgraph();
        cu("cuStreamEndCapture", () -> JCudaDriver.cuStreamEndCapture(stream, graph));
        CUgraphExec exec = new CUgraphExec();
        try {
            cu("cuGraphInstantiate", () -> JCudaDriver.cuGraphInstantiate(exec, graph, 0));
        } catch (TrmException e) {
            try { JCudaDriver.cuGraphDestroy(graph); } catch (CudaException ignored) { /* the instantiation error is the one to report */ }
            throw e;
        }
        return new CudaGraph(graph, exec);
    }

    @Override void abortStreamCapture() {
        current();
        CUgraph graph = new CUgraph();
        try {  // ending an invalidated capture fails; the stream leaves capture mode either way
            if (JCudaDriver.cuStreamEndCapture(stream, graph) == CUresult.CUDA_SUCCESS) JCudaDriver.cuGraphDestroy(graph);
        } catch (CudaException ignored) {
            // the error that aborted the capture is the one reported
        }
    }

    @Override void launchGraphHandle(Object handle) {
        current();
        cu("cuGraphLaunch", () -> JCudaDriver.cuGraphLaunch(((CudaGraph) handle).exec(), stream));
    }

    @Override void destroyGraphHandle(Object handle) {
        current();
        CudaGraph g = (CudaGraph) handle;
        cu("cuGraphExecDestroy", () -> JCudaDriver.cuGraphExecDestroy(g.exec()));
        cu("cuGraphDestroy", () -> JCudaDriver.cuGraphDestroy(g.graph()));
    }

    @Override KernelRuntime.Event recordEvent() {
        current();
        CUevent e = new CUevent();
        cu("cuEventCreate", () -> JCudaDriver.cuEventCreate(e, CUevent_flags.CU_EVENT_DEFAULT));
        CudaEvent event = new CudaEvent(this, e);
        events.add(event);  // before recording: destroyed on release even if the record fails
        cu("cuEventRecord", () -> JCudaDriver.cuEventRecord(e, stream));
        return event;
    }

    /** Destroys an event now (idempotent); release destroys those never closed. */
    private synchronized void destroy(CudaEvent e) {
        if (events.remove(e)) cu("cuEventDestroy", () -> JCudaDriver.cuEventDestroy(e.event));
    }

    private static final class CudaEvent implements KernelRuntime.Event {
        private final CudaRuntime owner;
        private final CUevent event;

        CudaEvent(CudaRuntime owner, CUevent event) { this.owner = owner; this.event = event; }

        @Override public float millisSince(KernelRuntime.Event earlier) {
            float[] ms = new float[1];
            cu("cuEventSynchronize", () -> JCudaDriver.cuEventSynchronize(event));
            cu("cuEventElapsedTime", () -> JCudaDriver.cuEventElapsedTime(ms, ((CudaEvent) earlier).event, event));
            return ms[0];
        }

        @Override public void close() { owner.destroy(this); }
    }

    @Override void release() {
        // Best effort: the first failure is reported after everything was attempted.
        TrmException first = null;
        for (CudaEvent e : List.copyOf(events)) {
            try { destroy(e); } catch (TrmException x) { if (first == null) first = x; }
        }
        events.clear();
        for (CUmodule m : modules) {
            try { cu("cuModuleUnload", () -> JCudaDriver.cuModuleUnload(m)); } catch (TrmException e) { if (first == null) first = e; }
        }
        modules.clear();
        try { cu("cuStreamDestroy", () -> JCudaDriver.cuStreamDestroy(stream)); } catch (TrmException e) { if (first == null) first = e; }
        if (contextRetained) {
            contextRetained = false;
            try { cu("cuDevicePrimaryCtxRelease", () -> JCudaDriver.cuDevicePrimaryCtxRelease(device)); } catch (TrmException e) { if (first == null) first = e; }
        }
        if (first != null) throw first;
    }

    private void current() {
        cu("cuCtxSetCurrent", () -> JCudaDriver.cuCtxSetCurrent(context));
    }

    /** Runs one driver call: a CudaException or non-zero CUresult becomes a one-line TrmException. */
    static void cu(String what, IntSupplier call) {
        int rc;
        try {
            rc = call.getAsInt();
        } catch (CudaException e) {
            throw new TrmException("cuda: " + what + " failed: " + firstLine(String.valueOf(e.getMessage())));
        }
        if (rc != CUresult.CUDA_SUCCESS) throw new TrmException("cuda: " + what + " failed: " + CUresult.stringFor(rc));
    }

    private static String firstLine(String s) {
        String t = s.strip();
        int nl = t.indexOf('\n');
        t = nl < 0 ? t : t.substring(0, nl).strip();
        return t.length() > 300 ? t.substring(0, 300) + "..." : t;
    }

    private static int indexOfZero(byte[] b) {
        for (int i = 0; i < b.length; i++) if (b[i] == 0) return i;
        return b.length;
    }
}
