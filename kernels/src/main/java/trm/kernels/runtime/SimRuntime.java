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
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import trm.engine.TrmException;

/**
 * The CPU simulator: kernels compiled by g++ against {@code sim/cuda_sim.h}, loaded through FFM.
 * "Device" memory is native memory from {@code aligned_alloc} (filled with 0xff bytes, a NaN
 * pattern for fp32 and bf16, so unwritten outputs show), device pointers are plain addresses,
 * copies are memcpy, and launches run synchronously on the simulator's worker threads.
 *
 * <p>Strict by default (kernels/README.md, "The strict simulator"): every device allocation sits
 * between {@value #GUARD}-byte canaries checked after each launch (a write outside an allocation
 * fails the launch naming the kernel, the argument and the byte offset), and a block's threads
 * run in the order of {@link ThreadOrder} chosen by the system properties {@code trm.sim.order}
 * ({@code shuffled} by default, {@code reversed}, {@code ascending}) and {@code trm.sim.seed}
 * (default 1), or by {@link #threadOrder}.
 */
public final class SimRuntime extends RuntimeBase implements KernelRuntime {

    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle ALIGNED_ALLOC = LINKER.downcallHandle(
            LINKER.defaultLookup().findOrThrow("aligned_alloc"), FunctionDescriptor.of(ADDRESS, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle FREE = LINKER.downcallHandle(
            LINKER.defaultLookup().findOrThrow("free"), FunctionDescriptor.ofVoid(ADDRESS));

    /** The order in which the simulator runs a block's threads between two sync points. */
    public enum ThreadOrder {
        /** threadIdx 0, 1, 2, ...: the old lenient order, hides a lower thread writing for a higher one. */
        ASCENDING,
        /** Highest thread first: a read of what a lower thread writes without a barrier sees poison. */
        REVERSED,
        /** A shuffle per block drawn from the seed, the kernel name and the block index (reproducible). */
        SHUFFLED;

        /** From {@code trm.sim.order}; a bad value is a one-line TrmException. */
        static ThreadOrder parse(String s) {
            try {
                return valueOf(s.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new TrmException("trm.sim.order=" + s + ": expected ascending, reversed or shuffled");
            }
        }
    }

    /** Bytes of canary before and after every allocation (plus the rounding slack after it). */
    static final int GUARD = 256;
    /** The canary word (TRM_SIM_CANARY in cuda_sim.h): a quiet NaN as fp32 and as both bf16 halves. */
    static final int CANARY_WORD = 0x7fc17fc1;
    private static final MemorySegment CANARY = canary(4 * GUARD);

    /** One loaded simulator library (loaded once per process and kept). */
    private record Library(KernelSet set, MethodHandle launch, MethodHandle lastError, MethodHandle count,
                           MethodHandle kernelName, MethodHandle kernelSignature, MethodHandle setOrder) {}

    private record Handle(Library library, int index) {}

    private static final Map<KernelSet, Library> LIBRARIES = new ConcurrentHashMap<>();

    /** Live device allocations: user pointer to requested bytes (the guards lie around them). */
    private final TreeMap<Long, Long> guarded = new TreeMap<>();

    private SimRuntime(List<KernelSet> sets) {
        super("sim", sets);
        ThreadOrder order = ThreadOrder.parse(System.getProperty("trm.sim.order", "shuffled"));
        long seed;
        try {
            seed = Long.parseLong(System.getProperty("trm.sim.seed", "1").trim());
        } catch (NumberFormatException e) {
            throw new TrmException("trm.sim.seed=" + System.getProperty("trm.sim.seed") + ": not an integer");
        }
        for (KernelSet set : sets) {
            Library lib = library(set);
            setOrder(lib, order, seed);
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

    /**
     * Sets the thread order of every launch from now on, for the simulator libraries of this
     * runtime (process-wide: the libraries are shared by all SimRuntimes that use them).
     */
    public synchronized void threadOrder(ThreadOrder order, long seed) {
        for (Library lib : LIBRARIES.values()) setOrder(lib, order, seed);
    }

    private static void setOrder(Library lib, ThreadOrder order, long seed) {
        int rc = call(() -> (int) lib.setOrder().invokeExact(order.ordinal(), seed));
        if (rc != 0) throw new TrmException("sim: the simulator library rejected thread order " + order);
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
                    handle(lookup, "trm_sim_kernel_signature", FunctionDescriptor.of(ADDRESS, JAVA_INT)),
                    handle(lookup, "trm_sim_set_order", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG)));
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
    /** [GUARD canary][bytes of 0xff][canary up to the next 256 bytes][GUARD canary]; 256-aligned. */
    @Override long deviceAlloc(long bytes) {
        long rounded = (bytes + 255) & ~255L;
        MemorySegment raw = rawAlloc(GUARD + rounded + GUARD);
        for (long o = 0; o < raw.byteSize(); o += CANARY.byteSize())  // guards only matter, but this is simple
            MemorySegment.copy(CANARY, 0, raw, o, Math.min(CANARY.byteSize(), raw.byteSize() - o));
        raw.asSlice(GUARD, bytes).fill((byte) 0xff);
        long user = raw.address() + GUARD;
        guarded.put(user, bytes);
        return user;
    }

    @Override void deviceFree(long ptr) {
        guarded.remove(ptr);
        rawFree(ptr - GUARD);
    }

    @Override MemorySegment hostAlloc(long bytes) {
        MemorySegment s = rawAlloc((bytes + 255) & ~255L);
        s.fill((byte) 0xff);
        return s.reinterpret(bytes);
    }

    @Override void hostFree(MemorySegment segment) { rawFree(segment.address()); }

    private static MemorySegment rawAlloc(long bytes) {
        MemorySegment p = call(() -> (MemorySegment) ALIGNED_ALLOC.invokeExact(256L, bytes));
        if (p.address() == 0) throw new TrmException("sim: out of memory allocating " + bytes + " bytes");
        return p.reinterpret(bytes);
    }

    private static void rawFree(long address) {
        MemorySegment p = MemorySegment.ofAddress(address);
        call(() -> { FREE.invokeExact(p); return null; });
    }

    private static MemorySegment canary(long bytes) {
        MemorySegment c = Arena.global().allocate(bytes, 256);
        for (long i = 0; i < bytes / 4; i++) c.setAtIndex(JAVA_INT, i, CANARY_WORD);
        return c;
    }

    /**
     * After a launch: every allocation's guards still hold the canary, else the launch wrote out
     * of bounds; the message names the kernel, the argument pointing into that allocation and the
     * byte offset from that argument. The guards are restored so the runtime stays usable.
     */
    private void checkGuards(Kernel kernel, List<KernelArg> args) {
        String first = null;
        for (var e : guarded.entrySet()) {
            long user = e.getKey(), bytes = e.getValue();
            long rounded = (bytes + 255) & ~255L;
            MemorySegment front = MemorySegment.ofAddress(user - GUARD).reinterpret(GUARD);
            long backLen = rounded - bytes + GUARD;
            MemorySegment back = MemorySegment.ofAddress(user + bytes).reinterpret(backLen);
            long bad = front.mismatch(CANARY.asSlice(0, GUARD));
            long at;
            if (bad >= 0) {
                at = user - GUARD + bad;
            } else {
                long b = back.mismatch(CANARY.asSlice((user + bytes) & 3, backLen));
                if (b < 0) continue;
                at = user + bytes + b;
            }
            MemorySegment.copy(CANARY, 0, front, 0, GUARD);
            MemorySegment.copy(CANARY, (user + bytes) & 3, back, 0, backLen);
            if (first == null) first = "sim: kernel " + kernel.name() + ": " + describeOutOfBounds(args, user, bytes, at);
        }
        if (first != null) throw new TrmException(first);
    }

    private static String describeOutOfBounds(List<KernelArg> args, long user, long bytes, long at) {
        String where = at < user ? (user - at) + " bytes before the start" : (at - user - bytes) + " bytes past the end";
        for (int i = 0; i < args.size(); i++)
            if (args.get(i) instanceof KernelArg.Ptr(long p) && p >= user && p <= user + bytes)
                return "write out of bounds through argument " + i + " at byte offset " + (at - p) + " from it, "
                        + where + " of its " + bytes + "-byte allocation";
        return "write out of bounds of a " + bytes + "-byte allocation at " + hex(at) + " (" + where
                + "), which no pointer argument points into";
    }

    @Override void h2d(MemorySegment src, long dst, long bytes) {
        MemorySegment.copy(src, 0, MemorySegment.ofAddress(dst).reinterpret(bytes), 0, bytes);
    }

    @Override void d2h(long src, MemorySegment dst, long bytes) {
        MemorySegment.copy(MemorySegment.ofAddress(src).reinterpret(bytes), 0, dst, 0, bytes);
    }

    @Override void d2d(long src, long dst, long bytes) {
        if (recording != null) {
            recording.add(() -> d2d(src, dst, bytes));
            return;
        }
        MemorySegment.copy(MemorySegment.ofAddress(src).reinterpret(bytes), 0, MemorySegment.ofAddress(dst).reinterpret(bytes), 0, bytes);
    }

    @Override void memset32(long dst, int value, long count) {
        if (recording != null) {
            recording.add(() -> memset32(dst, value, count));
            return;
        }
        MemorySegment s = MemorySegment.ofAddress(dst).reinterpret(count * 4);
        for (long i = 0; i < count; i++) s.setAtIndex(JAVA_INT, i, value);
    }

    @Override void launchKernel(Kernel kernel, Launch launch) {
        if (recording != null) {  // checked by the shared launch path already; run at each replay
            recording.add(() -> launchKernel(kernel, launch));
            return;
        }
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
                try {
                    checkGuards(kernel, args);  // restores the guards; the launch's own error comes first
                } catch (TrmException ignored) {
                    // reported by the line below
                }
                throw new TrmException("sim: " + why.replace('\n', ' '));
            }
        }
        checkGuards(kernel, args);
    }

    @Override void sync() {}

    /**
     * The capture under way: the launches, fills and device copies in stream order, run as they
     * would have been at each replay (the simulator runs work synchronously, so a replay is the
     * list run in order; null when not capturing).
     */
    private List<Runnable> recording;

    @Override void beginStreamCapture() { recording = new java.util.ArrayList<>(); }

    @Override Object endStreamCapture() {
        List<Runnable> r = List.copyOf(recording);
        recording = null;
        return r;
    }

    @Override void abortStreamCapture() { recording = null; }

    @SuppressWarnings("unchecked")
    @Override void launchGraphHandle(Object handle) {
        for (Runnable op : (List<Runnable>) handle) op.run();
    }

    @Override void destroyGraphHandle(Object handle) {}

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
