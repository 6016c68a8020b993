package trm.trainer.cli;

import trm.engine.TrmException;
import trm.engine.model.ConfigFile;
import trm.engine.model.TrmConfig;
import trm.trainer.data.Sample;
import trm.trainer.data.SampleSource;
import trm.trainer.data.maze.MazeData;
import trm.trainer.data.sudoku.SudokuData;

import java.util.List;

/**
 * {@code trm train}'s options checked before any work or file: ranges (the architecture's
 * against {@link TrmConfig}'s limits), the training options, the data specs, the config file
 * and the run folder. Kept apart from TrainCommand, which runs the training.
 */
final class TrainChecks {
    private TrainChecks() {}

    static final int MAX_BATCH = 1 << 16;
    static final long MAX_STEPS = 1L << 40;
    static final int MAX_SUBSAMPLE = 10_000_000;

    static void check(TrainCommand c) {
        Options.range("--batch", c.batch, 1, MAX_BATCH);
        Options.range("--steps", c.steps, 1, MAX_STEPS);
        Options.range("--warmup", c.warmup, 0, MAX_STEPS);
        Options.range("--eval-interval", c.evalInterval, 0, MAX_STEPS);
        Options.range("--log-interval", c.logInterval, 1, MAX_STEPS);
        Options.range("--eval-size", c.evalSize, 1, Integer.MAX_VALUE);
        Options.range("--subsample", c.subsample, 1, MAX_SUBSAMPLE);
        // learning rates and decay: any finite positive value (a huge one is how a divergence is provoked on purpose)
        Options.range("--lr", c.lr, 0, true, Double.MAX_VALUE);
        Options.range("--puzzle-lr", c.puzzleLr, 0, true, Double.MAX_VALUE);
        Options.range("--weight-decay", c.weightDecay, 0, false, Double.MAX_VALUE);
        Options.range("--ema-rate", c.emaRate, 0, false, 0.999999);
        Options.range("--hidden", c.hidden, 1, TrmConfig.MAX_HIDDEN);
        Options.range("--layers", c.layers, 1, TrmConfig.MAX_LAYERS);
        Options.range("--h-cycles", c.hCycles, 1, TrmConfig.MAX_CYCLES);
        Options.range("--l-cycles", c.lCycles, 1, TrmConfig.MAX_CYCLES);
        Options.range("--halt-max-steps", c.haltMaxSteps, 1, TrmConfig.MAX_HALT_STEPS);
        Options.range("--puzzle-emb-len", c.puzzleEmbLen, 0, TrmConfig.MAX_PREFIX);
        Options.range("--expansion", c.expansion, 0, true, TrmConfig.MAX_EXPANSION);
        Options.range("--heads", c.heads, 1, TrmConfig.MAX_HEADS);
        if (c.posEncodings != null) trm.engine.model.PosEncoding.parse(c.posEncodings);
        boolean overrides = c.hidden != null || c.layers != null || c.hCycles != null || c.lCycles != null || c.haltMaxSteps != null
                || c.puzzleEmbLen != null || c.expansion != null || c.heads != null || c.posEncodings != null;
        if (c.configFile != null && overrides)
            throw new TrmException("--hidden, --layers, --h-cycles, --l-cycles, --halt-max-steps, --puzzle-emb-len, --expansion, --heads and --pos-encodings "
                    + "change a --preset; with --config, change the file instead");
        if (c.resume && c.run == null) throw new TrmException("--resume needs --run DIR (the run to continue)");
        if (!c.resume) c.trainingOptions(ArcCommands.isSpec(c.data)); // its own checks (a TrmException names the first problem)
        if (c.configFile != null) ConfigFile.read(Options.inputFile("--config", c.configFile));
        // Sudoku specs are checked here; maze specs (maze:FILE, gen-maze:...) by the maze reader when loaded
        if (c.data != null && !MazeData.names(c.data) && !ArcCommands.isSpec(c.data)) SudokuData.check(c.data);
        if (c.testData != null && !MazeData.names(c.testData) && !ArcCommands.isSpec(c.testData)) SudokuData.check(c.testData);
        Options.outputFolder("--run", c.run);
    }

    /** The --config file, the dataset-given keys it lacks taken from the training data (said on stderr). */
    static TrmConfig config(TrainCommand c, SampleSource train) {
        ConfigFile.Completed done = ConfigFile.read(c.configFile).complete(
                new ConfigFile.DataFields(train.seqLen(), train.vocabSize(), train.numPuzzleIdentifiers(), "the training data"));
        for (String note : done.notes()) System.err.println("trm: config: " + note);
        return done.config();
    }

    /** The test puzzles must be the training puzzles' size: found now, not after the training run. */
    static void sameGrid(SampleSource train, List<Sample> test, String testData) {
        if (!test.isEmpty() && test.getFirst().inputs().length != train.seqLen())
            throw new TrmException("--test-data " + testData + ": its puzzles have " + test.getFirst().inputs().length
                    + " cells but the training puzzles have " + train.seqLen());
    }
}
