package trm.trainer.data.arc;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import trm.engine.TrmException;
import trm.trainer.data.Sample;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The manifest round trip on a small made-up benchmark, the splits, and the seeded stream. */
public class ArcManifestTest {
    @TempDir
    Path dir;

    static final String TRAINING = """
            {"t1": {"train": [{"input": [[1, 2]], "output": [[2, 1]]}, {"input": [[3, 0]], "output": [[0, 3]]}],
                    "test": [{"input": [[4, 5]]}]},
             "t2": {"train": [{"input": [[1]], "output": [[1, 1]]}], "test": [{"input": [[2]]}]}}
            """;
    static final String EVALUATION = """
            {"e1": {"train": [{"input": [[6, 7], [8, 9]], "output": [[9]]}, {"input": [[1, 2], [3, 4]], "output": [[4]]}],
                    "test": [{"input": [[1, 1], [1, 5]]}, {"input": [[2, 3], [0, 0]]}]}}
            """;

    Path source() throws Exception {
        return writeSource(dir.resolve("src"));
    }

    /** A made-up ARC-AGI-1 folder: two training tasks, one evaluation task with two test inputs, no concept tasks. */
    public static Path writeSource(Path src) throws Exception {
        Files.createDirectories(src);
        Files.writeString(src.resolve("arc-agi_training_challenges.json"), TRAINING);
        Files.writeString(src.resolve("arc-agi_training_solutions.json"), "{\"t1\": [[[5, 4]]], \"t2\": [[[2, 2]]]}");
        Files.writeString(src.resolve("arc-agi_evaluation_challenges.json"), EVALUATION);
        Files.writeString(src.resolve("arc-agi_evaluation_solutions.json"), "{\"e1\": [[[5]], [[0]]]}");
        Files.writeString(src.resolve("arc-agi_concept_challenges.json"), "{}");
        Files.writeString(src.resolve("arc-agi_concept_solutions.json"), "{}");
        return src;
    }

    @Test
    void roundTripsAndSplits() throws Exception {
        Path src = source();
        ArcManifest m = ArcManifest.build(ArcBenchmark.ARC_AGI_1, src, 10, 3);
        Path file = m.write(dir.resolve("out"));
        ArcManifest back = ArcManifest.read(dir.resolve("out"));
        assertEquals(m, back);
        assertEquals(file, dir.resolve("out").resolve("manifest.json"));
        String text = Files.readString(file);
        assertTrue(text.contains("\"seq_len\":900") && text.contains("\"vocab_size\":12") && text.contains("\"blank_identifier_id\":0"), text);

        ArcDataset d = back.dataset();
        int count = 1;
        for (var e : d.identifiers().tasks()) count += e.variants().size();
        assertEquals(count, d.identifiers().count());
        assertEquals(1, d.identifiers().tasks().getFirst().first(), "identifier 0 is the blank");
        // training pairs: demos of all tasks, plus the test pairs of the non-held-out tasks
        assertEquals(3, d.trainingPairs(0).size());
        assertEquals(2, d.trainingPairs(1).size());
        assertEquals(2, d.trainingPairs(2).size(), "the evaluation task's test pairs are held out");
        assertEquals(List.of("e1"), d.evalTasks().stream().map(ArcTask::id).toList());
        assertEquals(2L * d.identifiers().tasks().get(2).variants().size(), d.evalItemCount());

        ArcSource s = new ArcSource(d, 5);
        assertEquals(7, s.size());
        assertEquals(d.identifiers().count(), s.numPuzzleIdentifiers());
        Set<Integer> ids = new HashSet<>();
        for (long k = 0; k < 7 * 20; k++) {
            Sample a = s.sample(k);
            assertArrayEquals(a.inputs(), s.sample(k).inputs(), "sample k is a pure function of k");
            assertTrue(a.puzzleId() >= 1 && a.puzzleId() < d.identifiers().count());
            ids.add(a.puzzleId());
        }
        Sample late = s.sample(1000);
        assertArrayEquals(late.inputs(), new ArcSource(d, 5).sample(1000).inputs(), "random access replays the stream");
        assertTrue(ids.size() > 10, "many variants are drawn: " + ids.size());
    }

    @Test
    void refusesChangedSourcesAndBrokenManifests() throws Exception {
        Path src = source();
        ArcManifest.build(ArcBenchmark.ARC_AGI_1, src, 4, 0).write(dir.resolve("out"));
        Files.writeString(src.resolve("arc-agi_training_solutions.json"), "{\"t1\": [[[5, 5]]], \"t2\": [[[2, 2]]]}");
        var e = assertThrows(TrmException.class, () -> ArcManifest.read(dir.resolve("out")).dataset());
        assertTrue(e.getMessage().endsWith("changed since the manifest was written (SHA-256 differs); rebuild it with trm data arc"), e.getMessage());
        Path f = dir.resolve("out/manifest.json");
        Files.writeString(f, Files.readString(f).replace("\"first_identifier\":1,", "\"first_identifier\":2,"));
        e = assertThrows(TrmException.class, () -> ArcManifest.read(dir.resolve("out")));
        assertTrue(e.getMessage().contains("manifest.json: identifier table: task t1 starts at 2, expected 1"), e.getMessage());
        e = assertThrows(TrmException.class, () -> ArcManifest.read(dir.resolve("nowhere")));
        assertTrue(e.getMessage().startsWith("no ARC manifest at"), e.getMessage());
    }
}
