package trm.trainer.golden;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Assumptions;
import trm.engine.TrmException;
import trm.engine.io.Safetensors;
import trm.engine.io.SafetensorsFile;
import trm.engine.io.TensorEntry;
import trm.engine.model.TrmConfig;
import trm.trainer.TrainOptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * One case of the golden data the PyTorch reference produced ({@code shared/reference/<case>/},
 * layout in that folder's README.md): config, weights, a batch, its outputs per supervision
 * step in float64 (and float32, whose distance from float64 sets our tolerance) and one
 * training step. Configs and options are read with our own JSON readers.
 */
record ReferenceCase(String name, Path dir, TrmConfig config, TrainOptions options, SafetensorsFile weights,
                     SafetensorsFile inputs, SafetensorsFile forward, SafetensorsFile train,
                     JsonNode forwardErrors, JsonNode trainMetrics) {

    /** System property naming the reference folder; default: the first {@code shared/reference} above the working directory. */
    static final String PROPERTY = "trm.reference";
    static final ObjectMapper JSON = new ObjectMapper();

    /** The reference folder, or null when there is none (the suite then skips with a message). */
    static Path root() {
        String p = System.getProperty(PROPERTY);
        if (p != null && !p.isBlank()) return Path.of(p).toAbsolutePath();
        // In CI the clone's parent holds shared/; a worktree may sit deeper, so walk up.
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("shared").resolve("reference");
            if (Files.isDirectory(candidate)) return candidate;
        }
        return null;
    }

    /** Stands for the cases when the data is absent: every test given it is skipped with {@link #missingMessage()}. */
    static final String MISSING = "(no reference data)";

    static String missingMessage() {
        String p = System.getProperty(PROPERTY);
        if (p != null && !p.isBlank()) return "golden reference data not found: -D" + PROPERTY + "=" + p + " is not a folder: skipping";
        return "golden reference data not found (no shared/reference above " + Path.of("").toAbsolutePath()
                + " and no -D" + PROPERTY + "=DIR): skipping";
    }

    /**
     * Case folder names (those holding a config.json), or just {@link #MISSING} when there is
     * no data, so that each test reports itself skipped with the reason rather than vanishing.
     */
    static Stream<String> names() {
        Path root = root();
        if (root == null || !Files.isDirectory(root)) {
            System.err.println(missingMessage());
            return Stream.of(MISSING);
        }
        try (Stream<Path> s = Files.list(root)) {
            List<String> names = s.filter(d -> Files.isRegularFile(d.resolve("config.json")))
                    .map(d -> d.getFileName().toString()).sorted().toList();
            if (names.isEmpty()) throw new IllegalStateException(root + " holds no case folder (a folder with config.json)");
            return names.stream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ReferenceCase load(String name) {
        Assumptions.assumeFalse(MISSING.equals(name), ReferenceCase::missingMessage);
        Path d = root().resolve(name);
        try {
            return new ReferenceCase(name, d, TrmConfig.read(d.resolve("config.json")),
                    TrainOptions.fromJson(Files.readString(d.resolve("train_options.json")), d.resolve("train_options.json").toString()),
                    Safetensors.read(d.resolve("weights.safetensors")), Safetensors.read(d.resolve("inputs.safetensors")),
                    Safetensors.read(d.resolve("forward.safetensors")), Safetensors.read(d.resolve("train.safetensors")),
                    JSON.readTree(d.resolve("forward_f32_vs_f64.json").toFile()), JSON.readTree(d.resolve("train_metrics.json").toFile()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The same case with other weights (e.g. rounded to bf16, to measure how sensitive the case is). */
    ReferenceCase withWeights(SafetensorsFile w) {
        return new ReferenceCase(name, dir, config, options, w, inputs, forward, train, forwardErrors, trainMetrics);
    }

    int batch() { return inputs.require("inputs").shape()[0]; }

    int[] ints(SafetensorsFile f, String tensor) { return f.require(tensor).asInts(); }

    /** A floating tensor at full precision (F64 exactly, F32/BF16 widened). */
    static double[] doubles(SafetensorsFile f, String tensor) {
        TensorEntry e = f.tensors().get(tensor);
        if (e == null) throw new TrmException(f.source() + ": no tensor " + tensor);
        int n = Math.toIntExact(e.numel());
        double[] out = new double[n];
        switch (e.dtype()) {
            case F64 -> ByteBuffer.wrap(e.data()).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().get(out);
            default -> {
                float[] f32 = e.asFloats();
                for (int i = 0; i < n; i++) out[i] = f32[i];
            }
        }
        return out;
    }

    boolean has(SafetensorsFile f, String tensor) { return f.tensors().containsKey(tensor); }
}
