package trm.trainer.data.maze;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import trm.engine.TrmException;
import trm.trainer.data.Seeds;

class MazeGeneratorTest {
    @Test
    void hardThirtyByThirtyMazesHaveAUniqueLongPath() {
        List<MazeExample> mazes = MazeGenerator.generate(30, 30, 8, MazeGenerator.Target.minPath(111), 7, "gen");
        for (MazeExample e : mazes) assertLabelIsTheUniqueShortestPath(e, 111);
    }

    @Test
    void smallMazesMeetTheirTarget() {
        MazeGenerator g = new MazeGenerator(10, 3);
        for (MazeExample e : g.generate(100, MazeGenerator.Target.minPath(20), "small")) assertLabelIsTheUniqueShortestPath(e, 20);
    }

    @Test
    void aSeedFixesTheMazesWhateverTheThreads() {
        MazeGenerator.Target target = MazeGenerator.Target.minPath(12);
        List<MazeExample> parallel = MazeGenerator.generate(8, 8, 20, target, 42, "s");
        for (int i = 0; i < parallel.size(); i++) {
            MazeExample alone = new MazeGenerator(8, 8, Seeds.random(Seeds.derive(42, i))).generate(target, "s");
            assertEquals(alone, parallel.get(i));
        }
        assertEquals(parallel, MazeGenerator.generate(8, 8, 20, target, 42, "s"));
        assertNotEquals(parallel, MazeGenerator.generate(8, 8, 20, target, 43, "s"));
    }

    @Test
    void impossibleTargetsSayWhy() {
        TrmException tooLong = assertThrows(TrmException.class, () -> new MazeGenerator(5, 1).generate(MazeGenerator.Target.minPath(25), "x"));
        assertEquals("a path of 25 steps cannot fit in 5x5 cells", tooLong.getMessage());
        TrmException unlucky = assertThrows(TrmException.class,
                () -> new MazeGenerator(5, 1).generate(new MazeGenerator.Target(20, 0.38, 50), "x"));
        assertTrue(unlucky.getMessage().startsWith("could not generate a 5x5 maze with a shortest path of at least 20 steps"), unlucky.getMessage());
        assertThrows(TrmException.class, () -> new MazeGenerator(5, 1).generate(new MazeGenerator.Target(3, 1.0, 5), "x"));
        assertThrows(TrmException.class, () -> new MazeGenerator(5, 1).generate(new MazeGenerator.Target(0, 0.3, 5), "x"));
    }

    static void assertLabelIsTheUniqueShortestPath(MazeExample e, int minPath) {
        MazeSolver.Solution s = new MazeSolver(e.height(), e.width()).solve(e.question());
        assertTrue(s.unique(), "unique shortest path");
        assertTrue(s.length() >= minPath, "path of " + s.length() + " steps");
        assertEquals(s.length(), e.rating());
        assertArrayEquals(MazeRules.answerOf(e.question(), s.path()), e.answer());
    }
}
