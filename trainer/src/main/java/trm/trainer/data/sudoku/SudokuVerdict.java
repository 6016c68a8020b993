package trm.trainer.data.sudoku;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Whether an answer solves a puzzle, and if not, every place where it breaks: each given the
 * answer changed, each cell left without a digit, and each digit repeated in a row, column or
 * box with the cells that hold it. Coordinates are 1-based, {@code r3c7} = row 3, column 7;
 * boxes are numbered 1..n row-major (box 1 top-left). Judges the answer alone: the puzzle's
 * own clues are checked when it is read ({@link SudokuRules#cluesProblem}).
 *
 * @param problems empty when the answer is a valid solution that keeps every given
 */
public record SudokuVerdict(SudokuGeometry geometry, List<Problem> problems) {
    public SudokuVerdict {
        problems = List.copyOf(problems);
    }

    /** One thing wrong with an answer. */
    public sealed interface Problem permits ChangedGiven, NoDigit, Repeat {}

    /** The answer holds {@code answered} where the puzzle gives {@code given}. */
    public record ChangedGiven(int cell, int given, int answered) implements Problem {}

    /** The answer has no digit 1..n in this cell. */
    public record NoDigit(int cell) implements Problem {}

    /** {@code digit} appears in more than one of a unit's cells (row-major order). */
    public record Repeat(Unit unit, int index, int digit, int[] cells) implements Problem {
        public Repeat {
            cells = cells.clone();
        }

        @Override public int[] cells() { return cells.clone(); }

        @Override public boolean equals(Object o) {
            return o instanceof Repeat r && unit == r.unit && index == r.index && digit == r.digit && Arrays.equals(cells, r.cells);
        }

        @Override public int hashCode() { return (unit.hashCode() * 31 + index) * 31 + digit; }
    }

    /** Kinds of unit, in the order the verdict lists them. */
    public enum Unit { ROW, COLUMN, BOX;
        String word() { return name().toLowerCase(); }
    }

    /**
     * Judges {@code answer} against {@code puzzle} (both n² cells, row-major, 0 = blank).
     *
     * @throws IllegalArgumentException if either is not of {@code g}'s size
     */
    public static SudokuVerdict of(SudokuGeometry g, int[] puzzle, int[] answer) {
        if (puzzle.length != g.cellCount() || answer.length != g.cellCount())
            throw new IllegalArgumentException("a " + g + " verdict needs " + g.cellCount() + " cells, got " + puzzle.length + " and " + answer.length);
        int n = g.size();
        List<Problem> problems = new ArrayList<>();
        for (int cell = 0; cell < puzzle.length; cell++)
            if (puzzle[cell] != 0 && answer[cell] != puzzle[cell]) problems.add(new ChangedGiven(cell, puzzle[cell], answer[cell]));
        for (int cell = 0; cell < answer.length; cell++)
            if (answer[cell] < 1 || answer[cell] > n) problems.add(new NoDigit(cell));
        int[][] units = g.units();
        for (int u = 0; u < units.length; u++) {
            for (int digit = 1; digit <= n; digit++) {
                final int d = digit;
                int[] holding = Arrays.stream(units[u]).filter(c -> answer[c] == d).sorted().toArray();
                if (holding.length > 1) problems.add(new Repeat(Unit.values()[u / n], u % n, digit, holding));
            }
        }
        return new SudokuVerdict(g, problems);
    }

    /** True when the answer is complete, breaks no rule and keeps every given. */
    public boolean valid() { return problems.isEmpty(); }

    /** Cells named by at least one problem (sorted): where the answer is wrong or in conflict. */
    public int[] conflictCells() {
        return problems.stream().flatMapToInt(p -> switch (p) {
            case ChangedGiven c -> java.util.stream.IntStream.of(c.cell());
            case NoDigit b -> java.util.stream.IntStream.of(b.cell());
            case Repeat r -> Arrays.stream(r.cells());
        }).distinct().sorted().toArray();
    }

    /** One line: "valid solution", or how many problems of which kind. */
    public String summary() {
        if (valid()) return "valid solution";
        long changed = problems.stream().filter(p -> p instanceof ChangedGiven).count();
        long blank = problems.stream().filter(p -> p instanceof NoDigit).count();
        long repeats = problems.stream().filter(p -> p instanceof Repeat).count();
        List<String> parts = new ArrayList<>();
        if (repeats > 0) parts.add(repeats + " repeated digit" + (repeats == 1 ? "" : "s") + " in rows, columns or boxes");
        if (blank > 0) parts.add(blank + " cell" + (blank == 1 ? "" : "s") + " without a digit");
        if (changed > 0) parts.add(changed + " changed given" + (changed == 1 ? "" : "s"));
        return String.join(", ", parts) + "; " + conflictCells().length + " cells in conflict";
    }

    /** One line per problem, e.g. "row 3: digit 5 at r3c2 and r3c7", "changed given: r1c1 is 6, the puzzle gives 5". */
    public List<String> lines() {
        return problems.stream().map(this::describe).toList();
    }

    private String describe(Problem p) {
        return switch (p) {
            case ChangedGiven c -> "changed given: " + at(c.cell()) + " is " + (c.answered() == 0 ? "blank" : c.answered())
                    + ", the puzzle gives " + c.given();
            case NoDigit b -> "no digit: " + at(b.cell());
            case Repeat r -> r.unit().word() + " " + (r.index() + 1) + ": digit " + r.digit() + " at "
                    + Arrays.stream(r.cells()).mapToObj(this::at).collect(Collectors.joining(", "));
        };
    }

    /** "r3c7": row 3, column 7 (1-based). */
    public String at(int cell) {
        return "r" + (geometry.row(cell) + 1) + "c" + (geometry.col(cell) + 1);
    }
}
