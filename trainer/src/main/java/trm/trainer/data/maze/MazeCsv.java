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
 * The Maze-Hard CSV ({@code sapientinc/maze-30x30-hard-1k}): a header
 * {@code source,question,answer,rating}, then one row per maze; question and answer are
 * {@code side²} characters over {@code "# SGo"} read row-major (900 for 30×30), the rating a
 * non-negative integer (ours is the shortest path's length in steps; a file's own rating is kept
 * as read). Fields may be double-quoted (RFC 4180, {@code ""} for a quote) but a row is one line.
 * Fields are never stripped: spaces are open cells. The first row fixes the side; blank lines
 * are skipped.
 *
 * <p>Every row is checked ({@link MazeRules}): lengths, characters, exactly one S and one G,
 * the answer being the question with a valid shortest S→G path marked. Errors are one line,
 * "file:line: problem".
 */
public final class MazeCsv {
    public static final String HEADER = "source,question,answer,rating";

    private MazeCsv() {}

    /** Every row of the file; an empty body is an error. */
    public static List<MazeExample> readAll(Path file) {
        List<MazeExample> examples = new ArrayList<>();
        try (MazeLines lines = new MazeLines(file)) {
            String header = lines.next();
            if (header == null) throw new TrmException(file + ": empty file, expected the header '" + HEADER + "'");
            if (!header.strip().equals(HEADER)) {
                throw new TrmException(lines.context() + "missing header: expected '" + HEADER + "' but found '" + abbreviate(header) + "'");
            }
            int side = 0;
            String line;
            while ((line = lines.next()) != null) {
                if (line.isBlank()) continue;
                MazeExample e = parseRow(line, side, lines.context());
                side = e.height();
                examples.add(e);
            }
        }
        if (examples.isEmpty()) throw new TrmException(file + ": no mazes after the header");
        return examples;
    }

    /** Writes a complete file: header, then one row per example (square mazes only). */
    public static void write(Path file, Iterable<MazeExample> examples) {
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            out.write(HEADER);
            out.write('\n');
            for (MazeExample e : examples) {
                out.write(formatRow(e));
                out.write('\n');
            }
        } catch (IOException e) {
            throw new TrmException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** One row without line terminator. */
    public static String formatRow(MazeExample e) {
        if (e.height() != e.width()) {
            throw new TrmException("the Maze-Hard CSV holds square mazes only; this one is " + e.height() + "x" + e.width());
        }
        return quoteIfNeeded(e.source()) + ',' + MazeText.format(e.question()) + ',' + MazeText.format(e.answer()) + ','
                + e.rating();
    }

    /**
     * One row; {@code side} is the file's side so far (0 before the first row).
     *
     * @param context "file:line: "
     */
    static MazeExample parseRow(String line, int side, String context) {
        List<String> fields = splitFields(line, context);
        if (fields.size() != 4) throw new TrmException(context + "expected 4 fields (" + HEADER + ") but found " + fields.size());
        String questionText = fields.get(1);
        String answerText = fields.get(2);
        if (side == 0) side = sideOf(questionText.length(), context);
        if (questionText.length() != side * side) {
            throw new TrmException(context + "question has " + questionText.length() + " characters but this file's mazes are "
                    + side + "x" + side + " (" + side * side + ")");
        }
        if (answerText.length() != side * side) {
            throw new TrmException(context + "answer has " + answerText.length() + " characters but the question has " + side * side);
        }
        int[] question = MazeText.parse(questionText, side, side, context + "question: ");
        int[] answer = MazeText.parse(answerText, side, side, context + "answer: ");
        int rating = parseRating(fields.get(3).strip(), context);
        String problem = MazeRules.exampleProblem(side, side, question, answer, rating);
        if (problem != null) throw new TrmException(context + problem);
        return new MazeExample(side, side, question, answer, rating, fields.get(0));
    }

    private static int sideOf(int length, String context) {
        int side = (int) Math.round(Math.sqrt(length));
        if (side < 2 || side * side != length) {
            throw new TrmException(context + "question has " + length + " characters: not a square maze of at least 2x2"
                    + " (30x30 has 900)");
        }
        return side;
    }

    private static int parseRating(String text, String context) {
        try {
            int rating = Integer.parseInt(text);
            if (rating >= 0) return rating;
        } catch (NumberFormatException e) {
            // reported below with the text
        }
        throw new TrmException(context + "bad rating '" + abbreviate(text) + "' (expected a non-negative integer)");
    }

    /** Splits one line into fields; a field may be double-quoted with "" standing for a quote. */
    static List<String> splitFields(String line, String context) {
        List<String> fields = new ArrayList<>(4);
        StringBuilder field = new StringBuilder();
        int i = 0;
        while (true) {
            if (i < line.length() && line.charAt(i) == '"') {
                i++;
                while (true) {
                    if (i >= line.length()) throw new TrmException(context + "unterminated quoted field");
                    char ch = line.charAt(i++);
                    if (ch != '"') {
                        field.append(ch);
                    } else if (i < line.length() && line.charAt(i) == '"') {
                        field.append('"');
                        i++;
                    } else {
                        break;
                    }
                }
                if (i < line.length() && line.charAt(i) != ',') {
                    throw new TrmException(context + "unexpected text after a quoted field at column " + (i + 1));
                }
            } else {
                while (i < line.length() && line.charAt(i) != ',') field.append(line.charAt(i++));
            }
            fields.add(field.toString());
            field.setLength(0);
            if (i >= line.length()) return fields;
            i++; // the comma
        }
    }

    private static String quoteIfNeeded(String field) {
        if (field.indexOf('\n') >= 0 || field.indexOf('\r') >= 0) {
            throw new TrmException("source name contains a line break: '" + abbreviate(field) + "'");
        }
        if (field.indexOf(',') < 0 && field.indexOf('"') < 0) return field;
        return '"' + field.replace("\"", "\"\"") + '"';
    }

    private static String abbreviate(String text) {
        return text.length() <= 60 ? text : text.substring(0, 57) + "...";
    }
}
