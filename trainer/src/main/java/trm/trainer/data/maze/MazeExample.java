package trm.trainer.data.maze;

import java.util.Arrays;
import java.util.Objects;

import trm.trainer.data.Dihedral;

/**
 * One Maze-Hard example: a {@code height}×{@code width} question (walls, open cells, one S, one
 * G), its answer (the question with a shortest S→G path marked 'o'), a rating (the shortest
 * path's length in steps, for the examples we make) and the name of its collection.
 *
 * <p>Grids are row-major arrays of {@link MazeCell} codes. Arrays are copied in and out, and
 * the constructor checks everything {@link MazeRules#exampleProblem} checks (a breadth-first
 * search, microseconds), so an example can never be malformed. Uniqueness of the shortest path
 * is not required here (a real dataset may have ties); {@link MazeSolver} tells.
 */
public record MazeExample(int height, int width, int[] question, int[] answer, int rating, String source) {

    public MazeExample {
        Objects.requireNonNull(source, "source");
        if (height < 1 || width < 1) throw new IllegalArgumentException("maze sides must be positive: " + height + "x" + width);
        question = question.clone();
        answer = answer.clone();
        String problem = MazeRules.exampleProblem(height, width, question, answer, rating);
        if (problem != null) throw new IllegalArgumentException(problem);
    }

    /**
     * The example for an unlabelled question: solved, labelled with the shortest path and rated
     * by its length.
     *
     * @throws IllegalArgumentException when G cannot be reached, or the shortest path is not unique
     *                                  (its label would not be the only right answer)
     */
    public static MazeExample label(int height, int width, int[] question, String source) {
        String problem = MazeRules.questionProblem(height, width, question);
        if (problem != null) throw new IllegalArgumentException("question: " + problem);
        MazeSolver.Solution s = new MazeSolver(height, width, 2).solve(question);
        if (!s.solvable()) throw new IllegalArgumentException("question: G cannot be reached from S");
        if (!s.unique()) {
            throw new IllegalArgumentException("question: the shortest path (" + s.length()
                    + " steps) is not unique, so no label would be the only right answer");
        }
        return new MazeExample(height, width, question, MazeRules.answerOf(question, s.path()), s.length(), source);
    }

    @Override
    public int[] question() { return question.clone(); }

    @Override
    public int[] answer() { return answer.clone(); }

    /** The question's cell code at one row-major index, without a copy. */
    public int question(int cell) { return question[cell]; }

    /** The answer's cell code at one row-major index, without a copy. */
    public int answer(int cell) { return answer[cell]; }

    public int cellCount() { return question.length; }

    /** The same maze seen through a dihedral transform (S, G, walls and path move together). */
    public MazeExample transformed(Dihedral t) {
        return new MazeExample(t.height(height, width), t.width(height, width), t.apply(question, height, width),
                t.apply(answer, height, width), rating, source);
    }

    public MazeExample withSource(String newSource) {
        return new MazeExample(height, width, question, answer, rating, newSource);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MazeExample e && height == e.height && width == e.width && rating == e.rating
                && source.equals(e.source) && Arrays.equals(question, e.question) && Arrays.equals(answer, e.answer);
    }

    @Override
    public int hashCode() {
        return Objects.hash(height, width, rating, source, Arrays.hashCode(question), Arrays.hashCode(answer));
    }

    @Override
    public String toString() {
        return "MazeExample[" + height + "x" + width + ", rating=" + rating + ", source=" + source + "]\n"
                + MazeText.block(answer, height, width);
    }
}
