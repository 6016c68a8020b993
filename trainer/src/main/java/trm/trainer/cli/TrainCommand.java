package trm.trainer.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;
import trm.engine.Device;
import trm.engine.Devices;
import trm.engine.TrmException;
import trm.engine.model.PosEncoding;
import trm.engine.model.TrmConfig;
import trm.trainer.Metrics;
import trm.trainer.Optimizer;
import trm.trainer.TrainOptions;
import trm.trainer.Trainer;
import trm.trainer.data.Sample;
import trm.trainer.data.SampleSource;
import trm.trainer.data.maze.MazeData;
import trm.trainer.data.maze.MazeScore;
import trm.trainer.data.sudoku.SudokuData;
import trm.trainer.run.CheckpointCadence;
import trm.trainer.run.RunFolder;
import trm.trainer.run.RunSpec;
import trm.trainer.run.StopSignals;
import trm.trainer.run.TrainingCurves;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.function.Supplier;

@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train TRM with deep supervision and adaptive halting.",
                "Writes RUN/run.json (the run's definition), RUN/metrics.jsonl, RUN/checkpoint.safetensors (resumable), "
                        + "RUN/model.safetensors (EMA weights, same step as the checkpoint) and RUN/curves.png (training curves, "
                        + "redrawn at each evaluation and at the end; trm plot --run RUN redraws it).",
                "SIGINT/SIGTERM: checkpoint at the next step boundary, exit 130/143. Divergence (a non-finite loss, gradient or "
                        + "weight): stop with exit 4, the last checkpoint untouched.",
                "Test puzzles equivalent to training ones (up to the augmentation's symmetries) are left out of --test-data.",
                "Example: trm train --data gen:4:24:0:1 --test-data gen:4:4:0:2 --hidden 64 --steps 600 --batch 32"})
final class TrainCommand implements Callable<Integer> {
    /** Exit status of a run stopped by the divergence guard. */
    static final int DIVERGED = Exit.NO_VALID_RESULT;

    @Spec CommandSpec spec;

    @Option(names = "--preset", description = "architecture preset: ${COMPLETION-CANDIDATES} (default: maze-att for maze data, arc-att for arc: data, else sudoku-mlp)",
            completionCandidates = Presets.class)
    String preset;
    @Option(names = "--config", description = "architecture instead of a preset: ours (JSON) or the reference's arch config (YAML or JSON); seq_len, vocab_size and num_puzzle_identifiers come from the data if absent")
    Path configFile;
    @Option(names = "--data", description = "training puzzles: a Sudoku CSV (source,question,answer,rating), a puzzle-per-line file, "
            + "gen:SIDE:COUNT[:MIN_RATING[:SEED]], or mazes: maze:FILE (Maze-Hard CSV or block text) or gen-maze:SIZE:COUNT:MINPATH:SEED, "
            + "or arc:DIR (a manifest of trm data arc, evaluated on its held-out test inputs) (required unless --resume)")
    String data;
    @Option(names = "--test-data", description = "held-out puzzles for evaluation (same forms as --data; none equivalent to a training puzzle)")
    String testData;
    @Option(names = "--subsample", description = "train on this many puzzles drawn from --data (the reference uses 1000)")
    Integer subsample;
    @Option(names = "--eval-size", description = "evaluate on at most this many test puzzles (default: all)")
    Integer evalSize;
    @Option(names = "--device", defaultValue = "cpu", description = "cpu, cuda or sim (default: ${DEFAULT-VALUE}; may change on resume)")
    String device;
    @Option(names = "--batch", description = "slots per step (default: 768)")
    Integer batch;
    @Option(names = "--steps", description = "total optimizer steps (default: 65100, the reference's Sudoku run; may change on resume)")
    Long steps;
    @Option(names = "--eval-interval", defaultValue = "0", description = "evaluate every N steps; 0: at the end only (may change on resume)")
    long evalInterval;
    @Option(names = "--checkpoint-every", description = "write the checkpoint every N steps, or every N minutes as Nm (default: "
            + CheckpointCadence.DEFAULT + "; also at the end and on SIGINT/SIGTERM; may change on resume)")
    String checkpointEvery;
    @Option(names = "--log-interval", defaultValue = "10", description = "steps between progress/metrics lines (default: ${DEFAULT-VALUE}; may change on resume)")
    long logInterval;
    @Option(names = "--run", description = "run folder (default: runs/<date-time>)")
    Path run;
    @Option(names = "--resume", description = "continue the run in --run from its checkpoint; needs no other option")
    boolean resume;
    @Option(names = "--amend", description = "with --resume: let --lr, --warmup, --weight-decay, --puzzle-lr and --ema-rate change the stored run (e.g. after a divergence)")
    boolean amend;
    @Option(names = "--lr", description = "(default: 1e-4)") Double lr;
    @Option(names = "--warmup", description = "linear warm-up steps (default: 2000)") Long warmup;
    @Option(names = "--weight-decay", description = "of the weights and the puzzle embedding (default: 1.0; ARC 0.1)") Double weightDecay;
    @Option(names = "--puzzle-lr", description = "SignSGD lr of the puzzle embedding (default: 1e-4; ARC 1e-2)") Double puzzleLr;
    @Option(names = "--optimizer", description = "adam-atan2 or adamw (default: adam-atan2)") String optimizer;
    @Option(names = "--no-ema", description = "evaluate and save the live weights instead of their EMA") boolean noEma;
    @Option(names = "--ema-rate", description = "EMA decay (default: 0.999; lower it for short runs)") Double emaRate;
    @Option(names = "--no-augment", description = "train on the puzzles as given (no digit/band/stack permutations)") boolean noAugment;
    @Option(names = "--seed", defaultValue = "0") long seed;
    @Option(names = "--hidden", description = "override hidden_size") Integer hidden;
    @Option(names = "--layers", description = "override L_layers") Integer layers;
    @Option(names = "--h-cycles", description = "override H_cycles (T)") Integer hCycles;
    @Option(names = "--l-cycles", description = "override L_cycles (n)") Integer lCycles;
    @Option(names = "--halt-max-steps", description = "override halt_max_steps (N_sup)") Integer haltMaxSteps;
    @Option(names = "--puzzle-emb-len", description = "override puzzle_emb_len (prefix positions)") Integer puzzleEmbLen;
    @Option(names = "--expansion", description = "override the SwiGLU expansion") Double expansion;
    @Option(names = "--heads", description = "override num_heads (attention)") Integer heads;
    @Option(names = "--pos-encodings", description = "override pos_encodings: rope, learned, none, or rope2d (our extension: "
            + "rotary angles from a cell's row and column; needs a square grid)") String posEncodings;

    /** Options that may change on resume: they change neither the numbers nor the data. */
    static final List<String> CHANGEABLE = List.of("--steps", "--eval-interval", "--checkpoint-every", "--device", "--log-interval");
    /** Options that may change on resume with --amend: the optimizer's hyperparameters. */
    static final List<String> AMENDABLE = List.of("--lr", "--warmup", "--weight-decay", "--puzzle-lr", "--ema-rate");

    /** A stored setting of a run and the option that sets it. */
    private record Setting(String option, Function<RunSpec, Object> stored, Supplier<Object> given) {}

    /** Every option that defines a run, with where run.json keeps it (CHANGEABLE ones are handled apart). */
    private List<Setting> settings() {
        return List.of(
                new Setting("--preset", RunSpec::preset, () -> preset),
                new Setting("--config", RunSpec::configFile, () -> configFile == null ? null : configFile.toString()),
                new Setting("--data", RunSpec::data, () -> data),
                new Setting("--test-data", RunSpec::testData, () -> testData),
                new Setting("--subsample", RunSpec::subsample, () -> subsample),
                new Setting("--eval-size", RunSpec::evalSize, () -> evalSize),
                new Setting("--no-augment", r -> !r.augment(), () -> noAugment),
                new Setting("--seed", r -> r.options().seed(), () -> seed),
                new Setting("--batch", r -> r.options().batch(), () -> batch),
                new Setting("--optimizer", r -> r.options().optimizer(), () -> optimizer == null ? null : Optimizer.parse(optimizer)),
                new Setting("--no-ema", r -> !r.options().ema(), () -> noEma),
                new Setting("--lr", r -> r.options().lr(), () -> lr),
                new Setting("--warmup", r -> r.options().warmupSteps(), () -> warmup),
                new Setting("--weight-decay", r -> r.options().weightDecay(), () -> weightDecay),
                new Setting("--puzzle-lr", r -> r.options().puzzleEmbLr(), () -> puzzleLr),
                new Setting("--ema-rate", r -> r.options().emaRate(), () -> emaRate),
                new Setting("--hidden", r -> r.config().hiddenSize(), () -> hidden),
                new Setting("--layers", r -> r.config().layers(), () -> layers),
                new Setting("--h-cycles", r -> r.config().hCycles(), () -> hCycles),
                new Setting("--l-cycles", r -> r.config().lCycles(), () -> lCycles),
                new Setting("--halt-max-steps", r -> r.config().haltMaxSteps(), () -> haltMaxSteps),
                new Setting("--puzzle-emb-len", r -> r.config().puzzleEmbLen(), () -> puzzleEmbLen),
                new Setting("--expansion", r -> r.config().expansion(), () -> expansion),
                new Setting("--heads", r -> r.config().numHeads(), () -> heads),
                new Setting("--pos-encodings", r -> r.config().posEncoding(), () -> posEncodings == null ? null : PosEncoding.parse(posEncodings)));
    }

    @Override
    public Integer call() {
        // Every check runs before the run folder is created or locked: a refused command leaves nothing behind.
        TrainChecks.check(this);
        if (amend && !resume) throw new TrmException("--amend only applies with --resume");
        if (run == null) {
            if (resume) throw new TrmException("--resume needs --run DIR (the run to continue)");
            run = Path.of("runs", LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        }
        return resume ? resumeRun() : newRun();
    }

    private int newRun() {
        if (data == null) throw new TrmException("--data is required (the training puzzles)");
        if (RunFolder.holdsRun(run)) throw new TrmException(run + " already holds a run (use --resume, or another --run)");
        TaskData train = TaskData.load(data, subsample, seed, !noAugment);
        if (train instanceof TaskData.Arcs && (subsample != null || noAugment))
            throw new TrmException("--subsample and --no-augment are not for arc: data (its manifest holds the tasks and their variants)");
        SampleSource source = train.source();
        String presetName = preset != null ? preset : train.defaultPreset();
        TrmConfig config = configFile != null ? TrainChecks.config(this, source) : architecture(source, presetName);
        RunSpec runSpec = new RunSpec(configFile != null ? null : presetName, configFile == null ? null : configFile.toString(), config,
                trainingOptions(train instanceof TaskData.Arcs), data, testData, subsample, evalSize, !noAugment, evalInterval,
                checkpointEvery == null ? CheckpointCadence.DEFAULT : checkpointEvery, logInterval, device);
        TaskData test = testData(runSpec, train);
        TrainChecks.sameGrid(source, test == null ? List.of() : test.testSamples(), runSpec.testData());
        Device dev = Devices.open(device);
        try (Trainer trainer = new Trainer(config, runSpec.options(), dev, source); RunFolder folder = RunFolder.open(run)) {
            runSpec.write(folder.spec());
            return train(folder, runSpec, trainer, train.size(), test);
        }
    }

    private int resumeRun() {
        Path specFile = run.resolve(RunFolder.SPEC);
        if (!Files.exists(specFile)) {
            throw new TrmException("nothing to resume: " + specFile + " does not exist"
                    + (Files.exists(run.resolve(RunFolder.CHECKPOINT)) ? " (a run from an older trm-java; start a new one)" : ""));
        }
        RunSpec stored = RunSpec.read(specFile);
        ParseResult given = spec.commandLine().getParseResult();
        RunSpec runSpec = stored;
        List<String> changes = new ArrayList<>();
        TrainOptions.Builder amended = stored.options().toBuilder();
        for (Setting s : settings()) {
            if (!given.hasMatchedOption(s.option())) continue;
            Object was = s.stored().apply(stored), now = s.given().get();
            if (Objects.equals(was, now)) continue;
            if (!(amend && AMENDABLE.contains(s.option())))
                throw new TrmException(s.option() + " " + now + " conflicts with the run's stored " + was + " (" + specFile
                        + "); on resume only " + String.join(", ", CHANGEABLE) + " may change"
                        + (AMENDABLE.contains(s.option()) ? ", and " + s.option() + " with --amend" : ""));
            changes.add(s.option() + " " + was + " -> " + now);
            switch (s.option()) {
                case "--lr" -> amended.lr(lr);
                case "--warmup" -> amended.warmupSteps(warmup);
                case "--weight-decay" -> amended.weightDecay(weightDecay).puzzleEmbWeightDecay(weightDecay);
                case "--puzzle-lr" -> amended.puzzleEmbLr(puzzleLr);
                case "--ema-rate" -> amended.emaRate(emaRate);
                default -> throw new IllegalStateException(s.option());
            }
        }
        if (given.hasMatchedOption("--steps") && steps != stored.options().steps()) {
            changes.add("--steps " + stored.options().steps() + " -> " + steps);
            amended.steps(steps);
        }
        runSpec = runSpec.withOptions(amended.build()).withCadences(
                given.hasMatchedOption("--eval-interval") ? evalInterval : stored.evalInterval(),
                given.hasMatchedOption("--checkpoint-every") ? checkpointEvery : stored.checkpointEvery(),
                given.hasMatchedOption("--log-interval") ? logInterval : stored.logInterval(),
                given.hasMatchedOption("--device") ? device : stored.device());
        noteChange(changes, "--eval-interval", stored.evalInterval(), runSpec.evalInterval());
        noteChange(changes, "--checkpoint-every", stored.checkpointEvery(), runSpec.checkpointEvery());
        noteChange(changes, "--log-interval", stored.logInterval(), runSpec.logInterval());
        noteChange(changes, "--device", stored.device(), runSpec.device());

        TaskData train = TaskData.load(runSpec.data(), runSpec.subsample(), runSpec.options().seed(), runSpec.augment());
        SampleSource source = train.source();
        TaskData test = testData(runSpec, train);
        TrainChecks.sameGrid(source, test == null ? List.of() : test.testSamples(), runSpec.testData());
        Device dev = Devices.open(runSpec.device());
        TrainOptions options = runSpec.options();
        try (RunFolder folder = RunFolder.open(run);
             Trainer trainer = Files.exists(folder.checkpoint()) ? Trainer.resume(folder.checkpoint(), dev, source, ignored -> options)
                     : new Trainer(runSpec.config(), options, dev, source)) { // no checkpoint: killed before its first one
            // The pair again, in case a kill fell between writing the checkpoint and the model file.
            if (trainer.step() > 0) trainer.saveModel(folder.model());
            if (trainer.done()) {
                System.err.println("trm: " + run + " is complete (step " + trainer.step() + " of " + options.steps()
                        + "); nothing to do (continue it with --steps N)");
                return 0;
            }
            folder.truncateMetrics(trainer.step());
            if (!runSpec.equals(stored)) runSpec.write(folder.spec());
            System.err.println("trm: resuming " + run + " at step " + trainer.step() + " of " + options.steps()
                    + (changes.isEmpty() ? "" : "; changed: " + String.join(", ", changes)));
            if (!changes.isEmpty()) {
                ObjectNode n = MetricsFormat.JSON.createObjectNode().put("kind", "resume").put("step", trainer.step());
                changes.forEach(n.putArray("changes")::add);
                folder.appendMetrics(n);
            }
            return train(folder, runSpec, trainer, train.size(), test);
        }
    }

    private static void noteChange(List<String> changes, String option, Object was, Object now) {
        if (!Objects.equals(was, now)) changes.add(option + " " + was + " -> " + now);
    }

    /**
     * The run's test set (null without --test-data), of the training data's task, cut to --eval-size;
     * for Sudoku held out: no puzzle equivalent to a training one ({@link SudokuData#heldOut}).
     */
    private static TaskData testData(RunSpec r, TaskData train) {
        if (train instanceof TaskData.Arcs arcs) { // its own held-out test inputs
            if (r.testData() != null) throw new TrmException("--test-data is not for arc: data (its manifest holds the held-out test inputs)");
            return r.evalSize() != null ? arcs.limit(r.evalSize()) : arcs;
        }
        if (r.testData() == null) return null;
        TaskData test = train instanceof TaskData.Sudokus(var sudokus, var seed, var augment) && !MazeData.names(r.testData())
                ? new TaskData.Sudokus(SudokuData.heldOut(r.testData(), sudokus), r.options().seed(), false)
                : TaskData.load(r.testData(), null, r.options().seed(), false);
        if (test.maze() != train.maze()) throw new TrmException("--test-data is not the same task as --data (mazes and Sudoku)");
        return r.evalSize() != null ? test.limit(r.evalSize()) : test;
    }

    /**
     * The training loop: metrics every log interval, the checkpoint pair on its cadence, at the
     * end and on SIGINT/SIGTERM, evaluation on its own interval. The divergence guard checks the
     * loss, gradient norm and weights at every log and before every checkpoint, so a checkpoint
     * never holds a diverged state.
     */
    private int train(RunFolder folder, RunSpec r, Trainer trainer, int trainSize, TaskData testSet) {
        List<Sample> test = testSet == null ? List.of() : testSet.testSamples();
        Device dev = trainer.device;
        System.err.printf("trm: %s on %s, %d training puzzles, %d test puzzles, batch %d, %,d parameters, checkpoint every %s%n",
                run, dev.name(), trainSize, test.size(), trainer.options.batch(), trainer.weights.layout.count(),
                r.cadence() instanceof CheckpointCadence.Minutes ? r.checkpointEvery().replace("m", " min") : r.checkpointEvery() + " steps");
        CheckpointCadence cadence = r.cadence();
        Progress progress = new Progress(System.err, trainer.step(), trainer.options.steps(), trainer.options.batch());
        long lastCheckpoint = System.nanoTime(), checkpointStep = Files.exists(folder.checkpoint()) ? trainer.step() : -1;
        double lastFiniteLoss = Double.NaN;
        long lastFiniteStep = trainer.step();
        // Test-only throttle: TrainRunTest's child processes sleep this long per step so that a signal lands mid-run.
        long delayMs = Long.getLong("trm.test.stepDelayMs", 0);
        try (StopSignals stop = StopSignals.install()) {
            while (!trainer.done()) {
                trainer.trainStep();
                long s = trainer.step();
                if (s % r.logInterval() == 0 || trainer.done()) {
                    Optional<Trainer.NonFinite> bad = trainer.nonFinite();
                    Metrics m = trainer.takeMetrics();
                    folder.appendMetrics(record("train", s, m));
                    if (bad.isPresent()) return diverged(folder, trainer, bad.get(), lastFiniteLoss, lastFiniteStep, checkpointStep);
                    lastFiniteLoss = m.loss();
                    lastFiniteStep = s;
                    progress.update(s, m, trainer.lr());
                }
                boolean checkpoint = trainer.done() || stop.requested()
                        || cadence.due(s, Duration.ofNanos(System.nanoTime() - lastCheckpoint));
                if (checkpoint) {
                    Optional<Trainer.NonFinite> bad = trainer.nonFinite();
                    if (bad.isPresent()) return diverged(folder, trainer, bad.get(), lastFiniteLoss, lastFiniteStep, checkpointStep);
                    trainer.savePair(folder.checkpoint(), folder.model());
                    lastCheckpoint = System.nanoTime();
                    checkpointStep = s;
                }
                if (stop.requested()) {
                    progress.println("trm: stopped by " + stop.name() + " at step " + s + "; checkpoint in " + folder.checkpoint()
                            + "; continue with: trm train --run " + run + " --resume");
                    return stop.exitCode();
                }
                if (!test.isEmpty() && ((r.evalInterval() > 0 && s % r.evalInterval() == 0) || trainer.done())) {
                    Metrics e = trainer.evaluate(test, Math.min(trainer.options.batch(), 256));
                    progress.println(String.format("eval @%d: token acc %.4f, exact %.4f, q_halt acc %.4f, lm_loss %.4f",
                            s, e.accuracy(), e.exactAccuracy(), e.qHaltAccuracy(), e.lmLoss()));
                    ObjectNode evalRecord = record("eval", s, e);
                    if (testSet.maze()) { // exact match, and answers that mark another shortest path
                        MazeScore score = testSet.mazeScore(trainer.predict(test, Math.min(trainer.options.batch(), 256)));
                        progress.println("eval @" + s + ": " + score.summary());
                        evalRecord.put("valid_shortest_path", score.validShortestAccuracy());
                        evalRecord.put("other_shortest_path", score.otherShortest());
                    }
                    folder.appendMetrics(evalRecord);
                    drawCurves(folder, progress);
                }
                if (delayMs > 0) sleep(delayMs);
            }
        }
        if (test.isEmpty()) drawCurves(folder, progress); // with a test set, the last evaluation drew them
        System.err.println();
        System.err.println("trm: done; weights in " + folder.model() + ", curves in " + folder.dir().resolve(TrainingCurves.FILE));
        return 0;
    }

    /** Redraws RUN/curves.png from metrics.jsonl; a failure to draw is said and training goes on (metrics.jsonl is the record). */
    private static void drawCurves(RunFolder folder, Progress progress) {
        try {
            TrainingCurves.write(folder.metrics(), folder.dir().resolve(TrainingCurves.FILE), folder.dir().getFileName().toString());
        } catch (TrmException e) {
            progress.println("trm: training curves not drawn: " + e.getMessage());
        }
    }

    /** Stops a diverged run: one diagnostic, the last good checkpoint untouched, how to go on. */
    private int diverged(RunFolder folder, Trainer t, Trainer.NonFinite bad, double lastLoss, long lastStep, long checkpointStep) {
        String where = lastStep < t.step() - 1 ? "between steps " + (lastStep + 1) + " and " + t.step() : "at step " + t.step();
        String kept = checkpointStep < 0 ? "no checkpoint was written yet; start again"
                : folder.checkpoint() + " (step " + checkpointStep + ") is untouched; continue from it with other settings, e.g.: trm train --run "
                        + run + " --resume --amend --lr " + String.format("%.1e", t.options.lr() / 10);
        System.err.println();
        System.err.printf("trm: diverged %s: %s (last finite loss %s at step %d, lr %.3e); stopped. %s%n", where, bad,
                Double.isNaN(lastLoss) ? "none yet" : String.format("%.4f", lastLoss), lastStep, t.lr(), kept);
        return DIVERGED;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The preset, sized to the data (seq_len, vocab and puzzle identifiers come from the data, as in the reference) and overridden. */
    private TrmConfig architecture(SampleSource train, String presetName) {
        TrmConfig p = TrmConfig.preset(presetName);
        TrmConfig.Builder c = p.toBuilder().seqLen(train.seqLen()).vocabSize(train.vocabSize())
                .numPuzzleIdentifiers(train.numPuzzleIdentifiers());
        if (hidden != null) c.hiddenSize(hidden).puzzleEmbNdim(Math.min(p.puzzleEmbNdim(), hidden));
        if (layers != null) c.layers(layers);
        if (hCycles != null) c.hCycles(hCycles);
        if (lCycles != null) c.lCycles(lCycles);
        if (haltMaxSteps != null) c.haltMaxSteps(haltMaxSteps);
        if (puzzleEmbLen != null) c.puzzleEmbLen(puzzleEmbLen);
        if (expansion != null) c.expansion(TrainOptions.finite("--expansion", expansion));
        if (heads != null) c.numHeads(heads);
        if (posEncodings != null) c.posEncoding(PosEncoding.parse(posEncodings));
        return c.build();
    }

    /** The reference's Sudoku run ({@link TrainOptions#builder()}; for ARC with its optimiser settings) with what the command line sets. */
    TrainOptions trainingOptions(boolean arc) {
        TrainOptions.Builder o = TrainOptions.builder().seed(seed).ema(!noEma);
        if (arc) ArcCommands.arcOptimiser(o);
        if (batch != null) o.batch(batch);
        if (steps != null) o.steps(steps);
        if (lr != null) o.lr(lr);
        if (warmup != null) o.warmupSteps(warmup);
        if (weightDecay != null) o.weightDecay(weightDecay).puzzleEmbWeightDecay(weightDecay);
        if (puzzleLr != null) o.puzzleEmbLr(puzzleLr);
        if (optimizer != null) o.optimizer(Optimizer.parse(optimizer));
        if (emaRate != null) o.emaRate(emaRate);
        return o.build();
    }

    private static ObjectNode record(String kind, long step, Metrics m) {
        ObjectNode n = MetricsFormat.json(m);
        n.put("kind", kind);
        n.put("step", step);
        n.put("time", java.time.Instant.now().toString());
        return n;
    }

    static final class Presets extends java.util.ArrayList<String> {
        Presets() { super(TrmConfig.PRESETS); }
    }
}
