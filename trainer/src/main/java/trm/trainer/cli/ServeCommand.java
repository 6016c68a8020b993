package trm.trainer.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import trm.engine.Devices;
import trm.engine.model.TrmModel;
import trm.trainer.serve.SolveServer;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Serve a model over HTTP with continuous batching: --slots puzzles run supervision steps together;",
                "a slot whose puzzle halts answers at once and takes the next waiting one.",
                "POST /v1/solve {\"puzzle\": \"...\"} or {\"puzzles\": [...]} (max_steps, early_halt, trace);",
                "GET /healthz, /v1/model, /metrics (Prometheus). SIGTERM answers every accepted puzzle, then exits."})
final class ServeCommand implements Callable<Integer> {
    @Option(names = "--weights", description = "model checkpoint (default: " + ModelFiles.DEFAULT_WEIGHTS + ")") Path weights;
    @Option(names = "--config", description = "architecture JSON for checkpoints without one") Path config;
    @Option(names = "--device", defaultValue = "cpu") String device;
    @Option(names = "--slots", defaultValue = "8", description = "puzzles per supervision step, 1 to 4096 (default: ${DEFAULT-VALUE})") int slots;
    @Option(names = "--port", defaultValue = "8080", description = "TCP port, 0 to 65535 (0: any free one; default: ${DEFAULT-VALUE})") int port;
    @Option(names = "--host", defaultValue = "127.0.0.1", description = "address to listen on (default: ${DEFAULT-VALUE}: this machine only)") String host;
    @Option(names = "--max-queue", defaultValue = "256", description = "puzzles that may wait for a slot, 1 to 1000000; more get 503 (default: ${DEFAULT-VALUE})") int maxQueue;
    @Option(names = "--max-body", defaultValue = "1048576", description = "largest request body in bytes, larger get 413 (default: ${DEFAULT-VALUE})") int maxBody;

    @Override
    public Integer call() throws InterruptedException {
        Options.range("--slots", slots, 1, 4096);
        Options.range("--port", port, 0, 65535);
        Options.range("--max-queue", maxQueue, 1, 1_000_000);
        Options.range("--max-body", maxBody, 64, 1 << 30);
        Options.inputFile("--config", config);
        Path w = Paths.orShipped(weights, ModelFiles.DEFAULT_WEIGHTS);
        TrmModel model = ModelFiles.load(w, config, Devices.open(device), false);
        var defaults = SolveServer.Settings.defaults(port);
        SolveServer server = SolveServer.start(model, w.toString(), slots, maxQueue,
                new SolveServer.Settings(host, port, maxBody, defaults.heartbeatMillis(), defaults.drainMillis(), defaults.warmupSteps()));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.err.println("trm: serve: draining (answering every accepted puzzle) ...");
            boolean all = server.drain();
            System.err.println(all ? "trm: serve: drained, stopped" : "trm: serve: drain timed out, stopped");
            stopped.countDown();
        }, "trm-drain"));
        System.err.printf("trm: serve: %s on %s, %d slots, queue %d: http://%s:%d/v1/solve%n",
                w, device, slots, maxQueue, host, server.port());
        stopped.await(); // the shutdown hook ends the process
        return Exit.OK;
    }
}
