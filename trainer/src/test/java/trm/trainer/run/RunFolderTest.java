package trm.trainer.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import trm.engine.TrmException;
import trm.engine.model.PosEncoding;
import trm.engine.model.TrmConfig;
import trm.trainer.TrainOptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The run folder's lock, its clean-up of stale temporary files, metrics truncation, run.json and the checkpoint cadence. */
class RunFolderTest {
    @TempDir
    Path dir;

    @Test
    void aSecondHolderIsRefusedNamingTheFirstOnesPid() {
        Path run = dir.resolve("r");
        try (RunFolder first = RunFolder.open(run)) {
            var e = assertThrows(TrmException.class, () -> RunFolder.open(run));
            assertTrue(e.getMessage().contains("in use by process " + ProcessHandle.current().pid()), e.getMessage());
        }
        RunFolder.open(run).close(); // released on close
    }

    @Test
    void staleTemporaryFilesAreRemovedAndNothingElse() throws Exception {
        Path run = Files.createDirectories(dir.resolve("r"));
        Path stale = Files.writeString(run.resolve(".checkpoint.safetensors.0123456789abcdef.tmp"), "half");
        Path kept = Files.writeString(run.resolve("notes.tmp"), "mine");
        RunFolder.open(run).close();
        assertFalse(Files.exists(stale), "the stale temp file was removed");
        assertTrue(Files.exists(kept), "a file that is not ours stays");
    }

    @Test
    void metricsAreTruncatedToTheResumedStepAndAPartialLineIsDropped() throws Exception {
        Path run = dir.resolve("r");
        try (RunFolder f = RunFolder.open(run)) {
            var json = new ObjectMapper();
            for (long s = 1; s <= 6; s++) f.appendMetrics(json.createObjectNode().put("kind", "train").put("step", s).putNull("lm_loss"));
            Files.writeString(f.metrics(), "{\"kind\":\"train\",\"st", java.nio.file.StandardOpenOption.APPEND);
            f.truncateMetrics(4);
            List<String> lines = Files.readAllLines(f.metrics());
            assertEquals(4, lines.size(), String.join("\n", lines));
            assertEquals("{\"kind\":\"train\",\"step\":4,\"lm_loss\":null}", lines.getLast());
        }
    }

    @Test
    void runSpecRoundTripsAndIsReadStrictly() throws Exception {
        TrmConfig c = TrmConfig.builder().hiddenSize(32).numHeads(2).expansion(2).layers(1).hCycles(1).lCycles(1).mlpT(true)
                .posEncoding(PosEncoding.NONE).puzzleEmbLen(1).haltMaxSteps(3).seqLen(16).vocabSize(6).build();
        RunSpec s = new RunSpec("sudoku-mlp", null, c, TrainOptions.builder().batch(4).steps(9).build(), "gen:4:10", null, 5, null,
                true, 0, "3", 1, "cpu");
        Path file = dir.resolve("run.json");
        s.write(file);
        assertEquals(s, RunSpec.read(file));
        Files.writeString(file, Files.readString(file).replace("\"augment\"", "\"augmented\""));
        var e = assertThrows(TrmException.class, () -> RunSpec.read(file));
        assertTrue(e.getMessage().contains("run.json: unknown key 'augmented'"), e.getMessage());
    }

    @Test
    void cadenceCountsStepsOrMinutes() {
        CheckpointCadence steps = CheckpointCadence.parse("5"), minutes = CheckpointCadence.parse("10m");
        assertTrue(steps.due(10, Duration.ZERO));
        assertFalse(steps.due(11, Duration.ofHours(1)));
        assertFalse(minutes.due(1, Duration.ofMinutes(9)));
        assertTrue(minutes.due(1, Duration.ofMinutes(10)));
        assertEquals("10m", minutes.toString());
        for (String bad : List.of("0", "-3", "ten", "5h", "m"))
            assertThrows(TrmException.class, () -> CheckpointCadence.parse(bad), bad);
    }

    @Test
    void optionsRefuseNonFiniteNumbers() {
        var e = assertThrows(TrmException.class, () -> TrainOptions.builder().lr(Double.POSITIVE_INFINITY).build());
        assertEquals("lr must be a finite number, got Infinity", e.getMessage());
        assertThrows(TrmException.class, () -> TrainOptions.builder().beta2(Double.NaN).build());
        assertThrows(TrmException.class, () -> TrainOptions.builder().weightDecay(Double.NEGATIVE_INFINITY).build());
    }
}
