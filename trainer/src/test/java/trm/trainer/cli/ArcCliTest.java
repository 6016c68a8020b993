package trm.trainer.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import trm.engine.io.Safetensors;
import trm.trainer.data.arc.ArcManifestTest;
import trm.trainer.data.arc.ArcVoterTest;

import javax.imageio.ImageIO;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ARC on the command line end to end: data, train, eval (pass@k, submission.json), solve (text and PNG), and one-line mistakes. */
class ArcCliTest {
    @TempDir
    static Path dir;

    @Test
    void dataTrainEvalSolve() throws Exception {
        Path src = ArcManifestTest.writeSource(dir.resolve("src"));
        Path out = dir.resolve("arc");
        CliTest.Result r = CliTest.run("data", "arc", "--benchmark", "arc-agi-1", "--aug", "2", "--source", src.toString(), "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().matches("(?s)wrote .*manifest.json: 3 tasks \\(1 held out\\), \\d+ puzzle identifiers \\(blank included\\), .*"), r.out());

        Path run = dir.resolve("run");
        r = CliTest.run("train", "--data", "arc:" + out, "--hidden", "16", "--layers", "1", "--h-cycles", "1", "--l-cycles", "1",
                "--halt-max-steps", "1", "--puzzle-emb-len", "1", "--steps", "2", "--batch", "2", "--warmup", "0", "--run", run.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode runSpec = new ObjectMapper().readTree(run.resolve("run.json").toFile());
        assertEquals("arc-att", runSpec.get("preset").asText());
        JsonNode opts = runSpec.get("train_options");
        assertEquals(0.01, opts.get("puzzle_emb_lr").asDouble(), "the reference's ARC puzzle-embedding lr");
        assertEquals(0.1, opts.get("weight_decay").asDouble());
        assertEquals(0.1, opts.get("puzzle_emb_weight_decay").asDouble());
        JsonNode config = runSpec.get("config");
        assertEquals(900, config.get("seq_len").asInt());
        assertEquals(12, config.get("vocab_size").asInt());
        r = CliTest.run("train", "--run", run.toString(), "--resume", "--steps", "3");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("resuming " + run + " at step 2 of 3"), r.err());
        Path weights = run.resolve("model.safetensors");
        String table = Safetensors.read(weights).meta("arc_identifiers").orElseThrow();
        assertTrue(table.contains("\"task\":\"e1\""), "the identifier table travels with the weights");

        Path submission = dir.resolve("submission.json");
        r = CliTest.run("eval", "--weights", weights.toString(), "--data", "arc:" + out, "--batch", "4", "--submission", submission.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("pass@k") && r.out().contains("@1000"), r.out());
        JsonNode score = new ObjectMapper().readTree(r.out().lines().reduce((a, b) -> b).orElseThrow());
        assertEquals(1, score.get("tasks").asInt());
        assertTrue(score.has("pass@2"));
        ArcVoterTest.validate(new ObjectMapper().readTree(submission.toFile()), Map.of("e1", 2));

        Path png = dir.resolve("e1.png");
        r = CliTest.run("solve", "--weights", weights.toString(), "--data", "arc:" + out, "--arc", "e1", "--png", png.toString(), "--batch", "4");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("e1, test input 1") && r.out().contains("attempt 1") && r.out().contains("truth"), r.out());
        assertTrue(r.out().contains("of 2 test inputs solved within 2 attempts"), r.out());
        var img = ImageIO.read(png.toFile());
        assertTrue(img.getWidth() > 32 && img.getHeight() > 32);

        // a task file: one the model trained on (its identifiers), then an unseen one (the blank identifier, 8 transforms)
        Path known = Files.writeString(dir.resolve("e1.json"), "{\"train\": [{\"input\": [[6, 7], [8, 9]], \"output\": [[9]]}, "
                + "{\"input\": [[1, 2], [3, 4]], \"output\": [[4]]}], \"test\": [{\"input\": [[1, 1], [1, 5]], \"output\": [[5]]}]}");
        r = CliTest.run("solve", "--weights", weights.toString(), "--data", "arc:" + out, "--arc", known.toString(), "--batch", "4");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("e1, test input 0 (2 variants"), r.out());
        Path unseen = Files.writeString(dir.resolve("new.json"), "{\"train\": [{\"input\": [[1, 2]], \"output\": [[2, 1]]}], "
                + "\"test\": [{\"input\": [[3, 4]]}]}");
        r = CliTest.run("solve", "--weights", weights.toString(), "--arc", unseen.toString(), "--batch", "8");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("new, test input 0 (8 variants") && !r.out().contains("truth"), r.out());

        // mistakes: one line each
        r = CliTest.run("data", "arc", "--benchmark", "arc-agi-3", "--source", src.toString(), "--out", out.toString());
        assertEquals(2, r.code());
        assertEquals("trm: unknown ARC benchmark 'arc-agi-3' (expected arc-agi-1 or arc-agi-2)", r.err().strip());
        r = CliTest.run("eval", "--weights", weights.toString(), "--data", "arc:" + dir.resolve("none"));
        assertEquals(2, r.code());
        assertTrue(r.err().strip().startsWith("trm: no ARC manifest at") && r.err().strip().lines().count() == 1, r.err());
        r = CliTest.run("solve", "--weights", weights.toString(), "--data", "arc:" + out, "--arc", "nope");
        assertEquals("trm: no task nope in the dataset, and no such file", r.err().strip());
        r = CliTest.run("train", "--data", "arc:" + out, "--test-data", "gen:4:10", "--run", dir.resolve("run2").toString());
        assertEquals("trm: --test-data is not for arc: data (its manifest holds the held-out test inputs)", r.err().strip());
        Files.writeString(src.resolve("arc-agi_evaluation_solutions.json"), "{\"e1\": [[[5]], [[1]]]}");
        r = CliTest.run("eval", "--weights", weights.toString(), "--data", "arc:" + out);
        assertTrue(r.err().strip().endsWith("changed since the manifest was written (SHA-256 differs); rebuild it with trm data arc"), r.err());
    }
}
