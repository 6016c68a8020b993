package trm.trainer.data.maze;

/**
 * The checks that make a (question, answer) pair a Maze-Hard example. Each returns null when all
 * is well, else a one-line description of the first problem, which the readers prefix with
 * "file:line: ". Positions are given as 1-based row and column.
 */
public final class MazeRules {
    private static final int WALL = MazeCell.WALL.code();
    private static final int OPEN = MazeCell.OPEN.code();
    private static final int START = MazeCell.START.code();
    private static final int GOAL = MazeCell.GOAL.code();
    private static final int PATH = MazeCell.PATH.code();

    private MazeRules() {}

    /** "row r, column c" of a row-major index, 1-based. */
    public static String where(int index, int width) {
        return "row " + (index / width + 1) + ", column " + (index % width + 1);
    }

    /** A question has only walls, open cells, exactly one S and exactly one G. */
    public static String questionProblem(int height, int width, int[] question) {
        if (question.length != height * width) return "expected " + height * width + " cells but got " + question.length;
        for (int i = 0; i < question.length; i++) {
            int code = question[i];
            if (code < WALL || code > PATH) return "bad cell code " + code + " at " + where(i, width);
            if (code == PATH) return "'o' at " + where(i, width) + ": only an answer marks the path";
        }
        String problem = exactlyOne(question, width, START, "S (start)");
        return problem != null ? problem : exactlyOne(question, width, GOAL, "G (goal)");
    }

    /**
     * The answer is the question with a shortest S→G path marked: the same cells everywhere
     * except open cells turned into path cells, the marked cells forming one path from S to G
     * (nothing marked off it), and that path as short as any. Assumes the question passed
     * {@link #questionProblem}.
     */
    public static String answerProblem(int height, int width, int[] question, int[] answer) {
        if (answer.length != question.length) return "answer has " + answer.length + " cells but the question " + question.length;
        int marked = 0;
        for (int i = 0; i < answer.length; i++) {
            int a = answer[i];
            int q = question[i];
            if (a == MazeGrid.NO_CELL) return "answer: no cell (a PAD token) at " + where(i, width);
            if (a < WALL || a > PATH) return "answer: bad cell code " + a + " at " + where(i, width);
            if (a == q) continue;
            if (a == PATH && q == OPEN) {
                marked++;
                continue;
            }
            return "answer: " + where(i, width) + " is '" + MazeCell.ofCode(a).symbol() + "' but the question has '"
                    + MazeCell.ofCode(q).symbol() + "' there";
        }
        MazeSolver solver = new MazeSolver(height, width, 2);
        MazeSolver.Solution shortest = solver.solve(question);
        if (!shortest.solvable()) return "question: G cannot be reached from S";
        int[] onlyMarked = new int[answer.length];
        for (int i = 0; i < answer.length; i++) {
            int a = answer[i];
            onlyMarked[i] = a == PATH ? OPEN : a == OPEN ? WALL : a;
        }
        MazeSolver.Solution alongMarks = solver.solve(onlyMarked);
        if (!alongMarks.solvable()) return "answer: the marked cells do not connect S to G";
        int stray = marked + 1 - alongMarks.length();
        if (stray > 0) return "answer: " + stray + " marked cell" + (stray == 1 ? " is" : "s are") + " not on the path from S to G";
        if (alongMarks.length() != shortest.length()) {
            return "answer: the marked path takes " + alongMarks.length() + " steps but the shortest takes " + shortest.length();
        }
        return null;
    }

    /** Both checks, then a non-negative rating. */
    public static String exampleProblem(int height, int width, int[] question, int[] answer, int rating) {
        String problem = questionProblem(height, width, question);
        if (problem != null) return "question: " + problem;
        problem = answerProblem(height, width, question, answer);
        if (problem != null) return problem;
        if (rating < 0) return "rating " + rating + " is negative";
        return null;
    }

    /** The answer's cells with every path mark turned back into an open cell. */
    public static int[] questionOf(int[] answer) {
        int[] question = answer.clone();
        for (int i = 0; i < question.length; i++) if (question[i] == PATH) question[i] = OPEN;
        return question;
    }

    /** The question with {@code path}'s inner cells (all but S and G) marked. */
    public static int[] answerOf(int[] question, int[] path) {
        int[] answer = question.clone();
        for (int i = 1; i < path.length - 1; i++) answer[path[i]] = PATH;
        return answer;
    }

    private static String exactlyOne(int[] cells, int width, int code, String name) {
        int first = -1;
        for (int i = 0; i < cells.length; i++) {
            if (cells[i] != code) continue;
            if (first >= 0) return "more than one " + name + ": at " + where(first, width) + " and " + where(i, width);
            first = i;
        }
        return first < 0 ? "no " + name : null;
    }
}
