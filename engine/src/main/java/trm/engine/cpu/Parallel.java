package trm.engine.cpu;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveAction;

/**
 * Splits a range of independent work items over the cpu device's threads.
 *
 * <p>Every item is computed by exactly one thread in a fixed order inside the item, so results
 * are bit-for-bit identical whatever the thread count or scheduling: callers must partition so
 * that no two items write the same output (no shared reductions).
 */
public final class Parallel {
    private static final ForkJoinPool POOL = new ForkJoinPool(threads());

    private Parallel() {}

    /** Threads used: {@code -Dtrm.cpu.threads=N}, else every available core. */
    public static int threads() {
        String p = System.getProperty("trm.cpu.threads");
        return p != null ? Math.max(1, Integer.parseInt(p)) : Runtime.getRuntime().availableProcessors();
    }

    @FunctionalInterface
    public interface RangeBody {
        /** Processes items [from, to). */
        void run(int from, int to);
    }

    /**
     * Runs body over [0, n) in chunks of at least {@code grain} items. Runs inline when the
     * range is too small to be worth a fork.
     */
    public static void forRange(int n, int grain, RangeBody body) {
        if (n <= 0) return;
        int threads = POOL.getParallelism();
        if (threads == 1 || n <= grain) {
            body.run(0, n);
            return;
        }
        int chunks = Math.min(threads * 4, Math.max(1, n / Math.max(1, grain)));
        if (chunks <= 1) {
            body.run(0, n);
            return;
        }
        if (Thread.currentThread() instanceof java.util.concurrent.ForkJoinWorkerThread w && w.getPool() == POOL) {
            // Nested call from inside a task: stay on this thread rather than oversubscribe.
            body.run(0, n);
            return;
        }
        POOL.invoke(new Chunk(body, 0, n, chunks));
    }

    private static final class Chunk extends RecursiveAction {
        private final RangeBody body;
        private final int from, to, chunks;

        Chunk(RangeBody body, int from, int to, int chunks) {
            this.body = body;
            this.from = from;
            this.to = to;
            this.chunks = chunks;
        }

        @Override
        protected void compute() {
            if (chunks <= 1) {
                body.run(from, to);
                return;
            }
            int leftChunks = chunks / 2;
            int mid = from + (int) ((long) (to - from) * leftChunks / chunks);
            invokeAll(new Chunk(body, from, mid, leftChunks), new Chunk(body, mid, to, chunks - leftChunks));
        }
    }
}
