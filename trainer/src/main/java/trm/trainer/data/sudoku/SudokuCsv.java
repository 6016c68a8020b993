package trm.trainer.data.sudoku;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import trm.engine.TrmException;
import trm.trainer.data.CsvRows;

/**
 * The Sudoku-Extreme CSV format: a header {@code source,question,answer,rating}, then one row per
 * example; question and answer are n² characters ('.' blank in the question, which also accepts
 * '0'), rating a non-negative integer. The file is RFC 4180 CSV ({@link CsvRows}): any field may
 * be double-quoted, the header too, and a quoted field may span lines. Every row is checked
 * (lengths, characters, the answer is a valid grid keeping the clues), and errors name the file,
 * the line a row starts on and the problem. Blank lines are skipped.
 */
public final class SudokuCsv {
    public static final String HEADER = "source,question,answer,rating";

    private SudokuCsv() {}

    /** Every row of the file. */
    public static List<SudokuExample> readAll(Path file) {
        List<SudokuExample> examples = new ArrayList<>();
        try (Reader reader = open(file)) {
            reader.forEachRemaining(examples::add);
        }
        return examples;
    }

    /** Lazily reads the rows; close the stream (try-with-resources) to close the file. */
    public static Stream<SudokuExample> stream(Path file) {
        return open(file).stream();
    }

    /** An iterator that parses one row at a time; the header is checked right away. */
    public static Reader open(Path file) {
        CsvRows rows = new CsvRows(file);
        try {
            return new Reader(rows);
        } catch (RuntimeException e) {
            rows.close();
            throw e;
        }
    }

    /** Writes a complete file: header then one row per example. */
    public static void write(Path file, Iterable<SudokuExample> examples) {
        try (Writer writer = create(file)) {
            for (SudokuExample e : examples) writer.write(e);
        }
    }

    /** Creates (or truncates) the file and writes the header; write rows then close. */
    public static Writer create(Path file) {
        try {
            return new Writer(file, Files.newBufferedWriter(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new TrmException("cannot create " + file + ": " + trm.engine.io.AtomicFiles.describe(e), e);
        }
    }

    /** One CSV row, without line terminator. */
    public static String formatRow(SudokuExample e) {
        return quoteIfNeeded(e.source()) + ',' + SudokuText.format(e.question()) + ','
                + SudokuText.format(e.answer()) + ',' + e.rating();
    }

    /** Lazily parses rows; the geometry is fixed by the first row. */
    public static final class Reader extends LazyFileReader<SudokuExample> {
        private final CsvRows rows;
        private SudokuGeometry geometry;

        private Reader(CsvRows rows) {
            super(rows);
            this.rows = rows;
            CsvRows.Row header = rows.next();
            if (header == null) {
                throw new TrmException(rows.file() + ": empty file, expected the header '" + HEADER + "'");
            }
            if (!String.join(",", header.fields().stream().map(String::strip).toList()).equals(HEADER)) {
                throw new TrmException(rows.context(header) + "missing header: expected '" + HEADER + "' but found '"
                        + abbreviate(String.join(",", header.fields())) + "'");
            }
        }

        /** The geometry of the file, known once the first row is read (null before). */
        public SudokuGeometry geometry() { return geometry; }

        @Override
        SudokuExample readNext() {
            CsvRows.Row row = rows.next();
            return row == null ? null : parseRow(row.fields(), rows.context(row));
        }

        private SudokuExample parseRow(List<String> fields, String context) {
            if (fields.size() != 4) {
                throw new TrmException(context + "expected 4 fields (" + HEADER + ") but found " + fields.size());
            }
            String questionText = fields.get(1).strip();
            String answerText = fields.get(2).strip();
            if (geometry == null) geometry = SudokuText.geometryForLength(questionText.length(), context + "question: ");
            int[] question = SudokuText.parse(questionText, geometry, true, context + "question: ");
            int[] answer = SudokuText.parse(answerText, geometry, false, context + "answer: ");
            int rating = parseRating(fields.get(3).strip(), context);
            String problem = SudokuExample.problemWith(geometry, question, answer, rating);
            if (problem != null) throw new TrmException(context + problem);
            return new SudokuExample(geometry, question, answer, rating, fields.get(0));
        }

        private static int parseRating(String text, String context) {
            try {
                int rating = Integer.parseInt(text);
                if (rating >= 0) return rating;
            } catch (NumberFormatException e) {
                // reported below, with the offending text
            }
            throw new TrmException(context + "bad rating '" + abbreviate(text) + "' (expected a non-negative integer)");
        }
    }

    /** Writes rows one at a time; close it to flush the file. */
    public static final class Writer implements AutoCloseable {
        private final Path file;
        private final BufferedWriter out;
        private long rows;

        private Writer(Path file, BufferedWriter out) {
            this.file = file;
            this.out = out;
            writeLine(HEADER);
        }

        public void write(SudokuExample example) {
            writeLine(formatRow(example));
            rows++;
        }

        /** Rows written so far (header excluded). */
        public long rows() { return rows; }

        private void writeLine(String line) {
            try {
                out.write(line);
                out.write('\n');
            } catch (IOException e) {
                throw new TrmException("cannot write " + file + ": " + e.getMessage(), e);
            }
        }

        @Override
        public void close() {
            try {
                out.close();
            } catch (IOException e) {
                throw new TrmException("cannot write " + file + ": " + e.getMessage(), e);
            }
        }
    }

    private static String quoteIfNeeded(String field) {
        if (field.indexOf(',') < 0 && field.indexOf('"') < 0 && field.indexOf('\n') < 0 && field.indexOf('\r') < 0) return field;
        return '"' + field.replace("\"", "\"\"") + '"';
    }

    private static String abbreviate(String text) {
        return text.length() <= 60 ? text : text.substring(0, 57) + "...";
    }
}
