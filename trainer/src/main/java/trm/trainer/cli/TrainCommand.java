package trm.trainer.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import trm.engine.Device;
import trm.engine.Devices;
import trm.engine.TrmException;
import trm.engine.model.TrmConfig;
import trm.trainer.Metrics;
import trm.trainer.Sample;
import trm.trainer.SudokuSource;
import trm.trainer.TrainOptions;
import trm.trainer.Trainer;
import trm.trainer.data.sudoku.SudokuDataset;

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
    @Option(names = "--preset", description = "architecture preset: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})", defaultValue = "sudoku-mlp",
            completionCandidates = Presets.class)
    String preset;
    @Option(names = "--config", description = "architecture JSON (reference key names) instead of a preset")
    Path configFile;
    @Option(names = "--data", required = true, description = "training puzzles: a CSV (source,question,answer,rating), a puzzle-per-line file, or gen:SIDE:COUNT[:MIN_RATING[:SEED]]")
    String data;
    @Option(names = "--test-data", description = "held-out puzzles for evaluation (same forms as --data)")
    String testData;
    @Option(names = "--subsample", description = "train on this many puzzles drawn from --data (the reference uses 1000)")
    Integer subsample;
    @Option(names = "--eval-size", description = "evaluate on at most this many test puzzles (default: all)")
    Integer evalSize;
    @Option(names = "--device", defaultValue = "cpu", description = "cpu, cuda or sim (default: ${DEFAULT-VALUE})")
    String device;
    @Option(names = "--batch", defaultValue = "768", description = "slots per step (default: ${DEFAULT-VALUE})")
    int batch;
    @Option(names = "--steps", defaultValue = "65100", description = "optimizer steps (default: ${DEFAULT-VALUE}, the reference's Sudoku run)")
    long steps;
    @Option(names = "--eval-interval", defaultValue = "0", description = "evaluate (and checkpoint) every N steps; 0: at the end only")
    long evalInterval;
    @Option(names = "--log-interval", defaultValue = "10", description = "steps between progress/metrics lines (default: ${DEFAULT-VALUE})")
    long logInterval;
    @Option(names = "--run", description = "run folder (default: runs/<date-time>)")
    Path run;
    @Option(names = "--resume", description = "continue the run in --run from its checkpoint")
    boolean resume;
    @Option(names = "--lr", defaultValue = "1e-4") double lr;
    @Option(names = "--warmup", defaultValue = "2000", description = "linear warm-up steps") long warmup;
    @Option(names = "--weight-decay", defaultValue = "1.0") double weightDecay;
    @Option(names = "--puzzle-lr", defaultValue = "1e-4", description = "SignSGD lr of the puzzle embedding") double puzzleLr;
    @Option(names = "--optimizer", defaultValue = "adam-atan2", description = "adam-atan2 or adamw") String optimizer;
    @Option(names = "--no-ema", description = "evaluate and save the live weights instead of their EMA") boolean noEma;
    @Option(names = "--ema-rate", defaultValue = "0.999", description = "EMA decay (default: ${DEFAULT-VALUE}; lower it for short runs)") double emaRate;
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
        SudokuDataset train = SudokuInput.load(data, subsample, seed);
        var source = new SudokuSource(train, seed, !noAugment);
        List<Sample> test = testData == null ? List.of() : SudokuSource.testSamples(SudokuInput.load(testData, null, seed));
        if (evalSize != null && test.size() > evalSize) test = test.subList(0, evalSize);
        Device dev = Devices.open(device);

        Trainer trainer;
        if (resume) {
            if (!Files.exists(ckpt)) throw new TrmException("nothing to resume: " + ckpt + " does not exist");
            trainer = Trainer.resume(ckpt, dev, source, steps);
            System.err.println("trm: resuming " + run + " at step " + trainer.step() + " of " + trainer.options.steps());
        } else {
            if (Files.exists(ckpt)) throw new TrmException(run + " already holds a run (use --resume, or another --run)");
            TrmConfig config = configFile != null ? TrmConfig.read(configFile) : architecture(train);
            TrainOptions options = new TrainOptions(batch, steps, lr, 1.0, warmup, 0.9, 0.95, weightDecay, puzzleLr, weightDecay,
                    optimizer, 1e-8, !noEma, emaRate, seed);
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

    /** The preset, sized to the data (seq_len and vocab come from the puzzles, as in the reference) and overridden. */
    private TrmConfig architecture(SudokuDataset train) throws IOException {
        TrmConfig c = TrmConfig.preset(preset).withSeqLen(train.sequenceLength(), train.vocabSize());
        if (hidden == null && layers == null && hCycles == null && lCycles == null && haltMaxSteps == null && puzzleEmbLen == null
                && expansion == null) return c;
        String json = c.toJson();
        var node = (ObjectNode) MetricsFormat.JSON.readTree(json);
        if (hidden != null) {
            node.put("hidden_size", hidden);
            node.put("puzzle_emb_ndim", Math.min(node.get("puzzle_emb_ndim").asInt(), hidden));
        }
        if (layers != null) node.put("L_layers", layers);
        if (hCycles != null) node.put("H_cycles", hCycles);
        if (lCycles != null) node.put("L_cycles", lCycles);
        if (haltMaxSteps != null) node.put("halt_max_steps", haltMaxSteps);
        if (puzzleEmbLen != null) node.put("puzzle_emb_len", puzzleEmbLen);
        if (expansion != null) node.put("expansion", expansion);
        return TrmConfig.fromJson(node.toString(), "command line");
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
