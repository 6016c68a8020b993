package trm.trainer.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import trm.engine.Device;
import trm.engine.Devices;
import trm.engine.TrmException;
import trm.engine.model.TrmConfig;
import trm.trainer.Metrics;
import trm.trainer.Optimizer;
import trm.trainer.TrainOptions;
import trm.trainer.Trainer;
import trm.trainer.data.Sample;
import trm.trainer.data.SampleSource;
import trm.trainer.data.maze.MazeScore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train TRM with deep supervision and adaptive halting.",
                "Writes RUN/metrics.jsonl, RUN/checkpoint.safetensors (resumable) and RUN/model.safetensors (EMA weights).",
                "Example: trm train --data gen:4:2000:0:1 --test-data gen:4:200:0:2 --hidden 64 --steps 600 --batch 32"})
final class TrainCommand implements Callable<Integer> {
    @Option(names = "--preset", description = "architecture preset: ${COMPLETION-CANDIDATES} (default: maze-att for maze data, else sudoku-mlp)",
            completionCandidates = Presets.class)
    String preset;
    @Option(names = "--config", description = "architecture JSON (reference key names) instead of a preset")
    Path configFile;
    @Option(names = "--data", required = true, description = "training puzzles: a Sudoku CSV (source,question,answer,rating), a puzzle-per-line file, "
            + "gen:SIDE:COUNT[:MIN_RATING[:SEED]], or mazes: maze:FILE (Maze-Hard CSV or block text) or gen-maze:SIZE:COUNT:MINPATH:SEED")
    String data;
    @Option(names = "--test-data", description = "held-out puzzles for evaluation (same forms as --data)")
    String testData;
    @Option(names = "--subsample", description = "train on this many puzzles drawn from --data (the reference uses 1000)")
    Integer subsample;
    @Option(names = "--eval-size", description = "evaluate on at most this many test puzzles (default: all)")
    Integer evalSize;
    @Option(names = "--device", defaultValue = "cpu", description = "cpu, cuda or sim (default: ${DEFAULT-VALUE})")
    String device;
    @Option(names = "--batch", description = "slots per step (default: 768)")
    Integer batch;
    @Option(names = "--steps", description = "optimizer steps (default: 65100, the reference's Sudoku run; with --resume: the checkpoint's)")
    Long steps;
    @Option(names = "--eval-interval", defaultValue = "0", description = "evaluate (and checkpoint) every N steps; 0: at the end only")
    long evalInterval;
    @Option(names = "--log-interval", defaultValue = "10", description = "steps between progress/metrics lines (default: ${DEFAULT-VALUE})")
    long logInterval;
    @Option(names = "--run", description = "run folder (default: runs/<date-time>)")
    Path run;
    @Option(names = "--resume", description = "continue the run in --run from its checkpoint")
    boolean resume;
    @Option(names = "--lr", description = "(default: 1e-4)") Double lr;
    @Option(names = "--warmup", description = "linear warm-up steps (default: 2000)") Long warmup;
    @Option(names = "--weight-decay", description = "of the weights and the puzzle embedding (default: 1.0)") Double weightDecay;
    @Option(names = "--puzzle-lr", description = "SignSGD lr of the puzzle embedding (default: 1e-4)") Double puzzleLr;
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

    @Override
    public Integer call() throws IOException {
        if (run == null) {
            if (resume) throw new TrmException("--resume needs --run DIR (the run to continue)");
            run = Path.of("runs", LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        }
        Files.createDirectories(run);
        Path ckpt = run.resolve("checkpoint.safetensors");
        TaskData train = TaskData.load(data, subsample, seed, !noAugment);
        SampleSource source = train.source();
        TaskData testSet = testData == null ? null : TaskData.load(testData, null, seed, false);
        if (testSet != null && testSet.maze() != train.maze()) throw new TrmException("--test-data is not the same task as --data");
        if (testSet != null && evalSize != null) testSet = testSet.limit(evalSize);
        List<Sample> test = testSet == null ? List.of() : testSet.testSamples();
        Device dev = Devices.open(device);

        Trainer trainer;
        if (resume) {
            if (!Files.exists(ckpt)) throw new TrmException("nothing to resume: " + ckpt + " does not exist");
            trainer = Trainer.resume(ckpt, dev, source, steps == null ? 0 : steps);
            System.err.println("trm: resuming " + run + " at step " + trainer.step() + " of " + trainer.options.steps());
        } else {
            if (Files.exists(ckpt)) throw new TrmException(run + " already holds a run (use --resume, or another --run)");
            TrmConfig config = configFile != null ? TrmConfig.read(configFile) : architecture(source, train.defaultPreset());
            TrainOptions options = trainingOptions();
            trainer = new Trainer(config, options, dev, source);
            Files.writeString(run.resolve("config.json"), config.toJson());
            Files.writeString(run.resolve("train_options.json"), options.toJson());
        }
        System.err.printf("trm: %s on %s, %d training puzzles, %d test puzzles, batch %d, %,d parameters%n", run, dev.name(),
                train.size(), test.size(), trainer.options.batch(), trainer.weights.layout.count());
        Path metricsFile = run.resolve("metrics.jsonl");
        Progress progress = new Progress(System.err, trainer.step(), trainer.options.steps(), trainer.options.batch());
        while (!trainer.done()) {
            trainer.trainStep();
            long s = trainer.step();
            if (s % logInterval == 0 || trainer.done()) {
                Metrics m = trainer.takeMetrics();
                progress.update(s, m, trainer.lr());
                appendJson(metricsFile, "train", s, m, null);
            }
            if ((evalInterval > 0 && s % evalInterval == 0) || trainer.done()) {
                trainer.save(ckpt);
                trainer.saveModel(run.resolve("model.safetensors"));
                if (!test.isEmpty()) {
                    Metrics e = trainer.evaluate(test, Math.min(trainer.options.batch(), 256));
                    progress.println(String.format("eval @%d: token acc %.4f, exact %.4f, q_halt acc %.4f, lm_loss %.4f",
                            s, e.accuracy(), e.exactAccuracy(), e.qHaltAccuracy(), e.lmLoss()));
                    ObjectNode extra = null;
                    if (testSet.maze()) {
                        MazeScore score = testSet.mazeScore(trainer.predict(test, Math.min(trainer.options.batch(), 256)));
                        progress.println("eval @" + s + ": " + score.summary());
                        extra = MetricsFormat.JSON.createObjectNode();
                        extra.put("valid_shortest_path", score.validShortestAccuracy());
                        extra.put("other_shortest_path", score.otherShortest());
                    }
                    appendJson(metricsFile, "eval", s, e, extra);
                }
            }
        }
        System.err.println();
        System.err.println("trm: done; weights in " + run.resolve("model.safetensors"));
        return 0;
    }

    /** The preset, sized to the data (seq_len, vocab and puzzle identifiers come from the data, as in the reference) and overridden. */
    private TrmConfig architecture(SampleSource train, String taskPreset) {
        TrmConfig p = TrmConfig.preset(preset != null ? preset : taskPreset);
        TrmConfig.Builder c = p.toBuilder().seqLen(train.seqLen()).vocabSize(train.vocabSize())
                .numPuzzleIdentifiers(train.numPuzzleIdentifiers());
        if (hidden != null) c.hiddenSize(hidden).puzzleEmbNdim(Math.min(p.puzzleEmbNdim(), hidden));
        if (layers != null) c.layers(layers);
        if (hCycles != null) c.hCycles(hCycles);
        if (lCycles != null) c.lCycles(lCycles);
        if (haltMaxSteps != null) c.haltMaxSteps(haltMaxSteps);
        if (puzzleEmbLen != null) c.puzzleEmbLen(puzzleEmbLen);
        if (expansion != null) c.expansion(expansion);
        return c.build();
    }

    /** The reference's Sudoku run ({@link TrainOptions#builder()}) with what the command line sets. */
    private TrainOptions trainingOptions() {
        TrainOptions.Builder o = TrainOptions.builder().seed(seed).ema(!noEma);
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

    private static void appendJson(Path file, String kind, long step, Metrics m, ObjectNode extra) throws IOException {
        ObjectNode n = MetricsFormat.json(m);
        if (extra != null) n.setAll(extra);
        n.put("kind", kind);
        n.put("step", step);
        n.put("time", java.time.Instant.now().toString());
        Files.writeString(file, n + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    static final class Presets extends java.util.ArrayList<String> {
        Presets() { super(TrmConfig.PRESETS); }
    }
}
