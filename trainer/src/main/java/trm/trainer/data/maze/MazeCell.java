package trm.trainer.data.maze;

/**
 * What a maze cell holds, in the reference's order {@code "# SGo"}: the cell's model token is its
 * index in that string + 1 (PAD = 0, vocabulary 6), as in Maze-Hard (TRM_SPEC §8).
 * {@link #PATH} appears only in answers, marking the shortest path between S and G.
 */
public enum MazeCell {
    WALL('#'), OPEN(' '), START('S'), GOAL('G'), PATH('o');

    /** The padding token, never a cell. */
    public static final int PAD_TOKEN = 0;
    /** Tokens 0..5: PAD and the five cells. */
    public static final int VOCAB_SIZE = 6;

    private static final MazeCell[] ALL = values();

    private final char symbol;

    MazeCell(char symbol) { this.symbol = symbol; }

    /** The character of the Maze-Hard CSV. */
    public char symbol() { return symbol; }

    /** The model token: 1 + the index in "# SGo". */
    public int token() { return ordinal() + 1; }

    /** True for the cells one can walk on (all but walls). */
    public boolean passable() { return this != WALL; }

    /** The cell for a stored code (the ordinal, as grids hold it). */
    public static MazeCell ofCode(int code) { return ALL[code]; }

    /**
     * The cell written as {@code symbol}, or null if there is none. {@code '.'} is also read as
     * open, since text editors strip trailing spaces (the text form writes open cells as '.').
     */
    public static MazeCell ofSymbol(char symbol) {
        return switch (symbol) {
            case '#' -> WALL;
            case ' ', '.' -> OPEN;
            case 'S' -> START;
            case 'G' -> GOAL;
            case 'o' -> PATH;
            default -> null;
        };
    }

    /** The cell code (ordinal) as grids store it. */
    public int code() { return ordinal(); }
}
