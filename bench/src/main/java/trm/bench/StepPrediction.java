package trm.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import trm.bench.KernelCounts.Count;
import trm.engine.model.TrmConfig;
import trm.engine.model.TrmFlops;

/**
 * Predicted H200 time of a training supervision step per preset at batch 768, and of a batch-1
 * 16-step solve, for today's kernel design, from {@link KernelCounts} and a roofline: each
 * kernel takes {@code max(FLOPs / peak, bytes / bandwidth) / efficiency}, at least
 * {@link Machine#minKernelMicros}, and every launch costs at least {@link Machine#launchMicros}
 * of GPU time (no CUDA graph: the host enqueues each launch). The efficiencies are assumptions,
 * stated in {@link Design#TODAY}, to be replaced by measured ones when a GPU runs the bench.
 *
 * <p>MFU = the model's FLOPs ({@link TrmFlops#trainStep}: the reference's arithmetic, without our
 * recomputation) / (predicted time × the bf16 dense peak).
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar trm.bench.StepPrediction [batch]     (default 768)
 * </pre>
 */
@Command(name = "trm.bench.StepPrediction", mixinStandardHelpOptions = true, version = BenchCli.VERSION,
        description = "Predicted H200 time and MFU of a training supervision step per preset, and of a batch-1 16-step solve.")
public final class StepPrediction implements Callable<Integer> {
    @Spec private CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", defaultValue = "768", paramLabel = "batch", description = "training batch (default: ${DEFAULT-VALUE})")
    private int batch;

    StepPrediction() {} // main's and the tests' (picocli fills the fields)

    /** The H200 ceilings (dense, no sparsity). */
    public record Machine(double bf16Tflops, double fp32Tflops, double hbmGbs, double launchMicros, double minKernelMicros) {
        public static final Machine H200 = new Machine(790, 67, 4300, 4, 3);
    }

    /**
     * What fraction of a roofline each kind of kernel reaches: tensor-core GEMMs with at least one
     * full wave, the fp32 CUDA-core attention, and memory-bound kernels. A GEMM grid of fewer than
     * 132 blocks has only blocks/132 of the tensor cores and min(1, blocks/33) of HBM (one SM can
     * draw about four times its 1/132 share of the bandwidth).
     */
    public record Design(String name, double gemm, double attention, double memory) {
        /** Single-buffer WMMA with scalar loads (~35%), fp32 flash attention at one shared load per FMA (~35% of fp32), 60% of HBM. */
        public static final Design TODAY = new Design("today", 0.35, 0.35, 0.60);
    }

    /** One predicted kernel. */
    public record Kernel(Count count, Kind kind, long blocks) {}

    public enum Kind { GEMM, ATTENTION, MEMORY }

    /** Seconds of one kernel on {@code m} under design {@code d}. */
    public static double seconds(Kernel k, Machine m, Design d) {
        double t = switch (k.kind()) {
            case GEMM -> Math.max(k.count().flops() / (m.bf16Tflops() * 1e12 * Math.min(1.0, k.blocks() / 132.0)),
                    k.count().bytes() / (m.hbmGbs() * 1e9 * Math.min(1.0, k.blocks() / 33.0))) / d.gemm();
            case ATTENTION -> Math.max(k.count().flops() / (m.fp32Tflops() * 1e12), k.count().bytes() / (m.hbmGbs() * 1e9)) / d.attention();
            case MEMORY -> k.count().bytes() / (m.hbmGbs() * 1e9) / d.memory();
        };
        return Math.max(Math.max(t, m.minKernelMicros() * 1e-6), m.launchMicros() * 1e-6);
    }

    static long tiles(long rows, long cols, long z) { return ((rows + 127) / 128) * ((cols + 127) / 128) * z; }

    static Kernel gemm(Count c, long blocks) { return new Kernel(c, Kind.GEMM, blocks); }

    static Kernel mem(Count c) { return new Kernel(c, Kind.MEMORY, 0); }

    /** One block's forward: token mixing (mixer or attention), channel MLP, their add+RMSNorms. */
    static List<Kernel> blockForward(TrmConfig c, long B) {
        long L = c.totalLen(), D = c.hiddenSize(), I = c.interChannels(), M = B * L, H = c.numHeads();
        List<Kernel> k = new ArrayList<>();
        if (c.mlpT()) {
            long It = c.interTokens();
            var m = KernelCounts.mixerBlock(B, L, D, It);
            k.add(gemm(m.get(0), tiles(It, D, B)));
            k.add(gemm(m.get(1), tiles(L, D, B)));
            k.add(mem(m.get(2)));
        } else {
            k.add(gemm(KernelCounts.linearForward("qkv_proj fwd", M, D, 3 * D, false), tiles(M, 3 * D, 1)));
            k.add(new Kernel(KernelCounts.attentionForward(B, L, H), Kind.ATTENTION, 0));
            k.add(gemm(KernelCounts.linearForward("o_proj fwd", M, D, D, false), tiles(M, D, 1)));
            k.add(mem(KernelCounts.addRmsNormForward(M, D)));
        }
        k.add(gemm(KernelCounts.linearForwardSwiGlu("gate_up fwd", M, D, I), tiles(M, I, 1)));
        k.add(gemm(KernelCounts.linearForward("down fwd", M, I, D, false), tiles(M, D, 1)));
        k.add(mem(KernelCounts.addRmsNormForward(M, D)));
        return k;
    }

    /** One block's backward, with today's splits: the channel MLP's gate_up recomputed, weight gradients with split-K grids. */
    static List<Kernel> blockBackward(TrmConfig c, long B) {
        long L = c.totalLen(), D = c.hiddenSize(), I = c.interChannels(), M = B * L, H = c.numHeads();
        List<Kernel> k = new ArrayList<>();
        k.add(mem(KernelCounts.addRmsNormBackward(M, D)));
        k.add(gemm(KernelCounts.linearForwardSwiGlu("gate_up fwd (recompute)", M, D, I), tiles(M, I, 1)));
        k.add(weightGrad("down dW", M, I, D));
        k.add(gemm(KernelCounts.linearBackwardInputSwiGlu("down dIn + SwiGLU bwd", M, I, D), tiles(M, I, 1)));
        k.add(weightGrad("gate_up dW", M, D, 2 * I));
        k.add(gemm(KernelCounts.linearBackwardInput("gate_up dIn", M, D, 2 * I, true), tiles(M, D, 1)));
        if (c.mlpT()) {
            long It = c.interTokens();
            var m = KernelCounts.mixerBlock(B, L, D, It);
            int s = trm.kernels.launch.Mixer.weightGradSplits((int) B, (int) L, (int) D, (int) It);
            long slices = trm.kernels.launch.Gemm.Raw.reducedSlices((int) B, s);
            k.add(mem(m.get(3)));
            k.add(gemm(m.get(4), tiles(L, It, slices)));
            k.add(gemm(m.get(5), tiles(It, D, B)));
            k.add(gemm(m.get(6), tiles(2 * It, L, slices)));
            k.add(gemm(m.get(7), tiles(L, D, B)));
            if (slices > 1) {
                k.add(mem(new Count("mixer dW2 reduce", "gemm_splitk_reduce", 0, KernelCounts.ELEM * (slices + 2.0) * L * It)));
                k.add(mem(new Count("mixer dW1 reduce", "gemm_splitk_reduce", 0, KernelCounts.ELEM * (slices + 2.0) * 2 * It * L)));
            }
        } else {
            k.add(mem(KernelCounts.addRmsNormBackward(M, D)));
            k.add(gemm(KernelCounts.linearBackwardInput("o_proj dIn", M, D, D, false), tiles(M, D, 1)));
            k.add(weightGrad("o_proj dW", M, D, D));
            k.add(new Kernel(KernelCounts.attentionBackward(B, L, H), Kind.ATTENTION, 0));
            k.add(gemm(KernelCounts.linearBackwardInput("qkv_proj dIn", M, D, 3 * D, true), tiles(M, D, 1)));
            k.add(weightGrad("qkv_proj dW", M, D, 3 * D));
        }
        return k;
    }

    static Kernel weightGrad(String op, long M, long K, long N) {
        int s = KernelCounts.splits(M, K, N);
        var g = trm.kernels.launch.Gemm.weightGradGrid((int) Math.min(M, Integer.MAX_VALUE), (int) K, (int) N, s);
        return gemm(KernelCounts.linearBackwardWeight(op, M, K, N, s), g.count());
    }

    /** Heads and loss (forward), then, when training, their backward. */
    static List<Kernel> heads(TrmConfig c, long B, boolean training) {
        long L = c.totalLen(), D = c.hiddenSize(), V = c.vocabSize(), M = B * L;
        List<Kernel> k = new ArrayList<>();
        k.add(gemm(KernelCounts.linearForward("lm_head fwd", M, D, V, false), tiles(M, V, 1)));
        k.add(mem(KernelCounts.qHeadForward(B, D)));
        if (training) {
            k.add(mem(KernelCounts.lmLoss(B, L, V)));
            k.add(gemm(KernelCounts.linearBackwardInput("lm_head dIn", M, D, V, false), tiles(M, D, 1)));
            k.add(weightGrad("lm_head dW", M, D, V));
        }
        return k;
    }

    /** The kernels of one supervision step: training (T cycles, the last with gradient) or inference (no gradient). */
    public static List<Kernel> step(TrmConfig c, long B, boolean training) {
        long M = B * c.totalLen(), D = c.hiddenSize();
        int T = c.hCycles(), n = c.lCycles();
        List<Kernel> k = new ArrayList<>();
        k.add(mem(KernelCounts.embedForward(B, c.totalLen(), D)));
        for (int cyc = 0; cyc < T; cyc++) {
            k.add(mem(KernelCounts.add(M * D)));
            for (int app = 0; app <= n; app++) {
                k.add(mem(KernelCounts.add(M * D)));
                for (int l = 0; l < c.layers(); l++) k.addAll(blockForward(c, B));
            }
        }
        k.addAll(heads(c, B, training));
        if (training) {
            for (int app = 0; app <= n; app++) {
                for (int l = 0; l < c.layers(); l++) k.addAll(blockBackward(c, B));
                k.add(mem(KernelCounts.add(M * D)));
            }
            k.add(mem(KernelCounts.embedBackwardTokens(B, c.totalLen(), D, c.vocabSize())));
            k.add(mem(KernelCounts.adamAtan2(new trm.engine.model.ParamLayout(c).count())));
        }
        return k;
    }

    public static double seconds(List<Kernel> ks, Machine m, Design d) {
        double t = 0;
        for (Kernel k : ks) t += seconds(k, m, d);
        return t;
    }

    // ---- issue 12 point 1: the attention on the tensor cores (attention_tc.cu) ---------------------

    /**
     * The efficiency assumed for the tensor-core attention (attention_tc.cu), as a fraction of the
     * bf16 dense peak: WMMA with the scores and P making a round trip through shared memory per
     * 64×64 tile, no cp.async pipelining, 2–3 blocks (8–12 warps) per SM by registers; hand-tuned
     * FlashAttention-2 reaches 50–70% of peak, so a quarter is the working assumption until a GPU
     * measures it (KernelBench's Attention cases).
     */
    public static final double TENSOR_CORE_ATTENTION_EFFICIENCY = 0.25;

    /**
     * Seconds of one kernel with the attention on the tensor cores: an ATTENTION kernel is priced
     * at {@code attentionEfficiency} of the bf16 peak (not the fp32 one); every other kernel as
     * {@link #seconds(Kernel, Machine, Design)}.
     */
    public static double secondsWithTensorCoreAttention(Kernel k, Machine m, Design d, double attentionEfficiency) {
        if (k.kind() != Kind.ATTENTION) return seconds(k, m, d);
        double t = Math.max(k.count().flops() / (m.bf16Tflops() * 1e12), k.count().bytes() / (m.hbmGbs() * 1e9)) / attentionEfficiency;
        return Math.max(Math.max(t, m.minKernelMicros() * 1e-6), m.launchMicros() * 1e-6);
    }

    /** {@link #secondsWithTensorCoreAttention(Kernel, Machine, Design, double)} summed over a step's kernels. */
    public static double secondsWithTensorCoreAttention(List<Kernel> ks, Machine m, Design d, double attentionEfficiency) {
        double t = 0;
        for (Kernel k : ks) t += secondsWithTensorCoreAttention(k, m, d, attentionEfficiency);
        return t;
    }

    /** The table of {@link #main} again with the tensor-core attention (the rest of the design as {@code d}). */
    static void printTensorCoreAttention(int B, Machine m, Design d) {
        double e = TENSOR_CORE_ATTENTION_EFFICIENCY;
        System.out.printf(Locale.ROOT, "%nwith the tensor-core attention (attention_tc.cu at %.0f%% of bf16 peak; GEMMs and the rest as '%s'):%n%n",
                100 * e, d.name());
        System.out.printf(Locale.ROOT, "| %-10s | %5s | %13s | %6s | %22s |%n", "preset", "L", "train step ms", "MFU", "batch-1 16-step solve ms");
        System.out.println("|------------|-------|---------------|--------|------------------------|");
        for (String p : TrmConfig.PRESETS) {
            TrmConfig c = TrmConfig.preset(p);
            double t = secondsWithTensorCoreAttention(step(c, B, true), m, d, e);
            double mfu = TrmFlops.trainStep(c, B) / (t * m.bf16Tflops() * 1e12);
            double solve = 16 * secondsWithTensorCoreAttention(step(c, 1, false), m, d, e);
            System.out.printf(Locale.ROOT, "| %-10s | %5d | %13.1f | %5.1f%% | %22.2f |%n", p, c.totalLen(), t * 1e3, 100 * mfu, solve * 1e3);
        }
    }

    // ---- after issue 12: pipelined GEMM, tensor-core attention, one graph per supervision step ----

    /**
     * The GEMM efficiency assumed after issue 12 point 3 (3-stage shared-memory pipeline, 16-byte
     * loads, cp.async for bf16 operands), as a fraction of the bf16 dense peak on full waves: the
     * ptxas report went from 148–254 to 96–172 registers per thread (more warps per SM) and the
     * loads now overlap the MMAs; CUTLASS-class WMMA kernels reach 60–70%, so 55% until a GPU
     * measures it (KernelBench's Gemm cases).
     */
    public static final double PIPELINED_GEMM_EFFICIENCY = 0.55;

    /**
     * GPU time per kernel node of a replayed CUDA graph (issue 12 point 5), µs: the host no longer
     * enqueues each launch, leaving the device-side gap between dependent kernels (≈ 1 µs on
     * Hopper); a kernel still takes at least {@link Machine#minKernelMicros}.
     */
    public static final double GRAPH_LAUNCH_MICROS = 1.0;

    /** The design after issue 12: {@link #PIPELINED_GEMM_EFFICIENCY}, attention as {@link #secondsWithTensorCoreAttention}, memory-bound kernels as today. */
    public static final Design AFTER_ISSUE_12 = new Design("after issue 12", PIPELINED_GEMM_EFFICIENCY, Design.TODAY.attention(), Design.TODAY.memory());

    /** {@code m} with a replayed graph's launch cost ({@link #GRAPH_LAUNCH_MICROS}). */
    public static Machine withGraphs(Machine m) {
        return new Machine(m.bf16Tflops(), m.fp32Tflops(), m.hbmGbs(), GRAPH_LAUNCH_MICROS, m.minKernelMicros());
    }

    /** Seconds of a step's kernels after issue 12: pipelined GEMMs, tensor-core attention, one graph per step. */
    public static double secondsAfterIssue12(List<Kernel> ks, Machine m) {
        return secondsWithTensorCoreAttention(ks, withGraphs(m), AFTER_ISSUE_12, TENSOR_CORE_ATTENTION_EFFICIENCY);
    }

    /** Today's design beside the design after issue 12, and the goals. */
    static void printBeforeAfter(int B, Machine m) {
        System.out.printf(Locale.ROOT, "%ntoday vs after issue 12 (GEMM %.0f%% of bf16 peak, tensor-core attention %.0f%%, one CUDA graph per step: %.0f µs per kernel node, %.0f µs per kernel at least):%n%n",
                100 * PIPELINED_GEMM_EFFICIENCY, 100 * TENSOR_CORE_ATTENTION_EFFICIENCY, GRAPH_LAUNCH_MICROS, m.minKernelMicros());
        System.out.printf(Locale.ROOT, "| %-10s | %13s | %13s | %6s | %6s | %5s | %14s | %14s | %5s |%n", "preset", "train ms today", "train ms after",
                "MFU", "after", "goal", "solve ms today", "solve ms after", "goal");
        System.out.println("|------------|----------------|----------------|--------|--------|-------|----------------|----------------|-------|");
        for (String p : TrmConfig.PRESETS) {
            TrmConfig c = TrmConfig.preset(p);
            var train = step(c, B, true);
            var infer = step(c, 1, false);
            double t0 = seconds(train, m, Design.TODAY), t1 = secondsAfterIssue12(train, m);
            double f = TrmFlops.trainStep(c, B) / (m.bf16Tflops() * 1e12);
            double s0 = 16 * seconds(infer, m, Design.TODAY), s1 = 16 * secondsAfterIssue12(infer, m);
            System.out.printf(Locale.ROOT, "| %-10s | %14.1f | %14.1f | %5.1f%% | %5.1f%% | %5s | %14.2f | %14.2f | %5s |%n", p, t0 * 1e3, t1 * 1e3,
                    100 * f / t0, 100 * f / t1, "50%", s0 * 1e3, s1 * 1e3, "2 ms");
        }
    }

    public static void main(String[] args) { BenchCli.main(new StepPrediction(), args); }

    @Override
    public Integer call() {
        int B = BenchCli.atLeast(spec, "batch", batch, 1);
        Machine m = Machine.H200;
        Design d = Design.TODAY;
        System.out.printf(Locale.ROOT, "Predicted on an H200 (bf16 %.0f TFLOP/s, fp32 %.0f TFLOP/s, HBM %.0f GB/s, %.0f µs per launch, %.0f µs per kernel at least);%n",
                m.bf16Tflops(), m.fp32Tflops(), m.hbmGbs(), m.launchMicros(), m.minKernelMicros());
        System.out.printf(Locale.ROOT, "design '%s': GEMM %.0f%% of bf16 peak (× blocks/132 below one wave), attention %.0f%% of fp32 peak, memory-bound %.0f%% of HBM%n%n",
                d.name(), 100 * d.gemm(), 100 * d.attention(), 100 * d.memory());
        System.out.printf(Locale.ROOT, "| %-10s | %5s | %8s | %13s | %6s | %8s | %22s |%n", "preset", "L", "kernels", "train step ms", "MFU", "goal MFU",
                "batch-1 16-step solve ms");
        System.out.println("|------------|-------|----------|---------------|--------|----------|------------------------|");
        for (String p : TrmConfig.PRESETS) {
            TrmConfig c = TrmConfig.preset(p);
            var train = step(c, B, true);
            double t = seconds(train, m, d);
            double mfu = TrmFlops.trainStep(c, B) / (t * m.bf16Tflops() * 1e12);
            double solve = 16 * seconds(step(c, 1, false), m, d);
            System.out.printf(Locale.ROOT, "| %-10s | %5d | %8d | %13.1f | %5.1f%% | %7.0f%% | %22.2f |%n", p, c.totalLen(), train.size(), t * 1e3,
                    100 * mfu, 50.0, solve * 1e3);
        }
        System.out.println("\n(goal: MFU >= 50% for a training step at batch 768, <= 2 ms for the batch-1 16-step solve; issue 12)");
        printTensorCoreAttention(B, m, d);
        printBeforeAfter(B, m);
        return 0;
    }
}
