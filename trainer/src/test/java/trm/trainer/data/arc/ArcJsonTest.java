package trm.trainer.data.arc;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import trm.engine.TrmException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reading ARC's JSON: the real files, and one line naming file, line and problem for broken ones. */
class ArcJsonTest {
    @TempDir
    Path dir;

    static final String TASK = """
            {"abc": {"train": [{"input": [[1, 2], [3, 4]], "output": [[4]]}],
                     "test": [{"input": [[0]]}, {"input": [[5, 5, 5]]}]}}
            """;

    Path write(String name, String text) throws Exception {
        return Files.writeString(dir.resolve(name), text);
    }

    @Test
    void readsChallengesWithSolutions() throws Exception {
        List<ArcTask> ts = ArcJson.readSubset(write("c.json", TASK), write("s.json", "{\"abc\": [[[7]], [[8, 9]]]}"), "evaluation");
        assertEquals(1, ts.size());
        ArcTask t = ts.getFirst();
        assertEquals("abc", t.id());
        assertEquals(ArcGrid.of(new int[][] {{1, 2}, {3, 4}}), t.train().getFirst().input());
        assertEquals(ArcGrid.of(new int[][] {{8, 9}}), t.test().get(1).output());
        assertNull(ArcJson.readSubset(dir.resolve("c.json"), null, "evaluation").getFirst().test().getFirst().output());
    }

    String error(String challenges, String solutions) throws Exception {
        Path c = write("c.json", challenges), s = solutions == null ? null : write("s.json", solutions);
        return assertThrows(TrmException.class, () -> ArcJson.readSubset(c, s, "x")).getMessage();
    }

    @Test
    void brokenFilesNameFileLineAndProblem() throws Exception {
        String m = error(TASK.replace("[3, 4]", "[3, 12]"), null);
        assertTrue(m.matches(".*c\\.json:1:\\d+: task abc train 0 input row 1: colour 12 is not 0\\.\\.9"), m);
        m = error(TASK.replace("[3, 4]", "[3]"), null);
        assertTrue(m.matches(".*c\\.json:1:\\d+: task abc train 0 input: row 1 has 1 cells, row 0 has 2"), m);
        m = error(TASK.replace("\"output\": [[4]]", "\"outpt\": [[4]]"), null);
        assertTrue(m.contains("c.json:1:") && m.endsWith("task abc train 0 has no \"output\""), m);
        m = error("{\"abc\": {\"train\": [\n{\"input\": [[1]], \"output\": [[1]]},\n{\"input\": [[1,]]}]}}", null);
        assertTrue(m.matches(".*c\\.json:3:\\d+: malformed JSON .*"), m);
        m = error(TASK, "{\"abc\": [[[7]]]}");
        assertTrue(m.matches(".*s\\.json:1:\\d+: task abc has 2 test inputs but 1 solutions"), m);
        m = error(TASK, "{\"abc\": [[[7]], [[1]]], \"zzz\": []}");
        assertTrue(m.contains("solution for task zzz, which c.json does not have"), m);
        m = error("{\"abc\": {\"train\": [], \"test\": [{\"input\": [[0]]}]}}", null);
        assertTrue(m.endsWith("task abc has no \"train\" pairs"), m);
        m = error("[" + "[0]".repeat(1) + "]", null);
        assertTrue(m.endsWith("expected an object of tasks"), m);
        StringBuilder big = new StringBuilder("{\"abc\": {\"train\": [{\"input\": [");
        for (int i = 0; i < 31; i++) big.append(i == 0 ? "" : ",").append("[1]");
        big.append("], \"output\": [[1]]}], \"test\": [{\"input\": [[0]]}]}}");
        m = error(big.toString(), null);
        assertTrue(m.contains("an ARC grid must be 1..30 × 1..30, got 31×1"), m);
    }

    @Test
    void readsASingleTaskFile() throws Exception {
        Path f = write("0a1b2c3d.json", "{\"train\": [{\"input\": [[1]], \"output\": [[2]]}], \"test\": [{\"input\": [[3]], \"output\": [[4]]}]}");
        ArcTask t = ArcJson.readTask(f);
        assertEquals("0a1b2c3d", t.id());
        assertEquals(ArcGrid.of(new int[][] {{4}}), t.test().getFirst().output());
    }

    @Test
    void readsTheSharedBenchmarks() {
        Path arc = ArcTestData.arcDir();
        List<ArcTask> one = ArcBenchmark.ARC_AGI_1.read(arc);
        assertEquals(400 + 400 + 160, one.size());
        assertEquals(419, one.stream().filter(t -> t.subset().equals("evaluation")).mapToInt(t -> t.test().size()).sum());
        assertTrue(one.stream().allMatch(t -> t.test().stream().allMatch(p -> p.output() != null)));
        assertEquals(1000 + 120 + 160, ArcBenchmark.ARC_AGI_2.read(arc).size());
    }
}
