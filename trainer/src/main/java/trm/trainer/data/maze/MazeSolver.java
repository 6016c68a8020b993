package trm.trainer.data.maze;

import java.util.Arrays;

/**
 * The exact solver: breadth-first search from S over the passable cells (all but walls; moves
 * up, down, left, right). It gives the shortest path's length in steps (the rating), the number
 * of distinct shortest paths (counted along the search, saturating at a cap), and one shortest
 * path. The path is the only right answer exactly when the count is 1.
 *
 * <p>Cost: one pass over the cells, O(height·width). An instance keeps its buffers for one grid
 * size and is not thread-safe.
 */
public final class MazeSolver {
    private static final int WALL = MazeCell.WALL.code();
    private static final int START = MazeCell.START.code();
    private static final int GOAL = MazeCell.GOAL.code();

    /** Counts of shortest paths stop growing here: "at least this many". */
    public static final int DEFAULT_COUNT_CAP = 1000;

    private final int height;
    private final int width;
    private final int countCap;
    private final int[] dist;
    private final int[] count;
    private final int[] queue;
    private int reached;

    /**
     * The result of one solve.
     *
     * @param length    steps of the shortest S→G path (path cells + 1), or -1 when G cannot be reached
     * @param pathCount distinct shortest paths, capped at the solver's cap (0 when unreachable)
     * @param path      the cell indices (row-major) of one shortest path, S first and G last; empty when unreachable
     */
    public record Solution(int length, int pathCount, int[] path) {
        public Solution {
            path = path.clone();
        }

        public boolean solvable() { return length >= 0; }

        /** True when exactly one shortest path exists. */
        public boolean unique() { return pathCount == 1; }

        @Override
        public int[] path() { return path.clone(); }
    }

    public MazeSolver(int height, int width) {
        this(height, width, DEFAULT_COUNT_CAP);
    }

    public MazeSolver(int height, int width, int countCap) {
        if (height < 1 || width < 1) throw new IllegalArgumentException("maze sides must be positive: " + height + "x" + width);
        if (countCap < 1) throw new IllegalArgumentException("count cap must be positive: " + countCap);
        this.height = height;
        this.width = width;
        this.countCap = countCap;
        this.dist = new int[height * width];
        this.count = new int[height * width];
        this.queue = new int[height * width];
    }

    public int height() { return height; }

    public int width() { return width; }

    /**
     * Solves a maze (cell codes, row-major; PATH cells count as open, so an answer can be solved
     * too).
     *
     * @throws IllegalArgumentException when the grid has the wrong size or not exactly one S and one G
     */
    public Solution solve(int[] cells) {
        int start = only(cells, START, "S");
        int goal = only(cells, GOAL, "G");
        search(cells, start);
        if (dist[goal] < 0) return new Solution(-1, 0, new int[0]);
        return new Solution(dist[goal], count[goal], pathTo(goal));
    }

    /**
     * Breadth-first search from {@code source} over every passable cell: afterwards
     * {@link #distance} and {@link #pathCount} hold, for every cell, the steps from the source (-1
     * if unreachable) and the number of shortest paths (capped). Returns how many cells were
     * reached, source included.
     */
    public int search(int[] cells, int source) {
        if (cells.length != dist.length) {
            throw new IllegalArgumentException("a " + height + "x" + width + " maze needs " + dist.length + " cells, got " + cells.length);
        }
        Arrays.fill(dist, -1);
        Arrays.fill(count, 0);
        int head = 0;
        int tail = 0;
        dist[source] = 0;
        count[source] = 1;
        queue[tail++] = source;
        while (head < tail) {
            int cell = queue[head++];
            int r = cell / width;
            int c = cell - r * width;
            int next = dist[cell] + 1;
            int paths = count[cell];
            if (r > 0) tail = visit(cells, cell - width, next, paths, tail);
            if (r + 1 < height) tail = visit(cells, cell + width, next, paths, tail);
            if (c > 0) tail = visit(cells, cell - 1, next, paths, tail);
            if (c + 1 < width) tail = visit(cells, cell + 1, next, paths, tail);
        }
        reached = tail;
        return tail;
    }

    private int visit(int[] cells, int n, int d, int paths, int tail) {
        if (cells[n] == WALL) return tail;
        if (dist[n] < 0) {
            dist[n] = d;
            count[n] = paths;
            queue[tail++] = n;
        } else if (dist[n] == d) {
            count[n] = (int) Math.min((long) count[n] + paths, countCap);
        }
        return tail;
    }

    /** Steps from the last search's source to {@code cell}, -1 if unreachable. */
    public int distance(int cell) { return dist[cell]; }

    /** Shortest paths from the last search's source to {@code cell}, capped. */
    public int pathCount(int cell) { return count[cell]; }

    /** The cells the last search reached, in breadth-first order (source first). */
    public int reachedCell(int i) {
        if (i < 0 || i >= reached) throw new IndexOutOfBoundsException(i);
        return queue[i];
    }

    /**
     * One shortest path from the last search's source to {@code target} (source first), walking
     * back through cells one step closer; the first such neighbour in the order up, down, left,
     * right is taken, so the choice is deterministic.
     */
    public int[] pathTo(int target) {
        int d = dist[target];
        if (d < 0) throw new IllegalArgumentException("cell " + target + " was not reached");
        int[] path = new int[d + 1];
        int cell = target;
        for (int i = d; i > 0; i--) {
            path[i] = cell;
            cell = previous(cell);
        }
        path[0] = cell;
        return path;
    }

    private int previous(int cell) {
        int r = cell / width;
        int c = cell - r * width;
        int want = dist[cell] - 1;
        if (r > 0 && dist[cell - width] == want) return cell - width;
        if (r + 1 < height && dist[cell + width] == want) return cell + width;
        if (c > 0 && dist[cell - 1] == want) return cell - 1;
        return cell + 1; // BFS guarantees one neighbour is a step closer
    }

    private int only(int[] cells, int code, String name) {
        if (cells.length != dist.length) {
            throw new IllegalArgumentException("a " + height + "x" + width + " maze needs " + dist.length + " cells, got " + cells.length);
        }
        int found = -1;
        for (int i = 0; i < cells.length; i++) {
            if (cells[i] == code) {
                if (found >= 0) throw new IllegalArgumentException("more than one " + name);
                found = i;
            }
        }
        if (found < 0) throw new IllegalArgumentException("no " + name);
        return found;
    }
}
