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
import trm.trainer.data.sudoku.SudokuData;
import trm.trainer.data.sudoku.SudokuDataset;
import trm.trainer.data.sudoku.SudokuSource;

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
                "Test puzzles equivalent to training ones (up to the augmentation's symmetries) are left out of --test-data.",
                "Example: trm train --data gen:4:24:0:1 --test-data gen:4:4:0:2 --hidden 64 --steps 600 --batch 32"})
final class TrainCommand implements Callable<Integer> {
    @Option(names = "--preset", description = "architecture preset: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})", defaultValue = "sudoku-mlp",
            completionCandidates = Presets.class)
    String preset;
    @Option(names = "--config", description = "architecture instead of a preset: ours (JSON) or the reference's arch config (YAML or JSON); seq_len, vocab_size and num_puzzle_identifiers come from the data if absent")
    Path configFile;
    @Option(names = "--data", required = true, description = "training puzzles: a CSV (source,question,answer,rating), a puzzle-per-line file, or gen:SIDE:COUNT[:MIN_RATING[:SEED]]")
    String data;
    @Option(names = "--test-data", description = "held-out puzzles for evaluation (same forms as --data; none equivalent to a training puzzle)")
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
        TrainChecks.check(this);
        if (run == null) {
            run = Path.of("runs", LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        }
        Files.createDirectories(run);
        Path ckpt = run.resolve("checkpoint.safetensors");
        SudokuDataset train = SudokuData.load(data, subsample, seed);
        var source = new SudokuSource(train, seed, !noAugment);
        List<Sample> test = testData == null ? List.of() : SudokuData.heldOut(testData, train).testSamples();
        if (evalSize != null && test.size() > evalSize) test = test.subList(0, evalSize);
        TrainChecks.sameGrid(source, test, testData);
        Device dev = Devices.open(device);

        Trainer trainer;
        if (resume) {
            if (!Files.exists(ckpt)) throw new TrmException("nothing to resume: " + ckpt + " does not exist");
            trainer = Trainer.resume(ckpt, dev, source, steps == null ? 0 : steps);
            System.err.println("trm: resuming " + run + " at step " + trainer.step() + " of " + trainer.options.steps());
        } else {
            if (Files.exists(ckpt)) throw new TrmException(run + " already holds a run (use --resume, or another --run)");
            TrmConfig config = configFile != null ? TrainChecks.config(this, source) : architecture(source);
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
                appendJson(metricsFile, "train", s, m);
            }
            if ((evalInterval > 0 && s % evalInterval == 0) || trainer.done()) {
                trainer.save(ckpt);
                trainer.saveModel(run.resolve("model.safetensors"));
                if (!test.isEmpty()) {
                    Metrics e = trainer.evaluate(test, Math.min(trainer.options.batch(), 256));
                    progress.println(String.format("eval @%d: token acc %.4f, exact %.4f, q_halt acc %.4f, lm_loss %.4f",
                            s, e.accuracy(), e.exactAccuracy(), e.qHaltAccuracy(), e.lmLoss()));
                    appendJson(metricsFile, "eval", s, e);
                }
            }
        }
        System.err.println();
        System.err.println("trm: done; weights in " + run.resolve("model.safetensors"));
        return 0;
    }

    /** The preset, sized to the data (seq_len, vocab and puzzle identifiers come from the data, as in the reference) and overridden. */
    private TrmConfig architecture(SampleSource train) {
        TrmConfig p = TrmConfig.preset(preset);
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
    TrainOptions trainingOptions() {
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

    private static void appendJson(Path file, String kind, long step, Metrics m) throws IOException {
        ObjectNode n = MetricsFormat.json(m);
        n.put("kind", kind);
        n.put("step", step);
        n.put("time", java.time.Instant.now().toString());
        Files.writeString(file, n + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    static final class Presets extends java.util.ArrayList<String> {
        Presets() { super(TrmConfig.PRESETS); }
    }
}
