package trm.trainer.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import trm.engine.TrmException;
import trm.engine.io.AtomicFiles;
import trm.engine.model.TrmConfig;
import trm.trainer.TrainOptions;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Everything that defines a training run, stored as the run folder's {@code run.json} before
 * its first step, so that {@code trm train --run DIR --resume} needs no other option: the
 * architecture, the optimizer and its schedule (with the total steps), the data sources, the
 * seed of the data order and of the initialisation, augmentation, and the cadences. The
 * checkpoint repeats the config and the options; run.json also defines a run killed before its
 * first checkpoint.
 *
 * @param preset          the architecture preset the config came from, or null (a --config file)
 * @param configFile      the --config file as given, or null
 * @param data            the training puzzles as given to --data (a path or gen:...)
 * @param testData        the held-out puzzles (--test-data), or null
 * @param subsample       --subsample, or null
 * @param evalSize        --eval-size, or null
 * @param augment         false with --no-augment
 * @param evalInterval    steps between evaluations, 0 for the end only
 * @param checkpointEvery the {@link CheckpointCadence} as given ("500", "10m")
 * @param logInterval     steps between metrics records
 * @param device          the device of the last start (may change on resume)
 */
public record RunSpec(String preset, String configFile, TrmConfig config, TrainOptions options, String data, String testData,
                      Integer subsample, Integer evalSize, boolean augment, long evalInterval, String checkpointEvery,
                      long logInterval, String device) {
    public static final String FORMAT = "trm-run/1";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final List<String> KEYS = List.of("format", "preset", "config_file", "config", "train_options", "data",
            "test_data", "subsample", "eval_size", "augment", "eval_interval", "checkpoint_every", "log_interval", "device");

    public RunSpec {
        if (config == null || options == null || data == null || checkpointEvery == null || device == null)
            throw new TrmException("a run needs a config, training options, data, a checkpoint cadence and a device");
        if (evalInterval < 0) throw new TrmException("--eval-interval must not be negative, got " + evalInterval);
        if (logInterval <= 0) throw new TrmException("--log-interval must be positive, got " + logInterval);
        CheckpointCadence.parse(checkpointEvery);
    }

    public CheckpointCadence cadence() { return CheckpointCadence.parse(checkpointEvery); }

    public RunSpec withOptions(TrainOptions o) {
        return new RunSpec(preset, configFile, config, o, data, testData, subsample, evalSize, augment, evalInterval, checkpointEvery, logInterval, device);
    }

    /** This spec with the settings that may change on resume replaced. */
    public RunSpec withCadences(long evalInterval, String checkpointEvery, long logInterval, String device) {
        return new RunSpec(preset, configFile, config, options, data, testData, subsample, evalSize, augment, evalInterval, checkpointEvery, logInterval, device);
    }

    public String toJson() {
        try {
            ObjectNode n = JSON.createObjectNode();
            n.put("format", FORMAT);
            n.put("preset", preset);
            n.put("config_file", configFile);
            n.set("config", JSON.readTree(config.toJson()));
            n.set("train_options", JSON.readTree(options.toJson()));
            n.put("data", data);
            n.put("test_data", testData);
            n.put("subsample", subsample);
            n.put("eval_size", evalSize);
            n.put("augment", augment);
            n.put("eval_interval", evalInterval);
            n.put("checkpoint_every", checkpointEvery);
            n.put("log_interval", logInterval);
            n.put("device", device);
            return JSON.writeValueAsString(n) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes the spec atomically. */
    public void write(Path file) {
        byte[] bytes = toJson().getBytes(StandardCharsets.UTF_8);
        AtomicFiles.write(file, ch -> {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) ch.write(b);
        });
    }

    /** Reads a run.json strictly: unknown, missing or mistyped keys are refused with one line naming the file. */
    public static RunSpec read(Path file) {
        String src = file.toString();
        JsonNode n;
        try {
            n = JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            throw new TrmException(src + " does not exist");
        } catch (IOException e) {
            throw new TrmException(src + ": not valid JSON (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
        if (n == null || !n.isObject()) throw new TrmException(src + ": not a JSON object");
        Set<String> unknown = new TreeSet<>();
        n.fieldNames().forEachRemaining(unknown::add);
        unknown.removeAll(KEYS);
        if (!unknown.isEmpty()) throw new TrmException(src + ": unknown key '" + unknown.iterator().next() + "'");
        for (String k : KEYS) if (!n.has(k)) throw new TrmException(src + ": missing key '" + k + "'");
        if (!FORMAT.equals(n.get("format").asText())) throw new TrmException(src + ": format is '" + n.get("format").asText() + "', expected " + FORMAT);
        return new RunSpec(text(n, "preset", src), text(n, "config_file", src),
                TrmConfig.fromJson(n.get("config").toString(), src + " (config)"),
                TrainOptions.fromJson(n.get("train_options").toString(), src + " (train_options)"),
                text(n, "data", src), text(n, "test_data", src), integer(n, "subsample", src), integer(n, "eval_size", src),
                bool(n, "augment", src), whole(n, "eval_interval", src), text(n, "checkpoint_every", src),
                whole(n, "log_interval", src), text(n, "device", src));
    }

    private static String text(JsonNode n, String k, String src) {
        JsonNode v = n.get(k);
        if (v.isNull()) return null;
        if (!v.isTextual()) throw new TrmException(src + ": '" + k + "' must be a string");
        return v.asText();
    }

    private static Integer integer(JsonNode n, String k, String src) {
        JsonNode v = n.get(k);
        if (v.isNull()) return null;
        if (!v.isInt()) throw new TrmException(src + ": '" + k + "' must be a whole number");
        return v.asInt();
    }

    private static long whole(JsonNode n, String k, String src) {
        JsonNode v = n.get(k);
        if (!v.isIntegralNumber() || !v.canConvertToLong()) throw new TrmException(src + ": '" + k + "' must be a whole number");
        return v.asLong();
    }

    private static boolean bool(JsonNode n, String k, String src) {
        JsonNode v = n.get(k);
        if (!v.isBoolean()) throw new TrmException(src + ": '" + k + "' must be true or false");
        return v.asBoolean();
    }
}
