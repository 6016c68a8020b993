package trm.trainer.data.sudoku;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import trm.engine.TrmException;

/**
 * Puzzle-per-line files such as tdoku's benchmark collections: each puzzle is one line of n²
 * characters ('.' or '0' blank, digits 1..n). Blank lines and lines starting with '#' are
 * skipped; anything after the first whitespace on a line (a rating or a comment in some
 * collections) is ignored. The first puzzle's length fixes the geometry for the whole file.
 *
 * <p>Reading is syntactic: a malformed line is an error naming file and line, but a duplicate
 * clue is not, so that a converter can skip such a puzzle and report it with the unsolvable ones.
 */
public final class PuzzleLines {
    private PuzzleLines() {}

    /** Every puzzle of the file, in order. */
    public static List<LinePuzzle> readAll(Path file) {
        List<LinePuzzle> puzzles = new ArrayList<>();
        try (Reader reader = open(file)) {
            reader.forEachRemaining(puzzles::add);
        }
        if (puzzles.isEmpty()) throw new TrmException(file + ": no puzzles in the file");
        return puzzles;
    }

    /** Lazily reads the file; close the stream (try-with-resources) to close the file. */
    public static Stream<LinePuzzle> stream(Path file) {
        return open(file).stream();
    }

    /** An iterator over the file's puzzles that reads one line at a time; close it when done. */
    public static Reader open(Path file) {
        return new Reader(new NumberedLineReader(file));
    }

    /** Lazily parses one puzzle per line; errors name the file and line. */
    public static final class Reader extends LazyFileReader<LinePuzzle> {
        private final NumberedLineReader lines;
        private SudokuGeometry geometry;

        private Reader(NumberedLineReader lines) {
            super(lines);
            this.lines = lines;
        }

        /** The geometry of the file, known once the first puzzle is read (null before). */
        public SudokuGeometry geometry() { return geometry; }

        @Override
        LinePuzzle readNext() {
            String line;
            while ((line = lines.next()) != null) {
                String text = firstField(line);
                if (text.isEmpty() || text.charAt(0) == '#') continue;
                String context = lines.context();
                if (geometry == null) geometry = SudokuText.geometryForLength(text.length(), context);
                int[] cells = SudokuText.parse(text, geometry, true, context);
                return new LinePuzzle(lines.lineNumber(), geometry, cells);
            }
            return null;
        }

        /** The line up to its first whitespace, leading whitespace skipped. */
        private static String firstField(String line) {
            int start = 0;
            while (start < line.length() && Character.isWhitespace(line.charAt(start))) start++;
            int end = start;
            while (end < line.length() && !Character.isWhitespace(line.charAt(end))) end++;
            return line.substring(start, end);
        }
    }
}
