package trm.trainer.serve;

import trm.engine.DType;
import trm.engine.Device;
import trm.engine.Ops;
import trm.engine.Tensor;
import trm.engine.TrmException;
import trm.engine.model.TrmConfig;
import trm.engine.model.TrmModel;
import trm.engine.model.Workspace;
import trm.trainer.Inference.Answer;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CancellationException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Continuous batching over halting slots: B slots run supervision steps together on one
 * inference workspace, sized once at construction; between two steps, every slot whose sample
 * halted (q_halt &gt; 0 with early halting, or its step limit reached) answers its request at
 * once, and every free slot takes the next waiting request with its carry reset to the init
 * buffers (H_init, L_init) — the training's streaming slots ({@link trm.trainer.Trainer})
 * applied to serving. No request waits for a whole batch to finish.
 *
 * <p>Each slot runs the recursion of {@link trm.trainer.Inference#solve} for its own sample:
 * the cpu device computes every row of a batch independently and in a fixed order, so an
 * answer (grid, steps, q_halt bits) does not depend on the slot, the batch size or the other
 * requests (SlotSchedulerTest checks it against Inference with a batch of 1).
 *
 * <p>Only the device thread touches the device: either the thread that calls {@link #runUntilIdle}
 * (the command line) or the one {@link #start} launches (the server). {@link #submit} is safe
 * from any thread; at most {@code maxQueue} puzzles wait for a slot (more are refused), so host
 * memory is bounded too.
 *
 * <p>{@link #close} ends it: new requests are refused, the device thread (if any) finishes what
 * it holds, then the workspace (with the graphs recorded on it) and the scheduler's buffers are
 * released.
 */
public final class SlotScheduler implements AutoCloseable {
    /** How one request is solved. maxSteps: 1..N_sup supervision steps at most. */
    public record Options(int maxSteps, boolean earlyHalt, boolean trace) {}

    /** Why a submission was refused. */
    public enum Refusal { QUEUE_FULL, SHUTTING_DOWN }

    /** A submission refused before it entered the queue (the server answers 503). */
    public static final class Refused extends TrmException {
        @java.io.Serial private static final long serialVersionUID = 1L;
        public final Refusal reason;
        Refused(Refusal reason, String message) {
            super(message);
            this.reason = reason;
        }
    }

    /** One answered puzzle, with the nanoseconds it waited for a slot and spent in one. */
    public record Result(Answer answer, long queueNanos, long computeNanos) {}

    /** A submitted puzzle: its answer arrives in {@link #result}; {@link #cancel} frees its slot at the next step boundary. */
    public static final class Ticket {
        final int[] tokens;
        final int puzzleId;
        final Options options;
        final long submitted = System.nanoTime();
        long started;
        volatile boolean cancelled;
        public final CompletableFuture<Result> result = new CompletableFuture<>();

        Ticket(int[] tokens, int puzzleId, Options options) {
            this.tokens = tokens;
            this.puzzleId = puzzleId;
            this.options = options;
        }

        /** The caller no longer wants the answer (its client went away). */
        public void cancel() { cancelled = true; }
    }

    /** What a slot holds between two steps. */
    private static final class Slot {
        Ticket ticket;
        int steps;
        List<int[]> trace;
    }

    /** Called by the device loop; tests use it to hold the loop at a step boundary. */
    interface StepHook { void beforeStep() throws InterruptedException; }

    private final TrmModel model;
    private final TrmConfig config;
    private final Device device;
    private final Ops ops;
    private final Workspace ws;
    private final Tensor refill, stepCounts;
    private final int slots, maxQueue;
    private final Slot[] slot;
    private final int[] hostTokens, hostIds, hostRefill;
    private final ArrayDeque<Ticket> queue = new ArrayDeque<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition(), idle = lock.newCondition();
    private boolean closed, loopEnded, released;
    private Thread deviceThread;
    private volatile int occupied;
    private volatile long deviceSteps, answered, cancelled;
    private volatile Throwable failure;
    StepHook hook = () -> {};
    /** Told of every answer (steps per answer for the metrics); runs on the device thread. */
    private volatile java.util.function.Consumer<Result> onAnswer = r -> {};

    /**
     * {@code slots}: samples per supervision step (the workspace's batch), at least 1;
     * {@code maxQueue}: puzzles that may wait for a slot (every request enters through the queue), at least 1.
     */
    public SlotScheduler(TrmModel model, int slots, int maxQueue) {
        if (slots <= 0) throw new TrmException("--slots must be at least 1, got " + slots);
        if (maxQueue < 1) throw new TrmException("--max-queue must be at least 1, got " + maxQueue);
        this.model = model;
        this.config = model.config;
        this.device = model.weights.device;
        this.ops = device.ops();
        this.slots = slots;
        this.maxQueue = maxQueue;
        this.ws = model.workspace(slots, false);
        this.refill = device.allocate(DType.I32, slots);
        this.stepCounts = device.allocate(DType.I32, slots);
        this.slot = new Slot[slots];
        for (int b = 0; b < slots; b++) slot[b] = new Slot();
        this.hostTokens = new int[slots * config.seqLen()];
        this.hostIds = new int[slots];
        this.hostRefill = new int[slots];
        model.resetCarry(ws); // free slots compute on a defined state (their rows never reach an answer)
    }

    public int slots() { return slots; }
    public int maxQueue() { return maxQueue; }
    public TrmConfig config() { return config; }
    /** Supervision steps run on the device so far (one per batch step, whatever the occupancy). */
    public long deviceSteps() { return deviceSteps; }
    public long answered() { return answered; }
    /** Requests dropped because their client went away, in a slot or still waiting. */
    public long cancelled() { return cancelled; }
    /** Slots holding a request after the last refill. */
    public int occupied() { return occupied; }

    public int queued() {
        lock.lock();
        try { return queue.size(); } finally { lock.unlock(); }
    }

    public void onAnswer(java.util.function.Consumer<Result> listener) { this.onAnswer = listener; }

    /** The options of {@code trm solve}: every step up to N_sup, early halting as asked. */
    public Options options(boolean earlyHalt, boolean trace) {
        return new Options(config.haltMaxSteps(), earlyHalt, trace);
    }

    /**
     * Queues puzzles (tokens of seq_len each) all or none: refused with {@link Refused} when
     * fewer than {@code inputs.size()} places are left in the queue or the scheduler is closed.
     */
    public List<Ticket> submit(List<int[]> inputs, Options options) {
        if (options.maxSteps() < 1 || options.maxSteps() > config.haltMaxSteps())
            throw new TrmException("max_steps must be 1 to " + config.haltMaxSteps() + ", got " + options.maxSteps());
        List<Ticket> tickets = new ArrayList<>(inputs.size());
        for (int[] in : inputs) {
            if (in.length != config.seqLen())
                throw new TrmException("a puzzle has " + in.length + " tokens; the model expects " + config.seqLen());
            tickets.add(new Ticket(in.clone(), 0, options));
        }
        lock.lock();
        try {
            if (closed) throw new Refused(Refusal.SHUTTING_DOWN, "the server is shutting down");
            Throwable f = failure;
            if (f != null) throw new TrmException("the device loop has stopped: " + f);
            if (queue.size() + tickets.size() > maxQueue)
                throw new Refused(Refusal.QUEUE_FULL, "the queue is full (" + queue.size() + " of " + maxQueue + " waiting)");
            queue.addAll(tickets);
            work.signal();
        } finally {
            lock.unlock();
        }
        return tickets;
    }

    /**
     * Runs {@code steps} supervision steps on the idle slots before any request, so that the JIT
     * has compiled the step when the first request comes (the cpu device runs interpreted at
     * first: the first steps are ~100× slower). Answers do not change: a slot's carry is reset
     * when it takes a request, and its rows never mix with others'. Not counted in {@link #deviceSteps}.
     */
    public void warmUp(int steps) {
        if (deviceThread != null || answered > 0) throw new IllegalStateException("warm up before the first request");
        for (int s = 0; s < steps; s++) {
            model.step(ws, false, false, 0f);
            ops.argmax(ws.preds, ws.logits, config.prefixLen());
            device.toInts(ws.preds);
            device.toFloats(ws.q);
        }
        model.resetCarry(ws);
    }

    /** Solves every puzzle on the calling thread (the command line): its answers in order. Not with {@link #start}. */
    public List<Result> solveAll(List<int[]> inputs, Options options) {
        if (deviceThread != null) throw new IllegalStateException("the scheduler runs its own device thread");
        List<Ticket> tickets = submit(inputs, options);
        runUntilIdle();
        return tickets.stream().map(t -> t.result.join()).toList();
    }

    /** Runs device steps on the calling thread until no request waits or runs. */
    public void runUntilIdle() {
        try {
            while (round()) { /* next step */ }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Starts the device thread (the server): it sleeps while there is nothing to do. */
    public synchronized void start() {
        if (deviceThread != null) return;
        deviceThread = Thread.ofPlatform().name("trm-device").daemon(true).start(this::deviceLoop);
    }

    private void deviceLoop() {
        try {
            while (true) {
                lock.lock();
                try {
                    while (queue.isEmpty() && occupied == 0 && !closed) work.await();
                    if (closed && queue.isEmpty() && occupied == 0) break;
                } finally {
                    lock.unlock();
                }
                round();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable e) { // a device error: every waiting request learns of it, none hangs
            failure = e;
            failAll(e);
        } finally {
            lock.lock();
            try {
                loopEnded = true;
                idle.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    /**
     * Refuses new submissions, lets every queued and running request finish (the device
     * thread runs them), and returns once the last one has answered or {@code timeoutMillis}
     * has passed; true when all finished.
     */
    public boolean drain(long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        lock.lock();
        try {
            closed = true;
            work.signalAll();
            if (deviceThread == null) return queue.isEmpty() && occupied == 0;
            while (!loopEnded) { // not isAlive(): the thread outlives its last signal by a moment
                long left = deadline - System.nanoTime();
                if (left <= 0) return false;
                idle.awaitNanos(left);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Refuses new requests, waits until the device thread (when {@link #start}ed) has answered
     * every queued and running request and ended, then closes the workspace (destroying the graphs
     * recorded on it) and frees the scheduler's buffers. Idempotent. Interrupted while waiting, it
     * releases nothing (the thread may still use the buffers) and keeps the interrupt.
     */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            work.signalAll();
            while (deviceThread != null && !loopEnded) idle.await();
            if (released) return;
            released = true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } finally {
            lock.unlock();
        }
        try {
            ws.close();
        } finally {
            device.free(refill);
            device.free(stepCounts);
        }
    }

    public boolean closed() {
        lock.lock();
        try { return closed; } finally { lock.unlock(); }
    }

    /**
     * One round: drop cancelled requests, refill free slots from the queue (carry reset to the
     * init buffers for those slots only), run one supervision step on all slots, answer the
     * slots that halted. False when there was nothing to run.
     */
    boolean round() throws InterruptedException {
        int S = config.seqLen();
        boolean refilled = false;
        int busy = 0;
        lock.lock();
        try {
            for (int b = 0; b < slots; b++) {
                Slot s = slot[b];
                if (s.ticket != null && s.ticket.cancelled) {
                    drop(s.ticket);
                    s.ticket = null;
                }
                hostRefill[b] = 0;
                while (s.ticket == null && !queue.isEmpty()) {
                    Ticket t = queue.poll();
                    if (t.cancelled) {
                        drop(t);
                        continue;
                    }
                    t.started = System.nanoTime();
                    s.ticket = t;
                    s.steps = 0;
                    s.trace = t.options.trace() ? new ArrayList<>() : null;
                    System.arraycopy(t.tokens, 0, hostTokens, b * S, S);
                    hostIds[b] = t.puzzleId;
                    hostRefill[b] = 1;
                    refilled = true;
                }
                if (s.ticket != null) busy++;
            }
            occupied = busy;
        } finally {
            lock.unlock();
        }
        if (busy == 0) return false;
        if (refilled) {
            device.upload(ws.tokens, hostTokens);
            device.upload(ws.puzzleIds, hostIds);
            device.upload(refill, hostRefill);
            ops.resetCarry(refill, ws.y, ws.z, model.weights.hInit, model.weights.lInit, stepCounts);
        }
        hook.beforeStep();
        model.step(ws, false, false, 0f);
        deviceSteps++;
        boolean read = false;
        for (Slot s : slot) {
            if (s.ticket == null) continue;
            s.steps++;
            Options o = s.ticket.options;
            read |= o.earlyHalt() || o.trace() || s.steps >= o.maxSteps();
        }
        if (!read) return true; // no slot can answer at this step: nothing to read back
        ops.argmax(ws.preds, ws.logits, config.prefixLen());
        int[] preds = device.toInts(ws.preds);
        float[] q = device.toFloats(ws.q);
        int left = 0;
        for (int b = 0; b < slots; b++) {
            Slot s = slot[b];
            if (s.ticket == null) continue;
            Options o = s.ticket.options;
            float qHalt = q[b * 2];
            boolean last = s.steps >= o.maxSteps() || (o.earlyHalt() && qHalt > 0);
            if (s.trace != null) s.trace.add(Arrays.copyOfRange(preds, b * S, (b + 1) * S));
            if (!last) {
                left++;
                continue;
            }
            int[] prediction = Arrays.copyOfRange(preds, b * S, (b + 1) * S);
            Answer a = new Answer(prediction, s.steps, qHalt, qHalt > 0, s.trace == null ? List.of() : s.trace);
            long now = System.nanoTime();
            Result r = new Result(a, s.ticket.started - s.ticket.submitted, now - s.ticket.started);
            s.ticket.result.complete(r);
            answered++;
            onAnswer.accept(r);
            s.ticket = null;
            s.trace = null;
        }
        occupied = left;
        return true;
    }

    private void drop(Ticket t) {
        cancelled++;
        t.result.completeExceptionally(new CancellationException("the client went away"));
    }

    private void failAll(Throwable e) {
        lock.lock();
        try {
            closed = true;
            for (Slot s : slot) {
                if (s.ticket != null) s.ticket.result.completeExceptionally(e);
                s.ticket = null;
            }
            for (Ticket t : queue) t.result.completeExceptionally(e);
            queue.clear();
            occupied = 0;
        } finally {
            lock.unlock();
        }
    }
}
