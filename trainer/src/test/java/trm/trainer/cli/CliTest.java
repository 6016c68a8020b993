package trm.trainer.cli;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import trm.engine.model.TrmConfig;
import trm.trainer.data.sudoku.SudokuGeometry;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command line end to end: real runs, and one clear line (never a stack trace) for each user mistake. */
class CliTest {
    @TempDir
    static Path dir;
    static Path weights;

    record Result(int code, String out, String err) {}

    static synchronized Result run(String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = Main.run(args);
            return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    /** A small untrained 4×4 model checkpoint: enough to exercise every command. */
    @BeforeAll
    static void model() {
        weights = dir.resolve("m.safetensors");
        ShippedModelsTest.miniModel(weights);
    }

    static void assertUserError(Result r, String expected) {
        assertEquals(2, r.code(), "exit code; stderr: " + r.err());
        assertTrue(r.err().contains(expected), "stderr lacks '" + expected + "': " + r.err());
        assertFalse(r.err().contains("\tat "), "a stack trace was printed: " + r.err());
        assertFalse(r.err().contains("Exception"), "an exception name leaked: " + r.err());
    }

    @Test
    void solvesAndTraces() {
        Result r = run("solve", "--weights", weights.toString(), "--trace", "1...........4..2");
        assertEquals(r.out().contains("NOT a valid solution") ? Exit.NO_VALID_RESULT : Exit.OK, r.code(), r.err());
        assertTrue(r.out().contains("after supervision step 1"), r.out());
        assertTrue(r.out().contains("halting confidence"), r.out());
        Result gen = run("solve", "--weights", weights.toString());
        assertEquals(gen.out().contains("NOT a valid solution") ? Exit.NO_VALID_RESULT : Exit.OK, gen.code(), gen.err());
        assertTrue(gen.out().contains("freshly generated 4×4"), gen.out());
    }

    @Test
    void badPuzzlesAreRefusedClearly() {
        assertUserError(run("solve", "--weights", weights.toString(), "1.3..4.22..3..x."), "x");
        assertUserError(run("solve", "--weights", weights.toString(), "1..4"), "");
        assertUserError(run("solve", "--weights", weights.toString(), "11..............."), "");
        assertUserError(run("solve", "--weights", weights.toString(), "11.............."), "invalid puzzle");
        assertUserError(run("solve", "--weights", weights.toString(), "1" + ".".repeat(80)), "model solves 4×4");
    }

    @Test
    void missingAndBrokenFilesAreRefusedClearly() throws Exception {
        assertUserError(run("solve", "--weights", dir.resolve("nope.safetensors").toString()), "nope.safetensors");
        Path truncated = dir.resolve("truncated.safetensors");
        byte[] bytes = Files.readAllBytes(weights);
        Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        assertUserError(run("eval", "--weights", truncated.toString(), "--data", "gen:4:5"), "truncated.safetensors");
        assertUserError(run("train", "--data", dir.resolve("none.csv").toString()), "data file not found");
        Path csv = dir.resolve("bad.csv");
        Files.writeString(csv, "source,question,answer,rating\nx,1..4,1234,0\n");
        assertUserError(run("eval", "--weights", weights.toString(), "--data", csv.toString()), "bad.csv:2");
        assertUserError(run("train", "--preset", "sudoku", "--data", "gen:4:10"), "unknown preset 'sudoku'");
        assertUserError(run("train", "--data", "gen:5:10"), "sizes: 4, 6, 9");
        assertUserError(run("eval", "--weights", weights.toString(), "--data", "gen:6:3"), "36 cells");
        assertUserError(run("train", "--data", "gen:4:10", "--device", "tpu"), "unknown device 'tpu'");
    }

    @Test
    void checkpointAndConfigShapesMustAgree() throws Exception {
        Path cfg = dir.resolve("wide.json");
        Files.writeString(cfg, TrmConfig.preset("sudoku-mlp").withSeqLen(16, 6).toJson());
        assertUserError(run("solve", "--weights", weights.toString(), "--config", cfg.toString()), "has shape");
    }

    @Test
    void infoAndEvalPrintTheirFigures() {
        Result info = run("info", "--preset", "sudoku-mlp");
        assertEquals(0, info.code());
        assertTrue(info.out().contains("parameters: 5028866"), info.out());
        Result flops = run("info", "--preset", "sudoku-mlp", "--flops", "768");
        assertEquals(0, flops.code(), flops.err());
        TrmConfig mlp = TrmConfig.preset("sudoku-mlp");
        assertEquals(String.format(java.util.Locale.ROOT, "{\"batch\":768,\"forward_step_flops\":%.6e,\"train_step_flops\":%.6e}",
                trm.engine.model.TrmFlops.forwardStep(mlp, 768), trm.engine.model.TrmFlops.trainStep(mlp, 768)), flops.out().trim());
        assertUserError(run("info", "--flops", "0"), "--flops 0: the batch must be at least 1");
        // The memory model: the same figures as MemoryModel, and absurd sizes refused in one line.
        Result memory = run("info", "--preset", "arc-att", "--batch", "768", "--train", "--puzzle-ids", "876406");
        assertEquals(0, memory.code(), memory.err());
        long total = trm.engine.model.MemoryModel.of(TrmConfig.preset("arc-att").toBuilder().numPuzzleIdentifiers(876406).build(),
                trm.engine.Devices.scratchSizes("cuda"), "cuda", 768, true).total();
        assertTrue(memory.out().contains(String.format(java.util.Locale.ROOT, "%,d B", total)) && memory.out().contains("saved activations"),
                memory.out());
        Result most = run("info", "--preset", "sudoku-att", "--train", "--max-batch", "--memory", "141GB");
        assertEquals(0, most.code(), most.err());
        int largest = trm.engine.model.MemoryModel.maxBatch(TrmConfig.preset("sudoku-att"), trm.engine.Devices.scratchSizes("cuda"), "cuda",
                true, 141_000_000_000L);
        assertTrue(largest > 768 && most.out().contains("largest training batch in 141GB (141.00 GB) on cuda: " + largest + " ("), most.out());
        assertUserError(run("info", "--preset", "arc-att", "--batch", "3000000"), "batch 3000000 × 916 positions");
        assertUserError(run("info", "--preset", "arc-att", "--batch", "8", "--device", "tpu"), "unknown device 'tpu'");
        assertUserError(run("info", "--max-batch", "--memory", "lots"), "memory 'lots'");
        Result eval = run("eval", "--weights", weights.toString(), "--data", "gen:4:6:0:3");
        assertEquals(0, eval.code(), eval.err());
        assertTrue(eval.out().contains("exact accuracy") && eval.out().contains("\"exact_accuracy\""), eval.out());
    }

    @Test
    void dataCommandWritesAndConverts() throws Exception {
        Path out = dir.resolve("six.csv");
        Result r = run("data", "sudoku", "--generate", "5", "--size", "6", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(6, Files.readAllLines(out).size());
        Path lines = dir.resolve("p.txt");
        Files.writeString(lines, "# three puzzles\n1.3..4.22..3..2.\n................\n");
        Result c = run("data", "sudoku", "--convert", lines.toString(), "--out", dir.resolve("p.csv").toString());
        assertEquals(0, c.code(), c.err());
        assertTrue(c.out().contains("line 3"), "the ambiguous blank grid on line 3 is reported: " + c.out());
    }

    @Test
    void generatedHeldOutSetExcludesEveryTrainingPuzzleUpToSymmetry() throws Exception {
        // 4×4 minimal puzzles fall in 36 classes: two independent sets of 20 and 8 would almost surely share one.
        Path train = dir.resolve("train4.csv"), held = dir.resolve("held4.csv");
        assertEquals(0, run("data", "sudoku", "--generate", "20", "--size", "4", "--seed", "1", "--out", train.toString()).code());
        Result r = run("data", "sudoku", "--generate", "8", "--size", "4", "--seed", "2", "--exclude", train.toString(),
                "--out", held.toString());
        assertEquals(0, r.code(), r.err());
        var key = trm.trainer.data.sudoku.SudokuCanonical.key(SudokuGeometry.MINI);
        var trainForms = trm.trainer.data.sudoku.SudokuCsv.readAll(train).stream().map(e -> key.apply(e.question())).toList();
        var heldForms = trm.trainer.data.sudoku.SudokuCsv.readAll(held).stream().map(e -> key.apply(e.question())).toList();
        assertEquals(8, heldForms.size());
        assertTrue(heldForms.stream().noneMatch(trainForms::contains), "held-out set shares a puzzle class with the training set");

        Result wrongSize = run("data", "sudoku", "--generate", "2", "--size", "6", "--exclude", train.toString(),
                "--out", dir.resolve("x.csv").toString());
        assertEquals(2, wrongSize.code());
        assertTrue(wrongSize.err().contains("has 16 cells, --size 6 needs 36"), wrongSize.err());
    }

    @Test
    void trainsAndSolvesOnTheSimulator() {
        org.junit.jupiter.api.Assumptions.assumeTrue(trm.kernels.runtime.SimRuntime.unavailableReason(trm.kernels.runtime.KernelSet.MAIN).isEmpty(),
                "sim device unavailable (no g++ at build time)");
        Path run = dir.resolve("simrun");
        Result t = run("train", "--device", "sim", "--data", "gen:4:20:0:1", "--hidden", "64", "--steps", "2", "--batch", "2",
                "--warmup", "0", "--halt-max-steps", "2", "--h-cycles", "1", "--l-cycles", "1", "--puzzle-emb-len", "1",
                "--log-interval", "1", "--run", run.toString());
        assertEquals(0, t.code(), t.err());
        assertTrue(Files.exists(run.resolve("model.safetensors")));
        Result s = run("solve", "--device", "sim", "--weights", run.resolve("model.safetensors").toString(), "1...........4..2");
        assertEquals(s.out().contains("NOT a valid solution") ? Exit.NO_VALID_RESULT : Exit.OK, s.code(), s.err());
        assertTrue(s.out().contains("on sim"), s.out());
    }
}
