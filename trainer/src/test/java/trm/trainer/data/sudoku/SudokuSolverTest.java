package trm.trainer.data.sudoku;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import trm.trainer.data.Seeds;
import trm.trainer.data.sudoku.SolveResult.Outcome;

class SudokuSolverTest {
    private static final SudokuGeometry[] ALL = {SudokuGeometry.MINI, SudokuGeometry.SIX, SudokuGeometry.CLASSIC};

    @Test
    void solvesHardRealPuzzlesUniquelyAndTheSolutionKeepsTheRules() {
        List<LinePuzzle> puzzles = new java.util.ArrayList<>(SharedData.firstPuzzles(SharedData.MAGICTOUR, 150));
        puzzles.addAll(SharedData.firstPuzzles(SharedData.FORUM_HARDEST, 100));
        SudokuSolver solver = new SudokuSolver(SudokuGeometry.CLASSIC);
        int guessed = 0;
        for (LinePuzzle p : puzzles) {
            SolveResult r = solver.solve(p.question());
            assertEquals(Outcome.UNIQUE, r.outcome(), p.toString());
            assertTrue(SudokuRules.isValidSolution(p.geometry(), r.solution()), p.toString());
            assertNull(SudokuRules.agreementProblem(p.geometry(), p.question(), r.solution()), p.toString());
            if (r.backtracks() > 0) guessed++;
        }
        assertTrue(guessed > puzzles.size() / 2, "hard collections should need guesses, only " + guessed + " did");
    }

    @Test
    void sergBenchmarkPuzzlesHaveSeveralSolutions() {
        SudokuSolver solver = new SudokuSolver(SudokuGeometry.CLASSIC);
        for (LinePuzzle p : SharedData.firstPuzzles(SharedData.SERG, 40)) {
            SolveResult r = solver.solve(p.question());
            assertEquals(Outcome.MULTIPLE, r.outcome(), p.toString());
            assertTrue(SudokuRules.solves(p.geometry(), p.question(), r.solution()));
        }
    }

    @Test
    void emptyGridsHaveManySolutions() {
        for (SudokuGeometry g : ALL) {
            SolveResult r = SudokuSolver.solve(g, new int[g.cellCount()]);
            assertEquals(Outcome.MULTIPLE, r.outcome(), g.toString());
            assertTrue(SudokuRules.isValidSolution(g, r.solution()));
        }
    }

    @Test
    void aSwappableRectangleIsAmbiguous() {
        SudokuGeometry g = SudokuGeometry.MINI;
        int[] q = SudokuText.parse(Grids.MINI_SOLUTION);
        // 1 and 2 at (r1,c1) (r1,c2) (r3,c1) (r3,c2) can be swapped without breaking a unit
        for (int cell : new int[] {g.cell(0, 0), g.cell(0, 1), g.cell(2, 0), g.cell(2, 1)}) q[cell] = 0;
        assertEquals(Outcome.MULTIPLE, SudokuSolver.solve(g, q).outcome());
    }

    @Test
    void consistentCluesWithoutASolutionAreDetected() {
        SudokuGeometry g = SudokuGeometry.CLASSIC;
        int[] q = new int[81];
        for (int c = 0; c < 8; c++) q[c] = c + 1;  // row 1 holds 1..8, so (1,9) must be 9
        q[g.cell(1, 8)] = 9;                       // but 9 is already in column 9
        assertTrue(SudokuRules.cluesConsistent(g, q));
        SolveResult r = SudokuSolver.solve(g, q);
        assertEquals(Outcome.NO_SOLUTION, r.outcome());
        assertNull(r.solution());
    }

    @Test
    void aDuplicateClueIsInvalidAndUnsolvable() {
        SudokuGeometry g = SudokuGeometry.CLASSIC;
        int[] q = new int[81];
        q[g.cell(0, 2)] = 5;
        q[g.cell(0, 7)] = 5;
        String problem = SudokuRules.cluesProblem(g, q);
        assertNotNull(problem);
        assertTrue(problem.contains("digit 5 appears twice in row 1"), problem);
        SolveResult r = SudokuSolver.solve(g, q);
        assertEquals(Outcome.NO_SOLUTION, r.outcome());
        assertEquals(0, r.backtracks());
    }

    @Test
    void validityOfCompleteGrids() {
        for (SudokuGeometry g : ALL) {
            int[] grid = Grids.pattern(g);
            assertNull(SudokuRules.solutionProblem(g, grid), g.toString());
            int[] swapped = grid.clone();
            swapped[0] = grid[g.size()];          // swap (1,1) and (2,1): rows 1 and 2 now repeat a digit
            swapped[g.size()] = grid[0];
            assertFalse(SudokuRules.isValidSolution(g, swapped), g.toString());
            int[] withBlank = grid.clone();
            withBlank[5] = 0;
            assertTrue(SudokuRules.solutionProblem(g, withBlank).contains("blank"));
        }
    }

    @Test
    void aSingleBlankIsFilledByPropagationWithoutBacktracking() {
        for (SudokuGeometry g : ALL) {
            int[] answer = Grids.pattern(g);
            int[] q = answer.clone();
            q[7] = 0;
            q[g.cellCount() - 1] = 0;
            SolveResult r = SudokuSolver.solve(g, q);
            assertEquals(Outcome.UNIQUE, r.outcome());
            assertArrayEquals(answer, r.solution());
            assertEquals(0, r.backtracks());
        }
    }

    @Test
    void ratingDoesNotDependOnDigitNamesAndRepeatsExactly() {
        SudokuSolver solver = new SudokuSolver(SudokuGeometry.CLASSIC);
        int[] swap = {0, 9, 8, 7, 6, 5, 4, 3, 2, 1}; // renames digit d to 10 - d
        for (LinePuzzle p : SharedData.firstPuzzles(SharedData.MAGICTOUR, 30)) {
            int[] q = p.question();
            int[] renamed = new int[q.length];
            for (int c = 0; c < q.length; c++) renamed[c] = swap[q[c]];
            long first = solver.solve(q).backtracks();
            assertEquals(first, solver.solve(q).backtracks(), "the solver must reset between puzzles");
            assertEquals(first, solver.solve(renamed).backtracks(), p.toString());
        }
    }

    @Test
    void randomSolutionsAreValidAndSeeded() {
        for (SudokuGeometry g : ALL) {
            SudokuSolver solver = new SudokuSolver(g);
            int[] a = solver.randomSolution(new int[g.cellCount()], Seeds.random(7));
            int[] b = solver.randomSolution(new int[g.cellCount()], Seeds.random(7));
            int[] c = solver.randomSolution(new int[g.cellCount()], Seeds.random(8));
            assertTrue(SudokuRules.isValidSolution(g, a));
            assertArrayEquals(a, b);
            assertFalse(java.util.Arrays.equals(a, c), g + ": different seeds gave the same grid");
        }
    }
}
