package trm.trainer.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import trm.engine.Devices;
import trm.engine.TrmException;
import trm.engine.model.TrmModel;
import trm.trainer.Inference;
import trm.trainer.Metrics;
import trm.trainer.data.Sample;
import trm.trainer.data.sudoku.SudokuData;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Evaluate weights on puzzles: every puzzle runs all N_sup supervision steps (the paper's protocol).",
                "Prints the metrics as a table, then as one JSON line."})
final class EvalCommand implements Callable<Integer> {
    static final int MAX_BATCH = 1 << 16;

    @Option(names = "--weights", description = "model checkpoint (default: the shipped " + ModelFiles.DEFAULT_WEIGHTS + ")")
    Path weights;
    @Option(names = "--config", description = "architecture JSON, for checkpoints without one (e.g. converted from the reference)")
    Path config;
    @Option(names = "--data", required = true, description = "a CSV with answers, a puzzle-per-line file (solved first), or gen:SIDE:COUNT[:MIN_RATING[:SEED]]")
    String data;
    @Option(names = "--limit", description = "evaluate only the first N puzzles (only those are read, and solved if need be)")
    Integer limit;
    @Option(names = "--allow-partial", description = "load a checkpoint that lacks model tensors or holds others, saying which") boolean allowPartial;
    @Option(names = "--device", defaultValue = "cpu") String device;
    @Option(names = "--batch", defaultValue = "64", description = "puzzles per forward pass, 1..65536 (default: ${DEFAULT-VALUE})") int batch;
    @Option(names = "--json", description = "print only the JSON line") boolean jsonOnly;
    @Option(names = "--reference-metrics", description = "q_halt loss as the reference's evaluate() computes it: unlabelled puzzles' BCE included, divided by the labelled count")
    boolean referenceMetrics;

    @Override
    public Integer call() {
        Options.range("--limit", limit, 1, Integer.MAX_VALUE);
        Options.range("--batch", batch, 1, MAX_BATCH);
        Options.inputFile("--config", config);
        SudokuData.check(data);
        TrmModel model = ModelFiles.load(Paths.orShipped(weights, ModelFiles.DEFAULT_WEIGHTS), config, Devices.open(device), allowPartial);
        List<Sample> samples = SudokuData.first(data, limit == null ? Integer.MAX_VALUE : limit).testSamples();
        if (samples.getFirst().inputs().length != model.config.seqLen())
            throw new TrmException("the puzzles have " + samples.getFirst().inputs().length + " cells but the model was trained on "
                    + model.config.seqLen());
        long t0 = System.nanoTime();
        Metrics m = new Inference(model, Math.min(batch, samples.size())).evaluate(samples, referenceMetrics);
        double secs = (System.nanoTime() - t0) / 1e9;
        if (!jsonOnly) {
            System.out.println(MetricsFormat.table(m));
            System.out.printf("(%d puzzles in %.2f s, %.1f puzzles/s, device %s)%n", samples.size(), secs, samples.size() / secs, device);
        }
        System.out.println(MetricsFormat.json(m));
        return 0;
    }
}
