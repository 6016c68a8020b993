package trm.trainer.data.maze;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import trm.engine.TrmException;
import trm.trainer.data.Dihedral;

/** Property tests: the 8 transforms keep every maze's label its unique shortest path, and undo. */
class MazeAugmentationTest {
    @Test
    void everyTransformKeepsTheAnswerTheUniqueShortestPath() {
        List<MazeExample> mazes = new ArrayList<>();
        mazes.addAll(MazeGenerator.generate(8, 8, 30, MazeGenerator.Target.minPath(12), 1, "8"));
        mazes.addAll(MazeGenerator.generate(10, 10, 30, MazeGenerator.Target.minPath(20), 2, "10"));
        mazes.addAll(MazeGenerator.generate(30, 30, 4, MazeGenerator.Target.minPath(111), 3, "30"));
        mazes.addAll(MazeGenerator.generate(6, 9, 20, MazeGenerator.Target.minPath(10), 4, "6x9"));
        for (MazeExample e : mazes) {
            for (Dihedral t : Dihedral.values()) {
                MazeExample seen = e.transformed(t); // the constructor re-checks the shortest path
                MazeGeneratorTest.assertLabelIsTheUniqueShortestPath(seen, e.rating());
                assertEquals(e.rating(), seen.rating());
                assertEquals(e, seen.transformed(t.inverse()), t + " then its inverse");
            }
        }
    }

    @Test
    void epochsAreSeededAndUseAllEightTransforms() {
        MazeDataset data = new MazeDataset(MazeGenerator.generate(8, 8, 40, MazeGenerator.Target.minPath(12), 5, "8"));
        Set<Dihedral> used = EnumSet.noneOf(Dihedral.class);
        for (int epoch = 0; epoch < 3; epoch++) {
            Iterator<MazeDataset.Draw> a = data.epoch(9, epoch, true);
            Iterator<MazeDataset.Draw> b = data.epoch(9, epoch, true);
            boolean[] seen = new boolean[data.size()];
            while (a.hasNext()) {
                MazeDataset.Draw x = a.next();
                MazeDataset.Draw y = b.next();
                assertEquals(x.index(), y.index());
                assertEquals(x.transform(), y.transform());
                assertArrayEquals(x.sample().inputs(), y.sample().inputs());
                used.add(x.transform());
                seen[x.index()] = true;
                MazeExample original = data.get(x.index());
                assertEquals(original, x.example().transformed(x.transform().inverse()));
                assertArrayEquals(MazeDataset.inputTokens(x.example()), x.sample().inputs());
                assertArrayEquals(MazeDataset.labelTokens(x.example()), x.sample().labels());
            }
            for (boolean s : seen) assertEquals(true, s, "every maze once per epoch");
        }
        assertEquals(EnumSet.allOf(Dihedral.class), used);
        Iterator<MazeDataset.Draw> plain = data.epoch(9, 0, false);
        while (plain.hasNext()) assertEquals(Dihedral.IDENTITY, plain.next().transform());
    }

    @Test
    void tokensAreTheIndexInTheCellStringPlusOne() {
        MazeExample e = new MazeExample(4, 4, Mazes.cells(Mazes.WINDING_QUESTION), Mazes.cells(Mazes.WINDING_ANSWER), 6, "t");
        // '#' 1, ' ' 2, 'S' 3, 'G' 4, 'o' 5 (index in "# SGo" + 1)
        assertArrayEquals(new int[] {3, 2, 2, 1, 1, 1, 2, 1, 1, 2, 2, 1, 1, 4, 1, 1}, MazeDataset.inputTokens(e));
        assertArrayEquals(new int[] {3, 5, 5, 1, 1, 1, 5, 1, 1, 5, 5, 1, 1, 4, 1, 1}, MazeDataset.labelTokens(e));
        assertEquals(6, new MazeDataset(List.of(e)).vocabSize());
        assertArrayEquals(new int[] {-1, 0, 4, -1}, MazeDataset.cellsOfTokens(new int[] {0, 1, 5, 6}));
    }

    @Test
    void augmentationRefusesNonSquareMazesAndMixedSizes() {
        MazeDataset wide = new MazeDataset(MazeGenerator.generate(6, 9, 2, MazeGenerator.Target.minPath(8), 4, "w"));
        TrmException e = assertThrows(TrmException.class, () -> wide.epoch(1, 0, true));
        assertEquals("dihedral augmentation needs square mazes; these are 6x9", e.getMessage());
        List<MazeExample> mixed = new ArrayList<>(wide.examples());
        mixed.add(new MazeExample(4, 4, Mazes.cells(Mazes.WINDING_QUESTION), Mazes.cells(Mazes.WINDING_ANSWER), 6, "t"));
        TrmException m = assertThrows(TrmException.class, () -> new MazeDataset(mixed));
        assertEquals("maze 2 is 4x4 but the dataset is 6x9", m.getMessage());
    }
}
