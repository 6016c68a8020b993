package trm.trainer.data.sudoku;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import trm.engine.TrmException;
import trm.trainer.data.sudoku.SudokuGenerator.Target;

class SudokuGeneratorTest {
    private static final SudokuGeometry[] ALL = {SudokuGeometry.MINI, SudokuGeometry.SIX, SudokuGeometry.CLASSIC};

    @Test
    void generatedPuzzlesAreUniqueAndMeetTheTargetRating() {
        int[] targets = {0, 1, 3}; // 4x4 puzzles never need a guess; 6x6 and 9x9 sometimes do
        for (int i = 0; i < ALL.length; i++) {
            SudokuGeometry g = ALL[i];
            Target target = new Target(targets[i], 0, 500);
            for (SudokuExample e : new SudokuGenerator(g, 11).generate(4, target, "gen")) {
                SolveResult r = SudokuSolver.solve(g, e.question());
                assertEquals(SolveResult.Outcome.UNIQUE, r.outcome(), e.toString());
                assertTrue(java.util.Arrays.equals(e.answer(), r.solution()), e.toString());
                assertEquals(r.rating(), e.rating());
                assertTrue(e.rating() >= target.minRating(), e.toString());
                assertTrue(e.clueCount() < g.cellCount(), e.toString());
            }
        }
    }

    @Test
    void removalStopsAtTheClueFloor() {
        for (SudokuGeometry g : ALL) {
            // half the cells is far above the usual minimal clue counts, so removal reaches the floor
            int floor = g.cellCount() / 2;
            SudokuExample e = new SudokuGenerator(g, 5).generate(new Target(0, floor, 1), "gen");
            assertEquals(floor, e.clueCount(), g.toString());
            assertTrue(SudokuSolver.solve(g, e.question()).isUnique());
        }
    }

    @Test
    void theSameSeedGivesTheSamePuzzles() {
        for (SudokuGeometry g : ALL) {
            List<SudokuExample> a = new SudokuGenerator(g, 99).generate(3, Target.any(), "gen");
            List<SudokuExample> b = new SudokuGenerator(g, 99).generate(3, Target.any(), "gen");
            List<SudokuExample> c = new SudokuGenerator(g, 100).generate(3, Target.any(), "gen");
            assertEquals(a, b);
            assertNotEquals(a, c);
        }
    }

    @Test
    void anUnreachableRatingIsAClearError() {
        SudokuGenerator mini = new SudokuGenerator(SudokuGeometry.MINI, 1);
        TrmException e = assertThrows(TrmException.class, () -> mini.generate(new Target(5, 0, 20), "gen"));
        assertTrue(e.getMessage().contains("rating >= 5") && e.getMessage().contains("20 attempts"), e.getMessage());
    }

    @Test
    void badTargetsAreUserErrors() {
        SudokuGenerator g = new SudokuGenerator(SudokuGeometry.SIX, 1);
        assertThrows(TrmException.class, () -> g.generate(new Target(-1, 0, 1), "gen"));
        assertThrows(TrmException.class, () -> g.generate(new Target(0, 37, 1), "gen"));
        assertThrows(TrmException.class, () -> g.generate(new Target(0, 0, 0), "gen"));
    }
}
