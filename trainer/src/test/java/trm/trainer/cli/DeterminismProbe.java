package trm.trainer.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The child process of {@link CrossProcessDeterminismTest}: trains two tiny 4×4 models (MLP
 * mixer and attention, so every cpu layer runs) through the {@code trm} command line and
 * evaluates each, writing OUT/&lt;arch&gt;/{model,checkpoint}.safetensors and eval.json.
 *
 * <p>Usage: {@code DeterminismProbe OUT WARMUPS}. WARMUPS &gt; 0 first runs the same workload
 * that many times into a scratch folder, so that the JIT has compiled the hot code (with C2
 * when the JVM allows it) before the run whose bytes are compared.
 */
public final class DeterminismProbe {
    /** Each workload: its folder name and the architecture options. */
    static final List<List<String>> ARCHS = List.of(
            List.of("mlp", "--preset", "sudoku-mlp"),
            List.of("att", "--preset", "sudoku-att"));

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        int warmups = Integer.parseInt(args[1]);
        for (int w = 0; w < warmups; w++) workload(Files.createTempDirectory("trm-warmup"));
        workload(out);
        System.exit(0);
    }

    static void workload(Path out) throws Exception {
        for (List<String> arch : ARCHS) {
            Path run = out.resolve(arch.getFirst());
            List<String> train = new ArrayList<>(List.of("train", "--data", "gen:4:32:0:1", "--hidden", "64", "--layers", "1",
                    "--steps", "3", "--batch", "4", "--lr", "1e-3", "--warmup", "2", "--weight-decay", "0.1",
                    "--halt-max-steps", "2", "--h-cycles", "1", "--l-cycles", "1", "--puzzle-emb-len", "1",
                    "--ema-rate", "0.9", "--log-interval", "1", "--run", run.toString()));
            train.addAll(arch.subList(1, arch.size()));
            check(Main.run(train.toArray(String[]::new)), "train " + arch.getFirst());
            PrintStream old = System.out;
            var json = new ByteArrayOutputStream();
            try {
                System.setOut(new PrintStream(json, true, StandardCharsets.UTF_8));
                check(Main.run("eval", "--weights", run.resolve("model.safetensors").toString(), "--data", "gen:4:8:0:3",
                        "--batch", "4", "--json"), "eval " + arch.getFirst());
            } finally {
                System.setOut(old);
            }
            Files.writeString(run.resolve("eval.json"), json.toString(StandardCharsets.UTF_8));
        }
    }

    private static void check(int code, String what) {
        if (code != 0) throw new IllegalStateException(what + " exited " + code);
    }
}
