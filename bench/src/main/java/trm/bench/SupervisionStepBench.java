package trm.bench;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import trm.engine.cpu.CpuDevice;
import trm.engine.model.TrmConfig;
import trm.engine.model.TrmFlops;
import trm.engine.model.TrmModel;
import trm.engine.model.TrmWeights;
import trm.engine.model.Workspace;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * One supervision step forward (T cycles, no gradient) of a preset on the cpu device.
 * GFLOP/s = {@link TrmFlops#forwardStep} / time; printed at tear-down from the measured mean.
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -jar bench/target/benchmarks.jar SupervisionStepBench}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1, time = 5)
@Measurement(iterations = 3, time = 10)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx12g"})
public class SupervisionStepBench {
    @Param({"sudoku-mlp"})
    public String preset;
    @Param({"64"})
    public int batch;

    private TrmModel model;
    private Workspace ws;
    private long calls, nanos;

    @Setup
    public void setup() {
        var dev = new CpuDevice();
        TrmConfig c = TrmConfig.preset(preset);
        model = new TrmModel(new TrmWeights(c, dev).initialize(0));
        ws = model.workspace(batch, false);
        SplittableRandom r = new SplittableRandom(1);
        dev.upload(ws.tokens, r.ints((long) batch * c.seqLen(), 1, c.vocabSize()).toArray());
        dev.upload(ws.labels, r.ints((long) batch * c.seqLen(), 1, c.vocabSize()).toArray());
        model.resetCarry(ws);
    }

    @Benchmark
    public void forwardStep() {
        long t0 = System.nanoTime();
        model.step(ws, true, false, 0f);
        nanos += System.nanoTime() - t0;
        calls++;
    }

    @TearDown
    public void report() {
        ws.close();
        if (calls == 0) return;
        double secs = nanos / 1e9 / calls;
        double gflop = TrmFlops.forwardStep(model.config, batch) / 1e9;
        System.out.printf("%n%s batch %d: %.1f GFLOP per step, %.3f s per step, %.1f GFLOP/s (all iterations incl. warm-up)%n",
                preset, batch, gflop, secs, gflop / secs);
    }
}
