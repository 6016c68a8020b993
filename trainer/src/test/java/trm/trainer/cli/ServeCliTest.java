package trm.trainer.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import trm.engine.cpu.CpuDevice;
import trm.engine.model.TrmModel;
import trm.trainer.data.sudoku.SudokuExample;
import trm.trainer.data.sudoku.SudokuGenerator;
import trm.trainer.data.sudoku.SudokuGeometry;
import trm.trainer.data.sudoku.SudokuTask;
import trm.trainer.data.sudoku.SudokuText;
import trm.trainer.serve.SolveServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** trm serve's command line, and trm solve --file answering as the server does (one scheduler, one code path). */
class ServeCliTest {
    static final String WEIGHTS = "../weights/sudoku6-mlp.safetensors";

    @TempDir
    Path dir;

    @Test
    void aPortInUseIsOneLineAtStart() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CliTest.assertUserError(CliTest.run("serve", "--weights", WEIGHTS, "--port", String.valueOf(taken.getLocalPort())),
                    "cannot listen on 127.0.0.1:" + taken.getLocalPort() + ": the port is in use (--port)");
        }
    }

    @Test
    void weightsThatDoNotLoadAreOneLineAtStart() throws IOException {
        Path junk = Files.writeString(dir.resolve("junk.safetensors"), "not a checkpoint");
        CliTest.Result r = CliTest.run("serve", "--weights", junk.toString(), "--port", "0");
        CliTest.assertUserError(r, junk.toString());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        CliTest.assertUserError(CliTest.run("serve", "--weights", dir.resolve("missing.safetensors").toString()), "missing.safetensors");
        CliTest.assertUserError(CliTest.run("serve", "--weights", WEIGHTS, "--slots", "0"), "--slots");
        CliTest.assertUserError(CliTest.run("serve", "--weights", WEIGHTS, "--max-queue", "0"), "--max-queue");
        CliTest.assertUserError(CliTest.run("serve", "--weights", WEIGHTS, "--port", "70000"), "--port");
    }

    @Test
    void solveFileAnswersAsTheServer() throws Exception {
        List<int[]> puzzles = new SudokuGenerator(SudokuGeometry.SIX, 41).generate(9, SudokuGenerator.Target.any(), "t").stream()
                .map(SudokuExample::question).toList();
        Path file = dir.resolve("six.txt");
        Files.write(file, puzzles.stream().map(SudokuText::format).toList());
        TrmModel model = ModelFiles.load(Path.of(WEIGHTS), null, new CpuDevice());
        SudokuTask task = SudokuTask.forCellCountOrNull(model.config.seqLen());
        SolveServer server = SolveServer.start(model, WEIGHTS, 3, 64, SolveServer.Settings.defaults(0));
        try {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            ObjectMapper json = new ObjectMapper();
            for (boolean earlyHalt : new boolean[] {true, false}) {
                StringBuilder body = new StringBuilder("{\"early_halt\": " + earlyHalt + ", \"puzzles\": [");
                for (int i = 0; i < puzzles.size(); i++) body.append(i > 0 ? "," : "").append('"').append(SudokuText.format(puzzles.get(i))).append('"');
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/v1/solve"))
                        .POST(HttpRequest.BodyPublishers.ofString(body + "]}")).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, r.statusCode(), r.body());
                JsonNode answers = json.readTree(r.body()).get("answers");

                CliTest.Result cli = earlyHalt ? CliTest.run("solve", "--weights", WEIGHTS, "--file", file.toString(), "--limit", "9")
                        : CliTest.run("solve", "--weights", WEIGHTS, "--file", file.toString(), "--limit", "9", "--no-early-halt");
                int from = 0;
                for (int i = 0; i < puzzles.size(); i++) {
                    JsonNode a = answers.get(i);
                    String grid = task.render(SudokuText.parse(a.get("answer").textValue()), null);
                    int steps = a.get("steps").intValue();
                    String summary = String.format(Locale.ROOT, "| %d supervision step%s | halting confidence %.3f |", steps, steps == 1 ? "" : "s",
                            a.get("halt_confidence").doubleValue());
                    int at = cli.out().indexOf("answer:\n" + grid, from);
                    assertTrue(at >= 0, "early halt " + earlyHalt + ", puzzle " + i + ": trm solve lacks the server's answer\n" + grid + "\n" + cli.out());
                    int line = cli.out().indexOf(summary, at);
                    assertTrue(line >= 0, "puzzle " + i + ": trm solve lacks '" + summary + "'\n" + cli.out());
                    from = line;
                }
            }
        } finally {
            server.drain();
        }
    }
}
