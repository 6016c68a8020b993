package trm.trainer.data.maze;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import trm.engine.TrmException;

/**
 * Maze grids as text. Two forms:
 *
 * <ul>
 *   <li>a row-major string of {@code height·width} characters over {@code "# SGo"} (wall, open,
 *       start, goal, path), as in a Maze-Hard CSV field ({@link #format}, {@link #parse});
 *   <li>the plain block form: one maze per block of lines, one line per row, blocks separated by
 *       empty lines. Open cells may be written ' ' or '.' (the writer uses '.', since editors
 *       strip trailing spaces). A block with 'o' cells is a labelled answer, checked like a CSV
 *       row; a block without is an unlabelled question, labelled by the exact solver
 *       ({@link #readExamples}), which refuses a maze whose shortest path is not unique.
 * </ul>
 *
 * Every malformed maze is a {@link TrmException} with one line "file:line: problem"; block
 * errors name the block's first line, or the offending row's line.
 */
public final class MazeText {
    private MazeText() {}

    /** One block of the block form: where it starts, its size, its cells (codes, row-major). */
    public record Block(int line, int height, int width, int[] cells) {
        public Block {
            cells = cells.clone();
        }

        @Override
        public int[] cells() { return cells.clone(); }

        /** True when some cell is marked 'o': the block is an answer. */
        public boolean labelled() {
            for (int c : cells) if (c == MazeCell.PATH.code()) return true;
            return false;
        }
    }

    /** The row-major string of a grid, ' ' for open cells (the CSV form). */
    public static String format(int[] cells) {
        char[] text = new char[cells.length];
        for (int i = 0; i < cells.length; i++) text[i] = MazeCell.ofCode(cells[i]).symbol();
        return new String(text);
    }

    /** The grid as {@code height} lines (no final newline), '.' for open cells (the block form). */
    public static String block(int[] cells, int height, int width) {
        StringBuilder out = new StringBuilder(cells.length + height);
        for (int r = 0; r < height; r++) {
            if (r > 0) out.append('\n');
            for (int c = 0; c < width; c++) {
                int code = cells[r * width + c];
                out.append(code == MazeCell.OPEN.code() ? '.' : MazeCell.ofCode(code).symbol());
            }
        }
        return out.toString();
    }

    /**
     * Parses a row-major string of exactly {@code height·width} characters.
     *
     * @param context prefix of every error, e.g. "file.csv:7: question: "
     */
    public static int[] parse(String text, int height, int width, String context) {
        if (text.length() != height * width) {
            throw new TrmException(context + "expected " + height * width + " characters (" + height + "x" + width
                    + ") but found " + text.length());
        }
        int[] cells = new int[text.length()];
        for (int i = 0; i < cells.length; i++) {
            char ch = text.charAt(i);
            MazeCell cell = ch == '.' ? null : MazeCell.ofSymbol(ch);
            if (cell == null) throw new TrmException(context + unknown(ch) + " at " + MazeRules.where(i, width));
            cells[i] = cell.code();
        }
        return cells;
    }

    /** Every block of a block-form file, unchecked beyond characters and rectangular shape. */
    public static List<Block> readBlocks(Path file) {
        List<Block> blocks = new ArrayList<>();
        try (MazeLines lines = new MazeLines(file)) {
            List<String> rows = new ArrayList<>();
            int first = 0;
            while (true) {
                String line = lines.next();
                if (line == null || line.isEmpty()) {
                    if (!rows.isEmpty()) blocks.add(toBlock(rows, first, lines));
                    rows.clear();
                    if (line == null) break;
                    continue;
                }
                if (rows.isEmpty()) first = lines.lineNumber();
                rows.add(line);
            }
        }
        if (blocks.isEmpty()) throw new TrmException(file + ": no maze in the file (expected blocks of rows over '# SGo.')");
        return blocks;
    }

    /**
     * Every block as an example: labelled blocks are checked, unlabelled ones solved and labelled;
     * the source is the file name.
     */
    public static List<MazeExample> readExamples(Path file) {
        String source = String.valueOf(file.getFileName());
        List<MazeExample> examples = new ArrayList<>();
        for (Block b : readBlocks(file)) examples.add(toExample(b, source, file + ":" + b.line() + ": "));
        return examples;
    }

    /** The example of one block (see {@link #readExamples}); errors start with {@code context}. */
    public static MazeExample toExample(Block b, String source, String context) {
        int[] cells = b.cells();
        try {
            if (!b.labelled()) return MazeExample.label(b.height(), b.width(), cells, source);
            int[] question = MazeRules.questionOf(cells);
            String problem = MazeRules.exampleProblem(b.height(), b.width(), question, cells, 0);
            if (problem != null) throw new TrmException(context + problem);
            int length = new MazeSolver(b.height(), b.width(), 1).solve(question).length();
            return new MazeExample(b.height(), b.width(), question, cells, length, source);
        } catch (IllegalArgumentException e) {
            throw new TrmException(context + e.getMessage());
        }
    }

    /** Writes examples in the block form: the answers when {@code labelled}, else the questions. */
    public static void write(Path file, Iterable<MazeExample> examples, boolean labelled) {
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            boolean first = true;
            for (MazeExample e : examples) {
                if (!first) out.write('\n');
                first = false;
                out.write(block(labelled ? e.answer() : e.question(), e.height(), e.width()));
                out.write('\n');
            }
        } catch (IOException e) {
            throw new TrmException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    static String unknown(char ch) {
        String shown = ch < ' ' || ch > '~' ? String.format("U+%04X", (int) ch) : "'" + ch + "'";
        return "unknown character " + shown + " (expected one of '# SGo')";
    }

    private static Block toBlock(List<String> rows, int firstLine, MazeLines lines) {
        int width = rows.getFirst().length();
        int[] cells = new int[rows.size() * width];
        for (int r = 0; r < rows.size(); r++) {
            String row = rows.get(r);
            String context = lines.context(firstLine + r);
            if (row.length() != width) {
                throw new TrmException(context + "row has " + row.length() + " cells but the maze's first row has " + width
                        + (row.length() < width ? " (write open cells as '.': editors strip trailing spaces)" : ""));
            }
            for (int c = 0; c < width; c++) {
                char ch = row.charAt(c);
                MazeCell cell = MazeCell.ofSymbol(ch);
                if (cell == null) throw new TrmException(context + unknown(ch) + " at column " + (c + 1));
                cells[r * width + c] = cell.code();
            }
        }
        return new Block(firstLine, rows.size(), width, cells);
    }
}
