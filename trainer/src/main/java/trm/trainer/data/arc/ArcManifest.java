package trm.trainer.data.arc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import trm.engine.TrmException;
import trm.engine.io.AtomicFiles;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * An augmented ARC dataset as a small file, {@code DIR/manifest.json}: the sizes the model
 * needs (seq_len, vocab, pad / ignore / blank ids, number of identifiers), where the source
 * JSON is and its SHA-256, and the identifier table. Tokens are made from it on the fly
 * ({@link ArcDataset}), so ARC-AGI-1 at 1000 augmentations stays megabytes instead of gigabytes.
 */
public record ArcManifest(ArcBenchmark benchmark, int augmentations, long seed, Path sourceDir, List<Source> sources,
                          ArcIdentifiers identifiers) {
    public static final String FILE = "manifest.json";
    public static final String FORMAT = "trm-arc/1";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One subset's files and their checksums. */
    public record Source(String subset, String challenges, String challengesSha256, String solutions, String solutionsSha256) {}

    /** Reads the benchmark's subsets from {@code sourceDir} and draws every task's variants. */
    public static ArcManifest build(ArcBenchmark benchmark, Path sourceDir, int augmentations, long seed) {
        List<ArcTask> tasks = benchmark.read(sourceDir);
        List<List<ArcVariant>> variants = new ArrayList<>();
        for (ArcTask t : tasks) variants.add(ArcAugmenter.variants(t, augmentations, seed));
        List<Source> sources = new ArrayList<>();
        for (String s : benchmark.subsets()) {
            Path c = ArcBenchmark.challenges(sourceDir, s), sol = ArcBenchmark.solutions(sourceDir, s);
            sources.add(new Source(s, c.getFileName().toString(), sha256(c), sol.getFileName().toString(), sha256(sol)));
        }
        return new ArcManifest(benchmark, augmentations, seed, sourceDir.toAbsolutePath().normalize(), sources,
                ArcIdentifiers.of(tasks, variants));
    }

    /** Writes {@code dir/manifest.json} atomically (the folder is created if needed). */
    public Path write(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new TrmException("cannot create " + dir + ": " + e.getMessage());
        }
        ObjectNode n = JSON.createObjectNode();
        n.put("format", FORMAT).put("benchmark", benchmark.key()).put("augmentations", augmentations).put("seed", seed);
        n.put("canvas", ArcCanvas.ARC.side()).put("seq_len", ArcCanvas.ARC.seqLen()).put("vocab_size", ArcCanvas.VOCAB);
        n.put("pad_id", ArcCanvas.PAD).put("eos_id", ArcCanvas.EOS).put("ignore_label_id", ArcCanvas.PAD)
                .put("blank_identifier_id", ArcIdentifiers.BLANK).put("num_puzzle_identifiers", identifiers.count());
        n.put("eval_subset", benchmark.evalSubset()).put("source_dir", sourceDir.toString());
        var src = n.putArray("sources");
        for (Source s : sources)
            src.addObject().put("subset", s.subset()).put("challenges", s.challenges()).put("challenges_sha256", s.challengesSha256())
                    .put("solutions", s.solutions()).put("solutions_sha256", s.solutionsSha256());
        n.set("identifiers", identifiers.toJson(JSON));
        byte[] bytes = (n + "\n").getBytes(StandardCharsets.UTF_8);
        Path file = dir.resolve(FILE);
        AtomicFiles.write(file, ch -> {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) ch.write(b);
        });
        return file;
    }

    /** Reads {@code dir/manifest.json} (or the file itself); problems name the file. */
    public static ArcManifest read(Path dirOrFile) {
        Path file = Files.isDirectory(dirOrFile) ? dirOrFile.resolve(FILE) : dirOrFile;
        if (!Files.isRegularFile(file)) throw new TrmException("no ARC manifest at " + file + " (make one with: trm data arc --benchmark arc-agi-1 --out DIR)");
        JsonNode n;
        try {
            n = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new TrmException(file + ": not a readable JSON manifest (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
        if (!FORMAT.equals(n.path("format").asText()))
            throw new TrmException(file + ": format is '" + n.path("format").asText() + "', expected " + FORMAT);
        if (n.path("seq_len").asInt() != ArcCanvas.ARC.seqLen() || n.path("vocab_size").asInt() != ArcCanvas.VOCAB)
            throw new TrmException(file + ": seq_len/vocab_size are not ARC's 900/12");
        ArcIdentifiers ids = ArcIdentifiers.fromJson(n.get("identifiers"), file.toString());
        if (ids.count() != n.path("num_puzzle_identifiers").asInt())
            throw new TrmException(file + ": num_puzzle_identifiers is " + n.path("num_puzzle_identifiers").asInt() + " but the table has " + ids.count());
        List<Source> sources = new ArrayList<>();
        for (JsonNode s : n.path("sources"))
            sources.add(new Source(s.path("subset").asText(), s.path("challenges").asText(), s.path("challenges_sha256").asText(),
                    s.path("solutions").asText(), s.path("solutions_sha256").asText()));
        return new ArcManifest(ArcBenchmark.parse(n.path("benchmark").asText()), n.path("augmentations").asInt(),
                n.path("seed").asLong(), Path.of(n.path("source_dir").asText()), sources, ids);
    }

    /**
     * The dataset: the source JSON read again (refused if its checksum changed since the
     * manifest was written, or its tasks no longer match the table), with tokens made on the fly.
     */
    public ArcDataset dataset() {
        for (Source s : sources) {
            check(sourceDir.resolve(s.challenges()), s.challengesSha256());
            check(sourceDir.resolve(s.solutions()), s.solutionsSha256());
        }
        return new ArcDataset(ArcCanvas.ARC, benchmark.read(sourceDir), identifiers, benchmark.evalSubset(), seed, true);
    }

    private static void check(Path file, String sha) {
        if (!Files.isRegularFile(file)) throw new TrmException("the manifest's source " + file + " is missing");
        if (!sha256(file).equals(sha)) throw new TrmException(file + " changed since the manifest was written (SHA-256 differs); rebuild it with trm data arc");
    }

    static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int r; (r = in.read(buf)) > 0; ) d.update(buf, 0, r);
            return HexFormat.of().formatHex(d.digest());
        } catch (IOException e) {
            throw new TrmException("cannot read " + file + ": " + e.getMessage());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
