package trm.trainer.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import trm.engine.TrmException;
import trm.engine.io.ModelCheckpoint;
import trm.engine.io.Safetensors;
import trm.engine.model.ParamLayout;
import trm.engine.model.TrmConfig;
import trm.engine.model.TrmFlops;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;

@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Show a configuration's shapes and parameter count (a preset, a JSON config, or a checkpoint's).")
final class InfoCommand implements Callable<Integer> {
    @Option(names = "--preset", defaultValue = "sudoku-mlp", description = "one of ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})",
            completionCandidates = TrainCommand.Presets.class)
    String preset;
    @Option(names = "--config", description = "a config: ours (JSON) or the reference's arch config (YAML or JSON)") Path config;
    @Option(names = "--weights", description = "a checkpoint: show the config stored in it") Path weights;
    @Option(names = "--json", description = "print the config as JSON (reference key names)") boolean json;
    @Option(names = "--flops", paramLabel = "BATCH",
            description = "print only the model FLOPs (TrmFlops) of one supervision step at this batch, as one JSON line")
    Integer flopsBatch;

    @Override
    public Integer call() {
        Options.inputFile("--config", config);
        Options.inputFile("--weights", weights);
        // with both, the config is the one given, completed from the checkpoint's tensors as solve and eval read it
        TrmConfig c = weights != null && config != null ? ModelFiles.config(config, Safetensors.read(weights))
                : weights != null ? ModelCheckpoint.config(Safetensors.read(weights))
                : config != null ? TrmConfig.read(config) : TrmConfig.preset(preset);
        if (json) {
            System.out.println(c.toJson());
            return 0;
        }
        if (flopsBatch != null) {  // for MFU in bench/gpu/check.sh
            if (flopsBatch < 1) throw new TrmException("--flops " + flopsBatch + ": the batch must be at least 1");
            System.out.printf(java.util.Locale.ROOT, "{\"batch\":%d,\"forward_step_flops\":%.6e,\"train_step_flops\":%.6e}%n",
                    flopsBatch, TrmFlops.forwardStep(c, flopsBatch), TrmFlops.trainStep(c, flopsBatch));
            return 0;
        }
        ParamLayout layout = new ParamLayout(c);
        System.out.printf("%s: D=%d, %s, L_layers=%d, T=H_cycles=%d, n=L_cycles=%d, N_sup=%d%n",
                weights != null ? weights : config != null ? config : preset, c.hiddenSize(),
                c.mlpT() ? "MLP-mixer over tokens" : "attention, " + c.numHeads() + " heads of " + c.headDim() + ", " + c.posEncoding().key() + " positions",
                c.layers(), c.hCycles(), c.lCycles(), c.haltMaxSteps());
        System.out.printf("sequence: %d cells + %d puzzle-embedding prefix = %d positions; vocab %d; loss %s%n",
                c.seqLen(), c.prefixLen(), c.totalLen(), c.vocabSize(), c.loss().key());
        System.out.printf("network applications per supervision step: %d (%d back-propagated)%n",
                c.hCycles() * (c.lCycles() + 1), c.lCycles() + 1);
        for (ParamLayout.Param p : layout.params())
            System.out.printf("  %-52s %-14s %,12d%n", p.name(), Arrays.toString(p.shape()), p.numel());
        if (c.puzzleEmbNdim() > 0)
            System.out.printf("  %-52s %-14s %,12d (trained by SignSGD, not counted)%n", ParamLayout.PUZZLE_EMB,
                    "[" + c.numPuzzleIdentifiers() + ", " + c.puzzleEmbNdim() + "]", (long) c.numPuzzleIdentifiers() * c.puzzleEmbNdim());
        System.out.println("parameters: " + layout.count());
        return 0;
    }
}
