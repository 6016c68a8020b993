package trm.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import trm.kernels.runtime.KernelSet;
import trm.kernels.runtime.SimRuntime;

/** KernelBench runs end to end on the simulator at tiny shapes (the times mean nothing there). */
class KernelBenchTest {
    /** One family per launcher of trm.kernels.launch (one per .cu file of the production set). */
    static final Set<String> FAMILIES = Set.of("Gemm", "Attention", "Mixer", "AddRmsNorm", "Embedding", "QHead", "LmLoss", "Halting",
            "Optimizers", "Elementwise", "Fill");

    @Test
    void runsEveryLauncherFamilyOnSim(@TempDir Path dir) throws Exception {
        var why = SimRuntime.unavailableReason(KernelSet.MAIN);
        Assumptions.assumeTrue(why.isEmpty(), () -> "sim device unavailable: " + why.orElse(""));
        Path json = dir.resolve("bench.json");
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            KernelBench.main(new String[] {"--device", "sim", "--shapes", "tiny", "--peak-tflops", "989", "--peak-gbs", "4800",
                    "--json", json.toString()});
        } finally {
            System.setOut(old);
        }
        String table = buf.toString(StandardCharsets.UTF_8);
        System.out.print(table);
        assertTrue(table.contains("the times mean nothing"), table);
        String j = Files.readString(json);
        Set<String> families = new TreeSet<>();
        Matcher m = Pattern.compile("\"family\": \"([A-Za-z]+)\"").matcher(j);
        while (m.find()) families.add(m.group(1));
        assertEquals(new TreeSet<>(FAMILIES), families, j);
        Matcher ms = Pattern.compile("\"ms\": ([^,]+),").matcher(j);
        int n = 0;
        while (ms.find()) {
            n++;
            assertTrue(Double.parseDouble(ms.group(1)) > 0, "a time per kernel: " + j);
        }
        assertEquals(2 * 28, n, "every case at both tiny lengths (attention: tensor-core and fp32 kernels)");
        assertTrue(j.contains("\"roofline\": "), j);
    }

    @Test
    void refusesUnknownArguments() {
        var r = BenchCliTest.run(new KernelBench(), "--device", "sim", "--bogus");
        assertEquals(BenchCli.USAGE, r.code(), r.toString());
        assertEquals("trm.bench.KernelBench: Unknown option: '--bogus' (see --help)\n", r.err());
    }
}
