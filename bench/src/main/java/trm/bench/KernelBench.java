package trm.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import trm.engine.AdamStep;
import trm.engine.TrmException;
import trm.engine.model.RopeTables;
import trm.kernels.launch.AddRmsNorm;
import trm.kernels.launch.Attention;
import trm.kernels.launch.Elementwise;
import trm.kernels.launch.Embedding;
import trm.kernels.launch.Fill;
import trm.kernels.launch.Gemm;
import trm.kernels.launch.Halting;
import trm.kernels.launch.LmLoss;
import trm.kernels.launch.Mixer;
import trm.kernels.launch.Optimizers;
import trm.kernels.launch.QHead;
import trm.kernels.runtime.KernelRuntime;
import trm.kernels.runtime.KernelSet;

/**
 * Times every kernel launcher family ({@code trm.kernels.launch}, one per .cu file) at TRM's
 * reference shapes on one device and prints, per kernel: milliseconds per launch, achieved TFLOP/s
 * and GB/s (from {@link KernelCounts}), and the fraction of the roofline that the ceilings given
 * on the command line allow (ideal time max(FLOPs / peak FLOP/s, bytes / peak B/s) over the
 * measured time).
 *
 * <pre>
 * java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -cp bench/target/benchmarks.jar \
 *     trm.bench.KernelBench --device sim|cuda [--shapes reference|tiny] [--peak-tflops T] [--peak-gbs G] \
 *     [--iters N] [--json FILE]
 * </pre>
 *
 * Reference shapes: batch 768, D 512 (8 heads of 64), SwiGLU inter 1536, vocab 11, a 16-token
 * puzzle prefix, L = 97 (Sudoku) and 916 (Maze, ARC); the mixer's inter follows L as the config
 * computes it. {@code tiny} shapes make the simulator finish in seconds: there the times mean
 * nothing, the run only shows that every launcher runs. Buffers are zero-filled (valid token ids
 * and labels), allocated once per L; each kernel is launched once to warm up, then timed over
 * {@code iters} launches between two stream events.
 */
@Command(name = "trm.bench.KernelBench", mixinStandardHelpOptions = true, version = BenchCli.VERSION, sortOptions = false,
        description = "Times every kernel launcher family at TRM's reference shapes: ms per launch, TFLOP/s, GB/s, roofline fraction.")
public final class KernelBench implements Callable<Integer> {
    @Spec private CommandSpec spec;

    @Option(names = "--device", required = true, paramLabel = "sim|cuda", description = "the kernel runtime")
    private String device;

    @Option(names = "--shapes", defaultValue = "reference", paramLabel = "reference|tiny",
            description = "reference shapes, or tiny ones (seconds on sim) (default: ${DEFAULT-VALUE})")
    private String shapes;

    @Option(names = "--peak-tflops", defaultValue = "0", paramLabel = "T", description = "bf16 peak for the roofline column; 0: none")
    private double peakTflops;

    @Option(names = "--peak-gbs", defaultValue = "0", paramLabel = "G", description = "memory bandwidth for the roofline column; 0: none")
    private double peakGbs;

    @Option(names = "--iters", defaultValue = "0", paramLabel = "N", description = "timed launches per kernel; 0: 1 on sim, 20 on cuda")
    private int iters;

    @Option(names = "--json", paramLabel = "FILE", description = "also write the rows as JSON")
    private String json;

    KernelBench() {} // main's and the tests' (picocli fills the fields)

    /** One timed kernel: the family (launcher class), its counts, and the launch. */
    record Case(String family, int len, KernelCounts.Count count, Runnable launch) {}

    /** One result row. */
    record Row(String family, int len, String op, String kernel, double millis, double tflops, double gbps, double roofline) {}

    record Shapes(String name, int batch, int dim, int heads, int inter, int vocab, int prefix, long params, int[] lens) {
        static Shapes of(String name) {
            return switch (name) {
                case "reference" -> new Shapes(name, 768, 512, 8, 1536, 11, 16, 7_000_000L, new int[] {97, 916});
                case "tiny" -> new Shapes(name, 2, 64, 1, 96, 11, 2, 10_000L, new int[] {11, 20});
                default -> throw new IllegalArgumentException("--shapes reference|tiny, got " + name);
            };
        }

        /** The config's SwiGLU width for w (expansion 4, rounded up to 256). */
        static int swigluInter(int w) { return (int) ((Math.round(4.0 * w * 2.0 / 3.0) + 255) / 256 * 256); }
    }

    public static void main(String[] args) { BenchCli.main(new KernelBench(), args); }

    @Override
    public Integer call() throws IOException {
        BenchCli.device(spec, device);
        BenchCli.atLeast(spec, "--iters", iters, 0);
        Shapes s;
        try {
            s = Shapes.of(shapes);
        } catch (IllegalArgumentException e) {
            throw BenchCli.bad(spec, e.getMessage());
        }
        int n = iters > 0 ? iters : device.equals("sim") ? 1 : 20;
        List<Row> rows;
        try {
            rows = run(device, s, n, peakTflops, peakGbs);
        } catch (TrmException e) {  // no GPU, no driver, no simulator library: one line, exit 1
            System.err.println("KernelBench: " + e.getMessage());
            return 1;
        }
        System.out.print(table(device, s, n, peakTflops, peakGbs, rows));
        if (json != null) Files.writeString(Path.of(json), json(device, s, n, peakTflops, peakGbs, rows), StandardCharsets.UTF_8);
        return 0;
    }

    static KernelRuntime open(String device) {
        return switch (device) {
            case "sim" -> KernelRuntime.sim(KernelSet.MAIN);
            case "cuda" -> KernelRuntime.cuda(Integer.parseInt(System.getenv().getOrDefault("TRM_CUDA_DEVICE", "0")), KernelSet.MAIN);
            default -> throw new IllegalArgumentException("--device sim|cuda, got " + device);
        };
    }

    /** Runs every case at every length of {@code s}; the runtime is opened and closed here. */
    public static List<Row> run(String device, Shapes s, int iters, double peakTflops, double peakGbs) {
        List<Row> rows = new ArrayList<>();
        try (KernelRuntime rt = open(device)) {
            for (int len : s.lens()) {
                Buffers b = new Buffers(rt);
                for (Case c : cases(rt, b, s, len)) {
                    c.launch().run();  // warm-up (and module load on cuda)
                    rt.synchronize();
                    try (KernelRuntime.Event start = rt.record()) {
                        for (int i = 0; i < iters; i++) c.launch().run();
                        try (KernelRuntime.Event end = rt.record()) {
                            double ms = end.millisSince(start) / iters;
                            rows.add(row(c, ms, peakTflops, peakGbs));
                        }
                    }
                }
                b.free();
            }
        }
        return rows;
    }

    static Row row(Case c, double ms, double peakTflops, double peakGbs) {
        KernelCounts.Count k = c.count();
        double ideal = Math.max(peakTflops > 0 ? k.flops() / (peakTflops * 1e12) : 0, peakGbs > 0 ? k.bytes() / (peakGbs * 1e9) : 0);
        double roofline = ideal > 0 && ms > 0 ? ideal / (ms * 1e-3) : Double.NaN;
        return new Row(c.family(), c.len(), k.op(), k.kernel(), ms, ms > 0 ? k.tflops(ms) : Double.NaN, ms > 0 ? k.gbps(ms) : Double.NaN,
                roofline);
    }

    /** Device allocations, zero-filled, freed together. */
    static final class Buffers {
        final KernelRuntime rt;
        final List<Long> all = new ArrayList<>();

        Buffers(KernelRuntime rt) { this.rt = rt; }

        long floats(long n) {
            long p = rt.alloc(4L * Math.max(1, n));
            rt.fill32(p, 0, Math.max(1, n));
            all.add(p);
            return p;
        }

        long upload(float[] a) {
            long p = floats(a.length);
            rt.copyToDevice(java.lang.foreign.MemorySegment.ofArray(a), p, 4L * a.length);
            return p;
        }

        void free() {
            rt.synchronize();
            for (long p : all) rt.free(p);
            all.clear();
        }
    }

    /** Every launcher family at length L (rows M = batch · L). */
    static List<Case> cases(KernelRuntime rt, Buffers b, Shapes s, int L) {
        int B = s.batch(), D = s.dim(), H = s.heads(), I = s.inter(), V = s.vocab(), P = Math.min(s.prefix(), L - 1), S = L - P;
        int M = Math.multiplyExact(B, L), It = Shapes.swigluInter(L);
        long md = (long) M * D;
        // activations and weights (fp32), zero-filled
        long x = b.floats(md), y = b.floats(md), out = b.floats(md), dOut = b.floats(md), rstd = b.floats(M);
        long qkv = b.floats(3 * md), dqkv = b.floats(3 * md), wQkv = b.floats(3L * D * D), dWQkv = b.floats(3L * D * D);
        long wO = b.floats((long) D * D), dWO = b.floats((long) D * D);
        long gateUp = b.floats((long) M * 2 * I), act = b.floats((long) M * I), dGateUp = b.floats((long) M * 2 * I);
        long wGu = b.floats(2L * I * D), wDown = b.floats((long) D * I), dWGu = b.floats(2L * I * D), dWDown = b.floats((long) D * I);
        long lse = b.floats((long) B * H * L), delta = b.floats(Attention.deltaFloats(B, L, H));
        float[] cos = new float[L * 64], sin = new float[L * 64];
        RopeTables.fill(cos, sin, L, 64, 10000);
        long dCos = b.upload(cos), dSin = b.upload(sin);
        long mGu = b.floats((long) B * 2 * It * D), mAct = b.floats((long) B * It * D), mScratch = b.floats((long) B * 2 * It * D);
        long mRstd = b.floats((long) B * D);  // the mixer normalises down the sequence: one rstd per (b, column)
        long w1 = b.floats(2L * It * L), w2 = b.floats((long) L * It), dW1 = b.floats(2L * It * L), dW2 = b.floats((long) L * It);
        long tokens = b.floats((long) B * S), ids = b.floats(B), tokTable = b.floats((long) V * D), dTok = b.floats((long) V * D);
        long logits = b.floats((long) M * V), dLogits = b.floats((long) M * V), labels = b.floats((long) B * S);
        long stats = b.floats(B * 6L), q = b.floats(2L * B), wq = b.floats(2L * D), bq = b.floats(2);
        long halted = b.floats(B), steps = b.floats(B), hInit = b.floats(D), lInit = b.floats(D);
        long n = s.params(), p = b.floats(n), g = b.floats(n), m = b.floats(n), v = b.floats(n);
        AdamStep step = AdamStep.of(1e-4f, 0.1f, 0.9f, 0.95f, 10);

        List<Case> c = new ArrayList<>();
        // gemm.cu: the linear layers of the attention and MLP half-blocks, forward and backward
        c.add(new Case("Gemm", L, KernelCounts.linearForward("qkv_proj fwd (+RoPE)", M, D, 3L * D, false),
                () -> Gemm.forward(rt, qkv, x, wQkv, 0, M, D, 3 * D, Gemm.Epilogue.rope(dCos, dSin, L, 64, 2 * D))));
        c.add(new Case("Gemm", L, KernelCounts.linearForward("o_proj fwd", M, D, D, false),
                () -> Gemm.forward(rt, out, y, wO, 0, M, D, D, Gemm.Epilogue.none())));
        c.add(new Case("Gemm", L, KernelCounts.linearForwardSwiGlu("gate_up fwd (+SwiGLU)", M, D, I),
                () -> Gemm.forward(rt, act, x, wGu, 0, M, D, 2 * I, Gemm.Epilogue.swiGlu(gateUp))));
        c.add(new Case("Gemm", L, KernelCounts.linearForward("down_proj fwd", M, I, D, false),
                () -> Gemm.forward(rt, out, act, wDown, 0, M, I, D, Gemm.Epilogue.none())));
        c.add(new Case("Gemm", L, KernelCounts.linearBackwardInputSwiGlu("down_proj dIn + SwiGLU bwd", M, I, D),
                () -> Gemm.backwardInputSwiGlu(rt, dGateUp, dOut, wDown, gateUp, M, I, D)));
        c.add(new Case("Gemm", L, KernelCounts.linearBackwardWeight("down_proj dW", M, I, D, 1),
                () -> Gemm.backwardWeight(rt, dWDown, dOut, act, M, I, D, 0, 1)));
        c.add(new Case("Gemm", L, KernelCounts.linearBackwardInput("gate_up dIn", M, D, 2L * I, true),
                () -> Gemm.backwardInput(rt, y, dGateUp, wGu, M, D, 2 * I, true)));
        c.add(new Case("Gemm", L, KernelCounts.linearBackwardWeight("gate_up dW", M, D, 2L * I, 1),
                () -> Gemm.backwardWeight(rt, dWGu, dGateUp, x, M, D, 2 * I, 0, 1)));
        c.add(new Case("Gemm", L, KernelCounts.linearBackwardInput("qkv_proj dIn", M, D, 3L * D, true),
                () -> Gemm.backwardInput(rt, y, dqkv, wQkv, M, D, 3 * D, true)));
        c.add(new Case("Gemm", L, KernelCounts.linearBackwardWeight("qkv_proj dW", M, D, 3L * D, 1),
                () -> Gemm.backwardWeight(rt, dWQkv, dqkv, x, M, D, 3 * D, 0, 1)));
        c.add(new Case("Gemm", L, KernelCounts.linearBackwardWeight("o_proj dW", M, D, D, 1),
                () -> Gemm.backwardWeight(rt, dWO, dOut, y, M, D, D, 0, 1)));
        // attention_tc.cu (the model's, tensor cores) and attention.cu (the fp32 fallback), fp32 qkv and out
        for (Attention.Impl impl : Attention.Impl.values()) {
            c.add(new Case("Attention", L, KernelCounts.attentionForward(B, L, H, impl), () -> Attention.forward(rt, impl, y, lse, qkv, B, L, H, 0)));
            c.add(new Case("Attention", L, KernelCounts.attentionBackward(B, L, H, impl),
                    () -> Attention.backward(rt, impl, dqkv, dOut, qkv, y, lse, delta, dCos, dSin, B, L, H, 0)));
        }
        // mixer.cu with its batched GEMMs: the MLP-mixer's token mixing
        List<KernelCounts.Count> mix = KernelCounts.mixerBlock(B, L, D, It);
        c.add(new Case("Mixer", L, sum("mixer fwd (gate_up, down, norm)", "gemm_ab_* x2 + mixer_norm_fwd", mix.subList(0, 3)),
                () -> Mixer.forward(rt, out, mRstd, mGu, mAct, x, w1, w2, B, L, D, It, 1e-5f)));
        c.add(new Case("Mixer", L, sum("mixer bwd (norm, dW2, dG, dW1, dh)", "mixer_norm_bwd + gemm_* x4", mix.subList(3, mix.size())),
                () -> Mixer.backward(rt, y, dW1, dW2, dOut, x, mGu, mAct, out, mRstd, w1, w2, mScratch, 0, 1, B, L, D, It)));
        // add_rmsnorm.cu
        c.add(new Case("AddRmsNorm", L, KernelCounts.addRmsNormForward(M, D), () -> AddRmsNorm.forward(rt, out, rstd, x, y, M, D, 1e-5f)));
        c.add(new Case("AddRmsNorm", L, KernelCounts.addRmsNormBackward(M, D), () -> AddRmsNorm.backward(rt, dOut, dOut, out, rstd, M, D)));
        // embedding.cu, qhead.cu, lm_loss.cu, halting.cu
        c.add(new Case("Embedding", L, KernelCounts.embedForward(B, L, D),
                () -> Embedding.forward(rt, x, tokens, ids, tokTable, 0, 0, 0, B, P, S, D, (float) Math.sqrt(D))));
        c.add(new Case("Embedding", L, KernelCounts.embedBackwardTokens(B, L, D, V),
                () -> Embedding.backwardTokens(rt, dTok, dOut, tokens, V, B, P, S, D, 1f)));
        c.add(new Case("QHead", L, KernelCounts.qHeadForward(B, D), () -> QHead.forward(rt, q, y, wq, bq, B, L, D)));
        c.add(new Case("LmLoss", L, KernelCounts.lmLoss(B, L, V),
                () -> LmLoss.forwardBackward(rt, dLogits, stats, logits, labels, B, P, S, V, true, 1f / B)));
        c.add(new Case("Halting", L, KernelCounts.resetCarry(B, L, D),
                () -> Halting.resetCarry(rt, halted, x, y, hInit, lInit, steps, B, L, D)));
        // optimizers.cu, elementwise.cu, fill.cu: over the parameters
        c.add(new Case("Optimizers", L, KernelCounts.adamAtan2(n), () -> Optimizers.adamAtan2(rt, p, g, m, v, n, 1e-4f, 0.9f, 0.95f, step)));
        c.add(new Case("Elementwise", L, KernelCounts.add(md), () -> Elementwise.add(rt, out, x, y, md)));
        c.add(new Case("Elementwise", L, KernelCounts.copy(md), () -> Elementwise.copy(rt, out, x, md, 4)));
        c.add(new Case("Fill", L, KernelCounts.fill(md), () -> Fill.words(rt, out, 0, md)));
        return c;
    }

    private static KernelCounts.Count sum(String op, String kernel, List<KernelCounts.Count> parts) {
        double f = 0, by = 0;
        for (KernelCounts.Count k : parts) {
            f += k.flops();
            by += k.bytes();
        }
        return new KernelCounts.Count(op, kernel, f, by);
    }

    static String table(String device, Shapes s, int iters, double peakTflops, double peakGbs, List<Row> rows) {
        StringBuilder t = new StringBuilder();
        t.append(String.format(Locale.ROOT, "KernelBench on %s, %s shapes (batch %d, D %d), %d timed launch(es) each; ceilings: %s TFLOP/s, %s GB/s%n",
                device, s.name(), s.batch(), s.dim(), iters, peakTflops > 0 ? fmt(peakTflops) : "-", peakGbs > 0 ? fmt(peakGbs) : "-"));
        if (device.equals("sim")) t.append("(simulator: the times mean nothing; this run only shows that every launcher runs)\n");
        t.append(String.format(Locale.ROOT, "| %-11s | %4s | %-36s | %10s | %8s | %8s | %8s |%n", "family", "L", "op", "ms", "TFLOP/s", "GB/s",
                "roofline"));
        t.append("|-------------|------|--------------------------------------|------------|----------|----------|----------|\n");
        for (Row r : rows)
            t.append(String.format(Locale.ROOT, "| %-11s | %4d | %-36s | %10.4f | %8.2f | %8.1f | %8s |%n", r.family(), r.len(), r.op(),
                    r.millis(), r.tflops(), r.gbps(), Double.isNaN(r.roofline()) ? "-" : String.format(Locale.ROOT, "%.1f%%", 100 * r.roofline())));
        return t.toString();
    }

    private static String fmt(double d) { return String.format(Locale.ROOT, "%.0f", d); }

    static String json(String device, Shapes s, int iters, double peakTflops, double peakGbs, List<Row> rows) {
        StringBuilder j = new StringBuilder();
        j.append(String.format(Locale.ROOT, "{\"device\": \"%s\", \"shapes\": \"%s\", \"batch\": %d, \"iters\": %d, \"peak_tflops\": %s, \"peak_gbs\": %s, \"kernels\": [",
                device, s.name(), s.batch(), iters, num(peakTflops > 0 ? peakTflops : Double.NaN), num(peakGbs > 0 ? peakGbs : Double.NaN)));
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            j.append(i == 0 ? "\n  " : ",\n  ").append(String.format(Locale.ROOT,
                    "{\"family\": \"%s\", \"len\": %d, \"op\": \"%s\", \"kernel\": \"%s\", \"ms\": %s, \"tflops\": %s, \"gbs\": %s, \"roofline\": %s}",
                    r.family(), r.len(), r.op(), r.kernel(), num(r.millis()), num(r.tflops()), num(r.gbps()), num(r.roofline())));
        }
        return j.append("\n]}\n").toString();
    }

    private static String num(double d) { return Double.isFinite(d) ? String.format(Locale.ROOT, "%.6g", d) : "null"; }
}
