package trm.trainer.data.maze;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;

class MazeSolverTest {
    @Test
    void windingMazeHasOneShortestPath() {
        MazeSolver.Solution s = new MazeSolver(4, 4).solve(Mazes.cells(Mazes.WINDING_QUESTION));
        assertEquals(6, s.length());
        assertEquals(1, s.pathCount());
        assertTrue(s.unique());
        assertArrayEquals(new int[] {0, 1, 2, 6, 10, 9, 13}, s.path());
        assertArrayEquals(Mazes.cells(Mazes.WINDING_ANSWER), MazeRules.answerOf(Mazes.cells(Mazes.WINDING_QUESTION), s.path()));
    }

    @Test
    void openSquareHasTwoShortestPathsAndBlockedGoalNone() {
        MazeSolver.Solution square = new MazeSolver(2, 2).solve(Mazes.cells("S.", ".G"));
        assertEquals(2, square.length());
        assertEquals(2, square.pathCount());
        assertFalse(square.unique());
        MazeSolver.Solution blocked = new MazeSolver(2, 2).solve(Mazes.cells("S#", "#G"));
        assertFalse(blocked.solvable());
        assertEquals(0, blocked.pathCount());
        assertEquals(0, blocked.path().length);
        // 4x4 fully open, corner to corner: C(6,3) = 20 shortest paths; capped at 7 when asked.
        String[] open = {"S...", "....", "....", "...G"};
        assertEquals(20, new MazeSolver(4, 4).solve(Mazes.cells(open)).pathCount());
        assertEquals(7, new MazeSolver(4, 4, 7).solve(Mazes.cells(open)).pathCount());
    }

    @Test
    void agreesWithExhaustiveSearchOnRandomMazes() {
        Random random = new Random(13);
        for (int trial = 0; trial < 300; trial++) {
            int h = 2 + random.nextInt(4);
            int w = 2 + random.nextInt(4);
            int[] cells = new int[h * w];
            for (int i = 0; i < cells.length; i++) cells[i] = random.nextDouble() < 0.3 ? MazeCell.WALL.code() : MazeCell.OPEN.code();
            int start = random.nextInt(cells.length);
            int goal = (start + 1 + random.nextInt(cells.length - 1)) % cells.length;
            cells[start] = MazeCell.START.code();
            cells[goal] = MazeCell.GOAL.code();
            long[] best = {Long.MAX_VALUE, 0}; // length, count
            walk(cells, h, w, start, goal, new boolean[cells.length], 0, best);
            MazeSolver.Solution s = new MazeSolver(h, w).solve(cells);
            if (best[1] == 0) {
                assertFalse(s.solvable());
                continue;
            }
            assertEquals(best[0], s.length(), "trial " + trial);
            assertEquals(best[1], s.pathCount(), "trial " + trial);
            int[] path = s.path();
            assertEquals(start, path[0]);
            assertEquals(goal, path[path.length - 1]);
            for (int i = 1; i < path.length; i++) {
                int a = path[i - 1];
                int b = path[i];
                assertEquals(1, Math.abs(a / w - b / w) + Math.abs(a % w - b % w), "adjacent steps");
                assertTrue(cells[b] != MazeCell.WALL.code());
            }
        }
    }

    /** Every simple path from cell to goal, keeping the shortest length and how many reach it. */
    private static void walk(int[] cells, int h, int w, int cell, int goal, boolean[] used, int steps, long[] best) {
        if (cell == goal) {
            if (steps < best[0]) {
                best[0] = steps;
                best[1] = 1;
            } else if (steps == best[0]) {
                best[1]++;
            }
            return;
        }
        used[cell] = true;
        int r = cell / w;
        int c = cell % w;
        int[][] moves = {{r - 1, c}, {r + 1, c}, {r, c - 1}, {r, c + 1}};
        for (int[] m : moves) {
            if (m[0] < 0 || m[0] >= h || m[1] < 0 || m[1] >= w) continue;
            int n = m[0] * w + m[1];
            if (!used[n] && cells[n] != MazeCell.WALL.code()) walk(cells, h, w, n, goal, used, steps + 1, best);
        }
        used[cell] = false;
    }
}
