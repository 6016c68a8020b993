package trm.trainer.data.sudoku;

import java.util.ArrayList;
import java.util.List;

/**
 * The canonical form of a Sudoku under the group {@link SudokuAugmentation} draws from (band and
 * row-in-band orders, stack and column-in-stack orders, the transpose when boxes are square, and
 * any relabelling of the digits): two grids are equivalent — one is an augmentation of the other —
 * exactly when their canonical forms are equal. The form is the lexicographically smallest grid,
 * row-major, over every placement, with digits renamed 1, 2, … in order of first appearance (which
 * is the smallest relabelling of a placement). Used to keep generated sets free of repeats and
 * test sets disjoint from training sets up to symmetry.
 *
 * <p>Cost: every placement is tried (32 for 4×4, 3 456 for 6×6, 3 359 232 for 9×9), each
 * abandoned at its first cell larger than the best so far, so most cost a few cells.
 */
public final class SudokuCanonical {
    private final SudokuGeometry g;
    private final List<int[]> rowOrders;
    private final List<int[]> colOrders;

    public SudokuCanonical(SudokuGeometry g) {
        this.g = g;
        this.rowOrders = groupedOrders(g.bandCount(), g.boxRows());
        this.colOrders = groupedOrders(g.stackCount(), g.boxCols());
    }

    /** Largest side whose puzzles are compared up to symmetry by {@link #key}. */
    public static final int MAX_SIDE = 6;

    /**
     * The key two puzzles share when they count as the same: the canonical form up to 6×6; for
     * 9×9 the grid as given — its 3 359 232 placements take about a second per puzzle here, and
     * two independently drawn 9×9 minimal puzzles are equivalent with negligible probability.
     */
    public static java.util.function.Function<int[], String> key(SudokuGeometry g) {
        if (g.size() > MAX_SIDE) return java.util.Arrays::toString;
        SudokuCanonical c = new SudokuCanonical(g);
        return c::of;
    }

    /** The canonical form of {@code cells} (values 0..n, 0 blank), as a string key. */
    public String of(int[] cells) {
        int n = g.size();
        int[] best = null;
        int[] cand = new int[n * n];
        int[] rename = new int[n + 1];
        for (int t = 0; t < (g.boxesSquare() ? 2 : 1); t++) {
            boolean transpose = t == 1;
            for (int[] rows : rowOrders) {
                for (int[] cols : colOrders) {
                    java.util.Arrays.fill(rename, 0);
                    int next = 1;
                    boolean smaller = best == null;
                    boolean abandoned = false;
                    for (int i = 0; i < n * n; i++) {
                        int r = rows[i / n], c = cols[i % n];
                        int v = transpose ? cells[c * n + r] : cells[r * n + c];
                        if (v != 0) {
                            if (rename[v] == 0) rename[v] = next++;
                            v = rename[v];
                        }
                        cand[i] = v;
                        if (!smaller) {
                            if (v < best[i]) smaller = true;
                            else if (v > best[i]) { abandoned = true; break; }
                        }
                    }
                    if (!abandoned && smaller) best = cand.clone();
                }
            }
        }
        StringBuilder s = new StringBuilder(n * n);
        for (int v : best) s.append((char) ('0' + v));
        return s.toString();
    }

    /** Every order of {@code groups} groups of {@code size} lines that moves whole groups and lines within groups. */
    private static List<int[]> groupedOrders(int groups, int size) {
        List<int[]> out = new ArrayList<>();
        for (int[] groupPerm : permutations(groups)) {
            List<int[]> partial = new ArrayList<>();
            partial.add(new int[0]);
            for (int gi = 0; gi < groups; gi++) {
                List<int[]> grown = new ArrayList<>();
                for (int[] p : partial)
                    for (int[] inner : permutations(size)) {
                        int[] q = java.util.Arrays.copyOf(p, p.length + size);
                        for (int k = 0; k < size; k++) q[p.length + k] = groupPerm[gi] * size + inner[k];
                        grown.add(q);
                    }
                partial = grown;
            }
            out.addAll(partial);
        }
        return out;
    }

    private static List<int[]> permutations(int k) {
        List<int[]> out = new ArrayList<>();
        permute(new int[k], new boolean[k], 0, out);
        return out;
    }

    private static void permute(int[] cur, boolean[] used, int at, List<int[]> out) {
        if (at == cur.length) {
            out.add(cur.clone());
            return;
        }
        for (int v = 0; v < cur.length; v++) {
            if (used[v]) continue;
            used[v] = true;
            cur[at] = v;
            permute(cur, used, at + 1, out);
            used[v] = false;
        }
    }
}
