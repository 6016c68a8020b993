package trm.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import trm.engine.model.TrmConfig;
import trm.kernels.launch.Gemm;
import trm.kernels.launch.Gemm.Layout;
import trm.kernels.launch.Gemm.Raw;
import trm.kernels.launch.Gemm.Tile;
import trm.kernels.launch.Mixer;
import trm.kernels.runtime.Dim3;

/**
 * The launch grid of every GEMM of one block's training (forward, the channel MLP's recomputation,
 * backward) and of the heads, for a preset at a batch, as {@code trm.kernels.KernelOps} and
 * {@code Mixer} launch them (tile from {@link Tile#auto}, split-K from {@link Gemm#weightGradSplits}
 * and {@link Mixer#weightGradSplits}), with the waves they make on 132 SMs. Nothing runs.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar trm.bench.StepGemmGrids [preset] [batch]     (default sudoku-mlp 768)
 * </pre>
 */
@Command(name = "trm.bench.StepGemmGrids", mixinStandardHelpOptions = true, version = BenchCli.VERSION,
        description = "The launch grid of every GEMM of one block's training step and of the heads (nothing runs).")
public final class StepGemmGrids implements Callable<Integer> {
    @Spec private CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", defaultValue = "sudoku-mlp", paramLabel = "preset", description = "(default: ${DEFAULT-VALUE})")
    private String preset;

    @Parameters(index = "1", arity = "0..1", defaultValue = "768", paramLabel = "batch", description = "(default: ${DEFAULT-VALUE})")
    private int batch;

    StepGemmGrids() {} // main's and the tests' (picocli fills the fields)

    /** One GEMM launch: what it computes, the tile, grid and split-K slices (1: none). */
    public record Row(String op, Tile tile, Dim3 grid, int slices) {
        public long blocks() { return grid.count(); }

        public double waves() { return blocks() / 132.0; }
    }

    public static void main(String[] args) { BenchCli.main(new StepGemmGrids(), args); }

    @Override
    public Integer call() {
        TrmConfig c = BenchCli.preset(spec, preset);
        BenchCli.atLeast(spec, "batch", batch, 1);
        System.out.print(table(preset, batch, rows(c, batch)));
        return 0;
    }

    /** The GEMMs of one block's training step (each runs once per block application) and the heads. */
    public static List<Row> rows(TrmConfig c, int B) {
        int L = c.totalLen(), D = c.hiddenSize(), I = c.interChannels(), rows = B * L, V = c.vocabSize();
        List<Row> out = new ArrayList<>();
        if (c.mlpT()) {
            int It = c.interTokens(), M2 = 2 * It;
            Raw g = new Raw(Layout.AB, 1, L, 1, D, 1, D, M2, D, L).batched(B, 0, (long) L * D, (long) It * D);
            g.mode = 2;  // SWIGLU_ROWS
            add(out, "mixer gate_up fwd (SwiGLU rows)", Tile.auto(It, D, B), g);
            add(out, "mixer down fwd (+residual)", Tile.auto(L, D, B),
                    new Raw(Layout.AB, 1, It, 1, D, 1, D, L, D, It).batched(B, 0, (long) It * D, (long) L * D));
            int s = Mixer.weightGradSplits(B, L, D, It);
            Raw w2 = new Raw(Layout.ABT, 1, D, 1, D, 1, It, L, It, D).batchReduced(B, (long) L * D, (long) It * D, s, (long) L * It);
            add(out, "mixer dW2 (batch-reduced)", Tile.auto(L, It, w2.slices), w2);
            Raw da = new Raw(Layout.ATB, 1, It, 1, D, 1, D, It, D, L).batched(B, 0, (long) L * D, (long) M2 * D);
            da.mode = 5;  // SWIGLU_BWD_ROWS
            da.aux = 1;
            add(out, "mixer dAct + SwiGLU bwd", Tile.auto(It, D, B), da);
            Raw w1 = new Raw(Layout.ABT, 1, D, 1, D, 1, L, M2, L, D).batchReduced(B, (long) M2 * D, (long) L * D, s, (long) M2 * L);
            add(out, "mixer dW1 (batch-reduced)", Tile.auto(M2, L, w1.slices), w1);
            add(out, "mixer dh += W1ᵀ·dG", Tile.auto(L, D, B),
                    new Raw(Layout.ATB, 1, L, 1, D, 1, D, L, D, M2).batched(B, 0, (long) M2 * D, (long) L * D));
        } else {
            add(out, "qkv_proj fwd (+RoPE)", Tile.auto(rows, 3 * D, 1), new Raw(Layout.ABT, 1, D, 1, D, 1, 3 * D, rows, 3 * D, D));
            add(out, "o_proj fwd", Tile.auto(rows, D, 1), new Raw(Layout.ABT, 1, D, 1, D, 1, D, rows, D, D));
            add(out, "o_proj dIn", Tile.auto(rows, D, 1), new Raw(Layout.AB, 1, D, 1, D, 1, D, rows, D, D));
            weightGrad(out, "o_proj dW", rows, D, D);
            add(out, "qkv_proj dIn", Tile.auto(rows, D, 1), new Raw(Layout.AB, 1, 3 * D, 1, D, 1, D, rows, D, 3 * D));
            weightGrad(out, "qkv_proj dW", rows, D, 3 * D);
        }
        Raw gu = new Raw(Layout.ABT, 1, D, 1, D, 1, I, rows, 2 * I, D);
        gu.mode = 1;  // SWIGLU_COLS
        add(out, "gate_up fwd (+SwiGLU; again in bwd)", Tile.auto(rows, I, 1), gu);
        add(out, "down fwd", Tile.auto(rows, D, 1), new Raw(Layout.ABT, 1, I, 1, I, 1, D, rows, D, I));
        weightGrad(out, "down dW", rows, I, D);
        Raw di = new Raw(Layout.AB, 1, D, 1, I, 1, 2 * I, rows, I, D);
        di.mode = 4;  // SWIGLU_BWD_COLS
        di.aux = 1;
        add(out, "down dIn + SwiGLU bwd", Tile.auto(rows, I, 1), di);
        weightGrad(out, "gate_up dW", rows, D, 2 * I);
        add(out, "gate_up dIn", Tile.auto(rows, D, 1), new Raw(Layout.AB, 1, 2 * I, 1, D, 1, D, rows, D, 2 * I));
        add(out, "lm_head fwd", Tile.auto(rows, V, 1), new Raw(Layout.ABT, 1, D, 1, D, 1, V, rows, V, D));
        add(out, "lm_head dIn", Tile.auto(rows, D, 1), new Raw(Layout.AB, 1, V, 1, D, 1, D, rows, D, V));
        weightGrad(out, "lm_head dW", rows, D, V);
        return out;
    }

    private static void add(List<Row> out, String op, Tile t, Raw r) {
        out.add(new Row(op, t, Gemm.grid(t, r), r.nbPer > 1 || r.nbTotal != r.slices ? r.slices : 1));
    }

    private static void weightGrad(List<Row> out, String op, int M, int K, int N) {
        int s = Gemm.weightGradSplits(M, K, N);
        Dim3 g = Gemm.weightGradGrid(M, K, N, s);
        out.add(new Row(op + (s > 1 ? " (split-K)" : ""), Tile.auto(N, K, s), g, g.z()));
    }

    public static String table(String preset, int B, List<Row> rows) {
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "GEMM grids of a %s training step at batch %d (per block application; 132 SMs)%n", preset, B));
        s.append(String.format(Locale.ROOT, "| %-36s | %-9s | %-18s | %6s | %8s | %6s |%n", "GEMM", "tile", "grid (x, y, z)", "slices", "blocks", "waves"));
        s.append("|").append("-".repeat(38)).append("|").append("-".repeat(11)).append("|").append("-".repeat(20)).append("|")
                .append("-".repeat(8)).append("|").append("-".repeat(10)).append("|").append("-".repeat(8)).append("|\n");
        for (Row r : rows)
            s.append(String.format(Locale.ROOT, "| %-36s | %-9s | %-18s | %6d | %8d | %6.1f |%n", r.op(), r.tile().name().substring(1),
                    r.grid().x() + ", " + r.grid().y() + ", " + r.grid().z(), r.slices(), r.blocks(), r.waves()));
        return s.toString();
    }
}
