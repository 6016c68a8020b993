package trm.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import trm.engine.Tensor;
import trm.engine.TrmException;
import trm.engine.model.TrmConfig;
import trm.engine.model.TrmModel;
import trm.engine.model.TrmWeights;
import trm.engine.model.Workspace;
import trm.kernels.KernelDevice;

/**
 * Replayed supervision steps against eager ones on one device (the GPU check for the cuda graph
 * path; bench/gpu/check.sh runs it): for each preset, a training and an inference step kind are
 * run {@code --steps} times on two workspaces fed the same samples, one eager and one replayed
 * from its graph, and every output is compared bit for bit after every step (training: the
 * gradients, the new carry y and z, logits, q and the loss stats; inference: y, z, logits, q).
 * Also prints milliseconds per inference step, eager and replayed (launch overhead is what
 * the graph removes: meaningful on cuda at small batches, nothing on sim). Exit 1 on a mismatch.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -cp bench/target/benchmarks.jar \
 *     trm.bench.GraphCheck [--device sim|cuda] [--batch B] [--width W] [--steps N] [--tiny] [preset ...]
 * </pre>
 */
@Command(name = "trm.bench.GraphCheck", mixinStandardHelpOptions = true, version = BenchCli.VERSION, sortOptions = false,
        description = "Replayed supervision steps against eager ones, bit for bit, and ms per inference step of each. Exit 1 on a mismatch.")
public final class GraphCheck implements Callable<Integer> {
    @Spec private CommandSpec spec;

    @Mixin private StepShapeOptions shape = new StepShapeOptions();

    @Option(names = "--steps", defaultValue = "3", paramLabel = "N", description = "steps per step kind, >= 1 (default: ${DEFAULT-VALUE})")
    private int steps;

    @Option(names = "--tiny", description = "width 64, one layer, 2 H-cycles of 1 L-cycle, 16 cells: seconds on sim")
    private boolean tiny;

    @Parameters(paramLabel = "preset", arity = "0..*", description = "presets to check (default: sudoku-mlp sudoku-att)")
    private List<String> presets = new ArrayList<>();

    GraphCheck() {} // main's and the tests' (picocli fills the fields)

    /** One preset's outcome: the first output that differed (null when all were identical) and the step times. */
    public record Result(String preset, int batch, String firstMismatch, double eagerMs, double replayMs) {
        public boolean identical() { return firstMismatch == null; }
    }

    public static void main(String[] args) { BenchCli.main(new GraphCheck(), args); }

    @Override
    public Integer call() {
        shape.validate(spec);
        BenchCli.atLeast(spec, "--steps", steps, 1);
        List<String> names = presets.isEmpty() ? List.of("sudoku-mlp", "sudoku-att") : presets;
        List<TrmConfig> configs = names.stream().map(p -> BenchCli.preset(spec, p)).toList();
        boolean ok = true;
        System.out.printf("%-14s %6s %8s %10s %16s %16s%n", "preset", "batch", "device", "identical", "eager ms/step", "replay ms/step");
        for (int i = 0; i < names.size(); i++) {
            String p = names.get(i);
            TrmConfig c = configs.get(i);
            c = shape.at(c);
            if (tiny) c = tiny(c);
            Result r;
            try (KernelDevice dev = shape.open()) {
                r = check(dev, tiny ? p + "@tiny" : shape.label(p), c, shape.batch, steps);
            } catch (TrmException e) {
                System.err.println("GraphCheck: " + e.getMessage());
                return 1;
            }
            System.out.printf(Locale.ROOT, "%-14s %6d %8s %10s %16.3f %16.3f%n", r.preset(), shape.batch, shape.device, r.identical() ? "yes" : "NO",
                    r.eagerMs(), r.replayMs());
            if (!r.identical()) {
                System.out.println("  first difference: " + r.firstMismatch());
                ok = false;
            }
        }
        return ok ? 0 : 1;
    }

    /** The preset's structure at width 64, one layer, 2 H-cycles of 1 L-cycle, 16 cells: seconds on the simulator (check.sh --dry-run). */
    static TrmConfig tiny(TrmConfig c) {
        return LaunchCounts.narrow(c, 64).toBuilder().hCycles(2).lCycles(1).layers(1).seqLen(16).build();
    }

    /** Eager against replayed steps of {@code c} on {@code dev}; leaves the device's graph switch as it found it. */
    public static Result check(KernelDevice dev, String name, TrmConfig c, int batch, int steps) {
        boolean graphs = dev.graphs();
        try {
            TrmModel model = new TrmModel(new TrmWeights(c, dev).initialize(0));
            String mismatch = null;
            double[] ms = new double[2];
            for (boolean training : new boolean[] {true, false}) {
                Workspace[] ws = {model.workspace(batch, training), model.workspace(batch, training)};  // eager, replayed
                try {
                    SplittableRandom r = new SplittableRandom(7);
                    int[] tokens = r.ints((long) batch * c.seqLen(), 1, c.vocabSize()).toArray();
                    int[] labels = r.ints((long) batch * c.seqLen(), 1, c.vocabSize()).toArray();
                    for (Workspace w : ws) {
                        dev.upload(w.tokens, tokens);
                        dev.upload(w.labels, labels);
                        model.resetCarry(w);
                    }
                    for (int s = 1; s <= steps && mismatch == null; s++) {
                        float[][][] out = new float[2][][];
                        for (int k = 0; k < 2; k++) {
                            dev.graphs(k == 1);
                            long t0 = System.nanoTime();
                            model.step(ws[k], training, training, training ? 1f / batch : 0f);
                            dev.synchronize();
                            if (!training && s > 1) ms[k] += (System.nanoTime() - t0) / 1e6;  // step 1 records the graph
                            out[k] = outputs(dev, model, ws[k], training);
                        }
                        List<String> names = training ? List.of("gradients", "y", "z", "logits", "q", "stats") : List.of("y", "z", "logits", "q");
                        for (int i = 0; i < out[0].length && mismatch == null; i++)
                            mismatch = firstDifference((training ? "training" : "inference") + " step " + s + " " + names.get(i), out[0][i], out[1][i]);
                    }
                } finally {
                    for (Workspace w : ws) w.close();
                }
            }
            int timed = Math.max(1, steps - 1);
            return new Result(name, batch, mismatch, ms[0] / timed, ms[1] / timed);
        } finally {
            dev.graphs(graphs);
        }
    }

    private static float[][] outputs(KernelDevice dev, TrmModel model, Workspace ws, boolean training) {
        List<Tensor> ts = training ? List.of(model.grads, ws.y, ws.z, ws.logits, ws.q, ws.stats) : List.of(ws.y, ws.z, ws.logits, ws.q);
        float[][] out = new float[ts.size()][];
        for (int i = 0; i < out.length; i++) out[i] = dev.toFloats(ts.get(i));
        return out;
    }

    /** Where two arrays first differ bitwise, or null. */
    static String firstDifference(String what, float[] eager, float[] replayed) {
        for (int i = 0; i < eager.length; i++)
            if (Float.floatToRawIntBits(eager[i]) != Float.floatToRawIntBits(replayed[i]))
                return what + "[" + i + "]: eager " + eager[i] + ", replayed " + replayed[i];
        return null;
    }
}
