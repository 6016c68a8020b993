package trm.trainer.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import trm.engine.TrmException;
import trm.engine.io.ModelCheckpoint;
import trm.engine.io.Safetensors;
import trm.engine.io.TensorEntry;
import trm.engine.model.ConfigFile;
import trm.engine.model.TrmConfig;
import trm.trainer.data.sudoku.PuzzleLines;
import trm.trainer.data.sudoku.SudokuCsv;
import trm.trainer.data.sudoku.SudokuGenerator;
import trm.trainer.data.sudoku.SudokuGeometry;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every reader of user input, fed seeded mutations of valid files (bytes flipped, inserted,
 * deleted, lines cut or doubled, structural characters sprinkled): each input is either read or
 * refused with a one-line {@link TrmException}; no other exception (a stack trace for the user)
 * may escape. 4 × 800 cases, a few seconds.
 */
class ReaderFuzzTest {
    static final int CASES = 800;
    static final byte[] SPECIAL = "\",\n\r{}[]:.0123456789-e\\\"# \u00ff".getBytes(StandardCharsets.ISO_8859_1);

    @TempDir
    Path dir;

    @Test
    void puzzleLines() throws Exception {
        StringBuilder s = new StringBuilder("# puzzles\n");
        for (var e : new SudokuGenerator(SudokuGeometry.MINI, 1).generate(4, SudokuGenerator.Target.any(), "f"))
            s.append(trm.trainer.data.sudoku.SudokuText.format(e.question())).append('\n');
        fuzz("lines", s.toString().getBytes(StandardCharsets.UTF_8), 11, bytes -> {
            Path f = write("p.txt", bytes);
            try (var r = PuzzleLines.open(f)) {
                r.forEachRemaining(p -> {});
            }
        });
    }

    @Test
    void csv() throws Exception {
        Path good = dir.resolve("good.csv");
        SudokuCsv.write(good, new SudokuGenerator(SudokuGeometry.MINI, 2).generate(4, SudokuGenerator.Target.any(), "src, \"quoted\""));
        fuzz("csv", Files.readAllBytes(good), 12, bytes -> SudokuCsv.readAll(write("c.csv", bytes)));
    }

    @Test
    void safetensors() {
        TrmConfig c = TrmConfig.builder().hiddenSize(8).numHeads(2).expansion(1).layers(1).hCycles(1).lCycles(1).mlpT(true)
                .posEncoding(trm.engine.model.PosEncoding.NONE).puzzleEmbLen(1).haltMaxSteps(2).seqLen(4).vocabSize(4).build();
        byte[] good = Safetensors.encode(Map.of(ModelCheckpoint.CONFIG_KEY, c.toJson()),
                List.of(TensorEntry.f32("a", new float[] {1, 2, 3, 4}, 2, 2), TensorEntry.bf16("b", new float[] {1, 2}, 2)));
        fuzz("safetensors", good, 13, bytes -> {
            var f = Safetensors.decode(bytes, "f.safetensors");
            for (TensorEntry t : f.tensors().values()) if (t.dtype().isFloating()) t.asFloats();
            if (f.meta(ModelCheckpoint.CONFIG_KEY).isPresent()) ModelCheckpoint.config(f);
        });
    }

    @Test
    void configJsonAndYaml() {
        byte[] json = TrmConfig.preset("sudoku-mlp").toJson().getBytes(StandardCharsets.UTF_8);
        fuzz("config json", json, 14, bytes -> ConfigFile.parse(new String(bytes, StandardCharsets.UTF_8), "c.json", false)
                .complete(new ConfigFile.DataFields(16, 6, 1, "data")));
        byte[] yaml = """
                name: recursive_reasoning.trm@TinyRecursiveReasoningModel_ACTV1
                loss:
                  loss_type: stablemax_cross_entropy
                halt_exploration_prob: 0.1
                halt_max_steps: 16
                H_cycles: 3
                L_cycles: 6
                L_layers: 2
                hidden_size: 64
                num_heads: 8
                expansion: 4
                puzzle_emb_ndim: ${.hidden_size}
                pos_encodings: rope
                puzzle_emb_len: 16
                """.getBytes(StandardCharsets.UTF_8);
        fuzz("config yaml", yaml, 15, bytes -> ConfigFile.parse(new String(bytes, StandardCharsets.UTF_8), "c.yaml", true)
                .complete(new ConfigFile.DataFields(16, 6, 1, "data")));
    }

    interface Reader {
        void read(byte[] bytes) throws Exception;
    }

    private void fuzz(String what, byte[] valid, long seed, Reader reader) {
        SplittableRandom random = new SplittableRandom(seed);
        int read = 0, refused = 0;
        for (int i = 0; i < CASES; i++) {
            byte[] input = mutate(valid, random);
            try {
                reader.read(input);
                read++;
            } catch (TrmException e) {
                refused++;
                String m = e.getMessage();
                if (m == null || m.isBlank() || m.contains("\n"))
                    fail(what + " case " + i + ": the message must be one non-empty line, was: " + m + "\ninput: " + show(input));
            } catch (Throwable t) {
                fail(what + " case " + i + ": " + t + " escaped for input: " + show(input), t);
            }
        }
        if (refused == 0) fail(what + ": no mutation was refused, the fuzzer is not reaching the checks");
        System.out.printf("fuzz %s: %d read, %d refused in one line%n", what, read, refused);
    }

    /** One to four edits of the valid bytes. */
    static byte[] mutate(byte[] valid, SplittableRandom r) {
        byte[] b = valid.clone();
        int edits = 1 + r.nextInt(4);
        for (int e = 0; e < edits && b.length > 0; e++) {
            int at = r.nextInt(b.length);
            switch (r.nextInt(6)) {
                case 0 -> b[at] = (byte) r.nextInt(256);
                case 1 -> b[at] = SPECIAL[r.nextInt(SPECIAL.length)];
                case 2 -> b = java.util.Arrays.copyOf(b, at); // truncate
                case 3 -> { // delete a span
                    int len = Math.min(b.length - at, 1 + r.nextInt(8));
                    byte[] c = new byte[b.length - len];
                    System.arraycopy(b, 0, c, 0, at);
                    System.arraycopy(b, at + len, c, at, b.length - at - len);
                    b = c;
                }
                case 4 -> { // insert a special byte
                    byte[] c = new byte[b.length + 1];
                    System.arraycopy(b, 0, c, 0, at);
                    c[at] = SPECIAL[r.nextInt(SPECIAL.length)];
                    System.arraycopy(b, at, c, at + 1, b.length - at);
                    b = c;
                }
                default -> { // duplicate a span (lines, keys, tensors)
                    int len = Math.min(b.length - at, 1 + r.nextInt(24));
                    byte[] c = new byte[b.length + len];
                    System.arraycopy(b, 0, c, 0, at + len);
                    System.arraycopy(b, at, c, at + len, b.length - at);
                    b = c;
                }
            }
        }
        return b;
    }

    private Path write(String name, byte[] bytes) throws java.io.IOException {
        Path f = dir.resolve(name);
        Files.write(f, bytes);
        return f;
    }

    private static String show(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1).replace("\n", "\\n");
    }
}
