package trm.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import trm.engine.TrmException;
import trm.engine.model.TrmConfig;
import trm.engine.model.TrmModel;
import trm.engine.model.TrmWeights;
import trm.engine.model.Workspace;
import trm.kernels.KernelDevice;
import trm.kernels.runtime.KernelRuntime;

/**
 * Kernel launches per supervision step ({@link TrmModel#step}) of a preset on a kernel device,
 * read from {@link KernelRuntime#launches()}, {@link KernelRuntime#graphLaunches()} and
 * {@link KernelRuntime#hostDeviceCopies()}: the training step (T cycles, the last with
 * gradient, loss and backward; the optimizer is not part of it) and the no-gradient inference
 * step (T cycles and the heads, as {@code trm.trainer.Inference} runs it), each eager (every op
 * launched as called, {@code KernelDevice.graphs(false)}) and replayed (one graph per step kind
 * and workspace). Each is measured on the second step, after the first (which records the graph).
 *
 * <p>The count depends on the model's structure (layers, H/L cycles, variant) and on the launch
 * decisions of the launchers (e.g. split-K), not on the data. {@code --width W} shrinks the hidden
 * size (and puzzle embedding) so the simulator finishes quickly; the launchers' shape-dependent
 * decisions can then differ from the preset's, so the default is the preset's own width.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -cp bench/target/benchmarks.jar \
 *     trm.bench.LaunchCounts [--device sim|cuda] [--batch B] [--width W] [preset ...]
 * </pre>
 */
@Command(name = "trm.bench.LaunchCounts", mixinStandardHelpOptions = true, version = BenchCli.VERSION, sortOptions = false,
        description = "Kernel launches, graph launches and host copies per supervision step, eager and replayed.")
public final class LaunchCounts implements Callable<Integer> {
    @Spec private CommandSpec spec;

    @Mixin private StepShapeOptions shape = new StepShapeOptions();

    @Parameters(paramLabel = "preset", arity = "0..*", description = "presets to count (default: sudoku-mlp sudoku-att)")
    private List<String> presets = new ArrayList<>();

    LaunchCounts() {} // main's and the tests' (picocli fills the fields)

    /**
     * Eager kernel launches of one training supervision step and of one no-gradient inference
     * step, and what the same steps cost when replayed as graphs.
     */
    public record Counts(String preset, int batch, long trainingStep, long inferenceStep, Replayed trainingReplay,
                         Replayed inferenceReplay) {}

    /** Per replayed step: graph launches, kernel launches beside the graph, host/device copies. */
    public record Replayed(long graphLaunches, long kernelLaunches, long copies) {
        @Override public String toString() {
            return graphLaunches + " graph + " + kernelLaunches + " launches + " + copies + " copies";
        }
    }

    public static void main(String[] args) { BenchCli.main(new LaunchCounts(), args); }

    @Override
    public Integer call() {
        shape.validate(spec);
        List<String> names = presets.isEmpty() ? List.of("sudoku-mlp", "sudoku-att") : presets;
        List<TrmConfig> configs = names.stream().map(p -> BenchCli.preset(spec, p)).toList();
        System.out.printf("%-12s %6s %8s %15s %33s %16s %33s%n", "preset", "batch", "device", "training eager", "training replayed",
                "inference eager", "inference replayed");
        for (int i = 0; i < names.size(); i++) {
            String p = names.get(i);
            TrmConfig c = configs.get(i);
            c = shape.at(c);
            Counts n;
            try (KernelDevice dev = shape.open()) {
                n = count(dev, p, c, shape.batch);
            } catch (TrmException e) {  // no GPU, no driver, no simulator library: one line, exit 1
                System.err.println("LaunchCounts: " + e.getMessage());
                return 1;
            }
            System.out.printf("%-12s %6d %8s %15s %33s %16s %33s%n", shape.label(p), shape.batch, shape.device,
                    n.trainingStep() + " launches", n.trainingReplay(), n.inferenceStep() + " launches", n.inferenceReplay());
        }
        return 0;
    }

    static KernelDevice open(String device) {
        return switch (device) {
            case "sim" -> KernelDevice.sim();
            case "cuda" -> KernelDevice.cuda(Integer.parseInt(System.getenv().getOrDefault("TRM_CUDA_DEVICE", "0")));
            default -> throw new IllegalArgumentException("--device sim|cuda, got " + device);
        };
    }

    /** {@code c} with hidden size and puzzle embedding width {@code width} (heads of 64 where it divides). */
    static TrmConfig narrow(TrmConfig c, int width) {
        int heads = Math.max(1, width / 64);
        return c.toBuilder().hiddenSize(width).numHeads(heads).puzzleEmbNdim(c.puzzleEmbNdim() > 0 ? width : 0).build();
    }

    /**
     * Counts the launches of one training and one inference supervision step of {@code c} on
     * {@code dev}, eager and replayed; leaves the device's graph switch as it found it.
     */
    public static Counts count(KernelDevice dev, String name, TrmConfig c, int batch) {
        KernelRuntime rt = dev.runtime();
        boolean graphs = dev.graphs();
        TrmModel model = new TrmModel(new TrmWeights(c, dev).initialize(0));
        SplittableRandom r = new SplittableRandom(1);
        long[] eager = new long[2];
        Replayed[] replayed = new Replayed[2];
        try {
            for (boolean withGraphs : new boolean[] {false, true}) {
                dev.graphs(withGraphs);
                for (boolean training : new boolean[] {true, false}) {
                    try (Workspace ws = model.workspace(batch, training)) {  // a fresh one: its first step records
                        dev.upload(ws.tokens, r.ints((long) batch * c.seqLen(), 1, c.vocabSize()).toArray());
                        dev.upload(ws.labels, r.ints((long) batch * c.seqLen(), 1, c.vocabSize()).toArray());
                        model.resetCarry(ws);
                        model.step(ws, training, training, training ? 1f / batch : 0f);  // warm-up (records the graph)
                        long launches = rt.launches(), graphLaunches = rt.graphLaunches(), copies = rt.hostDeviceCopies();
                        model.step(ws, training, training, training ? 1f / batch : 0f);
                        int k = training ? 0 : 1;
                        if (withGraphs) replayed[k] = new Replayed(rt.graphLaunches() - graphLaunches, rt.launches() - launches, rt.hostDeviceCopies() - copies);
                        else eager[k] = rt.launches() - launches;
                    }
                }
            }
        } finally {
            dev.graphs(graphs);
        }
        return new Counts(name, batch, eager[0], eager[1], replayed[0], replayed[1]);
    }
}
