package trm.trainer.data.maze;

/** Small hand-made mazes for the tests, written as rows with '.' for open cells. */
final class Mazes {
    private Mazes() {}

    /** A 4×4 maze with one shortest path of 6 steps. */
    static final String[] WINDING_QUESTION = {"S..#", "##.#", "#..#", "#G##"};
    static final String[] WINDING_ANSWER = {"Soo#", "##o#", "#oo#", "#G##"};

    /** A 3×4 maze with a 2-step path down the left and an 8-step detour around the walls. */
    static final String[] DETOUR_QUESTION = {"S...", ".##.", "G..."};
    static final String[] DETOUR_SHORT = {"S...", "o##.", "G..."};
    static final String[] DETOUR_LONG = {"Sooo", ".##o", "Gooo"};

    /** Rows joined row-major, '.' turned into the CSV's space. */
    static String csv(String... rows) {
        return String.join("", rows).replace('.', ' ');
    }

    /** Cell codes of the rows. */
    static int[] cells(String... rows) {
        return MazeText.parse(csv(rows), rows.length, rows[0].length(), "test: ");
    }
}
