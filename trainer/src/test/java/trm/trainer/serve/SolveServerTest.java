package trm.trainer.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import trm.engine.TrmException;
import trm.engine.model.TrmModel;
import trm.trainer.Inference;
import trm.trainer.data.sudoku.SudokuTask;
import trm.trainer.data.sudoku.SudokuText;

import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** trm serve over loopback on ephemeral ports: answers, refusals (400/413/503), drain, a client that goes away. */
class SolveServerTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static TrmModel model;
    static SudokuTask task;
    static List<int[]> puzzles;
    final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    final List<SolveServer> servers = new ArrayList<>();

    @BeforeAll
    static void load() {
        model = ShippedModel.load();
        task = SudokuTask.forCellCountOrNull(model.config.seqLen());
        puzzles = ShippedModel.puzzles(12, 23);
    }

    @AfterEach
    void stop() {
        for (SolveServer s : servers) s.drain();
    }

    /** A server whose device loop waits at each step boundary for a permit of {@code gate} (null: never waits). */
    SolveServer server(int slots, int maxQueue, int maxBody, Semaphore gate) {
        SlotScheduler s = new SlotScheduler(model, slots, maxQueue);
        if (gate != null) s.hook = gate::acquire;
        var info = JSON.createObjectNode().put("task", "sudoku 6x6");
        SolveServer server = SolveServer.start(s, PuzzleFormat.forModel(model.config), info,
                new SolveServer.Settings("127.0.0.1", 0, maxBody, 20, 10_000, 0));
        servers.add(server);
        return server;
    }

    SolveServer server() { return server(4, 64, 1 << 20, null); }

    HttpRequest post(SolveServer s, String body) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + "/v1/solve"))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    HttpResponse<String> send(HttpRequest r) throws IOException, InterruptedException {
        return client.send(r, HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(SolveServer s, String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + path)).GET().build());
    }

    static String body(List<int[]> grids, String options) {
        StringBuilder b = new StringBuilder("{\"puzzles\": [");
        for (int i = 0; i < grids.size(); i++) b.append(i > 0 ? ", " : "").append('"').append(SudokuText.format(grids.get(i))).append('"');
        return b.append("]").append(options).append("}").toString();
    }

    static void waitFor(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L; // generous: the first steps of a JVM run interpreted, on a loaded machine
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for " + what);
            Thread.sleep(2);
        }
    }

    static void assertOneLineError(HttpResponse<String> r, int code, String expected) throws IOException {
        assertEquals(code, r.statusCode(), r.body());
        String error = JSON.readTree(r.body()).get("error").textValue();
        assertTrue(error.contains(expected), "error lacks '" + expected + "': " + error);
        assertFalse(error.contains("\n") || error.contains("Exception") || error.contains("\tat "), error);
    }

    @Test
    void answersAsOnePuzzleAtATimeWithEarlyHaltingOnAndOff() throws Exception {
        SolveServer s = server();
        for (boolean earlyHalt : new boolean[] {true, false}) {
            List<Inference.Answer> want = SlotSchedulerTest.onePerPass(model, puzzles.stream().map(task::encode).toList(), earlyHalt, false);
            // Three clients at once, so the puzzles share the slots with each other's.
            List<CompletableFuture<HttpResponse<String>>> sent = new ArrayList<>();
            for (int c = 0; c < 3; c++)
                sent.add(client.sendAsync(post(s, body(puzzles.subList(c * 4, c * 4 + 4), ", \"early_halt\": " + earlyHalt)),
                        HttpResponse.BodyHandlers.ofString()));
            for (int c = 0; c < 3; c++) {
                HttpResponse<String> r = sent.get(c).join();
                assertEquals(200, r.statusCode(), r.body());
                JsonNode answers = JSON.readTree(r.body()).get("answers");
                assertEquals(4, answers.size());
                for (int k = 0; k < 4; k++) {
                    int i = c * 4 + k;
                    JsonNode a = answers.get(k);
                    Inference.Answer w = want.get(i);
                    int[] grid = task.decode(w.prediction());
                    assertEquals(SudokuText.format(puzzles.get(i)), a.get("puzzle").textValue());
                    assertEquals(SudokuText.format(grid), a.get("answer").textValue(), "puzzle " + i);
                    assertEquals(w.stepsUsed(), a.get("steps").intValue(), "puzzle " + i);
                    assertEquals(Float.floatToIntBits(w.qHalt()), Float.floatToIntBits(a.get("q_halt").floatValue()), "puzzle " + i);
                    assertEquals(task.whyNotSolved(puzzles.get(i), grid) == null, a.get("valid").booleanValue());
                    assertTrue(a.get("compute_ms").doubleValue() >= 0 && a.get("queue_ms").doubleValue() >= 0);
                }
            }
        }
        // One puzzle: one object; trace: the grid after every step, the last being the answer.
        HttpResponse<String> r = send(post(s, "{\"puzzle\": \"" + SudokuText.format(puzzles.getFirst()) + "\", \"trace\": true, \"max_steps\": 3}"));
        assertEquals(200, r.statusCode(), r.body());
        JsonNode a = JSON.readTree(r.body());
        assertTrue(a.get("steps").intValue() <= 3);
        assertEquals(a.get("steps").intValue(), a.get("trace").size());
        assertEquals(a.get("answer").textValue(), a.get("trace").get(a.get("trace").size() - 1).textValue());
    }

    @Test
    void malformedRequestsAre400WithOneLine() throws Exception {
        SolveServer s = server();
        String six = SudokuText.format(puzzles.getFirst());
        assertOneLineError(send(post(s, "{\"puzzle\": ")), 400, "not JSON");
        assertOneLineError(send(post(s, "[1, 2]")), 400, "must be a JSON object");
        assertOneLineError(send(post(s, "{\"puzle\": \"" + six + "\"}")), 400, "unknown key \"puzle\"");
        assertOneLineError(send(post(s, "{}")), 400, "give either \"puzzle\"");
        assertOneLineError(send(post(s, "{\"puzzles\": []}")), 400, "\"puzzles\" is empty");
        assertOneLineError(send(post(s, "{\"puzzles\": [\"" + six + "\", 7]}")), 400, "puzzles[1] must be a string");
        assertOneLineError(send(post(s, "{\"puzzle\": \"" + ".".repeat(81) + "\"}")), 400, "puzzle: puzzle has 81 cells but the model solves 6×6");
        assertOneLineError(send(post(s, "{\"puzzle\": \"11" + ".".repeat(34) + "\"}")), 400, "invalid puzzle");
        assertOneLineError(send(post(s, "{\"puzzle\": \"" + six + "\", \"max_steps\": 0}")), 400, "\"max_steps\" must be 1 to 6");
        assertOneLineError(send(post(s, "{\"puzzle\": \"" + six + "\", \"early_halt\": \"yes\"}")), 400, "\"early_halt\" must be true or false");
        assertOneLineError(get(s, "/v1/solve"), 405, "only POST");
        assertOneLineError(get(s, "/v2/solve"), 404, "no such path");
        String metrics = get(s, "/metrics").body();
        assertTrue(metrics.contains("trm_errors_total{kind=\"bad_request\"} 10"), metrics);
        assertEquals(0, s.scheduler().deviceSteps(), "nothing bad reached the device");
    }

    @Test
    void oversizeBodiesAre413() throws Exception {
        SolveServer s = server(2, 3, 1000, null);
        assertOneLineError(send(post(s, "{\"puzzle\": \"" + " ".repeat(1000) + "\"}")), 413, "over 1000 bytes");
        assertOneLineError(send(post(s, body(puzzles.subList(0, 4), ""))), 413, "4 puzzles in one request; at most 3");
        assertEquals(200, send(post(s, body(puzzles.subList(0, 3), ""))).statusCode());
    }

    @Test
    void aFullQueueIs503WithRetryAfter() throws Exception {
        Semaphore gate = new Semaphore(0);
        SolveServer s = server(1, 1, 1 << 20, gate);
        SlotScheduler sch = s.scheduler();
        var a = client.sendAsync(post(s, body(puzzles.subList(0, 1), "")), HttpResponse.BodyHandlers.ofString());
        waitFor(() -> sch.occupied() == 1, "the first puzzle in the slot");
        var b = client.sendAsync(post(s, body(puzzles.subList(1, 2), "")), HttpResponse.BodyHandlers.ofString());
        waitFor(() -> sch.queued() == 1, "the second puzzle queued");
        HttpResponse<String> c = send(post(s, body(puzzles.subList(2, 3), "")));
        assertOneLineError(c, 503, "the queue is full (1 of 1 waiting)");
        assertEquals("1", c.headers().firstValue("Retry-After").orElse(null));
        gate.release(1_000_000);
        assertEquals(200, a.join().statusCode());
        assertEquals(200, b.join().statusCode());
        assertTrue(get(s, "/metrics").body().contains("trm_errors_total{kind=\"queue_full\"} 1"));
    }

    @Test
    void drainAnswersEveryAcceptedPuzzleThenStops() throws Exception {
        Semaphore gate = new Semaphore(0);
        SolveServer s = server(1, 4, 1 << 20, gate);
        SlotScheduler sch = s.scheduler();
        var a = client.sendAsync(post(s, body(puzzles.subList(0, 1), ", \"early_halt\": false")), HttpResponse.BodyHandlers.ofString());
        waitFor(() -> sch.occupied() == 1, "the first puzzle in the slot");
        var b = client.sendAsync(post(s, body(puzzles.subList(1, 3), "")), HttpResponse.BodyHandlers.ofString());
        waitFor(() -> sch.queued() == 2, "two puzzles queued");
        CompletableFuture<Boolean> drained = CompletableFuture.supplyAsync(s::drain); // what SIGTERM's hook calls
        waitFor(sch::closed, "the drain to begin");
        assertOneLineError(send(post(s, body(puzzles.subList(3, 4), ""))), 503, "shutting down");
        assertEquals(503, get(s, "/healthz").statusCode());
        assertFalse(drained.isDone());
        gate.release(1_000_000);
        assertTrue(drained.join(), "drained within the time limit");
        HttpResponse<String> ra = a.join(), rb = b.join();
        assertEquals(200, ra.statusCode(), ra.body());
        assertEquals(200, rb.statusCode(), rb.body());
        assertEquals(model.config.haltMaxSteps(), JSON.readTree(ra.body()).get("answers").get(0).get("steps").intValue());
        assertEquals(2, JSON.readTree(rb.body()).get("answers").size());
        assertEquals(3, sch.answered());
        var e = assertThrows(IOException.class, () -> get(s, "/healthz"));
        assertTrue(e instanceof ConnectException || e.getCause() instanceof ConnectException, "the port is closed: " + e);
    }

    @Test
    void aClientThatGoesAwayFreesItsSlot() throws Exception {
        Semaphore gate = new Semaphore(0);
        SolveServer s = server(1, 4, 1 << 20, gate);
        SlotScheduler sch = s.scheduler();
        byte[] body = body(puzzles.subList(0, 1), ", \"early_halt\": false").getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), s.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/solve HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            waitFor(() -> sch.occupied() == 1, "the puzzle in the slot");
        } // the client goes away while its puzzle sits in the slot
        waitFor(() -> metric(s, "trm_errors_total{kind=\"client_gone\"} 1"), "the server to notice");
        gate.release(1_000_000);
        waitFor(() -> sch.cancelled() == 1 && sch.occupied() == 0, "the slot to be freed");
        assertEquals(0, sch.answered());
        assertEquals(1, sch.deviceSteps(), "the step under way finished, then the slot was freed");
        // The slot serves the next request at once.
        assertEquals(200, send(post(s, body(puzzles.subList(1, 2), ""))).statusCode());
    }

    boolean metric(SolveServer s, String line) {
        try {
            return get(s, "/metrics").body().contains(line);
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void modelHealthAndMetrics() throws Exception {
        SolveServer s = SolveServer.start(model, "shipped", 2, 8, new SolveServer.Settings("127.0.0.1", 0, 1 << 20, 20, 10_000, 2));
        servers.add(s);
        assertEquals("ok\n", get(s, "/healthz").body());
        JsonNode info = JSON.readTree(get(s, "/v1/model").body());
        assertEquals("sudoku 6x6", info.get("task").textValue());
        assertEquals(model.weights.layout.size(), info.get("parameters").longValue());
        assertEquals(6, info.get("config").get("halt_max_steps").intValue());
        assertEquals(2, info.get("slots").intValue());
        assertEquals(200, send(post(s, body(puzzles.subList(0, 3), ""))).statusCode());
        HttpResponse<String> m = get(s, "/metrics");
        assertTrue(m.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"), m.headers().toString());
        for (String line : List.of("trm_request_duration_seconds_count 1", "trm_queue_length 0", "trm_slots_occupied 0", "trm_slots 2",
                "trm_supervision_steps_per_answer_count 3", "trm_answers_total 3", "trm_errors_total{kind=\"internal\"} 0"))
            assertTrue(m.body().contains(line), "metrics lack '" + line + "':\n" + m.body());
    }

    @Test
    void aPortInUseIsOneLine() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            var e = assertThrows(TrmException.class, () -> SolveServer.start(model, "shipped", 1, 1,
                    new SolveServer.Settings("127.0.0.1", taken.getLocalPort(), 1 << 20, 20, 1000, 0)));
            assertEquals("cannot listen on 127.0.0.1:" + taken.getLocalPort() + ": the port is in use (--port)", e.getMessage());
        }
    }
}
