package trm.trainer.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Training and evaluation on the cpu give the same bytes in separate processes whatever the JIT
 * and the thread count (issue 14): one JVM limited to C1 on one thread, one with C2 only
 * (-XX:-TieredCompilation), warmed up first, on three threads. The checkpoint, the model file
 * and eval's JSON must be equal byte for byte, for an MLP-mixer and an attention model.
 */
class CrossProcessDeterminismTest {
    static final List<String> FILES = List.of("checkpoint.safetensors", "model.safetensors", "eval.json");

    @TempDir
    Path dir;

    static void runProbe(Path out, int warmups, String threads, String... jit) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx1g",
                "-Dtrm.cpu.threads=" + threads));
        cmd.addAll(List.of(jit));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), DeterminismProbe.class.getName(),
                out.toString(), Integer.toString(warmups)));
        Path log = out.resolveSibling(out.getFileName() + ".log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean done = p.waitFor(5, TimeUnit.MINUTES);
        if (!done) p.destroyForcibly();
        assertTrue(done, "probe timed out; log: " + Files.readString(log));
        assertEquals(0, p.exitValue(), "probe failed; log: " + Files.readString(log));
    }

    @Test
    void c1OnOneThreadAndWarmC2OnThreeGiveTheSameBytes() throws Exception {
        Path c1 = dir.resolve("c1"), c2 = dir.resolve("c2");
        runProbe(c1, 0, "1", "-XX:TieredStopAtLevel=1");
        runProbe(c2, 1, "3", "-XX:-TieredCompilation", "-XX:CompileThreshold=1000");
        for (String arch : List.of("mlp", "att"))
            for (String f : FILES) {
                byte[] a = Files.readAllBytes(c1.resolve(arch).resolve(f)), b = Files.readAllBytes(c2.resolve(arch).resolve(f));
                assertTrue(a.length > 0, arch + "/" + f + " is empty");
                assertArrayEquals(a, b, arch + "/" + f + " differs between the C1 and the C2 process");
            }
        assertTrue(Files.readString(c1.resolve("mlp/eval.json")).contains("lm_loss"), "eval printed its metrics");
    }
}
