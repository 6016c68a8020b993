package trm.trainer.data.sudoku;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** Canonical forms: equal for every augmentation of a puzzle, different for puzzles no augmentation relates. */
class SudokuCanonicalTest {
    @Test
    void everyAugmentationHasTheSameFormAndOthersDiffer() {
        for (SudokuGeometry g : List.of(SudokuGeometry.MINI, SudokuGeometry.SIX)) {
            SudokuCanonical canonical = new SudokuCanonical(g);
            List<SudokuExample> puzzles = new SudokuGenerator(g, 3).generate(6, SudokuGenerator.Target.any(), "t");
            var random = new SplittableRandom(9);
            for (SudokuExample e : puzzles) {
                String form = canonical.of(e.question());
                for (int i = 0; i < 20; i++) {
                    SudokuAugmentation a = SudokuAugmentation.random(g, random);
                    assertEquals(form, canonical.of(a.apply(e.question())), g + ": an augmentation changed the form");
                }
                // a puzzle with one clue fewer (or another clue count) is never equivalent
                int[] fewer = e.question().clone();
                for (int c = 0; c < fewer.length; c++) if (fewer[c] != 0) { fewer[c] = 0; break; }
                assertNotEquals(form, canonical.of(fewer));
            }
            // the grid itself and its relabelling (digits renamed in order of appearance) are the same form
            int[] solved = puzzles.getFirst().answer();
            int[] renamed = solved.clone();
            for (int i = 0; i < renamed.length; i++) renamed[i] = g.size() + 1 - renamed[i];
            assertEquals(canonical.of(solved), canonical.of(renamed));
        }
    }

    /** The row-by-row search equals the definition (every placement tried), and 9×9 augmentations share a form too. */
    @Test
    void theSearchEqualsTryingEveryPlacement() {
        for (SudokuGeometry g : List.of(SudokuGeometry.MINI, SudokuGeometry.SIX, SudokuGeometry.CLASSIC)) {
            SudokuCanonical canonical = new SudokuCanonical(g);
            var random = new SplittableRandom(5);
            List<SudokuExample> puzzles = new SudokuGenerator(g, 4).generate(g.size() == 9 ? 1 : 5, SudokuGenerator.Target.any(), "t");
            for (SudokuExample e : puzzles) {
                String form = canonical.of(e.question());
                assertEquals(canonical.bruteForce(e.question()), form, g.toString());
                if (g.size() < 9) assertEquals(canonical.bruteForce(e.answer()), canonical.of(e.answer()), g + " (a full grid)");
                for (int i = 0; i < 10; i++)
                    assertEquals(form, canonical.of(SudokuAugmentation.random(g, random).apply(e.question())), g + ": augmentation");
            }
        }
    }
}
