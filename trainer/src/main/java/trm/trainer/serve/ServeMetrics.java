package trm.trainer.serve;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.io.IOException;
import java.io.OutputStream;

/**
 * The server's Prometheus metrics (the Prometheus Java client's registry and its text format,
 * version 0.0.4): request latency, queue length, slot occupancy, supervision steps per answer,
 * device steps, errors by kind. One registry per server, so tests and several servers in one
 * JVM never share counts.
 */
final class ServeMetrics {
    /** Why a request was not answered with 200 (the {@code kind} label of trm_errors_total). */
    enum ErrorKind {
        BAD_REQUEST, TOO_LARGE, QUEUE_FULL, SHUTTING_DOWN, CLIENT_GONE, NOT_FOUND, METHOD_NOT_ALLOWED, INTERNAL;

        String label() { return name().toLowerCase(java.util.Locale.ROOT); }
    }

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    private final Histogram latency, steps;
    private final Counter errors;

    ServeMetrics(SlotScheduler scheduler) {
        latency = Histogram.builder().name("trm_request_duration_seconds")
                .help("POST /v1/solve latency, from the request read to the answer written, in seconds")
                .classicOnly().classicUpperBounds(0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10)
                .register(registry);
        steps = Histogram.builder().name("trm_supervision_steps_per_answer")
                .help("supervision steps a puzzle ran before it answered (halted or its step limit)")
                .classicOnly().classicLinearUpperBounds(1, 1, scheduler.config().haltMaxSteps())
                .register(registry);
        errors = Counter.builder().name("trm_errors_total").help("requests not answered with 200, by kind")
                .labelNames("kind").register(registry);
        for (ErrorKind k : ErrorKind.values()) errors.labelValues(k.label()); // every kind shows, at 0
        GaugeWithCallback.builder().name("trm_queue_length").help("puzzles waiting for a slot")
                .callback(cb -> cb.call(scheduler.queued())).register(registry);
        GaugeWithCallback.builder().name("trm_slots_occupied").help("slots holding a puzzle after the last refill")
                .callback(cb -> cb.call(scheduler.occupied())).register(registry);
        GaugeWithCallback.builder().name("trm_slots").help("slots of the device loop (--slots)")
                .callback(cb -> cb.call(scheduler.slots())).register(registry);
        CounterWithCallback.builder().name("trm_device_steps").help("supervision steps run on the device (all slots at once)")
                .callback(cb -> cb.call(scheduler.deviceSteps())).register(registry);
        CounterWithCallback.builder().name("trm_answers").help("puzzles answered")
                .callback(cb -> cb.call(scheduler.answered())).register(registry);
        scheduler.onAnswer(r -> steps.observe(r.answer().stepsUsed()));
    }

    void requestSeconds(double seconds) { latency.observe(seconds); }

    void error(ErrorKind kind) { errors.labelValues(kind.label()).inc(); }

    String contentType() { return writer.getContentType(); }

    void write(OutputStream out) throws IOException { writer.write(out, registry.scrape()); }
}
