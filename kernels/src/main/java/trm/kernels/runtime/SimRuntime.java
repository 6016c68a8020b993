package trm.kernels.runtime;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import trm.engine.TrmException;

/**
 * The CPU simulator: kernels compiled by g++ against {@code sim/cuda_sim.h}, loaded through FFM.
 * "Device" memory is native memory from {@code aligned_alloc} (filled with 0xff bytes, a NaN
 * pattern for fp32 and bf16, so unwritten outputs show), device pointers are plain addresses,
 * copies are memcpy, and launches run synchronously on the simulator's worker threads.
 */
public final class SimRuntime extends RuntimeBase implements KernelRuntime {

    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle ALIGNED_ALLOC = LINKER.downcallHandle(
            LINKER.defaultLookup().findOrThrow("aligned_alloc"), FunctionDescriptor.of(ADDRESS, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle FREE = LINKER.downcallHandle(
            LINKER.defaultLookup().findOrThrow("free"), FunctionDescriptor.ofVoid(ADDRESS));

    /** One loaded simulator library (loaded once per process and kept). */
    private record Library(KernelSet set, MethodHandle launch, MethodHandle lastError, MethodHandle count,
                           MethodHandle kernelName, MethodHandle kernelSignature) {}

    private record Handle(Library library, int index) {}

    private static final Map<KernelSet, Library> LIBRARIES = new ConcurrentHashMap<>();

    private SimRuntime(List<KernelSet> sets) {
        super("sim", sets);
        for (KernelSet set : sets) {
            Library lib = library(set);
            int n = call(() -> (int) lib.count().invokeExact());
            for (int i = 0; i < n; i++) {
                int index = i;
                String name = string(call(() -> (MemorySegment) lib.kernelName().invokeExact(index)));
                String sig = string(call(() -> (MemorySegment) lib.kernelSignature().invokeExact(index)));
                addKernel(new Kernel(name, set, sig, new Handle(lib, i)));
            }
        }
    }

    /** Opens the simulator with the given kernel sets, or throws a one-line TrmException. */
    public static SimRuntime open(KernelSet... sets) {
        for (KernelSet s : sets) {
            Optional<String> why = unavailableReason(s);
            if (why.isPresent()) throw new TrmException("sim device unavailable: " + why.get());
        }
        return new SimRuntime(List.of(sets));
    }

    /** Why the simulator cannot run this kernel set (library not built), or empty. */
    public static Optional<String> unavailableReason(KernelSet set) {
        if (LIBRARIES.containsKey(set)) return Optional.empty();
        if (set.resource(set.simLibraryResource()).isEmpty()) return Optional.of(set.simMissingReason());
        return Optional.empty();
    }

    private static Library library(KernelSet set) {
        return LIBRARIES.computeIfAbsent(set, s -> {
            Path path = extract(s);
            SymbolLookup lookup;
            try {
                lookup = SymbolLookup.libraryLookup(path, Arena.global());
            } catch (IllegalArgumentException e) {
                throw new TrmException("sim device unavailable: cannot load " + path + ": " + e.getMessage());
            }
            return new Library(s,
                    handle(lookup, "trm_sim_launch", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT,
                            JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS)),
                    handle(lookup, "trm_sim_last_error", FunctionDescriptor.of(ADDRESS)),
                    handle(lookup, "trm_sim_kernel_count", FunctionDescriptor.of(JAVA_INT)),
                    handle(lookup, "trm_sim_kernel_name", FunctionDescriptor.of(ADDRESS, JAVA_INT)),
                    handle(lookup, "trm_sim_kernel_signature", FunctionDescriptor.of(ADDRESS, JAVA_INT)));
        });
    }

    private static MethodHandle handle(SymbolLookup lookup, String symbol, FunctionDescriptor fd) {
        MemorySegment addr = lookup.find(symbol)
                .orElseThrow(() -> new TrmException("sim device unavailable: the simulator library lacks " + symbol));
        return LINKER.downcallHandle(addr, fd);
    }

    /** The library as a file: the resource itself when on disk, else a temporary copy. */
    private static Path extract(KernelSet set) {
        URL url = set.resource(set.simLibraryResource()).orElseThrow();
        try {
            if ("file".equals(url.getProtocol())) return Path.of(url.toURI());
            Path tmp = Files.createTempFile("lib" + set.name() + "_sim", ".so");
            tmp.toFile().deleteOnExit();
            try (InputStream in = url.openStream()) {
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            }
            return tmp;
        } catch (IOException | URISyntaxException e) {
            throw new TrmException("sim device unavailable: cannot extract " + url + ": " + e.getMessage());
        }
    }

    // -------------------------------------------------------------------------------------------
    @Override long deviceAlloc(long bytes) {
        long rounded = (bytes + 255) & ~255L;
        MemorySegment p = call(() -> (MemorySegment) ALIGNED_ALLOC.invokeExact(256L, rounded));
        if (p.address() == 0) throw new TrmException("sim: out of memory allocating " + bytes + " bytes");
        p.reinterpret(rounded).fill((byte) 0xff);
        return p.address();
    }

    @Override void deviceFree(long ptr) {
        MemorySegment p = MemorySegment.ofAddress(ptr);
        call(() -> { FREE.invokeExact(p); return null; });
    }

    @Override MemorySegment hostAlloc(long bytes) {
        return MemorySegment.ofAddress(deviceAlloc(bytes)).reinterpret(bytes);
    }

    @Override void hostFree(MemorySegment segment) { deviceFree(segment.address()); }

    @Override void h2d(MemorySegment src, long dst, long bytes) {
        MemorySegment.copy(src, 0, MemorySegment.ofAddress(dst).reinterpret(bytes), 0, bytes);
    }

    @Override void d2h(long src, MemorySegment dst, long bytes) {
        MemorySegment.copy(MemorySegment.ofAddress(src).reinterpret(bytes), 0, dst, 0, bytes);
    }

    @Override void d2d(long src, long dst, long bytes) {
        MemorySegment.copy(MemorySegment.ofAddress(src).reinterpret(bytes), 0, MemorySegment.ofAddress(dst).reinterpret(bytes), 0, bytes);
    }

    @Override void memset32(long dst, int value, long count) {
        MemorySegment s = MemorySegment.ofAddress(dst).reinterpret(count * 4);
        for (long i = 0; i < count; i++) s.setAtIndex(JAVA_INT, i, value);
    }

    @Override void launchKernel(Kernel kernel, Launch launch) {
        Handle h = (Handle) kernel.handle();
        List<KernelArg> args = launch.args();
        try (Arena a = Arena.ofConfined()) {
            int n = Math.max(1, args.size());
            MemorySegment values = a.allocate(8L * n, 8);
            MemorySegment pointers = a.allocate(ADDRESS, n);
            for (int i = 0; i < args.size(); i++) {
                MemorySegment slot = values.asSlice(8L * i, 8);
                switch (args.get(i)) {
                    case KernelArg.Ptr(long p) -> slot.set(JAVA_LONG, 0, p);
                    case KernelArg.I32(int v) -> slot.set(JAVA_INT, 0, v);
                    case KernelArg.I64(long v) -> slot.set(JAVA_LONG, 0, v);
                    case KernelArg.F32(float v) -> slot.set(JAVA_FLOAT, 0, v);
                }
                pointers.setAtIndex(ADDRESS, i, slot);
            }
            Dim3 g = launch.grid(), b = launch.block();
            int rc = call(() -> (int) h.library().launch().invokeExact(h.index(), g.x(), g.y(), g.z(), b.x(), b.y(), b.z(),
                    launch.sharedBytes(), pointers));
            if (rc != 0) {
                String why = string(call(() -> (MemorySegment) h.library().lastError().invokeExact()));
                throw new TrmException("sim: " + why.replace('\n', ' '));
            }
        }
    }

    @Override void sync() {}

    @Override KernelRuntime.Event recordEvent() { return new SimEvent(System.nanoTime()); }

    @Override void release() {}

    private record SimEvent(long nanos) implements KernelRuntime.Event {
        @Override public float millisSince(KernelRuntime.Event earlier) {
            return (nanos - ((SimEvent) earlier).nanos) / 1e6f;
        }
    }

    // -------------------------------------------------------------------------------------------
    @FunctionalInterface
    private interface NativeCall<T> {
        T run() throws Throwable;
    }

    private static <T> T call(NativeCall<T> c) {
        try {
            return c.run();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static String string(MemorySegment cstr) {
        return cstr.address() == 0 ? "" : cstr.reinterpret(Long.MAX_VALUE).getString(0);
    }
}
