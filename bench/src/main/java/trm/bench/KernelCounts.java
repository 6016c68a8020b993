package trm.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;

import trm.kernels.launch.Attention;
import trm.kernels.launch.Gemm;

/**
 * FLOPs and bytes each heavy kernel must do / move, so a benchmark can turn a measured time into
 * achieved TFLOP/s and GB/s. FLOPs count a multiply-add as 2 and are the work the kernel executes
 * (attention backward recomputes the scores: see {@link #attentionBackward}). Bytes are the
 * compulsory global-memory traffic: every operand read once and every result written once, in
 * the kernels' storage type (fp32 today, {@link #ELEM} bytes); re-reads that the tiles cause are
 * not counted (they are the kernel's inefficiency, which the ratio to the roofline exposes).
 *
 * <p>Reference shapes (TRM): batch 768, D = 512 (8 heads of 64), SwiGLU inter 1536, mixer inter
 * 512, L = 97 (Sudoku) or 916 (Maze, ARC). {@code java trm.bench.KernelCounts} prints the tables.
 */
@Command(name = "trm.bench.KernelCounts", mixinStandardHelpOptions = true, version = BenchCli.VERSION,
        description = "FLOPs and bytes of the kernels of one attention block (L = 97 and 916) and one MLP-mixer block, batch 768.")
public final class KernelCounts implements Callable<Integer> {
    KernelCounts() {} // main's and the tests' (picocli fills the fields)

    /** Bytes per stored element (fp32 master tensors). */
    public static final int ELEM = 4;

    /** One kernel launch (or a fused pair, named so): FLOPs and compulsory bytes. */
    public record Count(String op, String kernel, double flops, double bytes) {
        public double intensity() { return flops / bytes; }

        public double tflops(double millis) { return flops / (millis * 1e-3) / 1e12; }

        public double gbps(double millis) { return bytes / (millis * 1e-3) / 1e9; }
    }

    // ---------------------------------------------------------------------------------------------
    // GEMM (gemm.cu)

    /** out[M,N] = in[M,K]·Wᵀ, plain/bias/residual/RoPE epilogue (residual adds one read of out). */
    public static Count linearForward(String op, long M, long K, long N, boolean residual) {
        return new Count(op, "gemm_abt_*", 2.0 * M * K * N, ELEM * (M * K + N * K + M * N * (residual ? 2.0 : 1.0)));
    }

    /** gate_up with the SwiGLU epilogue: out [M, I] and the saved pre-activation [M, 2I]. */
    public static Count linearForwardSwiGlu(String op, long M, long K, long I) {
        return new Count(op, "gemm_abt_* (SWIGLU_COLS)", 2.0 * M * K * 2 * I + 6.0 * M * I,
                ELEM * (M * K + 2 * I * K + M * I + 2.0 * M * I));
    }

    /** dIn[M,K] = dOut[M,N]·W (accumulate reads dIn too). */
    public static Count linearBackwardInput(String op, long M, long K, long N, boolean accumulate) {
        return new Count(op, "gemm_ab_*", 2.0 * M * K * N, ELEM * (M * N + N * K + M * K * (accumulate ? 2.0 : 1.0)));
    }

    /** down_proj's grad-input fused with the SwiGLU backward: reads gateUp [M, 2I], writes dGateUp [M, 2I]. */
    public static Count linearBackwardInputSwiGlu(String op, long M, long I, long N) {
        return new Count(op, "gemm_ab_* (SWIGLU_BWD_COLS)", 2.0 * M * I * N + 10.0 * M * I,
                ELEM * (M * N + N * I + 4.0 * M * I));
    }

    /** {@link Gemm#weightGradSplits} at a long shape (M capped at Integer.MAX_VALUE). */
    static int splits(long M, long K, long N) { return Gemm.weightGradSplits((int) Math.min(M, Integer.MAX_VALUE), (int) K, (int) N); }

    /** dW[N,K] += dOut[M,N]ᵀ·in[M,K]; with split-K the slices are written and read back once more. */
    public static Count linearBackwardWeight(String op, long M, long K, long N, int splits) {
        double ws = splits > 1 ? 2.0 * splits * N * K : 0;
        return new Count(op, "gemm_atb_*" + (splits > 1 ? " + gemm_splitk_reduce" : ""), 2.0 * M * K * N,
                ELEM * (M * N + M * K + 2.0 * N * K + ws));
    }

    // ---------------------------------------------------------------------------------------------
    // Attention, head dim 64: attention_tc.cu (tensor cores, what the model runs) or attention.cu (fp32)

    /** The model's attention forward (the tensor-core kernels). */
    public static Count attentionForward(long B, long L, long H) { return attentionForward(B, L, H, Attention.Impl.TENSOR_CORE); }

    /** The attention forward by the kernels of {@code impl}: 4·B·H·L²·64 FLOPs (S = QKᵀ and PV). */
    public static Count attentionForward(long B, long L, long H, Attention.Impl impl) {
        long D = H * 64;
        return new Count("attention fwd" + suffix(impl), impl.kernels().get(0), 4.0 * B * H * L * L * 64,
                ELEM * (3.0 * B * L * D + B * L * D + B * H * L));
    }

    /** The model's attention backward (the tensor-core kernels). */
    public static Count attentionBackward(long B, long L, long H) { return attentionBackward(B, L, H, Attention.Impl.TENSOR_CORE); }

    /**
     * Both backward kernels of {@code impl}: bwd_dq recomputes S and dP and forms dQ (3 products),
     * bwd_dkdv recomputes S and dP and forms dV and dK (4): 14·B·H·L²·64 executed, against the
     * 10·B·H·L²·64 of a backward that could keep P (which flash attention cannot afford to).
     */
    public static Count attentionBackward(long B, long L, long H, Attention.Impl impl) {
        long D = H * 64;
        return new Count("attention bwd" + suffix(impl), impl.kernels().get(1) + " + " + impl.kernels().get(2), 14.0 * B * H * L * L * 64,
                ELEM * (3.0 * B * L * D /* qkv */ + 2.0 * B * L * D /* out, dOut */ + 2.0 * B * H * L /* lse, delta */
                        + 3.0 * B * L * D /* dqkv */));
    }

    private static String suffix(Attention.Impl impl) { return impl == Attention.Impl.TENSOR_CORE ? "" : " (fp32)"; }

    // ---------------------------------------------------------------------------------------------
    // MLP-mixer (gemm.cu batched + mixer.cu)

    public static Count mixerNormForward(long B, long L, long D) {
        return new Count("mixer norm fwd", "mixer_norm_fwd", 4.0 * B * L * D, ELEM * (3.0 * B * L * D + B * D));
    }

    public static Count mixerNormBackward(long B, long L, long D) {
        return new Count("mixer norm bwd", "mixer_norm_bwd", 5.0 * B * L * D, ELEM * (3.0 * B * L * D + B * D));
    }

    /** The kernels of one MLP-mixer token-mixing block (forward and backward) on h [B, L, D], inter It. */
    public static List<Count> mixerBlock(long B, long L, long D, long It) {
        List<Count> c = new ArrayList<>();
        long M2 = 2 * It;
        c.add(new Count("mixer gate_up fwd (SwiGLU rows)", "gemm_ab_* (SWIGLU_ROWS)", 2.0 * B * M2 * D * L + 6.0 * B * It * D,
                ELEM * (M2 * L + B * L * D + B * It * D + B * M2 * D)));
        c.add(new Count("mixer down fwd (+ residual)", "gemm_ab_*", 2.0 * B * L * D * It,
                ELEM * (L * It + B * It * D + 2.0 * B * L * D)));
        c.add(mixerNormForward(B, L, D));
        c.add(mixerNormBackward(B, L, D));
        c.add(new Count("mixer dW2 (batch-reduced)", "gemm_abt_*", 2.0 * B * L * It * D,
                ELEM * (B * L * D + B * It * D + 2.0 * L * It)));
        c.add(new Count("mixer dAct + SwiGLU bwd (rows)", "gemm_atb_* (SWIGLU_BWD_ROWS)", 2.0 * B * It * D * L + 10.0 * B * It * D,
                ELEM * (L * It + B * L * D + 2.0 * B * M2 * D)));
        c.add(new Count("mixer dW1 (batch-reduced)", "gemm_abt_*", 2.0 * B * M2 * L * D,
                ELEM * (B * M2 * D + B * L * D + 2.0 * M2 * L)));
        c.add(new Count("mixer dh += W1ᵀ·dG", "gemm_atb_*", 2.0 * B * L * D * M2,
                ELEM * (M2 * L + B * M2 * D + 2.0 * B * L * D)));
        return c;
    }

    /** The heavy kernels of one attention block (forward and backward) at batch B, length L. */
    public static List<Count> attentionBlock(long B, long L, long D, long inter) {
        long M = B * L, H = D / 64;
        List<Count> c = new ArrayList<>();
        c.add(linearForward("qkv_proj fwd (+RoPE)", M, D, 3 * D, false));
        c.add(attentionForward(B, L, H));
        c.add(linearForward("o_proj fwd (+residual)", M, D, D, true));
        c.add(linearForwardSwiGlu("gate_up fwd (+SwiGLU)", M, D, inter));
        c.add(linearForward("down_proj fwd (+residual)", M, inter, D, true));
        c.add(linearBackwardInputSwiGlu("down_proj dIn + SwiGLU bwd", M, inter, D));
        c.add(linearBackwardWeight("down_proj dW", M, inter, D, splits(M, inter, D)));
        c.add(linearBackwardInput("gate_up dIn", M, D, 2 * inter, true));
        c.add(linearBackwardWeight("gate_up dW", M, D, 2 * inter, splits(M, D, 2 * inter)));
        c.add(linearBackwardInput("o_proj dIn", M, D, D, false));
        c.add(linearBackwardWeight("o_proj dW", M, D, D, splits(M, D, D)));
        c.add(attentionBackward(B, L, H));
        c.add(linearBackwardInput("qkv_proj dIn", M, D, 3 * D, true));
        c.add(linearBackwardWeight("qkv_proj dW", M, D, 3 * D, splits(M, D, 3 * D)));
        return c;
    }

    // ---------------------------------------------------------------------------------------------
    // The light kernels: memory-bound, counted by the bytes they must move

    /** add_rmsnorm fwd over rows of D: reads a, b, writes out and rstd. */
    public static Count addRmsNormForward(long rows, long D) {
        return new Count("add+rmsnorm fwd", "add_rmsnorm_fwd", 4.0 * rows * D, ELEM * (3.0 * rows * D + rows));
    }

    /** add_rmsnorm bwd: reads dOut, out, rstd, writes dIn. */
    public static Count addRmsNormBackward(long rows, long D) {
        return new Count("add+rmsnorm bwd", "add_rmsnorm_bwd", 6.0 * rows * D, ELEM * (3.0 * rows * D + rows));
    }

    /** embed_fwd: writes [B, L, D], reads the token (and position) rows it adds. */
    public static Count embedForward(long B, long L, long D) {
        return new Count("embed fwd", "embed_fwd", 2.0 * B * L * D, ELEM * (2.0 * B * L * D + L * D));
    }

    /** embed_bwd_tokens: scans dOut once per vocabulary row it owns; compulsory traffic is one read of dOut. */
    public static Count embedBackwardTokens(long B, long L, long D, long V) {
        return new Count("embed bwd tokens", "embed_bwd_tokens", 1.0 * B * L * D, ELEM * (B * L * D + B * L + 2.0 * V * D));
    }

    /** lm_loss_fwd_bwd over logits [B, L, V]: reads logits, writes dLogits. */
    public static Count lmLoss(long B, long L, long V) {
        return new Count("lm loss fwd+bwd", "lm_loss_fwd_bwd", 10.0 * B * L * V, ELEM * (2.0 * B * L * V + B * L));
    }

    /** qhead fwd: the first position of each sample. */
    public static Count qHeadForward(long B, long D) {
        return new Count("q head fwd", "qhead_fwd", 4.0 * B * D, ELEM * (B * D + 2.0 * D + 2.0 * B));
    }

    /** opt_adam_atan2 over n parameters: reads p, g, m, v, writes p, m, v. */
    public static Count adamAtan2(long n) {
        return new Count("adam-atan2 step", "opt_adam_atan2", 20.0 * n, ELEM * 7.0 * n);
    }

    /** ew_add_f32 over n floats. */
    public static Count add(long n) { return new Count("add", "ew_add_f32", n, ELEM * 3.0 * n); }

    /** ew_copy_u32 over n words. */
    public static Count copy(long n) { return new Count("copy", "ew_copy_u32", 0, ELEM * 2.0 * n); }

    /** trm_fill_u32 over n words. */
    public static Count fill(long n) { return new Count("fill", "trm_fill_u32", 0, ELEM * 1.0 * n); }

    /** halt_reset_carry over y, z [B, L, D]: reads and writes both (the halted rows). */
    public static Count resetCarry(long B, long L, long D) {
        return new Count("reset carry", "halt_reset_carry", 0, ELEM * 4.0 * B * L * D);
    }

    /** A text table: op, kernel, GFLOP, MB, FLOP/byte. */
    public static String table(String title, List<Count> counts) {
        StringBuilder s = new StringBuilder(title).append('\n');
        s.append(String.format(Locale.ROOT, "| %-34s | %-42s | %10s | %10s | %8s |%n", "op", "kernel", "GFLOP", "MB", "FLOP/B"));
        s.append("|").append("-".repeat(36)).append("|").append("-".repeat(44)).append("|").append("-".repeat(12))
                .append("|").append("-".repeat(12)).append("|").append("-".repeat(10)).append("|\n");
        double f = 0, b = 0;
        for (Count c : counts) {
            s.append(String.format(Locale.ROOT, "| %-34s | %-42s | %10.1f | %10.1f | %8.1f |%n",
                    c.op(), c.kernel(), c.flops() / 1e9, c.bytes() / 1e6, c.intensity()));
            f += c.flops();
            b += c.bytes();
        }
        s.append(String.format(Locale.ROOT, "| %-34s | %-42s | %10.1f | %10.1f | %8.1f |%n", "total", "", f / 1e9, b / 1e6, f / b));
        return s.toString();
    }

    public static void main(String[] args) { BenchCli.main(new KernelCounts(), args); }

    @Override
    public Integer call() {
        int B = 768, D = 512, inter = 1536, mixerInter = 512;
        System.out.println(table("Attention block, batch 768, L = 97 (Sudoku)", attentionBlock(B, 97, D, inter)));
        System.out.println(table("Attention block, batch 768, L = 916 (Maze, ARC)", attentionBlock(B, 916, D, inter)));
        System.out.println(table("MLP-mixer token mixing, batch 768, L = 97, It = 512", mixerBlock(B, 97, D, mixerInter)));
        return 0;
    }
}
