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
 * <p>Cost: row 0 is tried over every transpose, source row and column order (2·9·1296 for 9×9),
 * then each next row only from the placements still tied for the smallest rows so far: a few
 * milliseconds for a 9×9 puzzle, where trying all 3 359 232 placements takes a second.
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

    /** The key two puzzles share exactly when one is an augmentation of the other: {@link #of} as a function. */
    public static java.util.function.Function<int[], String> key(SudokuGeometry g) {
        SudokuCanonical c = new SudokuCanonical(g);
        return c::of;
    }

    /** One partial placement: transpose, the source rows chosen so far, the column order, the digits renamed so far. */
    private record Partial(boolean transpose, int[] rows, int[] cols, int[] rename, int next) {}

    /**
     * The canonical form of {@code cells} (values 0..n, 0 blank), as a string key. Built row by
     * row, keeping only the partial placements whose rows so far are the smallest: row 0 over
     * every transpose, source row and column order; each next row over the rows the band rules
     * allow (the band's remaining rows, or any row of an unused band). Equal to trying every
     * placement ({@link #bruteForce}), at a fraction of the cost for 9×9.
     */
    public String of(int[] cells) {
        int n = g.size(), h = g.boxRows();
        List<Partial> alive = new ArrayList<>();
        int[] bestRow = null;
        for (int t = 0; t < (g.boxesSquare() ? 2 : 1); t++) {
            for (int r = 0; r < n; r++) {
                for (int[] cols : colOrders) {
                    int[] rename = new int[n + 1];
                    int[] next = {1};
                    int[] row = renamed(cells, t == 1, r, cols, rename, next);
                    int cmp = bestRow == null ? -1 : java.util.Arrays.compare(row, bestRow);
                    if (cmp > 0) continue;
                    if (cmp < 0) { alive.clear(); bestRow = row; }
                    alive.add(new Partial(t == 1, new int[] {r}, cols, rename, next[0]));
                }
            }
        }
        int[] form = new int[n * n];
        System.arraycopy(bestRow, 0, form, 0, n);
        for (int i = 1; i < n; i++) {
            List<Partial> grown = new ArrayList<>();
            bestRow = null;
            for (Partial p : alive) {
                for (int r : allowedRows(p.rows(), i, h, n)) {
                    int[] rename = p.rename().clone();
                    int[] next = {p.next()};
                    int[] row = renamed(cells, p.transpose(), r, p.cols(), rename, next);
                    int cmp = bestRow == null ? -1 : java.util.Arrays.compare(row, bestRow);
                    if (cmp > 0) continue;
                    if (cmp < 0) { grown.clear(); bestRow = row; }
                    int[] rows = java.util.Arrays.copyOf(p.rows(), i + 1);
                    rows[i] = r;
                    grown.add(new Partial(p.transpose(), rows, p.cols(), rename, next[0]));
                }
            }
            alive = grown;
            System.arraycopy(bestRow, 0, form, i * n, n);
        }
        StringBuilder s = new StringBuilder(n * n);
        for (int v : form) s.append((char) ('0' + v));
        return s.toString();
    }

    /** Source row {@code r} (of the transposed grid if asked) in column order {@code cols}, digits renamed in order of appearance. */
    private int[] renamed(int[] cells, boolean transpose, int r, int[] cols, int[] rename, int[] next) {
        int n = g.size();
        int[] row = new int[n];
        for (int c = 0; c < n; c++) {
            int v = transpose ? cells[cols[c] * n + r] : cells[r * n + cols[c]];
            if (v != 0) {
                if (rename[v] == 0) rename[v] = next[0]++;
                v = rename[v];
            }
            row[c] = v;
        }
        return row;
    }

    /** The source rows result row {@code i} may take: the rest of the current band, or any row of a band not used yet. */
    private static int[] allowedRows(int[] chosen, int i, int h, int n) {
        boolean[] used = new boolean[n], bandUsed = new boolean[n / h];
        for (int r : chosen) {
            used[r] = true;
            bandUsed[r / h] = true;
        }
        int[] out = new int[n];
        int k = 0;
        if (i % h != 0) {
            int band = chosen[i - i % h] / h;
            for (int r = band * h; r < band * h + h; r++) if (!used[r]) out[k++] = r;
        } else {
            for (int r = 0; r < n; r++) if (!bandUsed[r / h]) out[k++] = r;
        }
        return java.util.Arrays.copyOf(out, k);
    }

    /** The canonical form by trying every placement (the definition; a test oracle for {@link #of}). */
    String bruteForce(int[] cells) {
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
