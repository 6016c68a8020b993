package trm.trainer.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.csv.CsvFactory;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import trm.engine.TrmException;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The rows of an RFC 4180 CSV file (Jackson's CSV parser): any field may be double-quoted, the
 * header included (R's {@code write.csv}, Python's {@code QUOTE_ALL}), a quoted field may hold
 * commas, {@code ""} for a quote and line breaks; LF or CRLF endings; blank lines are skipped.
 * The text is decoded strictly by {@link TextLines}, so a byte that is not UTF-8 is reported
 * with its line. Every error is one line "file:line: problem" — the line a row starts on.
 * Used by every task whose data comes as CSV (Sudoku-Extreme, Maze-Hard: source,question,answer,rating).
 */
public final class CsvRows implements AutoCloseable {
    /** One row: the file line it starts on and its fields, unquoted. */
    public record Row(int line, List<String> fields) {}

    private static final CsvFactory FACTORY = new CsvFactory();

    private final TextLines lines;
    private final CsvParser parser;
    private boolean inDocument;

    public CsvRows(Path file) {
        this.lines = new TextLines(file);
        try {
            this.parser = FACTORY.createParser(new LinesReader(lines));
            parser.setSchema(CsvSchema.emptySchema());
            parser.enable(CsvParser.Feature.WRAP_AS_ARRAY);
            parser.enable(CsvParser.Feature.SKIP_EMPTY_LINES);
        } catch (IOException e) {
            lines.close();
            throw new TrmException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** The file, for messages. */
    public Path file() { return lines.file(); }

    /** "file:line: " for a row. */
    public String context(Row row) {
        return lines.file() + ":" + row.line() + ": ";
    }

    /** The next row (blank lines skipped), or null at the end of the file; a TrmException naming file and line for malformed CSV. */
    public Row next() {
        int line = -1, rowStart = -1;
        try {
            while (true) {
                line = -1;
                rowStart = parser.currentLocation().getLineNr(); // after the previous row: where this one begins
                JsonToken t = parser.nextToken();
                if (t == JsonToken.START_ARRAY && !inDocument) { // WRAP_AS_ARRAY: the document is one array of rows
                    inDocument = true;
                    t = parser.nextToken();
                }
                if (t == null || t == JsonToken.END_ARRAY) return null;
                if (t != JsonToken.START_ARRAY) throw new TrmException(lines.file() + ":" + lines.lineNumber() + ": malformed CSV row");
                List<String> fields = new ArrayList<>(4);
                while ((t = parser.nextToken()) != JsonToken.END_ARRAY) {
                    if (t == null) throw new TrmException(lines.file() + ":" + (line > 0 ? line : lines.lineNumber()) + ": the file ends inside this row");
                    if (fields.isEmpty()) line = parser.currentTokenLocation().getLineNr(); // where the row's first field starts
                    fields.add(parser.getText());
                }
                if (fields.size() == 1 && fields.getFirst().isBlank()) continue; // a blank line
                return new Row(line, fields);
            }
        } catch (JsonProcessingException e) {
            String why = e.getOriginalMessage() == null ? "" : e.getOriginalMessage().lines().findFirst().orElse("");
            if (why.startsWith("Missing closing quote")) why = "unterminated quoted field (it runs to the end of the file)";
            else why = "malformed CSV (" + why + ")";
            int at = e.getLocation() == null ? -1 : e.getLocation().getLineNr();
            if (line < 1) line = rowStart > 0 ? rowStart : at > 0 ? at : lines.lineNumber();
            throw new TrmException(lines.file() + ":" + line + ": " + why + (at > line ? " (found at line " + at + ")" : ""));
        } catch (IOException e) {
            throw new TrmException("cannot read " + lines.file() + " after line " + lines.lineNumber() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            parser.close();
        } catch (IOException ignored) {
            // closing a reader over a file we only read
        }
        lines.close();
    }

    /** The lines as one character stream, each ended by '\n' (BOM and CR already removed by TextLines). */
    private static final class LinesReader extends Reader {
        private final TextLines lines;
        private String current = "";
        private int at;
        private boolean done;

        LinesReader(TextLines lines) {
            this.lines = lines;
        }

        @Override
        public int read(char[] buf, int off, int len) {
            if (len == 0) return 0;
            while (at == current.length()) {
                if (done) return -1;
                String next = lines.next();
                if (next == null) {
                    done = true;
                    return -1;
                }
                current = next + "\n";
                at = 0;
            }
            int n = Math.min(len, current.length() - at);
            current.getChars(at, at + n, buf, off);
            at += n;
            return n;
        }

        @Override
        public void close() {}
    }
}
