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
    @Option(names = "--weights", description = "model checkpoint (default: the shipped " + ModelFiles.DEFAULT_WEIGHTS + ")")
    Path weights;
    @Option(names = "--config", description = "architecture JSON, for checkpoints without one (e.g. converted from the reference)")
    Path config;
    @Option(names = "--data", required = true, description = "a CSV with answers, a puzzle-per-line file (solved first), gen:SIDE:COUNT[:MIN_RATING[:SEED]], "
            + "or arc:DIR (every variant of the held-out test inputs, voted: pass@k and submission.json)")
    String data;
    @Option(names = "--limit", description = "evaluate only the first N puzzles (ARC: tasks)")
    Integer limit;
    @Option(names = "--device", defaultValue = "cpu") String device;
    @Option(names = "--batch", defaultValue = "64") int batch;
    @Option(names = "--json", description = "print only the JSON line") boolean jsonOnly;
    @Option(names = "--reference-metrics", description = "q_halt loss as the reference's evaluate() computes it: unlabelled puzzles' BCE included, divided by the labelled count")
    boolean referenceMetrics;
    @Option(names = "--submission", defaultValue = "submission.json", description = "ARC: where to write the ARC Prize submission (default: ${DEFAULT-VALUE})")
    Path submission;

    @Override
    public Integer call() {
        if (batch <= 0) throw new TrmException("--batch must be positive, got " + batch);
        TrmModel model = ModelFiles.load(Paths.orShipped(weights, ModelFiles.DEFAULT_WEIGHTS), config, Devices.open(device));
        if (ArcCommands.isSpec(data)) {
            ArcCommands.evaluate(model, Paths.orShipped(weights, ModelFiles.DEFAULT_WEIGHTS), data, batch, limit, jsonOnly, submission);
            return 0;
        }
        List<Sample> samples = SudokuData.load(data, null, 0).testSamples();
        if (limit != null) samples = samples.subList(0, Math.min(limit, samples.size()));
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
