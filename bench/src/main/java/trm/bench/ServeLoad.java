package trm.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * A load benchmark for {@code trm serve} (a benchmark, not a test): C clients, each sending one
 * puzzle per request and the next as soon as the answer arrives (closed loop), against a server
 * already running on loopback. Bounded in requests and in time, whichever comes first. Prints
 * one markdown table row: clients, requests answered, requests/s, p50 and p99 latency in ms,
 * non-200 answers. {@code bench/serve-load.sh} starts the servers and runs the whole table.
 *
 * <pre>java -cp bench/target/benchmarks.jar trm.bench.ServeLoad --port P --puzzles FILE --clients C [--requests N] [--seconds S] [--label TEXT]</pre>
 *
 * FILE: one puzzle string per line, or a Sudoku CSV ({@code source,question,...}: the second field).
 */
@Command(name = "trm.bench.ServeLoad", mixinStandardHelpOptions = true, version = BenchCli.VERSION, sortOptions = false,
        description = "C closed-loop clients against a running `trm serve` on loopback; prints one markdown table row.")
public final class ServeLoad implements Callable<Integer> {
    @Spec private CommandSpec spec;

    @Option(names = "--port", required = true, paramLabel = "P", description = "the server's port on 127.0.0.1")
    private int port;

    @Option(names = "--puzzles", required = true, paramLabel = "FILE", description = "one puzzle per line, or a Sudoku CSV")
    private Path file;

    @Option(names = "--clients", defaultValue = "1", paramLabel = "C", description = "concurrent clients (default: ${DEFAULT-VALUE})")
    private int clients;

    @Option(names = "--requests", defaultValue = "200", paramLabel = "N", description = "requests at most (default: ${DEFAULT-VALUE})")
    private int requests;

    @Option(names = "--seconds", defaultValue = "10", paramLabel = "S", description = "seconds at most (default: ${DEFAULT-VALUE})")
    private double seconds;

    @Option(names = "--label", defaultValue = "", paramLabel = "TEXT", description = "the row's first column")
    private String label;

    ServeLoad() {} // main's and the tests' (picocli fills the fields)

    public static void main(String[] args) { BenchCli.main(new ServeLoad(), args); }

    @Override
    public Integer call() throws Exception {
        BenchCli.atLeast(spec, "--port", port, 1);
        BenchCli.atLeast(spec, "--clients", clients, 1);
        BenchCli.atLeast(spec, "--requests", requests, 1);
        List<String> puzzles = readPuzzles(file);
        URI uri = URI.create("http://127.0.0.1:" + port + "/v1/solve");
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

        // Warm-up: the server's JIT, and the client's connections.
        for (int i = 0; i < 20; i++) send(http, uri, puzzles.get(i % puzzles.size()));

        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        AtomicInteger next = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        long[] latency = new long[requests];
        AtomicInteger done = new AtomicInteger();
        AtomicLong lastEnd = new AtomicLong();
        long t0 = System.nanoTime();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int c = 0; c < clients; c++) {
                pool.submit(() -> {
                    int k;
                    while ((k = next.getAndIncrement()) < latency.length && System.nanoTime() < deadline) {
                        long s = System.nanoTime();
                        int code = send(http, uri, puzzles.get(k % puzzles.size()));
                        long e = System.nanoTime();
                        if (code != 200) failed.incrementAndGet();
                        latency[done.getAndIncrement()] = e - s;
                        lastEnd.accumulateAndGet(e, Math::max);
                    }
                    return null;
                });
            }
        }
        int n = done.get();
        long[] lat = Arrays.copyOf(latency, n);
        Arrays.sort(lat);
        double wall = (lastEnd.get() - t0) / 1e9;
        System.out.printf(Locale.ROOT, "| %s | %d | %d | %.1f | %.2f | %.2f | %d |%n", label, clients, n, n / wall,
                pct(lat, 0.50) / 1e6, pct(lat, 0.99) / 1e6, failed.get());
        return 0;
    }

    private static int send(HttpClient http, URI uri, String puzzle) throws IOException, InterruptedException {
        HttpRequest r = HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"puzzle\": \"" + puzzle + "\"}")).build();
        return http.send(r, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** The nearest-rank percentile of sorted values. */
    static long pct(long[] sorted, double p) {
        if (sorted.length == 0) return 0;
        int rank = (int) Math.ceil(p * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    static List<String> readPuzzles(Path file) throws IOException {
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            line = line.strip();
            if (line.isEmpty() || line.startsWith("#")) continue;
            String p = line.contains(",") ? line.split(",")[1].replace("\"", "") : line;
            if (p.equals("question")) continue; // the CSV header
            out.add(p);
        }
        if (out.isEmpty()) throw new IOException(file + ": no puzzles");
        return out;
    }
}
