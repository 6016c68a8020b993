package trm.engine;

/**
 * Where tensors live and where {@link Ops} run: cpu (the Java reference), cuda (our kernels
 * through JCuda) or sim (the same kernels compiled for the CPU, for CI).
 *
 * <p>The model is written once against this interface; a device differs only in how it stores
 * buffers and executes each op.
 */
public interface Device extends AutoCloseable {
    String name();

    /** A fresh buffer of zeros. Meant for setup, not the per-step path (use a {@link TensorArena}). */
    Tensor allocate(DType dtype, int... shape);

    /** Host → device copies. Each call counts as one transfer. */
    void upload(Tensor dst, float[] src);

    void upload(Tensor dst, int[] src);

    /** Device → host copies. Each call counts as one transfer. */
    void download(Tensor src, float[] dst);

    void download(Tensor src, int[] dst);

    /** The compute primitives of this device. */
    Ops ops();

    /** Host↔device copies so far; residency tests assert that a recursion adds none. */
    long transfers();

    /** Buffers allocated so far; a training step after the first must add none (the arena holds them). */
    long allocations();

    /**
     * Returns a buffer that {@link #allocate} made (the whole buffer, not a view of it) to the
     * device, once the work queued on it is done. The buffer and every view of it must not be used
     * afterwards. A no-op where the garbage collector reclaims buffers (the cpu's Java arrays) and
     * on a closed device (closing freed everything). Refused inside a {@link #capture}.
     */
    default void free(Tensor buffer) {}

    /**
     * A recorded sequence of ops that {@link #replay} runs again as one launch (a CUDA graph).
     * Valid while the buffers it was recorded on live: close it before freeing them.
     */
    interface Graph extends AutoCloseable {
        /** Enqueues the recorded ops once more, with the buffers and scalars they were recorded with. */
        void replay();

        /**
         * Releases the recording (cuda: cuGraphExecDestroy and cuGraphDestroy); idempotent. A
         * replay afterwards is refused with a one-line TrmException.
         */
        @Override void close();
    }

    /**
     * Records {@code work} as a {@link Graph}, or returns empty when this device runs ops one by
     * one (the cpu; the kernel devices in eager mode). Recording does not run the work: replay
     * the graph for that. {@code work} must be ops only, on buffers that outlive the graph, with
     * arguments that are the same at every replay (fresh inputs go into those buffers by
     * upload before a replay); an upload, download or allocation inside it is refused with a
     * one-line TrmException.
     */
    default java.util.Optional<Graph> capture(Runnable work) {
        return java.util.Optional.empty();
    }

    /** Waits for queued work (a no-op on synchronous devices). */
    default void synchronize() {}

    @Override
    default void close() {}

    /** Convenience: allocate and upload. */
    default Tensor tensor(float[] data, int... shape) {
        Tensor t = allocate(DType.F32, shape);
        if (data.length != t.numel()) throw new IllegalArgumentException("data length " + data.length + " != numel " + t.numel());
        upload(t, data);
        return t;
    }

    default Tensor tensor(int[] data, int... shape) {
        Tensor t = allocate(DType.I32, shape);
        if (data.length != t.numel()) throw new IllegalArgumentException("data length " + data.length + " != numel " + t.numel());
        upload(t, data);
        return t;
    }

    default float[] toFloats(Tensor t) {
        float[] out = new float[Math.toIntExact(t.numel())];
        download(t, out);
        return out;
    }

    default int[] toInts(Tensor t) {
        int[] out = new int[Math.toIntExact(t.numel())];
        download(t, out);
        return out;
    }
}
