package trm.trainer.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import trm.engine.Devices;
import trm.engine.TrmException;
import trm.engine.model.TrmModel;
import trm.trainer.Inference;
import trm.trainer.Metrics;
import trm.trainer.data.maze.MazeData;
import trm.trainer.data.sudoku.SudokuData;
import trm.trainer.data.Sample;
import trm.trainer.data.maze.MazeScore;

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
    @Option(names = "--data", required = true, description = "a CSV with answers, a puzzle-per-line file (solved first), gen:SIDE:COUNT[:MIN_RATING[:SEED]], "
            + "mazes: maze:FILE or gen-maze:SIZE:COUNT:MINPATH:SEED (adds the 'valid shortest path' score), "
            + "or arc:DIR (every variant of the held-out test inputs, voted: pass@k and submission.json)")
    String data;
    @Option(names = "--limit", description = "evaluate only the first N puzzles (only those are read, and solved if need be; ARC: tasks)")
    Integer limit;
    @Option(names = "--allow-partial", description = "load a checkpoint that lacks model tensors or holds others, saying which") boolean allowPartial;
    @Option(names = "--device", defaultValue = "cpu") String device;
    @Option(names = "--batch", defaultValue = "64", description = "puzzles per forward pass, 1..65536 (default: ${DEFAULT-VALUE})") int batch;
    @Option(names = "--json", description = "print only the JSON line") boolean jsonOnly;
    @Option(names = "--reference-metrics", description = "q_halt loss as the reference's evaluate() computes it: unlabelled puzzles' BCE included, divided by the labelled count")
    boolean referenceMetrics;
    @Option(names = "--submission", defaultValue = "submission.json", description = "ARC: where to write the ARC Prize submission (default: ${DEFAULT-VALUE})")
    Path submission;

    @Override
    public Integer call() {
        Options.range("--limit", limit, 1, Integer.MAX_VALUE);
        Options.range("--batch", batch, 1, MAX_BATCH);
        Options.inputFile("--config", config);
        if (ArcCommands.isSpec(data)) {
            TrmModel model = ModelFiles.load(Paths.orShipped(weights, ModelFiles.DEFAULT_WEIGHTS), config, Devices.open(device), allowPartial);
            ArcCommands.evaluate(model, Paths.orShipped(weights, ModelFiles.DEFAULT_WEIGHTS), data, batch, limit, jsonOnly, submission);
            return 0;
        }
        boolean mazes = MazeData.names(data);
        if (!mazes) SudokuData.check(data);
        TrmModel model = ModelFiles.load(Paths.orShipped(weights, ModelFiles.DEFAULT_WEIGHTS), config, Devices.open(device), allowPartial);
        // Sudoku: only the first --limit puzzles are read (and solved, from a puzzle-per-line file)
        TaskData puzzles = mazes ? TaskData.load(data, null, 0, false)
                : new TaskData.Sudokus(SudokuData.first(data, limit == null ? Integer.MAX_VALUE : limit), 0, false);
        if (limit != null) puzzles = puzzles.limit(limit);
        List<Sample> samples = puzzles.testSamples();
        if (samples.getFirst().inputs().length != model.config.seqLen())
            throw new TrmException("the puzzles have " + samples.getFirst().inputs().length + " cells but the model was trained on "
                    + model.config.seqLen());
        long t0 = System.nanoTime();
        Metrics m;
        double secs;
        MazeScore maze;
        try (Inference inference = new Inference(model, Math.min(batch, samples.size()))) {
            m = inference.evaluate(samples, referenceMetrics);
            secs = (System.nanoTime() - t0) / 1e9;
            maze = puzzles.maze()
                    ? puzzles.mazeScore(inference.solve(samples, false, false).stream().map(Inference.Answer::prediction).toList())
                    : null;
        }
        if (!jsonOnly) {
            System.out.println(MetricsFormat.table(m));
            if (maze != null) System.out.println(maze.summary());
            System.out.printf("(%d puzzles in %.2f s, %.1f puzzles/s, device %s)%n", samples.size(), secs, samples.size() / secs, device);
        }
        var json = MetricsFormat.json(m);
        if (maze != null) {
            json.put("valid_shortest_path", maze.validShortestAccuracy());
            json.put("other_shortest_path", maze.otherShortest());
        }
        System.out.println(json);
        return 0;
    }
}
