package trm.trainer.data.maze;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import java.util.stream.IntStream;

import trm.engine.TrmException;
import trm.trainer.data.Seeds;

/**
 * Makes Maze-Hard-like mazes with a unique shortest path:
 *
 * <ol>
 *   <li>every cell is a wall with probability {@code wallDensity}, independently;
 *   <li>a double sweep (the cell A farthest from a random open cell, then the cell B farthest
 *       from A) finds the two ends of a longest path, nearly always exactly; a layout where A and B
 *       are fewer than {@code minPath} steps apart is redrawn;
 *   <li>S goes on a random cell among those at least {@code minPath} steps from A or from B (the
 *       cells known to have a partner far enough away), then G on a random cell at least
 *       {@code minPath} steps from S;
 *   <li>one shortest S→G path is drawn at random (walking back from G, each step picks one of the
 *       neighbours one step closer to S);
 *   <li>ties are cut: every open cell next to that path, off it, and on some other shortest path
 *       (distance from S + distance from G = the length) becomes a wall. Every other shortest path
 *       has to leave the drawn one through such a cell, so afterwards the drawn path is the only
 *       shortest one; its length is unchanged, since walls only lengthen paths and it is intact.
 *       The result is checked again by the solver.
 * </ol>
 *
 * <p><b>Why unique:</b> the model is trained to mark the path cell by cell and is scored by exact
 * match, so the label must be the only right answer; with two shortest paths, a model that marks
 * the other one would be punished for a correct solution, and equal mazes could carry
 * contradicting labels.
 *
 * <p><b>Why cut ties rather than filter:</b> with independent walls, a path of 100+ steps almost
 * always has equal-length detours (two ways round any open 2×2 square); measured on 30×30, no
 * layout in 100 000 at wall densities 0.30–0.45 had a unique shortest path of 111 steps, so pure
 * rejection would never finish. Cutting adds a few walls along the path and keeps the rest of the
 * layout random.
 *
 * <p>The default wall density ({@value #DEFAULT_WALL_DENSITY}) is near the percolation threshold
 * of the square lattice, where the open cells form long winding corridors and paths longer than
 * 110 steps on 30×30 are common. Everything random comes from the generator given, so a seed fixes
 * the output. Not thread-safe (one instance per thread).
 */
public final class MazeGenerator {
    public static final double DEFAULT_WALL_DENSITY = 0.38;
    private static final int WALL = MazeCell.WALL.code();
    private static final int OPEN = MazeCell.OPEN.code();

    private final int height;
    private final int width;
    private final RandomGenerator random;
    private final MazeSolver fromStart;
    private final MazeSolver fromGoal;
    private final MazeSolver fromEnd;
    private final int[] cells;
    private final int[] candidates;

    /**
     * @param minPath     accept only mazes whose shortest S→G path takes at least this many steps
     *                    (Maze-Hard: 111, i.e. longer than 110)
     * @param wallDensity probability that a cell is a wall, in [0, 1)
     * @param maxAttempts wall layouts tried per maze before giving up with an error
     */
    public record Target(int minPath, double wallDensity, int maxAttempts) {
        public static Target minPath(int minPath) { return new Target(minPath, DEFAULT_WALL_DENSITY, 100_000); }
    }

    public MazeGenerator(int height, int width, RandomGenerator random) {
        if (height < 2 || width < 2) throw new TrmException("a maze needs at least 2x2 cells, got " + height + "x" + width);
        this.height = height;
        this.width = width;
        this.random = random;
        this.fromStart = new MazeSolver(height, width, 2);
        this.fromGoal = new MazeSolver(height, width, 2);
        this.fromEnd = new MazeSolver(height, width, 2);
        this.cells = new int[height * width];
        this.candidates = new int[height * width];
    }

    public MazeGenerator(int side, long seed) {
        this(side, side, Seeds.random(seed));
    }

    /** One maze meeting the target, labelled with its unique shortest path, rated by its length. */
    public MazeExample generate(Target target, String source) {
        check(target);
        int longest = 0;
        int minPath = target.minPath();
        for (int attempt = 0; attempt < target.maxAttempts(); attempt++) {
            int openCount = drawWalls(target.wallDensity());
            if (openCount < 2) continue;
            // Double sweep: the cell farthest from a random cell is one end (A) of a long path; the
            // cell farthest from A is the other end (B). Layouts whose A-B distance is short are
            // dropped after two searches: most layouts are (about 79 in 80 at 30x30, 111 steps).
            int reached = fromStart.search(cells, randomOpenCell(openCount));
            if (reached - 1 < minPath) continue;
            int endA = fromStart.reachedCell(reached - 1);
            reached = fromEnd.search(cells, endA);
            int endB = fromEnd.reachedCell(reached - 1);
            longest = Math.max(longest, fromEnd.distance(endB));
            if (fromEnd.distance(endB) < minPath) continue;
            fromGoal.search(cells, endB);
            int found = 0;
            for (int i = 0; i < reached; i++) {
                int cell = fromEnd.reachedCell(i);
                if (fromEnd.distance(cell) >= minPath || fromGoal.distance(cell) >= minPath) candidates[found++] = cell;
            }
            int start = candidates[random.nextInt(found)];
            reached = fromStart.search(cells, start);
            found = 0;
            for (int i = 1; i < reached; i++) {
                int cell = fromStart.reachedCell(i);
                if (fromStart.distance(cell) >= minPath) candidates[found++] = cell;
            }
            return place(start, candidates[random.nextInt(found)], source);
        }
        throw new TrmException("could not generate a " + height + "x" + width + " maze with a shortest path of at least "
                + minPath + " steps at wall density " + target.wallDensity() + " in " + target.maxAttempts()
                + " wall layouts (longest path seen: " + longest + "); lower --min-path or change the density");
    }

    /** Fills {@link #cells} with independent walls; returns the number of open cells. */
    private int drawWalls(double density) {
        // Four cells per 64 random bits: a cell is a wall when its 16 bits fall below density·2^16.
        int threshold = (int) Math.round(density * 65536);
        int open = 0;
        for (int i = 0; i < cells.length; i += 4) {
            long bits = random.nextLong();
            for (int k = 0; k < 4 && i + k < cells.length; k++) {
                boolean wall = (int) ((bits >>> (16 * k)) & 0xFFFF) < threshold;
                cells[i + k] = wall ? WALL : OPEN;
                if (!wall) open++;
            }
        }
        return open;
    }

    /** S and G on {@link #cells} (searched from S): a random shortest path, its ties cut. */
    private MazeExample place(int start, int goal, String source) {
        int[] path = randomShortestPath(goal);
        int length = path.length - 1;
        int[] question = cells.clone();
        question[start] = MazeCell.START.code();
        question[goal] = MazeCell.GOAL.code();
        fromGoal.search(question, goal);
        boolean[] onPath = new boolean[cells.length];
        for (int cell : path) onPath[cell] = true;
        for (int cell : path) {
            int r = cell / width;
            int c = cell % width;
            if (r > 0) cutTie(question, onPath, cell - width, length);
            if (r + 1 < height) cutTie(question, onPath, cell + width, length);
            if (c > 0) cutTie(question, onPath, cell - 1, length);
            if (c + 1 < width) cutTie(question, onPath, cell + 1, length);
        }
        MazeSolver.Solution check = fromGoal.solve(question);
        if (!check.unique() || check.length() != length) {
            throw new IllegalStateException("tie cutting failed: " + check.pathCount() + " paths of " + check.length()
                    + " steps, expected one of " + length);
        }
        return new MazeExample(height, width, question, MazeRules.answerOf(question, path), length, source);
    }

    /** Walls {@code cell} if it is open, off the path and on another shortest path. */
    private void cutTie(int[] question, boolean[] onPath, int cell, int length) {
        if (onPath[cell] || question[cell] == MazeCell.WALL.code()) return;
        int fromS = fromStart.distance(cell);
        int fromG = fromGoal.distance(cell);
        if (fromS >= 0 && fromG >= 0 && fromS + fromG == length) question[cell] = MazeCell.WALL.code();
    }

    /** Walks back from {@code goal} to the search's source, each step to a random closer neighbour. */
    private int[] randomShortestPath(int goal) {
        int d = fromStart.distance(goal);
        int[] path = new int[d + 1];
        int[] closer = new int[4];
        int cell = goal;
        for (int i = d; i > 0; i--) {
            path[i] = cell;
            int r = cell / width;
            int c = cell % width;
            int n = 0;
            if (r > 0 && fromStart.distance(cell - width) == i - 1) closer[n++] = cell - width;
            if (r + 1 < height && fromStart.distance(cell + width) == i - 1) closer[n++] = cell + width;
            if (c > 0 && fromStart.distance(cell - 1) == i - 1) closer[n++] = cell - 1;
            if (c + 1 < width && fromStart.distance(cell + 1) == i - 1) closer[n++] = cell + 1;
            cell = closer[n == 1 ? 0 : random.nextInt(n)];
        }
        path[0] = cell;
        return path;
    }

    /**
     * {@code count} mazes, maze i drawn from its own seed {@code Seeds.derive(seed, i)}, so the
     * result is the same however many threads make it; runs on every core (the common pool).
     */
    public static List<MazeExample> generate(int height, int width, int count, Target target, long seed, String source) {
        if (count < 0) throw new TrmException("maze count must not be negative, got " + count);
        new MazeGenerator(height, width, Seeds.random(seed)).check(target);
        return IntStream.range(0, count).parallel()
                .mapToObj(i -> new MazeGenerator(height, width, Seeds.random(Seeds.derive(seed, i))).generate(target, source))
                .toList();
    }

    /** {@code count} mazes from consecutive draws of this generator. */
    public List<MazeExample> generate(int count, Target target, String source) {
        if (count < 0) throw new TrmException("maze count must not be negative, got " + count);
        List<MazeExample> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) out.add(generate(target, source));
        return out;
    }

    private int randomOpenCell(int openCount) {
        int k = random.nextInt(openCount);
        for (int i = 0; ; i++) if (cells[i] == OPEN && k-- == 0) return i;
    }

    private void check(Target t) {
        if (t.minPath() < 1) throw new TrmException("minimum path length must be at least 1, got " + t.minPath());
        if (t.minPath() >= height * width) {
            throw new TrmException("a path of " + t.minPath() + " steps cannot fit in " + height + "x" + width + " cells");
        }
        if (!(t.wallDensity() >= 0 && t.wallDensity() < 1)) {
            throw new TrmException("wall density must be in [0, 1), got " + t.wallDensity());
        }
        if (t.maxAttempts() < 1) throw new TrmException("attempts must be at least 1, got " + t.maxAttempts());
    }
}
