package trm.trainer.data.sudoku;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import trm.engine.TrmException;

class SudokuTaskTest {
    private static final SudokuTask MINI = SudokuTask.of(SudokuGeometry.MINI);

    @Test
    void tokensAreValuePlusOneBothWays() {
        assertArrayEquals(new int[] {2, 1, 4, 1, 4, 1, 2, 1, 3, 1, 5, 1, 5, 1, 3, 1}, MINI.encode(SudokuText.parse("1.3.3.1.2.4.4.2.")));
        assertArrayEquals(new int[] {2, 3, 4, 5, 4, 5, 2, 3, 3, 2, 5, 4, 5, 4, 3, 2}, MINI.encode(SudokuText.parse(Grids.MINI_SOLUTION)));
        int[] answer = SudokuText.parse(Grids.MINI_SOLUTION);
        assertArrayEquals(answer, MINI.decode(MINI.encode(answer)));
        assertArrayEquals(new int[] {0, 0, 1}, MINI.decode(new int[] {SudokuTask.PAD, SudokuTask.BLANK, 2}), "PAD and blank read as blank");
        assertEquals(11, SudokuTask.of(SudokuGeometry.CLASSIC).vocabSize());
        assertEquals(6, MINI.vocabSize());
        assertEquals(16, MINI.seqLen());
        assertSame(MINI, SudokuTask.forCellCountOrNull(16));
        assertNull(SudokuTask.forCellCountOrNull(17));
    }

    @Test
    void puzzlesAreParsedAndCheckedForThisGeometry(@TempDir Path dir) throws Exception {
        assertArrayEquals(SudokuText.parse("2..4..3..1..4..2"), MINI.parse("2..4..3..1..4..2"));
        assertMessage("'x'", () -> MINI.parse("2..4..3..1..4..x"));
        assertMessage("not a Sudoku", () -> MINI.parse("1..4"));
        assertMessage("invalid puzzle: digit 1 appears twice in row 1", () -> MINI.parse("11.............."));
        assertMessage("model solves 4×4 grids (16 cells)", () -> MINI.parse("1" + ".".repeat(80)));
        Path file = dir.resolve("p.txt");
        Files.writeString(file, "# two\n2..4..3..1..4..2\n................\n2..4..3..1..4..2\n");
        assertEquals(2, MINI.readPuzzles(file, 2).size());
        Files.writeString(file, "2..4..3..1..4..2\n11..............\n");
        assertMessage("p.txt:2: invalid puzzle", () -> MINI.readPuzzles(file, 10));
    }

    @Test
    void answersAreRenderedAndJudged() {
        int[] q = SudokuText.parse("1.3..4.22..3..2."), answer = SudokuText.parse(Grids.MINI_SOLUTION);
        assertNull(MINI.whyNotSolved(q, answer));
        int[] repeats = SudokuText.parse("2134341221434321");
        assertTrue(MINI.whyNotSolved(q, repeats).startsWith("4 cells are blank or repeat a digit"), MINI.whyNotSolved(q, repeats));
        int[] relabelled = SudokuText.parse("2134342112434312"); // valid, but not this puzzle's
        assertTrue(MINI.whyNotSolved(q, relabelled).contains("clue"), MINI.whyNotSolved(q, relabelled));
        assertNull(MINI.noteOnPuzzle(q));
        assertTrue(MINI.noteOnPuzzle(new int[16]).contains("several solutions"));
        assertTrue(MINI.noteOnPuzzle(SudokuText.parse("2..4..3..1..4..2")).contains("no solution"));
        assertEquals("""
                 1  2  | 3  4\s
                 3  4  | 1  2\s
                -------+------
                 2  1  | 4  3\s
                 4  3  | 2  1\s""", MINI.render(answer, null));
        String marked = MINI.render(answer, q);
        assertEquals(9, marked.chars().filter(c -> c == '*').count(), "every filled blank is marked:\n" + marked);
    }

    static void assertMessage(String expected, Runnable r) {
        TrmException e = assertThrows(TrmException.class, r::run);
        assertTrue(e.getMessage().contains(expected), "message '" + e.getMessage() + "' lacks '" + expected + "'");
    }
}
