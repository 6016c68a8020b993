package trm.kernels;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * The kernel parity suite without Maven, for a GPU host that has only the bundle
 * (bench/gpu/check.sh): runs the JUnit classes of one device through the JUnit Platform launcher
 * and prints one summary line, plus one line per failure.
 *
 * <pre>java ... -cp trm.jar:check/* trm.kernels.ParityCheck --device cuda|sim [--json FILE]</pre>
 *
 * cuda: every op against the cpu reference ({@link CudaOpsParityTest}), the test kernels
 * ({@code runtime.CudaKernelsTest}) and the GEMM suite ({@code launch.CudaGemmTest}: the cp.async main loop); sim: the same on the strict simulator ({@link SimOpsParityTest},
 * {@code runtime.SimKernelsTest}, {@code runtime.StrictSimTest}). Exit 0 when every test passed and none was
 * skipped, 1 on a failure, 2 when tests were skipped (e.g. no GPU) or on a usage error.
 */
public final class ParityCheck {
    private ParityCheck() {}

    public static void main(String[] args) throws IOException {
        String device = null;
        Path json = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--device" -> device = i + 1 < args.length ? args[++i] : null;
                case "--json" -> json = i + 1 < args.length ? Path.of(args[++i]) : null;
                default -> {
                    System.err.println("parity: unknown argument " + args[i] + " (usage: --device cuda|sim [--json FILE])");
                    System.exit(2);
                }
            }
        }
        // by name: the runtime tests are package-private classes of trm.kernels.runtime
        List<String> classes = switch (device == null ? "" : device) {
            case "cuda" -> List.of("trm.kernels.CudaOpsParityTest", "trm.kernels.runtime.CudaKernelsTest",
                    "trm.kernels.launch.CudaGemmTest");
            case "sim" -> List.of("trm.kernels.SimOpsParityTest", "trm.kernels.runtime.SimKernelsTest",
                    "trm.kernels.runtime.StrictSimTest");
            default -> {
                System.err.println("parity: --device must be cuda or sim");
                System.exit(2);
                yield List.of();
            }
        };
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(classes.stream().map(c -> selectClass(c)).toList()).build();
        if (classes.isEmpty()) return;
        SummaryGeneratingListener summary = new SummaryGeneratingListener();
        Map<String, String> skipped = new ConcurrentHashMap<>();
        TestExecutionListener skips = new TestExecutionListener() {
            @Override public void executionSkipped(TestIdentifier id, String reason) { skipped.put(id.getDisplayName(), reason); }

            @Override public void executionFinished(TestIdentifier id, TestExecutionResult r) {
                if (id.isTest() && r.getStatus() != TestExecutionResult.Status.SUCCESSFUL)
                    System.out.println("parity: FAILED " + id.getDisplayName() + ": "
                            + r.getThrowable().map(t -> String.valueOf(t.getMessage()).replace('\n', ' ')).orElse("?"));
            }
        };
        long t0 = System.nanoTime();
        LauncherFactory.create().execute(request, summary, skips);
        double secs = (System.nanoTime() - t0) / 1e9;
        TestExecutionSummary s = summary.getSummary();
        long failed = s.getTotalFailureCount();
        String line = String.format(Locale.ROOT, "parity %s: %d tests, %d passed, %d failed, %d skipped (%d classes skipped) in %.1f s",
                device, s.getTestsFoundCount(), s.getTestsSucceededCount(), failed, s.getTestsSkippedCount(),
                s.getContainersSkippedCount(), secs);
        System.out.println(line);
        skipped.forEach((what, why) -> System.out.println("parity: skipped " + what + ": " + why));
        if (json != null) {
            List<String> reasons = new ArrayList<>(skipped.values());
            try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(json))) {
                w.printf(Locale.ROOT, "{\"device\":\"%s\",\"tests\":%d,\"passed\":%d,\"failed\":%d,\"skipped\":%d,"
                                + "\"classes_skipped\":%d,\"seconds\":%.2f,\"skip_reasons\":[%s]}%n",
                        device, s.getTestsFoundCount(), s.getTestsSucceededCount(), failed, s.getTestsSkippedCount(),
                        s.getContainersSkippedCount(), secs,
                        String.join(",", reasons.stream().distinct().map(ParityCheck::quote).toList()));
            }
        }
        System.exit(failed > 0 ? 1 : (s.getTestsSkippedCount() > 0 || s.getContainersSkippedCount() > 0 || s.getTestsFoundCount() == 0) ? 2 : 0);
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", " ") + "\"";
    }
}
