package trm.trainer.data.sudoku;

import java.util.random.RandomGenerator;

/**
 * An exact Sudoku solver: constraint propagation plus depth-first search, exhaustive up to a
 * second solution, so that it proves a solution unique.
 *
 * <p>State: one bit mask of candidate digits per cell (bit d-1 for digit d), copied at each guess.
 * Propagation, repeated until nothing changes: <em>naked singles</em> (a cell with one candidate
 * takes it and removes it from its peers) and <em>hidden singles</em> (a digit with one possible
 * cell in a unit goes there); a cell without candidates, or a unit where some digit has no place,
 * is a contradiction. Search branches on the unfilled cell with the fewest candidates (first such
 * cell in row-major order), trying its digits in increasing order.
 *
 * <p><b>Backtracks</b> (the difficulty rating): the number of guesses — tentative placements of a
 * digit in the branching cell — whose subtree holds no solution, i.e. branches that fail and are
 * undone, counted over the complete search (which continues after the first solution to prove
 * uniqueness). A puzzle solved by propagation alone has 0. Because the whole tree is explored and
 * the branching cell depends only on candidate counts, the rating of a uniquely solvable puzzle
 * does not depend on how its digits are named. Like tdoku's rating it counts failed guesses, but
 * the numbers are not identical (tdoku propagates more before guessing).
 *
 * <p>An instance keeps its work buffers and is not thread-safe; use one per thread.
 */
public final class SudokuSolver {
    /** Flag on a cell's mask: the cell is filled and its digit removed from its peers. */
    private static final int PLACED = 1 << 16;
    private static final int DIGITS = PLACED - 1;

    private final SudokuGeometry g;
    private final int cells;
    private final int all;
    /** states[d] is the board at search depth d: cells masks then the count of unfilled cells. */
    private final int[][] states;
    private final int[] singles;
    private int singlesCount;

    private int solutionLimit;
    private int solutionsFound;
    private int[] firstSolution;
    private long backtracks;
    private RandomGenerator shuffle;

    public SudokuSolver(SudokuGeometry geometry) {
        this.g = geometry;
        this.cells = geometry.cellCount();
        this.all = geometry.allDigitsMask();
        this.states = new int[cells + 2][cells + 1];
        this.singles = new int[cells];
    }

    public SudokuGeometry geometry() { return g; }

    /** Solves and proves uniqueness with a throwaway solver; see {@link #solve(int[])}. */
    public static SolveResult solve(SudokuGeometry geometry, int[] question) {
        return new SudokuSolver(geometry).solve(question);
    }

    /**
     * Searches for up to two solutions of {@code question} (0 = blank). Invalid clues
     * (a repeated digit in a unit) give {@code NO_SOLUTION} with 0 backtracks.
     */
    public SolveResult solve(int[] question) {
        return run(question, 2, null);
    }

    /**
     * A solution of {@code clues} found with digits tried in random order, or null if there is
     * none. With no clues this is a random complete grid (the generator's starting point).
     */
    public int[] randomSolution(int[] clues, RandomGenerator random) {
        SolveResult r = run(clues, 1, random);
        return r.outcome() == SolveResult.Outcome.NO_SOLUTION ? null : r.solution();
    }

    private SolveResult run(int[] question, int limit, RandomGenerator random) {
        if (question.length != cells) {
            throw new IllegalArgumentException("expected " + cells + " cells for " + g + " but got " + question.length);
        }
        solutionLimit = limit;
        solutionsFound = 0;
        firstSolution = null;
        backtracks = 0;
        shuffle = random;
        boolean consistent = load(question, states[0]) && propagate(states[0]);
        if (consistent) search(0);
        shuffle = null;
        SolveResult.Outcome outcome = switch (solutionsFound) {
            case 0 -> SolveResult.Outcome.NO_SOLUTION;
            case 1 -> SolveResult.Outcome.UNIQUE; // with limit 1 (randomSolution) only the solution is used
            default -> SolveResult.Outcome.MULTIPLE;
        };
        return new SolveResult(outcome, firstSolution, backtracks);
    }

    /** Fills the board with the clues; false if a clue is out of range or repeats a peer's. */
    private boolean load(int[] question, int[] s) {
        for (int c = 0; c < cells; c++) s[c] = all;
        s[cells] = cells;
        singlesCount = 0;
        for (int c = 0; c < cells; c++) {
            int v = question[c];
            if (v == 0) continue;
            if (v < 0 || v > g.size()) {
                throw new IllegalArgumentException("value " + v + " at " + SudokuRules.where(g, c));
            }
            if (!place(s, c, 1 << (v - 1))) return false;
        }
        return true;
    }

    /** Returns the number of solutions found below this node (0 = this node failed). */
    private int search(int depth) {
        int[] s = states[depth];
        if (s[cells] == 0) {
            if (solutionsFound++ == 0) firstSolution = decode(s);
            return 1;
        }
        int cell = mostConstrainedCell(s);
        int found = 0;
        int[] digits = candidatesInTryOrder(s[cell]);
        for (int bit : digits) {
            int[] next = states[depth + 1];
            System.arraycopy(s, 0, next, 0, cells + 1);
            singlesCount = 0;
            int below = place(next, cell, bit) && propagate(next) ? search(depth + 1) : 0;
            if (below == 0) backtracks++;
            found += below;
            if (solutionsFound >= solutionLimit) break;
        }
        return found;
    }

    private int mostConstrainedCell(int[] s) {
        int best = -1;
        int bestCount = Integer.MAX_VALUE;
        for (int c = 0; c < cells; c++) {
            int m = s[c];
            if ((m & PLACED) != 0) continue;
            int count = Integer.bitCount(m);
            if (count < bestCount) {
                best = c;
                bestCount = count;
                if (count == 2) break; // singles are already placed, so 2 is the minimum
            }
        }
        return best;
    }

    private int[] candidatesInTryOrder(int mask) {
        int[] bits = new int[Integer.bitCount(mask)];
        for (int i = 0; mask != 0; i++) {
            bits[i] = mask & -mask;
            mask &= mask - 1;
        }
        if (shuffle != null) {
            for (int i = bits.length - 1; i > 0; i--) {
                int j = shuffle.nextInt(i + 1);
                int t = bits[i];
                bits[i] = bits[j];
                bits[j] = t;
            }
        }
        return bits;
    }

    /**
     * Fills {@code cell} with the digit {@code bit} and removes it from the peers, queueing peers
     * left with a single candidate. False on a contradiction.
     */
    private boolean place(int[] s, int cell, int bit) {
        int m = s[cell];
        if ((m & PLACED) != 0) return m == (bit | PLACED);
        if ((m & bit) == 0) return false;
        s[cell] = bit | PLACED;
        s[cells]--;
        for (int peer : g.peers(cell)) {
            int pm = s[peer];
            if ((pm & bit) == 0) continue;
            if ((pm & PLACED) != 0) return false;
            pm &= ~bit;
            s[peer] = pm;
            if (pm == 0) return false;
            if ((pm & (pm - 1)) == 0) singles[singlesCount++] = peer;
        }
        return true;
    }

    /** Applies naked and hidden singles until neither changes anything. False on a contradiction. */
    private boolean propagate(int[] s) {
        int[][] units = g.units();
        boolean changed = true;
        while (changed) {
            while (singlesCount > 0) {
                int cell = singles[--singlesCount];
                int m = s[cell];
                if ((m & PLACED) == 0 && !place(s, cell, m)) return false;
            }
            if (s[cells] == 0) return true;
            changed = false;
            for (int[] unit : units) {
                int once = 0;
                int twice = 0;
                int placed = 0;
                for (int c : unit) {
                    int m = s[c];
                    if ((m & PLACED) != 0) placed |= m;
                    twice |= once & m;
                    once |= m;
                }
                if ((once & DIGITS) != all) return false; // some digit has nowhere to go
                int hidden = once & ~twice & ~placed & DIGITS;
                while (hidden != 0) {
                    int bit = hidden & -hidden;
                    hidden &= hidden - 1;
                    for (int c : unit) {
                        if ((s[c] & bit) != 0) {
                            if (!place(s, c, bit)) return false;
                            break;
                        }
                    }
                    changed = true;
                }
                if (singlesCount > 0) break; // drain naked singles before scanning further
            }
        }
        return true;
    }

    private int[] decode(int[] s) {
        int[] grid = new int[cells];
        for (int c = 0; c < cells; c++) grid[c] = Integer.numberOfTrailingZeros(s[c] & DIGITS) + 1;
        return grid;
    }
}
