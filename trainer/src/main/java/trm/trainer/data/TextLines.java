package trm.trainer.data;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CoderResult;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import trm.engine.TrmException;

/**
 * Reads a UTF-8 text file line by line, remembering the 1-based number of the last line read so that
 * parse errors can say "file:line: problem". Handles LF and CRLF endings and a UTF-8 byte-order
 * mark. Each line is decoded strictly, so bytes that are not UTF-8 are reported with the line
 * and byte column where they are (a buffered decoder would fail ahead of the line it returned).
 * I/O failures become TrmExceptions naming the file.
 */
public class TextLines implements Closeable {
    private final Path file;
    private final InputStream in;
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);
    private final byte[] buf = new byte[1 << 16];
    private int pos, limit;
    private int lineNumber;

    public TextLines(Path file) {
        this.file = file;
        try {
            if (Files.isDirectory(file)) throw new TrmException(file + ": is a folder, not a file");
            this.in = Files.newInputStream(file);
        } catch (NoSuchFileException e) {
            throw new TrmException("no such file: " + file);
        } catch (IOException e) {
            throw new TrmException("cannot open " + file + ": " + e.getMessage(), e);
        }
    }

    /** The next line without its line terminator, or null at the end of the file. */
    public String next() {
        try {
            line.reset();
            boolean ended = false;
            while (true) {
                if (pos == limit) {
                    limit = in.read(buf);
                    pos = 0;
                    if (limit <= 0) { limit = 0; break; }
                }
                int start = pos;
                while (pos < limit && buf[pos] != '\n') pos++;
                line.write(buf, start, pos - start);
                if (pos < limit) { pos++; ended = true; break; }
            }
            if (!ended && line.size() == 0) return null;
            lineNumber++;
            byte[] bytes = line.toByteArray();
            int n = bytes.length;
            if (n > 0 && bytes[n - 1] == '\r') n--;
            String text = decode(bytes, n);
            if (lineNumber == 1 && !text.isEmpty() && text.charAt(0) == '\uFEFF') text = text.substring(1);
            return text;
        } catch (IOException e) {
            throw new TrmException("cannot read " + file + " after line " + lineNumber + ": " + e.getMessage(), e);
        }
    }

    private String decode(byte[] bytes, int n) {
        ByteBuffer src = ByteBuffer.wrap(bytes, 0, n);
        CharBuffer out = CharBuffer.allocate(n);
        utf8.reset();
        CoderResult r = utf8.decode(src, out, true);
        if (!r.isError()) r = utf8.flush(out);
        if (r.isError()) // src stops at the first byte of the bad sequence
            throw new TrmException(context() + "not UTF-8 text: byte 0x" + String.format("%02X", bytes[Math.min(src.position(), n - 1)] & 0xFF)
                    + " at column " + (Math.min(src.position(), n - 1) + 1) + " (save the file as UTF-8)");
        return out.flip().toString();
    }

    public int lineNumber() { return lineNumber; }

    public Path file() { return file; }

    /** "file:line: ", the prefix of every error about the current line. */
    public String context() {
        return file + ":" + lineNumber + ": ";
    }

    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
