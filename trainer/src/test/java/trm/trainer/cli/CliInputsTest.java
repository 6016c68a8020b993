package trm.trainer.cli;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import trm.engine.cpu.CpuDevice;
import trm.engine.io.ModelCheckpoint;
import trm.engine.io.Safetensors;
import trm.engine.io.SafetensorsFile;
import trm.engine.io.TensorEntry;
import trm.engine.model.PosEncoding;
import trm.engine.model.TrmConfig;
import trm.trainer.TrainOptions;
import trm.trainer.Trainer;
import trm.trainer.data.sudoku.SudokuDataset;
import trm.trainer.data.sudoku.SudokuGenerator;
import trm.trainer.data.sudoku.SudokuGeometry;
import trm.trainer.data.sudoku.SudokuSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static trm.trainer.cli.CliTest.assertUserError;
import static trm.trainer.cli.CliTest.run;

/** Every option checked before any work or file, each input refused in one line naming what and where, and the exit codes. */
class CliInputsTest {
    @TempDir
    static Path dir;
    static Path weights;

    @BeforeAll
    static void model() {
        TrmConfig c = TrmConfig.builder().hiddenSize(32).numHeads(2).expansion(2).layers(1).hCycles(1).lCycles(1).mlpT(true)
                .posEncoding(PosEncoding.NONE).puzzleEmbLen(1).haltMaxSteps(2).seqLen(16).vocabSize(6).build();
        var data = new SudokuDataset(new SudokuGenerator(SudokuGeometry.MINI, 1).generate(10, SudokuGenerator.Target.any(), "t"));
        Trainer t = new Trainer(c, TrainOptions.builder().batch(2).steps(1).lr(1e-3).warmupSteps(0).emaRate(0.9).build(),
                new CpuDevice(), new SudokuSource(data, 0, true));
        t.trainStep();
        weights = dir.resolve("m.safetensors");
        t.saveModel(weights);
    }

    @Test
    void badOptionsAreRefusedBeforeAnyWorkOrFile() throws Exception {
        String w = weights.toString();
        assertUserError(run("eval", "--weights", w, "--data", "gen:4:5", "--limit", "0"), "--limit must be positive, got 0");
        assertUserError(run("eval", "--weights", w, "--data", "gen:4:5", "--limit", "-5"), "--limit must be positive, got -5");
        assertUserError(run("eval", "--weights", w, "--data", "gen:4:5", "--batch", "-1"), "--batch must be positive, got -1");
        assertUserError(run("eval", "--weights", w, "--data", "gen:4:5", "--batch", "0"), "--batch must be positive, got 0");
        assertUserError(run("solve", "--weights", w, "--limit", "0", "--file", weights.toString()), "--limit must be positive, got 0");
        Path r = dir.resolve("never");
        assertUserError(run("train", "--data", "gen:4:10", "--eval-size", "-1", "--run", r.toString()), "--eval-size must be positive, got -1");
        assertUserError(run("train", "--data", "gen:4:10", "--log-interval", "0", "--run", r.toString()), "--log-interval must be positive, got 0");
        assertUserError(run("train", "--data", "gen:4:10", "--hidden", "20000", "--run", r.toString()),
                "--hidden 20000 is out of range: it must be between 1 and " + TrmConfig.MAX_HIDDEN);
        assertUserError(run("train", "--data", "gen:4:10", "--lr", "NaN", "--run", r.toString()), "--lr must be a finite number, got NaN");
        assertUserError(run("train", "--data", "gen:4:10", "--steps", "0", "--run", r.toString()), "--steps must be positive, got 0");
        assertUserError(run("train", "--data", "gen:4:0", "--run", r.toString()), "COUNT 0 must be between 1");
        assertUserError(run("train", "--data", "gen:4:10", "--test-data", dir.resolve("none.txt").toString(), "--run", r.toString()),
                "data file not found");
        assertFalse(Files.exists(r), "no run folder is made for refused options");
    }

    @Test
    void runFoldersThatCannotBeMadeAreRefusedWithTheReason() throws Exception {
        Path file = dir.resolve("a-file");
        Files.writeString(file, "x");
        assertUserError(run("train", "--data", "gen:4:10", "--run", "/proc/trm-run"), "is on the proc file system");
        assertUserError(run("train", "--data", "gen:4:10", "--run", file.resolve("run").toString()), "is a file, so no folder can be made under it");
        assertUserError(run("train", "--data", "gen:4:10", "--run", file.toString()), "is a file, not a folder");
        Path ro = dir.resolve("read-only");
        Files.createDirectories(ro);
        if (ro.toFile().setWritable(false, false) && !Files.isWritable(ro)) { // root may write anywhere: then nothing to check
            assertUserError(run("train", "--data", "gen:4:10", "--run", ro.resolve("run").toString()), "is not writable");
            ro.toFile().setWritable(true, false);
        }
        assertUserError(run("data", "sudoku", "--generate", "3", "--size", "4", "--out", "/nonexistent/x.csv"),
                "--out /nonexistent/x.csv: the folder /nonexistent does not exist");
    }

    @Test
    void infoRefusesAbsurdConfigsAndReadsAConfigBesideWeights() throws Exception {
        Path huge = dir.resolve("huge.json");
        Files.writeString(huge, TrmConfig.preset("sudoku-mlp").toJson().replace("\"hidden_size\" : 512", "\"hidden_size\" : 1000000"));
        assertUserError(run("info", "--config", huge.toString()), "hidden_size 1000000 is over the limit of " + TrmConfig.MAX_HIDDEN);
        Path typed = dir.resolve("typed.json");
        Files.writeString(typed, TrmConfig.preset("sudoku-mlp").toJson().replace("\"hidden_size\" : 512", "\"hidden_size\" : \"64\""));
        assertUserError(run("info", "--config", typed.toString()), "hidden_size must be a whole number, not the string \"64\"");
        // --weights and --config: the config given, its dataset-given keys read off the checkpoint's tensors
        SafetensorsFile f = Safetensors.read(weights);
        TrmConfig stored = ModelCheckpoint.config(f);
        String json = stored.toJson().replaceAll("\"(seq_len|vocab_size|num_puzzle_identifiers)\" : \\d+,?\\n", "");
        Path cfg = dir.resolve("nodata.json");
        Files.writeString(cfg, json.replace(",\n}", "\n}"));
        CliTest.Result info = run("info", "--weights", weights.toString(), "--config", cfg.toString(), "--json");
        assertEquals(0, info.code(), info.err());
        assertEquals(stored, TrmConfig.fromJson(info.out(), "out"));
        assertTrue(info.err().contains("vocab_size 6: from the checkpoint's tensors"), info.err());
    }

    @Test
    void solveNamesABadLineStillSolvesTheOthersAndSaysSoInItsExitCode() throws Exception {
        Path file = dir.resolve("puzzles.txt");
        Files.writeString(file, "# three puzzles, one broken\n1.3..4.22..3..2.\n1.3..4.22..3..x.\n...........4..2.\n");
        CliTest.Result r = run("solve", "--weights", weights.toString(), "--file", file.toString());
        assertTrue(r.err().contains(file + ":3: ") && r.err().contains("'x'") && r.err().contains("(skipped)"), r.err());
        assertEquals(2, r.out().split("puzzle:", -1).length - 1, "both good puzzles are solved: " + r.out());
        assertEquals(Exit.USER_ERROR, r.code());
        // no bad line: 0 when every answer is valid, 4 when one is not
        CliTest.Result one = run("solve", "--weights", weights.toString(), "1.3..4.22..3..2.");
        assertEquals(one.out().contains("NOT a valid solution") ? Exit.NO_VALID_RESULT : Exit.OK, one.code(), one.out());
        Path allBad = dir.resolve("bad.txt");
        Files.writeString(allBad, "11..............\n");
        assertUserError(run("solve", "--weights", weights.toString(), "--file", allBad.toString()), "no valid puzzle to solve");
    }

    @Test
    void evalReadsOnlyThePuzzlesItIsAskedFor() throws Exception {
        Path file = dir.resolve("five-then-broken.txt");
        StringBuilder s = new StringBuilder();
        var gen = new SudokuGenerator(SudokuGeometry.MINI, 5);
        for (int i = 0; i < 5; i++) s.append(trm.trainer.data.sudoku.SudokuText.format(gen.generate(SudokuGenerator.Target.any(), "x").question())).append('\n');
        s.append("this line is not a puzzle\n");
        Files.writeString(file, s);
        CliTest.Result r = run("eval", "--weights", weights.toString(), "--data", file.toString(), "--limit", "5", "--json");
        assertEquals(0, r.code(), "line 6 is never read: " + r.err());
        assertUserError(run("eval", "--weights", weights.toString(), "--data", file.toString(), "--limit", "6"), file + ":6:");
    }

    @Test
    void aConversionWithoutAValidPuzzleFailsAndWritesNothing() throws Exception {
        Path lines = dir.resolve("none-valid.txt");
        Files.writeString(lines, "................\n11..............\n");
        Path out = dir.resolve("none.csv");
        assertUserError(run("data", "sudoku", "--convert", lines.toString(), "--out", out.toString()), "no puzzle with a unique solution");
        assertFalse(Files.exists(out));
    }

    @Test
    void aTestSetOfAnotherGridIsRefusedBeforeTraining() {
        Path r = dir.resolve("mismatch");
        assertUserError(run("train", "--data", "gen:4:10", "--test-data", "gen:6:3", "--hidden", "32", "--steps", "1", "--batch", "2",
                "--run", r.toString()), "--test-data gen:6:3: its puzzles have 36 cells but the training puzzles have 16");
        assertFalse(Files.exists(r.resolve("checkpoint.safetensors")));
    }

    @Test
    void trainTakesTheReferenceYamlAndFillsTheDataKeys() throws Exception {
        Path yaml = dir.resolve("trm.yaml");
        Files.writeString(yaml, """
                name: recursive_reasoning.trm@TinyRecursiveReasoningModel_ACTV1
                loss:
                  name: losses@ACTLossHead
                  loss_type: stablemax_cross_entropy
                halt_exploration_prob: 0.1
                halt_max_steps: 2
                H_cycles: 1
                L_cycles: 1
                H_layers: 0
                L_layers: 1
                hidden_size: 32
                num_heads: 2
                expansion: 2
                puzzle_emb_ndim: ${.hidden_size}
                pos_encodings: rope
                forward_dtype: bfloat16
                mlp_t: True
                puzzle_emb_len: 1
                no_ACT_continue: True
                """);
        Path r = dir.resolve("yaml-run");
        CliTest.Result t = run("train", "--config", yaml.toString(), "--data", "gen:4:10", "--steps", "1", "--batch", "2", "--warmup", "0",
                "--run", r.toString());
        assertEquals(0, t.code(), t.err());
        assertTrue(t.err().contains("seq_len 16: from the training data") && t.err().contains("rms_norm_eps 1.0E-5: the reference's default"), t.err());
        TrmConfig saved = ModelCheckpoint.config(Safetensors.read(r.resolve("model.safetensors")));
        assertEquals(16, saved.seqLen());
        assertEquals(6, saved.vocabSize());
        assertEquals(32, saved.hiddenSize());
        assertUserError(run("train", "--config", yaml.toString(), "--hidden", "64", "--data", "gen:4:10", "--run", dir.resolve("x").toString()),
                "with --config, change the file instead");
    }

    @Test
    void partialLoadsAreRefusedUnlessAskedForAndThenSayWhatTheySkipped() throws Exception {
        SafetensorsFile f = Safetensors.read(weights);
        List<TensorEntry> entries = new ArrayList<>(f.tensors().values());
        entries.add(TensorEntry.f32("model.inner.H_level.layers.0.mlp.down_proj.weight", new float[4], 2, 2));
        Path hrm = dir.resolve("hrm.safetensors");
        Safetensors.write(hrm, f.metadata(), entries);
        assertUserError(run("solve", "--weights", hrm.toString(), "1.3..4.22..3..2."), "unexpected tensor model.inner.H_level.layers.0.mlp.down_proj.weight");
        CliTest.Result r = run("solve", "--weights", hrm.toString(), "--allow-partial", "1.3..4.22..3..2.");
        assertTrue(r.code() == Exit.OK || r.code() == Exit.NO_VALID_RESULT, r.err());
        assertTrue(r.err().contains("partial load: ignored 1 tensor the model lacks (model.inner.H_level.layers.0.mlp.down_proj.weight)"), r.err());
    }
}
