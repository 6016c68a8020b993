package trm.trainer.data.sudoku;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * A validity-preserving relabelling of a Sudoku, as the reference applies per training sample:
 * a permutation of the digits 1..n (blank stays blank), a permutation of the bands and of the
 * rows inside each band, the same for stacks and columns, and — only when boxes are square, since
 * otherwise boxes would not map onto boxes — a transpose with probability ½.
 *
 * <p>Cell (r, c) of the result holds {@code digitMap[v]} where v is the input's value at
 * (rowOrder[r], colOrder[c]), read after transposing the input when {@code transpose} is set.
 * The same transform applied to a question and its answer gives a question whose unique
 * solution is the transformed answer, with the same clue count.
 *
 * @param digitMap digitMap[d] is the new digit for d; digitMap[0] = 0
 * @param rowOrder rowOrder[r] is the source row of row r
 * @param colOrder colOrder[c] is the source column of column c
 */
public record SudokuAugmentation(SudokuGeometry geometry, int[] digitMap, boolean transpose, int[] rowOrder, int[] colOrder) {

    public SudokuAugmentation {
        int n = geometry.size();
        digitMap = digitMap.clone();
        rowOrder = rowOrder.clone();
        colOrder = colOrder.clone();
        if (digitMap.length != n + 1 || digitMap[0] != 0 || !isPermutation(digitMap, 1)) {
            throw new IllegalArgumentException("digit map must fix 0 and permute 1.." + n + ": " + Arrays.toString(digitMap));
        }
        if (transpose && !geometry.boxesSquare()) {
            throw new IllegalArgumentException("cannot transpose " + geometry + ": boxes are not square");
        }
        if (!keepsGroups(rowOrder, geometry.boxRows(), n)) {
            throw new IllegalArgumentException("row order must move whole bands and rows within bands: " + Arrays.toString(rowOrder));
        }
        if (!keepsGroups(colOrder, geometry.boxCols(), n)) {
            throw new IllegalArgumentException("column order must move whole stacks and columns within stacks: " + Arrays.toString(colOrder));
        }
    }

    /** The transform that changes nothing. */
    public static SudokuAugmentation identity(SudokuGeometry g) {
        int n = g.size();
        return new SudokuAugmentation(g, iota(n + 1, 0), false, iota(n, 0), iota(n, 0));
    }

    /** A uniformly random transform from the group described above. */
    public static SudokuAugmentation random(SudokuGeometry g, RandomGenerator random) {
        int n = g.size();
        int[] digitMap = new int[n + 1];
        int[] digits = shuffled(iota(n, 1), random);
        System.arraycopy(digits, 0, digitMap, 1, n);
        boolean transpose = g.boxesSquare() && random.nextBoolean();
        int[] rowOrder = groupedOrder(g.bandCount(), g.boxRows(), random);
        int[] colOrder = groupedOrder(g.stackCount(), g.boxCols(), random);
        return new SudokuAugmentation(g, digitMap, transpose, rowOrder, colOrder);
    }

    /** The transformed grid (question or answer: the cells' values are 0..n). */
    public int[] apply(int[] cells) {
        int n = geometry.size();
        if (cells.length != n * n) {
            throw new IllegalArgumentException("expected " + n * n + " cells for " + geometry + " but got " + cells.length);
        }
        int[] out = new int[cells.length];
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < n; c++) {
                int sr = rowOrder[r];
                int sc = colOrder[c];
                int source = transpose ? sc * n + sr : sr * n + sc;
                out[r * n + c] = digitMap[cells[source]];
            }
        }
        return out;
    }

    /** The example with question and answer transformed alike; rating and source are kept. */
    public SudokuExample apply(SudokuExample e) {
        if (e.geometry() != geometry) {
            throw new IllegalArgumentException("augmentation for " + geometry + " applied to a " + e.geometry() + " example");
        }
        return new SudokuExample(geometry, apply(e.question()), apply(e.answer()), e.rating(), e.source());
    }

    @Override
    public int[] digitMap() { return digitMap.clone(); }

    @Override
    public int[] rowOrder() { return rowOrder.clone(); }

    @Override
    public int[] colOrder() { return colOrder.clone(); }

    public boolean isIdentity() {
        return !transpose && Arrays.equals(digitMap, iota(digitMap.length, 0))
                && Arrays.equals(rowOrder, iota(rowOrder.length, 0)) && Arrays.equals(colOrder, iota(colOrder.length, 0));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SudokuAugmentation a && geometry == a.geometry && transpose == a.transpose
                && Arrays.equals(digitMap, a.digitMap) && Arrays.equals(rowOrder, a.rowOrder) && Arrays.equals(colOrder, a.colOrder);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(digitMap) * 31 + Arrays.hashCode(rowOrder) * 17 + Arrays.hashCode(colOrder) + (transpose ? 1 : 0);
    }

    @Override
    public String toString() {
        return "SudokuAugmentation[digits=" + Arrays.toString(digitMap) + ", transpose=" + transpose
                + ", rows=" + Arrays.toString(rowOrder) + ", cols=" + Arrays.toString(colOrder) + "]";
    }

    /** Lines ordered group by group: groups permuted, then the lines inside each group. */
    private static int[] groupedOrder(int groups, int groupSize, RandomGenerator random) {
        int[] groupOrder = shuffled(iota(groups, 0), random);
        int[] order = new int[groups * groupSize];
        for (int g = 0; g < groups; g++) {
            int[] inside = shuffled(iota(groupSize, 0), random);
            for (int i = 0; i < groupSize; i++) order[g * groupSize + i] = groupOrder[g] * groupSize + inside[i];
        }
        return order;
    }

    /** True if order is a permutation that keeps each aligned group of lines together. */
    private static boolean keepsGroups(int[] order, int groupSize, int n) {
        if (order.length != n || !isPermutation(order, 0)) return false;
        for (int start = 0; start < n; start += groupSize) {
            int group = order[start] / groupSize;
            for (int i = 1; i < groupSize; i++) if (order[start + i] / groupSize != group) return false;
        }
        return true;
    }

    /** True if values[from..] is a permutation of from..from+len-1. */
    private static boolean isPermutation(int[] values, int from) {
        int len = values.length - from;
        boolean[] seen = new boolean[len];
        for (int i = from; i < values.length; i++) {
            int v = values[i] - from;
            if (v < 0 || v >= len || seen[v]) return false;
            seen[v] = true;
        }
        return true;
    }

    private static int[] iota(int count, int start) {
        int[] a = new int[count];
        for (int i = 0; i < count; i++) a[i] = start + i;
        return a;
    }

    private static int[] shuffled(int[] a, RandomGenerator random) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
        return a;
    }
}
