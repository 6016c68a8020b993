package trm.trainer.cli;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import trm.engine.io.Safetensors;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static trm.trainer.cli.CliTest.assertUserError;
import static trm.trainer.cli.CliTest.run;

/**
 * Runs that can be trusted (issue 14): a run killed with {@code kill -9} or stopped with
 * SIGTERM in a child process and resumed ends with the same bytes as a run never interrupted;
 * the run folder is held by one process; a resume refuses options that would change the run;
 * a diverged run stops and leaves its last good checkpoint as it was. Tiny 4×4 runs: the
 * children sleep 25 ms a step ({@code -Dtrm.test.stepDelayMs}) so that a signal lands mid-run.
 */
class TrainRunTest {
    static final int STEPS = 24;
    static final List<String> FILES = List.of("checkpoint.safetensors", "model.safetensors");

    @TempDir
    static Path dir;
    static Path reference;

    /** The run's options, all stored in run.json: a resume names none of them. */
    static List<String> trainArgs(Path run, String... more) {
        return trainArgs(run, STEPS, more);
    }

    /** The run's options; {@code more} holds option-value pairs that replace or extend them. */
    static List<String> trainArgs(Path run, long steps, String... more) {
        List<String> a = new ArrayList<>(List.of("train", "--data", "gen:4:32:0:1", "--hidden", "64", "--layers", "1",
                "--steps", Long.toString(steps), "--batch", "4", "--lr", "1e-3", "--warmup", "2", "--weight-decay", "0.1",
                "--halt-max-steps", "2", "--h-cycles", "1", "--l-cycles", "1", "--puzzle-emb-len", "1", "--ema-rate", "0.9",
                "--log-interval", "1", "--run", run.toString()));
        for (int i = 0; i < more.length; i += 2) {
            int at = a.indexOf(more[i]);
            if (at >= 0) a.set(at + 1, more[i + 1]);
            else a.addAll(List.of(more[i], more[i + 1]));
        }
        return a;
    }

    @BeforeAll
    static void uninterruptedRun() {
        reference = dir.resolve("reference");
        CliTest.Result r = run(trainArgs(reference, "--checkpoint-every", "7").toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
    }

    static Process child(Path log, List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx512m",
                "-Dtrm.test.stepDelayMs=25", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(args);
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** Waits (at most a minute) until the run's metrics.jsonl has a record for a step ≥ {@code step}. */
    static void awaitStep(Path run, long step, Process p, Path log) throws Exception {
        Predicate<String> reached = line -> line.contains("\"kind\":\"train\"") && stepOf(line) >= step;
        for (int i = 0; i < 6000; i++) {
            Path m = run.resolve("metrics.jsonl");
            if (Files.exists(m) && Files.readAllLines(m).stream().anyMatch(reached)) return;
            assertTrue(p.isAlive(), "the child ended before step " + step + ": " + Files.readString(log));
            Thread.sleep(10);
        }
        throw new AssertionError("step " + step + " not reached: " + Files.readString(log));
    }

    static long stepOf(String line) {
        int i = line.indexOf("\"step\":");
        if (i < 0) return -1;
        int j = i + 7, k = j;
        while (k < line.length() && Character.isDigit(line.charAt(k))) k++;
        return k == j ? -1 : Long.parseLong(line.substring(j, k));
    }

    static long checkpointStep(Path run) {
        return Long.parseLong(Safetensors.read(run.resolve("checkpoint.safetensors")).meta("step").orElseThrow());
    }

    static void assertSameAsReference(Path run) throws IOException {
        for (String f : FILES)
            assertArrayEquals(Files.readAllBytes(reference.resolve(f)), Files.readAllBytes(run.resolve(f)), f + " differs from the uninterrupted run's");
        List<Long> steps = Files.readAllLines(run.resolve("metrics.jsonl")).stream()
                .filter(l -> l.contains("\"kind\":\"train\"")).map(TrainRunTest::stepOf).toList();
        assertEquals(java.util.stream.LongStream.rangeClosed(1, STEPS).boxed().toList(), steps, "one metrics record per step, none replayed");
    }

    @Test
    void sigtermCheckpointsAtTheNextStepAndTheResumedRunEqualsAnUninterruptedOne() throws Exception {
        Path run = dir.resolve("term"), log = dir.resolve("term.log");
        Process p = child(log, trainArgs(run, "--checkpoint-every", "1000"));
        awaitStep(run, 5, p, log);

        // A second process on the same run is refused, naming the holder.
        assertUserError(run("train", "--run", run.toString(), "--resume"), "in use by process " + p.pid());

        p.destroy(); // SIGTERM
        assertTrue(p.waitFor(1, TimeUnit.MINUTES), "the child did not stop");
        String out = Files.readString(log);
        assertEquals(143, p.exitValue(), out);
        long at = checkpointStep(run);
        assertTrue(at >= 5 && at < STEPS, "stopped mid-run: step " + at);
        assertTrue(out.contains("stopped by SIGTERM at step " + at + "; checkpoint in " + run.resolve("checkpoint.safetensors")), out);
        assertEquals(at, Long.parseLong(Safetensors.read(run.resolve("model.safetensors")).meta("step").orElseThrow()),
                "the model file is the checkpoint's pair");

        // A kill between the checkpoint and the model file: the next start writes the model again.
        Files.delete(run.resolve("model.safetensors"));
        CliTest.Result complete = run("train", "--run", run.toString(), "--resume", "--steps", Long.toString(at));
        assertEquals(0, complete.code(), complete.err());
        assertTrue(complete.err().contains("is complete (step " + at + " of " + at + ")"), complete.err());
        assertEquals(at, Long.parseLong(Safetensors.read(run.resolve("model.safetensors")).meta("step").orElseThrow()));

        CliTest.Result r = run("train", "--run", run.toString(), "--resume", "--steps", Integer.toString(STEPS));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("resuming " + run + " at step " + at + " of " + STEPS), r.err());
        assertSameAsReference(run);
    }

    @Test
    void killMinus9LosesOnlyTheStepsSinceTheLastCheckpoint() throws Exception {
        Path run = dir.resolve("kill"), log = dir.resolve("kill.log");
        Process p = child(log, trainArgs(run, "--checkpoint-every", "4"));
        awaitStep(run, 10, p, log);
        p.destroyForcibly(); // SIGKILL: nothing is written on the way out
        assertTrue(p.waitFor(1, TimeUnit.MINUTES));
        long at = checkpointStep(run);
        assertTrue(at >= 8 && at < STEPS && at % 4 == 0, "checkpoint at step " + at);
        // What a kill in the middle of a write leaves behind: removed at the next start.
        Path stale = Files.writeString(run.resolve(".checkpoint.safetensors.00000000deadbeef.tmp"), "half a checkpoint");

        // A kill between the checkpoint and the model file: the next start writes the model again.
        Files.delete(run.resolve("model.safetensors"));
        CliTest.Result complete = run("train", "--run", run.toString(), "--resume", "--steps", Long.toString(at));
        assertEquals(0, complete.code(), complete.err());
        assertTrue(complete.err().contains("is complete (step " + at + " of " + at + ")"), complete.err());
        assertEquals(at, Long.parseLong(Safetensors.read(run.resolve("model.safetensors")).meta("step").orElseThrow()));

        CliTest.Result r = run("train", "--run", run.toString(), "--resume", "--steps", Integer.toString(STEPS));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("resuming " + run + " at step " + at + " of " + STEPS), r.err());
        assertFalse(Files.exists(stale), "the stale temp file was removed");
        assertSameAsReference(run);
    }

    @Test
    void aResumeRefusesOptionsThatWouldChangeTheRun() throws Exception {
        Path run = dir.resolve("short");
        CliTest.Result r = run(trainArgs(run, 3).toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        byte[] before = Files.readAllBytes(run.resolve("run.json"));
        assertUserError(run("train", "--run", run.toString(), "--resume", "--hidden", "32"), "--hidden 32 conflicts with the run's stored 64");
        assertUserError(run("train", "--run", run.toString(), "--resume", "--data", "gen:4:32:0:2"), "--data gen:4:32:0:2 conflicts");
        assertUserError(run("train", "--run", run.toString(), "--resume", "--seed", "1"), "--seed 1 conflicts");
        assertUserError(run("train", "--run", run.toString(), "--resume", "--lr", "1e-2"), "--lr with --amend");
        assertUserError(run("train", "--run", run.toString(), "--resume", "--steps", "2"), "already at step 3");
        assertArrayEquals(before, Files.readAllBytes(run.resolve("run.json")), "a refused resume changed run.json");
        // The same value as stored is no change; the changeable ones are applied and printed.
        CliTest.Result ok = run("train", "--run", run.toString(), "--resume", "--hidden", "64", "--steps", "5", "--log-interval", "2");
        assertEquals(0, ok.code(), ok.err());
        assertTrue(ok.err().contains("at step 3 of 5; changed: --steps 3 -> 5, --log-interval 1 -> 2"), ok.err());
        CliTest.Result done = run("train", "--run", run.toString(), "--resume");
        assertEquals(0, done.code(), done.err());
        assertTrue(done.err().contains("is complete (step 5 of 5)"), done.err());
    }

    static long number(String text, String regex) {
        var m = java.util.regex.Pattern.compile(regex).matcher(text);
        assertTrue(m.find(), "no '" + regex + "' in: " + text);
        return Long.parseLong(m.group(1));
    }

    @Test
    void aDivergedRunStopsAndKeepsItsLastGoodCheckpoint() throws Exception {
        Path run = dir.resolve("diverge");
        CliTest.Result r = run(trainArgs(run, 3).toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        byte[] ckpt = Files.readAllBytes(run.resolve("checkpoint.safetensors")), model = Files.readAllBytes(run.resolve("model.safetensors"));

        // No checkpoint due before the divergence: the step-3 pair stays byte for byte.
        CliTest.Result d = run("train", "--run", run.toString(), "--resume", "--amend", "--lr", "1e30", "--steps", "20",
                "--checkpoint-every", "1000");
        assertEquals(4, d.code(), d.err());
        assertTrue(d.err().contains("lr 1.000e+30); stopped. " + run.resolve("checkpoint.safetensors") + " (step 3) is untouched; "
                + "continue from it with other settings, e.g.: trm train --run " + run + " --resume --amend --lr"), d.err());
        long at = number(d.err(), "trm: diverged at step (\\d+): the [a-zA-Z_ ]+ is (?:NaN|-?Infinity) \\(last finite loss");
        assertTrue(at > 3 && at < 20, d.err());
        assertArrayEquals(ckpt, Files.readAllBytes(run.resolve("checkpoint.safetensors")), "the last good checkpoint was overwritten");
        assertArrayEquals(model, Files.readAllBytes(run.resolve("model.safetensors")), "the last good model was overwritten");
        String metrics = Files.readString(run.resolve("metrics.jsonl"));
        assertTrue(metrics.contains("\"lm_loss\":null"), "non-finite metrics are JSON null: " + metrics);
        assertFalse(metrics.contains("NaN") || metrics.contains("Infinity"), metrics);

        // An amended resume with a sane lr carries on from the good checkpoint.
        CliTest.Result again = run("train", "--run", run.toString(), "--resume", "--amend", "--lr", "1e-3", "--steps", "5");
        assertEquals(0, again.code(), again.err());
        assertTrue(again.err().contains("at step 3 of 5; changed: --lr 1.0E30 -> 0.001, --steps 20 -> 5"), again.err());

        // A checkpoint due at every step: the last one written holds the last finite state, the step before the
        // divergence (finite, not necessarily sane: with lr 1e30 its weights are huge).
        CliTest.Result e = run("train", "--run", run.toString(), "--resume", "--amend", "--lr", "1e30", "--steps", "20",
                "--checkpoint-every", "1");
        assertEquals(4, e.code(), e.err());
        long bad = number(e.err(), "trm: diverged at step (\\d+)"), kept = number(e.err(), "\\(step (\\d+)\\) is untouched");
        assertEquals(bad - 1, kept, e.err());
        assertTrue(kept > 5, e.err());
        assertEquals(kept, checkpointStep(run));
        for (var t : Safetensors.read(run.resolve("checkpoint.safetensors")).tensors().values())
            if (t.dtype() == trm.engine.io.SafetensorsDType.F32)
                for (float v : t.asFloats()) assertTrue(Float.isFinite(v), t.name() + " holds " + v);
    }

    @Test
    void aRefusedCommandCreatesNothing() {
        Path run = dir.resolve("never");
        assertUserError(run(trainArgs(run, 0).toArray(String[]::new)), "steps must be positive");
        assertUserError(run(trainArgs(run, STEPS, "--lr", "Infinity").toArray(String[]::new)), "lr must be a finite number");
        assertUserError(run(trainArgs(run, STEPS, "--device", "foo").toArray(String[]::new)), "unknown device 'foo'");
        assertUserError(run(trainArgs(run, "--checkpoint-every", "0").toArray(String[]::new)), "--checkpoint-every must be positive");
        assertUserError(run("train", "--run", run.toString(), "--resume"), "nothing to resume");
        assertFalse(Files.exists(run), "a refused command created " + run);
        assertUserError(run(trainArgs(reference).toArray(String[]::new)), "already holds a run");
    }

    @Test
    void evalReportsNanOutputsAsNanNeverAsAPerfectScore() throws Exception {
        var f = Safetensors.read(reference.resolve("model.safetensors"));
        List<trm.engine.io.TensorEntry> nan = new ArrayList<>();
        for (var e : f.tensors().values()) {
            float[] v = e.asFloats();
            java.util.Arrays.fill(v, Float.NaN);
            nan.add(trm.engine.io.TensorEntry.fromFloats(e.name(), e.dtype(), v, e.shape()));
        }
        Path weights = dir.resolve("nan.safetensors");
        Safetensors.write(weights, f.metadata(), nan);
        CliTest.Result r = run("eval", "--weights", weights.toString(), "--data", "gen:4:6:0:3", "--json");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("\"q_halt_accuracy\":null") && r.out().contains("\"lm_loss\":null"), r.out());
        assertUserError(run("eval", "--weights", weights.toString(), "--data", "gen:4:6:0:3", "--batch", "0"), "--batch must be positive");
    }
}
