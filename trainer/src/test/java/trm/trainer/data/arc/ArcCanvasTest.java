package trm.trainer.data.arc;

import org.junit.jupiter.api.Test;
import trm.engine.TrmException;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The canvas encoding, cell by cell, at the corner cases the issue names, and the reference's crop. */
class ArcCanvasTest {
    static final ArcCanvas C = ArcCanvas.ARC;

    static ArcGrid random(Random r, int h, int w) {
        int[] cells = new int[h * w];
        for (int i = 0; i < cells.length; i++) cells[i] = r.nextInt(10);
        return new ArcGrid(h, w, cells);
    }

    /** The expected token of canvas cell (r, c) for a grid at (row, col), written from the rule. */
    static int expected(ArcGrid g, int row, int col, int r, int c) {
        int gr = r - row, gc = c - col;
        if (gr >= 0 && gr < g.height() && gc >= 0 && gc < g.width()) return g.at(gr, gc) + 2;
        if (gr == g.height() && gc >= 0 && gc < g.width()) return 1; // EOS row under the grid
        if (gc == g.width() && gr >= 0 && gr < g.height()) return 1; // EOS column right of it
        return 0;
    }

    static void assertLayout(ArcGrid g, int row, int col) {
        int[] t = C.encode(g, row, col);
        assertEquals(900, t.length);
        for (int r = 0; r < 30; r++)
            for (int c = 0; c < 30; c++) assertEquals(expected(g, row, col, r, c), t[r * 30 + c], g.height() + "x" + g.width() + " at " + r + "," + c);
    }

    static int count(int[] t, int token) {
        int n = 0;
        for (int x : t) n += x == token ? 1 : 0;
        return n;
    }

    @Test
    void oneByOne() {
        ArcGrid g = new ArcGrid(1, 1, new int[] {7});
        int[] t = C.encode(g);
        assertEquals(9, t[0]);
        assertEquals(1, t[1]);   // EOS column
        assertEquals(1, t[30]);  // EOS row
        assertEquals(0, t[31]);  // the corner stays PAD
        assertEquals(2, count(t, 1));
        assertLayout(g, 0, 0);
        assertLayout(g, 29, 29); // at the far corner neither fits
        assertEquals(0, count(C.encode(g, 29, 29), 1));
    }

    @Test
    void fullCanvasHasNoEos() {
        ArcGrid g = random(new Random(1), 30, 30);
        int[] t = C.encode(g);
        assertEquals(0, count(t, 1));
        assertEquals(0, count(t, 0));
        assertLayout(g, 0, 0);
    }

    @Test
    void thirtyRowsHaveOnlyAnEosColumn() {
        for (int k : new int[] {1, 7, 29}) {
            ArcGrid g = random(new Random(k), 30, k);
            int[] t = C.encode(g);
            assertEquals(30, count(t, 1), "30x" + k);
            for (int r = 0; r < 30; r++) assertEquals(1, t[r * 30 + k]);
            assertLayout(g, 0, 0);
        }
    }

    @Test
    void thirtyColumnsHaveOnlyAnEosRow() {
        for (int k : new int[] {1, 7, 29}) {
            ArcGrid g = random(new Random(k), k, 30);
            int[] t = C.encode(g);
            assertEquals(30, count(t, 1), k + "x30");
            for (int c = 0; c < 30; c++) assertEquals(1, t[k * 30 + c]);
            assertLayout(g, 0, 0);
        }
    }

    @Test
    void translatedGridsKeepTheirEosAndRefuseTheEdge() {
        Random r = new Random(3);
        for (int i = 0; i < 200; i++) {
            int h = 1 + r.nextInt(30), w = 1 + r.nextInt(30);
            ArcGrid g = random(r, h, w);
            assertLayout(g, r.nextInt(31 - h), r.nextInt(31 - w));
        }
        ArcGrid g = random(r, 3, 4);
        var e = assertThrows(TrmException.class, () -> C.encode(g, 28, 0));
        assertTrue(e.getMessage().contains("off the 30×30 canvas"), e.getMessage());
    }

    @Test
    void decodeInvertsEncodeAtTheTopLeft() {
        Random r = new Random(4);
        for (int i = 0; i < 300; i++) {
            ArcGrid g = random(r, 1 + r.nextInt(30), 1 + r.nextInt(30));
            assertEquals(g, C.decode(C.encode(g)));
        }
    }

    /** The reference's crop on hand-made predictions: rows no wider than the one above, the largest area wins. */
    @Test
    void cropKeepsTheLargestTopLeftRectangle() {
        ArcCanvas small = new ArcCanvas(4);
        // row 0: 3 colours, row 1: 3, row 2: 1 (EOS after one), row 3: 4 (but capped at 1 by the row above)
        int[] t = {
                2, 3, 4, 1,
                5, 6, 7, 0,
                8, 1, 9, 9,
                9, 9, 9, 9};
        // areas: 1×3 = 3, 2×3 = 6, 3×1 = 3, 4×1 = 4 → 2×3
        assertEquals(ArcGrid.of(new int[][] {{0, 1, 2}, {3, 4, 5}}), small.decode(t));
        int[] tall = {
                2, 1, 0, 0,
                3, 1, 0, 0,
                4, 5, 6, 7,
                5, 0, 0, 0};
        assertEquals(ArcGrid.of(new int[][] {{0}, {1}, {2}, {3}}), small.decode(tall)); // 4×1 beats 1×1
        int[] none = new int[16];
        none[1] = 5;
        assertNull(small.decode(none)); // the top-left is PAD: nothing to crop
        assertArrayEquals(new int[] {2, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, small.encode(new ArcGrid(1, 1, new int[] {0})));
    }
}
