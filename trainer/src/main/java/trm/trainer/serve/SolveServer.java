package trm.trainer.serve;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import trm.engine.TrmException;
import trm.engine.model.TrmModel;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code trm serve}: JSON over HTTP/1.1 on the JDK's own server ({@code com.sun.net.httpserver},
 * one virtual thread per exchange), in front of one {@link SlotScheduler}.
 *
 * <ul>
 *   <li>{@code POST /v1/solve} — {@link SolveRequest}; 200 with the answer(s); 400 one line
 *       naming the problem; 413 a body over {@link Settings#maxBodyBytes} or more puzzles than
 *       the queue holds; 503 with {@code Retry-After} when the queue is full or the server drains.</li>
 *   <li>{@code GET /healthz} — 200 {@code ok}, 503 while draining.</li>
 *   <li>{@code GET /v1/model} — task, config, parameters, slots, queue bound, device.</li>
 *   <li>{@code GET /metrics} — {@link ServeMetrics} in the Prometheus text format.</li>
 * </ul>
 *
 * A request whose answer is not ready within {@link Settings#heartbeatMillis} commits 200 and
 * then writes one space (JSON allows leading whitespace) every heartbeat until it is: a client
 * that went away makes that write fail, and its puzzles are cancelled, freeing their slots at the
 * next step boundary. (The JDK's server, like most, reports a closed connection only on a write.)
 */
public final class SolveServer {
    /**
     * Network and limits. port 0: an ephemeral port (tests); warmupSteps: supervision steps run
     * before the port opens ({@link SlotScheduler#warmUp}).
     */
    public record Settings(String host, int port, int maxBodyBytes, long heartbeatMillis, long drainMillis, int warmupSteps) {
        public static Settings defaults(int port) {
            return new Settings("127.0.0.1", port, 1 << 20, 1000, 60_000, 12);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final SlotScheduler scheduler;
    private final PuzzleFormat<?> format;
    private final ObjectNode modelInfo;
    private final Settings settings;
    private final ServeMetrics metrics;
    private final HttpServer http;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private volatile boolean draining;

    private SolveServer(SlotScheduler scheduler, PuzzleFormat<?> format, ObjectNode modelInfo, Settings settings) {
        this.scheduler = scheduler;
        this.format = format;
        this.modelInfo = modelInfo;
        this.settings = settings;
        this.metrics = new ServeMetrics(scheduler);
        try {
            http = HttpServer.create(new InetSocketAddress(settings.host(), settings.port()), 256);
        } catch (BindException e) {
            throw new TrmException("cannot listen on " + settings.host() + ":" + settings.port() + ": the port is in use (--port)");
        } catch (IOException e) {
            throw new TrmException("cannot listen on " + settings.host() + ":" + settings.port() + ": " + SolveRequest.oneLine(e.getMessage()));
        }
        http.setExecutor(executor);
        http.createContext("/v1/solve", this::solve);
        http.createContext("/v1/model", ex -> get(ex, () -> json(ex, 200, modelInfo)));
        http.createContext("/healthz", ex -> get(ex, () -> text(ex, draining ? 503 : 200, draining ? "draining\n" : "ok\n", "text/plain")));
        http.createContext("/metrics", ex -> get(ex, () -> {
            var body = new java.io.ByteArrayOutputStream();
            metrics.write(body);
            send(ex, 200, body.toByteArray(), metrics.contentType());
        }));
        http.createContext("/", ex -> {
            try (ex) {
                metrics.error(ServeMetrics.ErrorKind.NOT_FOUND);
                error(ex, 404, "no such path: " + SolveRequest.oneLine(ex.getRequestURI().getPath())
                        + " (POST /v1/solve, GET /v1/model, /healthz, /metrics)");
            }
        });
    }

    /**
     * Binds the port (a port in use is one line), starts the device loop and the server.
     * {@code weights}: shown by /v1/model.
     */
    public static SolveServer start(TrmModel model, String weights, int slots, int maxQueue, Settings settings) {
        PuzzleFormat<?> format = PuzzleFormat.forModel(model.config);
        SlotScheduler scheduler = new SlotScheduler(model, slots, maxQueue);
        ObjectNode info = JSON.createObjectNode();
        info.put("task", format.name());
        info.put("weights", weights);
        info.put("device", model.weights.device.name());
        info.put("parameters", model.weights.layout.size());
        info.put("slots", slots);
        info.put("max_queue", maxQueue);
        try {
            info.set("config", JSON.readTree(model.config.toJson()));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return start(scheduler, format, info, settings);
    }

    static SolveServer start(SlotScheduler scheduler, PuzzleFormat<?> format, ObjectNode info, Settings settings) {
        SolveServer s = new SolveServer(scheduler, format, info, settings); // binds first: a port in use is said at once
        scheduler.warmUp(settings.warmupSteps());
        scheduler.start();
        s.http.start();
        return s;
    }

    /** The port bound (the ephemeral one when {@link Settings#port} is 0). */
    public int port() { return http.getAddress().getPort(); }

    public SlotScheduler scheduler() { return scheduler; }

    /**
     * Graceful stop (SIGTERM's shutdown hook): new puzzles get 503, every queued and running one
     * is answered, then the server closes. True when all finished within {@link Settings#drainMillis}.
     */
    public boolean drain() {
        draining = true;
        boolean done;
        try {
            done = scheduler.drain(settings.drainMillis());
            if (done) scheduler.close(); // the device thread has ended: the workspace and its graphs go
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            done = false;
        }
        http.stop(1); // waits (at most 1 s) for the exchanges writing their answers
        executor.shutdown();
        return done;
    }

    private interface Action { void run() throws IOException; }

    private void get(HttpExchange ex, Action action) throws IOException {
        try (ex) {
            if (!ex.getRequestMethod().equals("GET") && !ex.getRequestMethod().equals("HEAD")) {
                metrics.error(ServeMetrics.ErrorKind.METHOD_NOT_ALLOWED);
                ex.getResponseHeaders().set("Allow", "GET");
                error(ex, 405, ex.getRequestMethod() + " " + ex.getRequestURI().getPath() + ": only GET");
                return;
            }
            action.run();
        }
    }

    private void solve(HttpExchange ex) throws IOException {
        long t0 = System.nanoTime();
        try (ex) {
            if (!ex.getRequestMethod().equals("POST")) {
                metrics.error(ServeMetrics.ErrorKind.METHOD_NOT_ALLOWED);
                ex.getResponseHeaders().set("Allow", "POST");
                error(ex, 405, ex.getRequestMethod() + " /v1/solve: only POST");
                return;
            }
            byte[] body = readBody(ex);
            if (body == null) {
                metrics.error(ServeMetrics.ErrorKind.TOO_LARGE);
                error(ex, 413, "the body is over " + settings.maxBodyBytes() + " bytes");
                return;
            }
            solve(ex, body, t0);
        }
    }

    private <G> void solve(HttpExchange ex, byte[] body, long t0) throws IOException {
        @SuppressWarnings("unchecked") PuzzleFormat<G> f = (PuzzleFormat<G>) format;
        List<G> grids = new ArrayList<>();
        List<int[]> inputs = new ArrayList<>();
        SolveRequest req;
        try {
            req = SolveRequest.parse(body, scheduler.config().haltMaxSteps());
            if (req.puzzles().size() > scheduler.maxQueue()) {
                metrics.error(ServeMetrics.ErrorKind.TOO_LARGE);
                error(ex, 413, req.puzzles().size() + " puzzles in one request; at most " + scheduler.maxQueue() + " (--max-queue)");
                return;
            }
            for (int i = 0; i < req.puzzles().size(); i++) {
                try {
                    G g = f.parse(req.puzzles().get(i));
                    grids.add(g);
                    inputs.add(f.encode(g));
                } catch (TrmException e) {
                    throw new TrmException((req.single() ? "puzzle: " : "puzzles[" + i + "]: ") + e.getMessage());
                }
            }
        } catch (TrmException e) {
            metrics.error(ServeMetrics.ErrorKind.BAD_REQUEST);
            error(ex, 400, SolveRequest.oneLine(e.getMessage()));
            return;
        }
        List<SlotScheduler.Ticket> tickets;
        try {
            if (draining) throw new SlotScheduler.Refused(SlotScheduler.Refusal.SHUTTING_DOWN, "the server is shutting down");
            tickets = scheduler.submit(inputs, req.options());
        } catch (SlotScheduler.Refused e) {
            metrics.error(e.reason == SlotScheduler.Refusal.QUEUE_FULL ? ServeMetrics.ErrorKind.QUEUE_FULL : ServeMetrics.ErrorKind.SHUTTING_DOWN);
            ex.getResponseHeaders().set("Retry-After", "1");
            error(ex, 503, e.getMessage());
            return;
        }
        CompletableFuture<Void> all = CompletableFuture.allOf(tickets.stream().map(t -> t.result).toArray(CompletableFuture[]::new));
        OutputStream streaming = null;
        while (true) {
            try {
                all.get(settings.heartbeatMillis(), TimeUnit.MILLISECONDS);
                break;
            } catch (TimeoutException e) {
                try {
                    if (streaming == null) {
                        ex.getResponseHeaders().set("Content-Type", "application/json");
                        ex.sendResponseHeaders(200, 0); // chunked: the answer follows the heartbeats
                        streaming = ex.getResponseBody();
                    }
                    streaming.write(' ');
                    streaming.flush();
                } catch (IOException gone) {
                    for (SlotScheduler.Ticket t : tickets) t.cancel();
                    metrics.error(ServeMetrics.ErrorKind.CLIENT_GONE);
                    return;
                }
            } catch (InterruptedException e) {
                for (SlotScheduler.Ticket t : tickets) t.cancel();
                Thread.currentThread().interrupt();
                return;
            } catch (ExecutionException e) {
                metrics.error(ServeMetrics.ErrorKind.INTERNAL);
                String line = "the device loop failed: " + SolveRequest.oneLine(String.valueOf(e.getCause()));
                if (streaming == null) error(ex, 500, line);
                else streaming.write(errorBody(line));
                return;
            }
        }
        ArrayNode answers = JSON.createArrayNode();
        for (int i = 0; i < tickets.size(); i++) answers.add(answerJson(f, grids.get(i), tickets.get(i).result.join(), req.options().trace()));
        byte[] out = JSON.writeValueAsBytes(req.single() ? answers.get(0) : JSON.createObjectNode().set("answers", answers));
        try {
            if (streaming == null) send(ex, 200, out, "application/json");
            else streaming.write(out);
        } catch (IOException gone) {
            metrics.error(ServeMetrics.ErrorKind.CLIENT_GONE);
            return;
        }
        metrics.requestSeconds((System.nanoTime() - t0) / 1e9);
    }

    private static <G> ObjectNode answerJson(PuzzleFormat<G> f, G puzzle, SlotScheduler.Result r, boolean trace) {
        G answer = f.decode(r.answer().prediction());
        String why = f.whyNotSolved(puzzle, answer);
        ObjectNode o = JSON.createObjectNode();
        o.put("puzzle", f.write(puzzle));
        o.put("answer", f.write(answer));
        o.put("valid", why == null);
        if (why != null) o.put("problem", why);
        o.put("steps", r.answer().stepsUsed());
        o.put("halted", r.answer().halted());
        o.put("q_halt", r.answer().qHalt());
        o.put("halt_confidence", r.answer().haltConfidence());
        o.put("queue_ms", r.queueNanos() / 1e6);
        o.put("compute_ms", r.computeNanos() / 1e6);
        if (trace) {
            ArrayNode steps = o.putArray("trace");
            for (int[] p : r.answer().trace()) steps.add(f.write(f.decode(p)));
        }
        return o;
    }

    /** The body, or null when it is over the limit (by Content-Length or by what arrives). */
    private byte[] readBody(HttpExchange ex) throws IOException {
        String declared = ex.getRequestHeaders().getFirst("Content-Length");
        int limit = settings.maxBodyBytes();
        if (declared != null) {
            try {
                if (Long.parseLong(declared.strip()) > limit) return null;
            } catch (NumberFormatException ignored) { /* the server itself refuses a malformed length */ }
        }
        try (InputStream in = ex.getRequestBody()) {
            byte[] b = in.readNBytes(limit + 1);
            return b.length > limit ? null : b;
        }
    }

    private static byte[] errorBody(String line) {
        return (JSON.createObjectNode().put("error", line).toString() + "\n").getBytes(StandardCharsets.UTF_8);
    }

    private static void error(HttpExchange ex, int code, String line) throws IOException {
        send(ex, code, errorBody(line), "application/json");
    }

    private static void json(HttpExchange ex, int code, ObjectNode body) throws IOException {
        send(ex, code, JSON.writeValueAsBytes(body), "application/json");
    }

    private static void text(HttpExchange ex, int code, String body, String type) throws IOException {
        send(ex, code, body.getBytes(StandardCharsets.UTF_8), type);
    }

    private static void send(HttpExchange ex, int code, byte[] body, String type) throws IOException {
        ex.getResponseHeaders().set("Content-Type", type);
        boolean head = ex.getRequestMethod().equals("HEAD");
        ex.sendResponseHeaders(code, head ? -1 : body.length == 0 ? -1 : body.length);
        if (!head) ex.getResponseBody().write(body);
    }
}
