package trm.trainer.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;

class DihedralTest {
    /** np.arange(6).reshape(2, 3) through the reference's dihedral_transform, tid 0..7 (numpy's output). */
    private static final int[][] NUMPY = {
            {0, 1, 2, 3, 4, 5},
            {2, 5, 1, 4, 0, 3},
            {5, 4, 3, 2, 1, 0},
            {3, 0, 4, 1, 5, 2},
            {2, 1, 0, 5, 4, 3},
            {3, 4, 5, 0, 1, 2},
            {0, 3, 1, 4, 2, 5},
            {5, 2, 4, 1, 3, 0},
    };

    @Test
    void numberedAsTheReference() {
        int[] grid = {0, 1, 2, 3, 4, 5};
        for (int id = 0; id < 8; id++) {
            Dihedral t = Dihedral.of(id);
            assertEquals(id, t.id());
            assertArrayEquals(NUMPY[id], t.apply(grid, 2, 3), t.toString());
            assertEquals(t.swapsAxes() ? 3 : 2, t.height(2, 3));
            assertEquals(t.swapsAxes() ? 2 : 3, t.width(2, 3));
        }
        assertEquals(List.of(1, 3, 6, 7), java.util.Arrays.stream(Dihedral.values()).filter(Dihedral::swapsAxes).map(Dihedral::id).toList());
    }

    @Test
    void inverseTableIsTheReferences() {
        int[] expected = {0, 3, 2, 1, 4, 5, 6, 7};
        for (int id = 0; id < 8; id++) assertEquals(expected[id], Dihedral.of(id).inverse().id());
    }

    @Test
    void everyInverseRestoresRandomRectangles() {
        Random random = new Random(5);
        for (int trial = 0; trial < 50; trial++) {
            int h = 1 + random.nextInt(7);
            int w = 1 + random.nextInt(7);
            int[] grid = random.ints(h * w, 0, 1000).toArray();
            Set<String> images = new HashSet<>();
            for (Dihedral t : Dihedral.values()) {
                int[] out = t.apply(grid, h, w);
                int oh = t.height(h, w);
                int ow = t.width(h, w);
                assertArrayEquals(grid, t.inverse().apply(out, oh, ow), t + " on " + h + "x" + w);
                for (int i = 0; i < grid.length; i++) {
                    assertEquals(grid[i], out[t.targetIndex(i, h, w)], "targetIndex " + t);
                }
                images.add(oh + "x" + ow + java.util.Arrays.toString(out));
            }
            if (h > 1 && w > 1) assertEquals(8, images.size(), "distinct values give 8 distinct images");
        }
    }

    @Test
    void composesLikeTheGroup() {
        // Rotating by 90° k times is transform k; two flips compose to a half turn.
        int[] grid = new Random(1).ints(12, 0, 100).toArray();
        int[] once = Dihedral.ROTATE_90.apply(grid, 3, 4);
        int[] twice = Dihedral.ROTATE_90.apply(once, 4, 3);
        assertArrayEquals(Dihedral.ROTATE_180.apply(grid, 3, 4), twice);
        assertArrayEquals(Dihedral.ROTATE_270.apply(grid, 3, 4), Dihedral.ROTATE_90.apply(twice, 3, 4));
        int[] flips = Dihedral.FLIP_UP_DOWN.apply(Dihedral.FLIP_LEFT_RIGHT.apply(grid, 3, 4), 3, 4);
        assertArrayEquals(Dihedral.ROTATE_180.apply(grid, 3, 4), flips);
        assertArrayEquals(Dihedral.ANTI_TRANSPOSE.apply(grid, 3, 4),
                Dihedral.FLIP_LEFT_RIGHT.apply(once, 4, 3));
    }

    @Test
    void badInputsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> Dihedral.of(8));
        assertThrows(IllegalArgumentException.class, () -> Dihedral.of(-1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Dihedral.TRANSPOSE.apply(new int[5], 2, 3));
        assertEquals("a 2x3 grid needs 6 cells, got 5", e.getMessage());
    }
}
