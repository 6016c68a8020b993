package trm.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Runs {@link MatmulBench} shape by shape, ours and OpenBLAS back to back in the same run (the
 * machine may be shared: compare ratios, not absolute numbers), and prints
 * {@code shape, ours GFLOP/s, OpenBLAS GFLOP/s, ratio}. Without OpenBLAS it measures ours alone
 * and says why.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
 *      -cp bench/target/benchmarks.jar trm.bench.MatmulTable [-r rounds] [-wi n] [-i n] [-t seconds] [-f forks] [-v]
 *      [-interleave seconds] [op:M:K:N ...]
 * </pre>
 *
 * <p>{@code -interleave S} skips JMH and, in this JVM, alternates single calls of ours and
 * OpenBLAS for S seconds per shape (each call after a 250 ms pause, so neither side's idle
 * threads are still spinning), reporting medians: on a shared machine this compares both under
 * the same background load, call by call. It also reports GFLOP per cpu-second of the process,
 * meaningful for calls of tens of milliseconds or more (the process cpu clock is coarse).
 */
@Command(name = "trm.bench.MatmulTable", mixinStandardHelpOptions = true, version = BenchCli.VERSION, sortOptions = false,
        description = "Our matmul against OpenBLAS, shape by shape (JMH, or -interleave S: alternating calls in this JVM).")
public final class MatmulTable implements Callable<Integer> {
    @Spec private CommandSpec spec;

    @Option(names = "-r", defaultValue = "1", paramLabel = "rounds", description = "rounds over all shapes (default: ${DEFAULT-VALUE})")
    private int rounds;

    @Option(names = "-wi", defaultValue = "3", paramLabel = "n", description = "JMH warm-up iterations (default: ${DEFAULT-VALUE})")
    private int warmups;

    @Option(names = "-i", defaultValue = "5", paramLabel = "n", description = "JMH measurement iterations (default: ${DEFAULT-VALUE})")
    private int iterations;

    @Option(names = "-t", defaultValue = "2", paramLabel = "seconds", description = "seconds per JMH iteration (default: ${DEFAULT-VALUE})")
    private int seconds;

    @Option(names = "-f", defaultValue = "1", paramLabel = "forks", description = "JMH forks (default: ${DEFAULT-VALUE})")
    private int forks;

    @Option(names = "-v", description = "JMH's own output")
    private boolean verbose;

    @Option(names = "-interleave", defaultValue = "0", paramLabel = "seconds", description = "skip JMH: alternate single calls for this long per shape")
    private int interleave;

    @Parameters(paramLabel = "op:M:K:N", arity = "0..*", description = "shapes (default: TRM's)")
    private List<String> given = new ArrayList<>();

    MatmulTable() {} // main's and the tests' (picocli fills the fields)

    public static void main(String[] args) { BenchCli.main(new MatmulTable(), args); }

    @Override
    public Integer call() throws RunnerException {
        List<String> shapes = new ArrayList<>();
        for (String g : given) {
            try {
                shapes.add(MatmulShape.parse(g).toString());
            } catch (NumberFormatException e) {
                throw BenchCli.bad(spec, "shape is op:M:K:N with whole numbers M, K, N, got " + g);
            } catch (IllegalArgumentException e) {
                throw BenchCli.bad(spec, e.getMessage());
            }
        }
        if (shapes.isEmpty()) shapes.addAll(Arrays.asList(MatmulShape.TRM));

        boolean blas = OpenBlas.available();
        System.out.println("cores: " + Runtime.getRuntime().availableProcessors()
                + ", OpenBLAS: " + (blas ? OpenBlas.describe() : "none, comparison skipped: " + OpenBlas.unavailableReason()));
        if (blas) crossCheck(shapes);

        if (interleave > 0) {
            interleaved(shapes, rounds, interleave, blas);
            return 0;
        }
        List<String> rows = new ArrayList<>();
        String header = String.format("%-22s %16s %18s %7s", "shape", "ours GFLOP/s", "OpenBLAS GFLOP/s", "ratio");
        for (int r = 1; r <= rounds; r++) {
            for (String shape : shapes) {
                ChainedOptionsBuilder o = new OptionsBuilder()
                        .include(MatmulBench.class.getName() + "\\.(ours" + (blas ? "|openblas" : "") + ")$")
                        .param("shape", shape)
                        .warmupIterations(warmups).measurementIterations(iterations)
                        .warmupTime(TimeValue.seconds(seconds)).measurementTime(TimeValue.seconds(seconds))
                        .forks(forks)
                        .verbosity(verbose ? VerboseMode.NORMAL : VerboseMode.SILENT);
                Collection<RunResult> res = new Runner(o.build()).run();
                double flops = MatmulShape.parse(shape).flops();
                double ours = Double.NaN, ob = Double.NaN;
                for (RunResult rr : res) {
                    double ms = rr.getPrimaryResult().getScore();
                    double gflops = flops / (ms * 1e-3) / 1e9;
                    if (rr.getParams().getBenchmark().endsWith(".ours")) ours = gflops;
                    else ob = gflops;
                }
                String row = String.format("%-22s %16.1f %18s %7s", shape + (rounds > 1 ? " #" + r : ""), ours,
                        blas ? String.format("%.1f", ob) : "-", blas ? String.format("%.2f", ours / ob) : "-");
                rows.add(row);
                System.out.println(row);
            }
        }
        System.out.println();
        System.out.println(header);
        rows.forEach(System.out::println);
        return 0;
    }

    private static void interleaved(List<String> shapes, int rounds, int seconds, boolean blas) {
        List<String> rows = new ArrayList<>();
        for (int r = 1; r <= rounds; r++) {
            for (String shape : shapes) {
                MatmulShape s = MatmulShape.parse(shape);
                long[] n = s.sizes();
                float[] x = MatmulBench.random(n[0], 1), y = MatmulBench.random(n[1], 2), z = MatmulBench.random(n[2], 3);
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment xs = arena.allocateFrom(ValueLayout.JAVA_FLOAT, x);
                    MemorySegment ys = arena.allocateFrom(ValueLayout.JAVA_FLOAT, y);
                    MemorySegment zs = arena.allocateFrom(ValueLayout.JAVA_FLOAT, z);
                    List<Double> ours = new ArrayList<>(), ob = new ArrayList<>();
                    List<Double> oursCpu = new ArrayList<>(), obCpu = new ArrayList<>();
                    // Warm up for 3 s and at least 3 calls each; then measure for the given seconds
                    // and at least 5 calls each.
                    long warmEnd = System.nanoTime() + 3_000_000_000L;
                    for (int w = 0; w < 3 || System.nanoTime() < warmEnd; w++) {
                        MatmulBench.run(s, x, y, z);
                        if (blas) MatmulBench.run(s, xs, ys, zs);
                    }
                    long end = System.nanoTime() + seconds * 1_000_000_000L;
                    while (ours.size() < 5 || System.nanoTime() < end) {
                        double[] t = timed(() -> MatmulBench.run(s, x, y, z));
                        ours.add(s.flops() / t[0] / 1e9);
                        if (t[1] > 0) oursCpu.add(s.flops() / t[1] / 1e9);
                        if (blas) {
                            t = timed(() -> MatmulBench.run(s, xs, ys, zs));
                            ob.add(s.flops() / t[0] / 1e9);
                            if (t[1] > 0) obCpu.add(s.flops() / t[1] / 1e9);
                        }
                    }
                    double mo = median(ours), mb = blas ? median(ob) : Double.NaN;
                    double co = median(oursCpu), cb = blas ? median(obCpu) : Double.NaN;
                    String row = String.format("%-22s %16.1f %18s %7s | %8.1f %8s %6s | %d calls each, best %.1f vs %s",
                            shape + (rounds > 1 ? " #" + r : ""), mo, blas ? String.format("%.1f", mb) : "-",
                            blas ? String.format("%.2f", mo / mb) : "-", co, blas ? String.format("%.1f", cb) : "-",
                            blas ? String.format("%.2f", co / cb) : "-", ours.size(), max(ours),
                            blas ? String.format("%.1f", max(ob)) : "-");
                    rows.add(row);
                    System.out.println(row);
                }
            }
        }
        System.out.println();
        System.out.println("medians of interleaved calls; GFLOP/s by wall clock, then GFLOP per cpu-second of the process"
                + " (all its threads: insensitive to other load on a shared machine)");
        System.out.println(String.format("%-22s %16s %18s %7s | %8s %8s %6s", "shape", "ours GFLOP/s", "OpenBLAS GFLOP/s", "ratio",
                "ours/cpu", "BLAS/cpu", "ratio"));
        rows.forEach(System.out::println);
    }

    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();

    /** Seconds of {wall clock, process cpu time} of one call, after a pause. */
    private static double[] timed(Runnable call) {
        try {
            Thread.sleep(250);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        long c0 = OS.getProcessCpuTime(), t0 = System.nanoTime();
        call.run();
        long t1 = System.nanoTime(), c1 = OS.getProcessCpuTime();
        return new double[] {(t1 - t0) * 1e-9, (c1 - c0) * 1e-9};
    }

    private static double median(List<Double> v) {
        if (v.isEmpty()) return Double.NaN;
        List<Double> s = new ArrayList<>(v);
        s.sort(null);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    private static double max(List<Double> v) {
        return v.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }

    /** Checks, on a shortened M, that ours and cblas_sgemm compute the same product. */
    private static void crossCheck(List<String> shapes) {
        for (String shape : shapes) {
            MatmulShape full = MatmulShape.parse(shape);
            MatmulShape s = new MatmulShape(full.op(), Math.min(full.m(), 97), full.k(), full.n());
            long[] n = s.sizes();
            float[] x = MatmulBench.random(n[0], 1), y = MatmulBench.random(n[1], 2), z = MatmulBench.random(n[2], 3);
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment xs = arena.allocateFrom(ValueLayout.JAVA_FLOAT, x);
                MemorySegment ys = arena.allocateFrom(ValueLayout.JAVA_FLOAT, y);
                MemorySegment zs = arena.allocateFrom(ValueLayout.JAVA_FLOAT, z);
                MatmulBench.run(s, x, y, z);
                MatmulBench.run(s, xs, ys, zs);
                float[] zb = zs.toArray(ValueLayout.JAVA_FLOAT);
                double num = 0, den = 0;
                for (int i = 0; i < z.length; i++) {
                    num += (double) (z[i] - zb[i]) * (z[i] - zb[i]);
                    den += (double) zb[i] * zb[i];
                }
                double rel = Math.sqrt(num / den);
                if (!(rel < 1e-5)) throw new IllegalStateException(s + ": ours and OpenBLAS differ, relative " + rel);
            }
        }
        System.out.println("cross-check against OpenBLAS (M shortened to 97): ok");
    }
}
