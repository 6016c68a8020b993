package trm.trainer.data.maze;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import trm.engine.TrmException;

/**
 * Reads a text file line by line, remembering the 1-based line number for "file:line: problem"
 * errors; LF or CRLF endings, a UTF-8 byte-order mark skipped. Lines are returned unstripped:
 * spaces are open maze cells.
 */
final class MazeLines implements AutoCloseable {
    private final Path file;
    private final BufferedReader reader;
    private int lineNumber;

    MazeLines(Path file) {
        this.file = file;
        try {
            this.reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new TrmException("no such file: " + file);
        } catch (IOException e) {
            throw new TrmException("cannot open " + file + ": " + e.getMessage(), e);
        }
    }

    /** The next line without its terminator, or null at the end. */
    String next() {
        try {
            String line = reader.readLine();
            if (line == null) return null;
            lineNumber++;
            if (lineNumber == 1 && !line.isEmpty() && line.charAt(0) == '\uFEFF') line = line.substring(1);
            return line;
        } catch (IOException e) {
            throw new TrmException("cannot read " + file + " after line " + lineNumber + ": " + e.getMessage(), e);
        }
    }

    int lineNumber() { return lineNumber; }

    Path file() { return file; }

    /** "file:line: " for the line last read. */
    String context() { return context(lineNumber); }

    String context(int line) { return file + ":" + line + ": "; }

    @Override
    public void close() {
        try {
            reader.close();
        } catch (IOException e) {
            throw new TrmException("cannot close " + file + ": " + e.getMessage(), e);
        }
    }
}
