package trm.trainer.data.maze;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import trm.trainer.data.Dihedral;

class MazeCanonTest {
    @Test
    void aMazeAndItsImagesShareOneKeyAndOthersDoNot() {
        List<MazeExample> mazes = MazeGenerator.generate(8, 8, 50, MazeGenerator.Target.minPath(12), 11, "8");
        Set<String> keys = new HashSet<>();
        for (MazeExample e : mazes) {
            for (Dihedral t : Dihedral.values()) assertEquals(MazeCanon.key(e), MazeCanon.key(e.transformed(t)), t.toString());
            keys.add(MazeCanon.key(e));
        }
        assertEquals(50, keys.size(), "generated 8x8 mazes differ");
        assertNotEquals(MazeCanon.key(mazes.get(0)), MazeCanon.key(mazes.get(1)));
        // Non-square: a 6x9 maze and its 9x6 images have one key too.
        MazeExample wide = MazeGenerator.generate(6, 9, 1, MazeGenerator.Target.minPath(8), 2, "w").getFirst();
        for (Dihedral t : Dihedral.values()) assertEquals(MazeCanon.key(wide), MazeCanon.key(wide.transformed(t)));
    }

    @Test
    void heldOutDropsTransformedCopiesOfTrainingMazesAndRepeats() {
        List<MazeExample> train = MazeGenerator.generate(8, 8, 20, MazeGenerator.Target.minPath(12), 1, "train");
        List<MazeExample> fresh = MazeGenerator.generate(8, 8, 10, MazeGenerator.Target.minPath(12), 2, "test");
        List<MazeExample> candidates = new ArrayList<>(fresh);
        candidates.add(2, train.get(3).transformed(Dihedral.ROTATE_90));
        candidates.add(train.get(7).transformed(Dihedral.ANTI_TRANSPOSE));
        candidates.add(fresh.get(4).transformed(Dihedral.FLIP_UP_DOWN));
        assertEquals(2, MazeCanon.overlap(train, candidates), "two transformed copies of training mazes");
        assertEquals(fresh, MazeCanon.heldOut(train, candidates));
        assertEquals(0, MazeCanon.overlap(train, MazeCanon.heldOut(train, candidates)));
    }
}
