package trm.trainer.data.sudoku;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import trm.trainer.data.Seeds;

class SudokuAugmentationTest {
    private static final int SEEDS = 25;

    /** Real hard 9×9 puzzles (when the shared data is there) plus generated puzzles of every size. */
    private static List<SudokuExample> puzzles() {
        List<SudokuExample> examples = new ArrayList<>();
        examples.addAll(new SudokuGenerator(SudokuGeometry.MINI, 1).generate(6, SudokuGenerator.Target.any(), "gen"));
        examples.addAll(new SudokuGenerator(SudokuGeometry.SIX, 2).generate(6, SudokuGenerator.Target.any(), "gen"));
        examples.addAll(new SudokuGenerator(SudokuGeometry.CLASSIC, 3).generate(4, SudokuGenerator.Target.any(), "gen"));
        return examples;
    }

    private static List<SudokuExample> realPuzzles() {
        List<SudokuConverter.Rejected> rejected = new ArrayList<>();
        List<SudokuExample> real = SudokuConverter.solveAll(SharedData.firstPuzzles(SharedData.FORUM_HARDEST, 12), "forum", rejected);
        assertEquals(List.of(), rejected);
        return real;
    }

    @Test
    void augmentedPuzzlesAreValidUniquelySolvedByTheAugmentedAnswerWithTheSameClueCount() {
        checkProperty(puzzles());
    }

    @Test
    void sameOnRealHardPuzzles() {
        checkProperty(realPuzzles());
    }

    private static void checkProperty(List<SudokuExample> examples) {
        for (SudokuExample original : examples) {
            SudokuGeometry g = original.geometry();
            SudokuSolver solver = new SudokuSolver(g);
            int unchanged = 0;
            for (long seed = 0; seed < SEEDS; seed++) {
                SudokuAugmentation aug = SudokuAugmentation.random(g, Seeds.random(seed));
                SudokuExample e = aug.apply(original);
                String why = original + " with " + aug;
                assertTrue(SudokuRules.cluesConsistent(g, e.question()), why);
                assertTrue(SudokuRules.solves(g, e.question(), e.answer()), why);
                SolveResult r = solver.solve(e.question());
                assertEquals(SolveResult.Outcome.UNIQUE, r.outcome(), why);
                assertArrayEquals(e.answer(), r.solution(), why);
                assertEquals(original.clueCount(), e.clueCount(), why);
                assertEquals(original.rating(), e.rating());
                assertEquals(original.source(), e.source());
                if (Arrays.equals(original.question(), e.question())) unchanged++;
            }
            assertTrue(unchanged <= 1, unchanged + " of " + SEEDS + " augmentations left " + original + " unchanged");
        }
    }

    @Test
    void everyPartOfTheTransformIsUsedAndTransposeOnlyForSquareBoxes() {
        for (SudokuGeometry g : new SudokuGeometry[] {SudokuGeometry.MINI, SudokuGeometry.SIX, SudokuGeometry.CLASSIC}) {
            int transposed = 0;
            Set<String> rowOrders = new HashSet<>();
            Set<String> colOrders = new HashSet<>();
            Set<String> digitMaps = new HashSet<>();
            for (long seed = 0; seed < 200; seed++) {
                SudokuAugmentation a = SudokuAugmentation.random(g, Seeds.random(seed));
                if (a.transpose()) transposed++;
                rowOrders.add(Arrays.toString(a.rowOrder()));
                colOrders.add(Arrays.toString(a.colOrder()));
                digitMaps.add(Arrays.toString(a.digitMap()));
            }
            if (g.boxesSquare()) {
                assertTrue(transposed > 60 && transposed < 140, g + ": transposed " + transposed + " of 200");
            } else {
                assertEquals(0, transposed, g.toString());
            }
            // bands! · (rows per band)!^bands possible row orders: 8 for 4x4, 48 for 6x6, 1296 for 9x9
            long possibleRows = factorial(g.bandCount()) * pow(factorial(g.boxRows()), g.bandCount());
            long possibleCols = factorial(g.stackCount()) * pow(factorial(g.boxCols()), g.stackCount());
            assertTrue(rowOrders.size() >= Math.min(possibleRows, 30), g + " row orders " + rowOrders.size());
            assertTrue(colOrders.size() >= Math.min(possibleCols, 30), g + " column orders " + colOrders.size());
            assertTrue(digitMaps.size() >= Math.min(factorial(g.size()), 100), g + " digit maps " + digitMaps.size());
        }
    }

    private static long factorial(int k) {
        return k <= 1 ? 1 : k * factorial(k - 1);
    }

    private static long pow(long base, int exponent) {
        long result = 1;
        for (int i = 0; i < exponent; i++) result *= base;
        return result;
    }

    @Test
    void blanksStayBlankAndTheIdentityChangesNothing() {
        SudokuExample e = puzzles().get(7);
        assertEquals(e, SudokuAugmentation.identity(e.geometry()).apply(e));
        assertTrue(SudokuAugmentation.identity(e.geometry()).isIdentity());
        SudokuAugmentation a = SudokuAugmentation.random(e.geometry(), Seeds.random(4));
        assertEquals(0, a.digitMap()[0]);
        int blanks = e.geometry().cellCount() - e.clueCount();
        assertEquals(blanks, (int) Arrays.stream(a.apply(e).question()).filter(v -> v == 0).count());
    }

    @Test
    void ordersThatSplitBandsAreRefused() {
        SudokuGeometry g = SudokuGeometry.MINI;
        int[] digits = {0, 1, 2, 3, 4};
        int[] ok = {0, 1, 2, 3};
        int[] splitsBands = {0, 2, 1, 3};
        assertThrows(IllegalArgumentException.class, () -> new SudokuAugmentation(g, digits, false, splitsBands, ok));
        assertThrows(IllegalArgumentException.class, () -> new SudokuAugmentation(g, digits, false, ok, splitsBands));
        assertThrows(IllegalArgumentException.class,
                () -> new SudokuAugmentation(SudokuGeometry.SIX, new int[] {0, 1, 2, 3, 4, 5, 6}, true,
                        new int[] {0, 1, 2, 3, 4, 5}, new int[] {0, 1, 2, 3, 4, 5}));
        assertFalse(new SudokuAugmentation(g, new int[] {0, 2, 1, 3, 4}, false, ok, ok).isIdentity());
    }
}
