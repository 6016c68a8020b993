package trm.trainer.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import trm.engine.Devices;
import trm.engine.ScratchSizes;
import trm.engine.TrmException;
import trm.engine.io.ModelCheckpoint;
import trm.engine.io.Safetensors;
import trm.engine.model.MemoryModel;
import trm.engine.model.ParamLayout;
import trm.engine.model.TrmConfig;
import trm.engine.model.TrmFlops;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;

@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Show a configuration's shapes and parameter count (a preset, a JSON config, or a checkpoint's), and with --batch the device memory it takes.")
final class InfoCommand implements Callable<Integer> {
    @Option(names = "--preset", defaultValue = "sudoku-mlp", description = "one of ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})",
            completionCandidates = TrainCommand.Presets.class)
    String preset;
    @Option(names = "--config", description = "a config: ours (JSON) or the reference's arch config (YAML or JSON)") Path config;
    @Option(names = "--weights", description = "a checkpoint: show the config stored in it") Path weights;
    @Option(names = "--json", description = "print the config as JSON (reference key names)") boolean json;
    @Option(names = "--batch", description = "also print the device memory at this batch (nothing is allocated)") Integer batch;
    @Option(names = "--train", description = "with --batch or --max-batch: the memory of training (default: evaluation)") boolean train;
    @Option(names = "--device", defaultValue = "cuda", description = "whose buffer sizes the memory model uses: cpu, cuda or sim (default: ${DEFAULT-VALUE}; not opened)")
    String device;
    @Option(names = "--max-batch", description = "print the largest batch that fits in --memory") boolean maxBatch;
    @Option(names = "--memory", defaultValue = "141GiB", description = "device memory for --max-batch, e.g. 141GiB, 141GB, 80G (default: ${DEFAULT-VALUE})")
    String memory;
    @Option(names = "--puzzle-ids", paramLabel = "N",
            description = "size the puzzle table for N identifiers (e.g. 876406: ARC-AGI-1 augmented); the presets have 1")
    Integer puzzleIds;
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
        if (puzzleIds != null) {
            if (puzzleIds < 1) throw new TrmException("--puzzle-ids " + puzzleIds + ": must be at least 1");
            c = c.toBuilder().numPuzzleIdentifiers(puzzleIds).build();
        }
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
        if (batch != null || maxBatch) {
            ScratchSizes sizes = Devices.scratchSizes(device);
            if (batch != null) System.out.print(MemoryModel.of(c, sizes, device, batch, train).render());
            if (maxBatch) {
                long bytes = MemoryModel.parseBytes(memory);
                int b = MemoryModel.maxBatch(c, sizes, device, train, bytes);
                System.out.printf("largest %s batch in %s (%s) on %s: %d%s%n", train ? "training" : "evaluation", memory,
                        MemoryModel.gb(bytes), device, b, b == 0 ? "" : " (" + MemoryModel.gb(MemoryModel.of(c, sizes, device, b, train).total()) + ")");
            }
        }
        return 0;
    }
}
