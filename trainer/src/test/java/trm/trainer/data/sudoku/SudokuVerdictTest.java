package trm.trainer.data.sudoku;

import org.junit.jupiter.api.Test;
import trm.trainer.data.sudoku.SudokuVerdict.ChangedGiven;
import trm.trainer.data.sudoku.SudokuVerdict.NoDigit;
import trm.trainer.data.sudoku.SudokuVerdict.Repeat;
import trm.trainer.data.sudoku.SudokuVerdict.Unit;

import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The verdict on constructed answers (never on a model's): every conflict found, named with its unit and cells. */
class SudokuVerdictTest {
    private static final SudokuGeometry G = SudokuGeometry.CLASSIC;
    private static final SudokuExample EX = new SudokuGenerator(G, 7).generate(SudokuGenerator.Target.any(), "t");

    @Test
    void validSolutionHasNoProblem() {
        SudokuVerdict v = SudokuVerdict.of(G, EX.question(), EX.answer());
        assertTrue(v.valid());
        assertEquals("valid solution", v.summary());
        assertEquals(0, v.conflictCells().length);
    }

    /** r1c1 takes r1c2's digit d: d repeats in row 1, box 1 and in column 1 where d already is. */
    @Test
    void repeatNamesRowColumnBoxAndCells() {
        int[] q = EX.answer(); // every cell given: so the change is also a changed given
        int[] a = EX.answer();
        int d = a[1], old = a[0];
        a[0] = d;
        int rowOfDInColumn1 = -1;
        for (int r = 1; r < 9; r++) if (a[r * 9] == d) rowOfDInColumn1 = r;
        SudokuVerdict v = SudokuVerdict.of(G, q, a);
        assertEquals(List.of(new ChangedGiven(0, old, d), new Repeat(Unit.ROW, 0, d, new int[] {0, 1}),
                new Repeat(Unit.COLUMN, 0, d, new int[] {0, rowOfDInColumn1 * 9}),
                new Repeat(Unit.BOX, 0, d, new int[] {0, 1})), v.problems());
        assertEquals("changed given: r1c1 is " + d + ", the puzzle gives " + old, v.lines().get(0));
        assertEquals("row 1: digit " + d + " at r1c1, r1c2", v.lines().get(1));
        assertEquals("column 1: digit " + d + " at r1c1, r" + (rowOfDInColumn1 + 1) + "c1", v.lines().get(2));
        assertEquals("box 1: digit " + d + " at r1c1, r1c2", v.lines().get(3));
        assertArrayEquals(new int[] {0, 1, rowOfDInColumn1 * 9}, v.conflictCells());
        assertEquals("3 repeated digits in rows, columns or boxes, 1 changed given; 3 cells in conflict", v.summary());
    }

    @Test
    void blankCellIsNamed() {
        int[] a = EX.answer();
        a[80] = 0;
        SudokuVerdict v = SudokuVerdict.of(G, EX.question(), a);
        assertTrue(v.problems().contains(new NoDigit(80)), v.problems().toString());
        assertTrue(v.lines().contains("no digit: r9c9"), v.lines().toString());
    }

    /** Agrees with SudokuRules.solves on random corruptions of valid answers, in every geometry; each named cell really conflicts. */
    @Test
    void agreesWithTheRulesOnRandomAnswers() {
        Random rnd = new Random(3);
        for (SudokuGeometry g : List.of(SudokuGeometry.MINI, SudokuGeometry.SIX, SudokuGeometry.CLASSIC)) {
            List<SudokuExample> exs = new SudokuGenerator(g, 11).generate(5, SudokuGenerator.Target.any(), "t");
            for (int trial = 0; trial < 200; trial++) {
                SudokuExample ex = exs.get(trial % exs.size());
                int[] a = ex.answer();
                int changes = rnd.nextInt(4);
                for (int k = 0; k < changes; k++) a[rnd.nextInt(a.length)] = rnd.nextInt(g.size() + 1);
                SudokuVerdict v = SudokuVerdict.of(g, ex.question(), a);
                assertEquals(SudokuRules.solves(g, ex.question(), a), v.valid(), SudokuText.format(a));
                for (SudokuVerdict.Problem p : v.problems()) {
                    if (p instanceof Repeat r) {
                        assertTrue(r.cells().length >= 2);
                        for (int c : r.cells()) assertEquals(r.digit(), a[c]);
                    }
                }
            }
        }
    }

    @Test
    void wrongSizeIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> SudokuVerdict.of(G, new int[81], new int[36]));
    }

    /** The trace picture: one panel per step plus the puzzle, rows of four; changed cells on yellow, unchanged on white. */
    @Test
    void tracePictureMarksChangedCells() {
        SudokuGeometry g = SudokuGeometry.MINI;
        SudokuExample ex = new SudokuGenerator(g, 5).generate(SudokuGenerator.Target.any(), "t");
        int[] step1 = ex.question();
        int blank = -1;
        for (int c = 0; c < step1.length; c++) if (step1[c] == 0) { blank = c; break; }
        step1[blank] = ex.answer(blank);
        List<int[]> steps = List.of(step1, ex.answer(), ex.answer(), ex.answer(), ex.answer());
        int px = 20;
        BufferedImage img = SudokuPicture.draw(g, ex.question(), steps, px);
        int gap = px / 2, panelW = 4 * px + gap, panelH = px + 4 * px + gap;
        assertEquals(gap + 4 * panelW, img.getWidth());
        assertEquals(gap + 2 * panelH, img.getHeight()); // 6 panels: two rows
        // Panel 1 (step 1): the filled cell changed (yellow), a given did not (white), sampled at the cell's corner.
        int x0 = gap + panelW, y0 = gap + px;
        assertEquals(0xfde68a, rgb(img, x0 + g.col(blank) * px + 3, y0 + g.row(blank) * px + 3));
        int given = -1;
        for (int c = 0; c < 16; c++) if (ex.question(c) != 0) { given = c; break; }
        assertEquals(0xffffff, rgb(img, x0 + g.col(given) * px + 3, y0 + g.row(given) * px + 3));
        assertFalse(rgb(img, gap + 1, gap + px + 1) == 0xfde68a, "the puzzle panel marks nothing");
    }

    private static int rgb(BufferedImage img, int x, int y) {
        return img.getRGB(x, y) & 0xffffff;
    }
}
