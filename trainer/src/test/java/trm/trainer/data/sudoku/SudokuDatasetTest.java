package trm.trainer.data.sudoku;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import trm.engine.TrmException;
import trm.trainer.data.Sample;

class SudokuDatasetTest {
    private static final SudokuDataset SIX = new SudokuDataset(
            new SudokuGenerator(SudokuGeometry.SIX, 21).generate(40, SudokuGenerator.Target.any(), "gen"));

    @Test
    void samplesAreTheTasksTokensAndEveryCellIsLabelled() {
        SudokuExample e = new SudokuExample(SudokuGeometry.MINI, SudokuText.parse("1.3.3.1.2.4.4.2."),
                SudokuText.parse("1234341221434321"), 0, "hand");
        SudokuDataset d = new SudokuDataset(List.of(e));
        assertArrayEquals(new int[] {2, 1, 4, 1, 4, 1, 2, 1, 3, 1, 5, 1, 5, 1, 3, 1}, d.draw(0).sample().inputs());
        assertArrayEquals(new int[] {2, 3, 4, 5, 4, 5, 2, 3, 3, 2, 5, 4, 5, 4, 3, 2}, d.draw(0).sample().labels());
        assertEquals(6, d.task().vocabSize());
        assertEquals(16, d.task().seqLen());
        assertEquals(1, d.testSamples().size());
    }

    @Test
    void nineByNineTokensStayInsideTheVocabularyAndNeverUsePad() {
        List<SudokuConverter.Rejected> rejected = new ArrayList<>();
        SudokuDataset d = new SudokuDataset(SudokuConverter.solveAll(
                SharedData.firstPuzzles(SharedData.MAGICTOUR, 20), "magictour", rejected));
        assertEquals(11, d.task().vocabSize());
        for (int i = 0; i < d.size(); i++) {
            Sample s = d.draw(i).sample();
            for (int c = 0; c < 81; c++) {
                assertTrue(s.inputs()[c] >= SudokuTask.BLANK && s.inputs()[c] < 11);
                assertTrue(s.labels()[c] >= 2 && s.labels()[c] < 11);
                if (s.inputs()[c] != SudokuTask.BLANK) assertEquals(s.inputs()[c], s.labels()[c]);
            }
        }
    }

    @Test
    void subsamplingIsSeededAndWithoutReplacement() {
        SudokuDataset a = SIX.subsample(25, 1000);
        SudokuDataset b = SIX.subsample(25, 1000);
        SudokuDataset c = SIX.subsample(25, 1001);
        assertEquals(a.examples(), b.examples());
        assertNotEquals(a.examples(), c.examples());
        assertEquals(25, new HashSet<>(a.examples()).size());
        assertTrue(SIX.examples().containsAll(a.examples()));
        assertEquals(SIX.size(), SIX.subsample(SIX.size(), 3).size());
        TrmException e = assertThrows(TrmException.class, () -> SIX.subsample(41, 0));
        assertTrue(e.getMessage().contains("41") && e.getMessage().contains("40"), e.getMessage());
    }

    @Test
    void streamingSubsampleOfACsvIsSeededDistinctAndInFileOrder(@TempDir Path dir) {
        Path csv = dir.resolve("six.csv");
        SudokuCsv.write(csv, SIX.examples());
        SudokuDataset a = SudokuDataset.loadSubsample(csv, 10, 4);
        assertEquals(a.examples(), SudokuDataset.loadSubsample(csv, 10, 4).examples());
        assertNotEquals(a.examples(), SudokuDataset.loadSubsample(csv, 10, 5).examples());
        assertEquals(10, new HashSet<>(a.examples()).size());
        List<Integer> positions = a.examples().stream().map(SIX.examples()::indexOf).toList();
        assertEquals(positions.stream().sorted().toList(), positions);
        assertFalse(positions.contains(-1));
        assertEquals(SIX.examples(), SudokuDataset.loadSubsample(csv, 40, 4).examples());
        TrmException e = assertThrows(TrmException.class, () -> SudokuDataset.loadSubsample(csv, 41, 4));
        assertTrue(e.getMessage().contains("it has 40"), e.getMessage());
    }

    @Test
    void anEpochVisitsEveryPuzzleOnceInASeededOrder() {
        List<Integer> order = indices(SIX.epoch(7, 0, false));
        assertEquals(SIX.size(), order.size());
        assertEquals(SIX.size(), new HashSet<>(order).size());
        assertEquals(order, indices(SIX.epoch(7, 0, true)));
        assertNotEquals(order, indices(SIX.epoch(7, 1, false)));
        assertNotEquals(order, indices(SIX.epoch(8, 0, false)));
        Iterator<SudokuDataset.Draw> plain = SIX.epoch(7, 0, false);
        SudokuDataset.Draw first = plain.next();
        assertEquals(SIX.get(first.index()), first.example());
    }

    @Test
    void augmentedEpochsAreReproducibleValidAndFreshEachEpoch() {
        List<SudokuExample> epoch0 = examples(SIX.epoch(5, 0, true));
        assertEquals(epoch0, examples(SIX.epoch(5, 0, true)));
        Set<SudokuExample> seen = new HashSet<>(epoch0);
        int repeated = 0;
        for (SudokuExample e : examples(SIX.epoch(5, 1, true))) if (seen.contains(e)) repeated++;
        assertTrue(repeated <= 1, repeated + " samples repeated their augmentation from epoch 0");
        Iterator<SudokuDataset.Draw> it = SIX.epoch(5, 2, true);
        SudokuTask task = SudokuTask.of(SudokuGeometry.SIX);
        while (it.hasNext()) {
            SudokuDataset.Draw s = it.next();
            SudokuExample original = SIX.get(s.index());
            assertTrue(SudokuRules.solves(SudokuGeometry.SIX, s.example().question(), s.example().answer()));
            assertEquals(original.clueCount(), s.example().clueCount());
            assertArrayEquals(task.encode(s.example().question()), s.sample().inputs());
            assertArrayEquals(task.encode(s.example().answer()), s.sample().labels());
        }
        assertFalse(it.hasNext());
    }

    @Test
    void mixedGeometriesAndEmptyListsAreRefused() {
        SudokuExample mini = new SudokuExample(SudokuGeometry.MINI, SudokuText.parse("1.3.3.1.2.4.4.2."),
                SudokuText.parse("1234341221434321"), 0, "hand");
        assertThrows(TrmException.class, () -> new SudokuDataset(List.of(mini, SIX.get(0))));
        assertThrows(TrmException.class, () -> new SudokuDataset(List.of()));
    }

    private static List<Integer> indices(Iterator<SudokuDataset.Draw> it) {
        List<Integer> out = new ArrayList<>();
        it.forEachRemaining(s -> out.add(s.index()));
        return out;
    }

    private static List<SudokuExample> examples(Iterator<SudokuDataset.Draw> it) {
        List<SudokuExample> out = new ArrayList<>();
        it.forEachRemaining(s -> out.add(s.example()));
        return out;
    }
}
