package trm.trainer.data.sudoku;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import trm.engine.TrmException;

/**
 * Reads a text file line by line, remembering the 1-based number of the last line read so that
 * parse errors can say "file:line: problem". Handles LF and CRLF endings and a UTF-8 byte-order
 * mark. I/O failures become TrmExceptions naming the file.
 */
final class NumberedLineReader implements Closeable {
    private final Path file;
    private final BufferedReader reader;
    private int lineNumber;

    NumberedLineReader(Path file) {
        this.file = file;
        try {
            this.reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new TrmException("no such file: " + file);
        } catch (IOException e) {
            throw new TrmException("cannot open " + file + ": " + e.getMessage(), e);
        }
    }

    /** The next line without its line terminator, or null at the end of the file. */
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

    /** "file:line: ", the prefix of every error about the current line. */
    String context() {
        return file + ":" + lineNumber + ": ";
    }

    @Override
    public void close() {
        try {
            reader.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
