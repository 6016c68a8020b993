package trm.trainer.data.sudoku;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

import trm.engine.TrmException;

class SudokuGeometryTest {
    private static final SudokuGeometry[] ALL = {SudokuGeometry.MINI, SudokuGeometry.SIX, SudokuGeometry.CLASSIC};

    @Test
    void sizesAndLookups() {
        assertEquals(4, SudokuGeometry.MINI.size());
        assertEquals(36, SudokuGeometry.SIX.cellCount());
        assertEquals(3, SudokuGeometry.SIX.bandCount());   // bands of 2 rows
        assertEquals(2, SudokuGeometry.SIX.stackCount());  // stacks of 3 columns
        assertFalse(SudokuGeometry.SIX.boxesSquare());
        assertSame(SudokuGeometry.SIX, SudokuGeometry.of(2, 3));
        assertSame(SudokuGeometry.CLASSIC, SudokuGeometry.forCellCountOrNull(81));
        assertSame(SudokuGeometry.MINI, SudokuGeometry.forSideOrNull(4));
        assertNull(SudokuGeometry.forCellCountOrNull(80));
        TrmException e = assertThrows(TrmException.class, () -> SudokuGeometry.of(3, 2));
        assertTrue(e.getMessage().contains("3x2"), e.getMessage());
    }

    @Test
    void everyUnitHoldsNDistinctCellsAndEveryCellIsInOneRowColumnAndBox() {
        for (SudokuGeometry g : ALL) {
            int n = g.size();
            int[] membership = new int[g.cellCount()];
            for (int[] unit : g.units()) {
                Set<Integer> cells = new HashSet<>();
                for (int c : unit) cells.add(c);
                assertEquals(n, cells.size(), g + " unit has repeated cells");
                for (int c : unit) membership[c]++;
            }
            for (int c = 0; c < g.cellCount(); c++) {
                assertEquals(3, membership[c], g + " cell " + c);
                int[] units = g.unitsOf(c);
                assertTrue(contains(g.units()[units[0]], c) && contains(g.units()[units[1]], c)
                        && contains(g.units()[units[2]], c));
                assertEquals(g.box(c), units[2] - 2 * n);
            }
        }
    }

    @Test
    void boxesAreBoxRowsByBoxColsRectangles() {
        SudokuGeometry g = SudokuGeometry.SIX;
        for (int b = 0; b < g.size(); b++) {
            int[] box = g.units()[2 * g.size() + b];
            Set<Integer> rows = new HashSet<>();
            Set<Integer> cols = new HashSet<>();
            for (int c : box) {
                rows.add(g.row(c));
                cols.add(g.col(c));
            }
            assertEquals(2, rows.size());
            assertEquals(3, cols.size());
        }
    }

    @Test
    void peersAreCellsSharingAUnit() {
        for (SudokuGeometry g : ALL) {
            int n = g.size();
            int expected = 2 * (n - 1) + (n - g.boxRows() - g.boxCols() + 1);
            for (int c = 0; c < g.cellCount(); c++) {
                assertEquals(expected, g.peers(c).length, g + " cell " + c);
                for (int p : g.peers(c)) {
                    assertTrue(g.row(p) == g.row(c) || g.col(p) == g.col(c) || g.box(p) == g.box(c));
                }
            }
        }
        assertEquals(20, SudokuGeometry.CLASSIC.peers(40).length);
    }

    private static boolean contains(int[] a, int v) {
        for (int x : a) if (x == v) return true;
        return false;
    }
}
