package trm.trainer.data.sudoku;

import java.util.Arrays;

/** A question read from a puzzle-per-line file, with the 1-based line it came from. */
public record LinePuzzle(int lineNumber, SudokuGeometry geometry, int[] question) {
    public LinePuzzle {
        question = question.clone();
    }

    @Override
    public int[] question() { return question.clone(); }

    @Override
    public boolean equals(Object o) {
        return o instanceof LinePuzzle p && lineNumber == p.lineNumber && geometry == p.geometry
                && Arrays.equals(question, p.question);
    }

    @Override
    public int hashCode() { return 31 * lineNumber + Arrays.hashCode(question); }

    @Override
    public String toString() {
        return "LinePuzzle[line " + lineNumber + ", " + SudokuText.format(question) + "]";
    }
}
