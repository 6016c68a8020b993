package trm.kernels.runtime;

import java.lang.foreign.MemorySegment;

/**
 * Where kernels run: a real GPU ({@link CudaRuntime}, JCuda driver API, kernels from the fatbin)
 * or the CPU simulator ({@link SimRuntime}, the same .cu sources compiled by g++, loaded through
 * FFM). Both share everything up to the final call: kernel lookup, argument checks against the
 * kernel table, allocation bookkeeping and bounds checks, the host/device copy counter and the
 * kernel launch counter.
 *
 * <p>Device memory is addressed by {@code long} device pointers. Work is ordered on one stream:
 * launches, fills, device-to-device copies and copies from/to pinned host memory
 * ({@link #allocHost}) are asynchronous on cuda, so call {@link #synchronize()} before reading a
 * pinned buffer; copies from/to other host memory return when done. Errors are
 * {@link trm.engine.TrmException}s with one-line messages.
 */
public sealed interface KernelRuntime extends AutoCloseable permits SimRuntime, CudaRuntime {

    /** "cuda" or "sim". */
    String name();

    /** Allocates device memory (256-byte aligned); the contents are undefined. */
    long alloc(long bytes);

    void free(long devicePtr);

    /** Bytes of device memory allocated and not yet freed (what {@link #close()} would free). */
    long allocatedBytes();

    /** Allocates host memory for fast asynchronous copies (pinned on cuda). */
    MemorySegment allocHost(long bytes);

    void freeHost(MemorySegment hostBuffer);

    /** Copies {@code bytes} from the start of {@code src} to device memory. Counted. */
    void copyToDevice(MemorySegment src, long dstDevicePtr, long bytes);

    /** Copies {@code bytes} of device memory to the start of {@code dst}. Counted. */
    void copyToHost(long srcDevicePtr, MemorySegment dst, long bytes);

    /** Copies within the device. Not a host/device copy: not counted. */
    void copyDeviceToDevice(long srcDevicePtr, long dstDevicePtr, long bytes);

    /** Sets {@code count} 32-bit words at {@code dstDevicePtr} to {@code value} (no host copy). */
    void fill32(long dstDevicePtr, int value, long count);

    /** Enqueues a kernel launch after checking it against the kernel table. */
    void launch(Launch launch);

    /** Waits until all enqueued work is done. */
    void synchronize();

    /** Host-to-device plus device-to-host copies made through this runtime so far. */
    long hostDeviceCopies();

    /**
     * Kernel launches that passed the checks of {@link #launch} so far (on both runtimes, counted
     * in the shared launch path). Fills and device-to-device copies are not kernel launches and
     * are not counted.
     */
    long launches();

    /**
     * Starts a graph capture (cuda: {@code cuStreamBeginCapture} on the runtime's stream, thread
     * local mode; sim: a recorder): until {@link #endCapture}, launches, fills and device-to-device
     * copies are recorded, not run; allocation, host copies, {@link #synchronize}, {@link #record}
     * and graph launches are refused with a one-line TrmException. Captures do not nest. Recorded
     * launches are counted by the graph ({@link Graph#kernels()}), not by {@link #launches()}.
     */
    void beginCapture();

    /** Ends the capture and returns the graph (cuda: {@code cuStreamEndCapture} + {@code cuGraphInstantiate}). */
    Graph endCapture();

    /** Ends a capture that failed half-way and drops what it recorded (a no-op when none is under way). */
    void abortCapture();

    /** Whether a capture is under way. */
    boolean capturing();

    /**
     * Enqueues one replay of {@code graph} (cuda: {@code cuGraphLaunch}; sim: the recorded
     * launches, fills and copies in order, with the simulator's checks after each launch). The
     * recorded pointers and scalars are replayed as captured.
     */
    void launchGraph(Graph graph);

    /** Graphs captured and not yet closed (what {@link Graph#close} and {@link #close()} release). */
    int liveGraphs();

    /** Graph launches so far (each replays a whole graph; its kernels are not added to {@link #launches()}). */
    long graphLaunches();

    /** Records a point in the stream, for timing. */
    Event record();

    /** Frees what this runtime still holds. */
    @Override void close();

    /**
     * A captured sequence of device work, replayable with {@link #launchGraph}. Valid while the
     * buffers it was captured on live; {@link #close()} of the runtime destroys those left open.
     */
    interface Graph extends AutoCloseable {
        /** Kernel launches the graph replays. */
        long kernels();

        /** Destroys the graph (cuda: cuGraphExecDestroy, cuGraphDestroy); idempotent. */
        @Override void close();
    }

    /** A point in the runtime's stream. */
    interface Event extends AutoCloseable {
        /** Milliseconds from {@code earlier} to this event, once both have completed (waits). */
        float millisSince(Event earlier);

        /** Releases the event's handle (cuda: cuEventDestroy); the runtime's close releases those left open. */
        @Override default void close() {}
    }

    static KernelRuntime sim(KernelSet... sets) { return SimRuntime.open(sets); }

    static KernelRuntime cuda(int device, KernelSet... sets) { return CudaRuntime.open(device, sets); }
}
