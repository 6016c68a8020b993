package trm.trainer.data.sudoku;

import java.util.Arrays;
import java.util.Objects;

/**
 * One training or test example: a question (0 = blank, 1..n = clue) and its answer (a complete
 * valid grid that keeps every clue), with a difficulty rating (solver backtracks, see
 * {@link SudokuSolver}) and the name of the collection it came from.
 *
 * <p>The arrays are copied in and out so that an example can never change after it is checked;
 * hot paths use {@link #question(int)} and {@link #answer(int)} which read one cell without a copy.
 * Uniqueness of the answer is not checked here (it costs a solve); {@link SudokuSolver} does that.
 */
public record SudokuExample(SudokuGeometry geometry, int[] question, int[] answer, int rating, String source) {

    public SudokuExample {
        Objects.requireNonNull(geometry, "geometry");
        Objects.requireNonNull(source, "source");
        question = question.clone();
        answer = answer.clone();
        String problem = problemWith(geometry, question, answer, rating);
        if (problem != null) throw new IllegalArgumentException(problem);
    }

    /**
     * Null if these parts make a valid example, else the first problem found. Parsers call this
     * first so that they can report the problem with a file name and line number.
     */
    public static String problemWith(SudokuGeometry g, int[] question, int[] answer, int rating) {
        String problem = SudokuRules.cluesProblem(g, question);
        if (problem != null) return "question: " + problem;
        problem = SudokuRules.solutionProblem(g, answer);
        if (problem != null) return "answer: " + problem;
        problem = SudokuRules.agreementProblem(g, question, answer);
        if (problem != null) return problem;
        if (rating < 0) return "rating " + rating + " is negative";
        return null;
    }

    @Override
    public int[] question() { return question.clone(); }

    @Override
    public int[] answer() { return answer.clone(); }

    /** The question's value at one cell (0 = blank). */
    public int question(int cell) { return question[cell]; }

    /** The answer's digit at one cell. */
    public int answer(int cell) { return answer[cell]; }

    public int clueCount() { return SudokuRules.clueCount(question); }

    public SudokuExample withRating(int newRating) {
        return new SudokuExample(geometry, question, answer, newRating, source);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SudokuExample e && geometry == e.geometry && rating == e.rating
                && source.equals(e.source) && Arrays.equals(question, e.question)
                && Arrays.equals(answer, e.answer);
    }

    @Override
    public int hashCode() {
        return Objects.hash(geometry, rating, source, Arrays.hashCode(question), Arrays.hashCode(answer));
    }

    @Override
    public String toString() {
        return "SudokuExample[" + geometry + ", question=" + SudokuText.format(question)
                + ", answer=" + SudokuText.format(answer) + ", rating=" + rating + ", source=" + source + "]";
    }
}
