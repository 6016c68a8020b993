package trm.trainer.data.sudoku;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * An iterator over the records of a file that parses one record only when asked, so that
 * multi-million-row files never sit in memory. Close it to close the file.
 */
public abstract sealed class LazyFileReader<T> implements Iterator<T>, AutoCloseable
        permits PuzzleLines.Reader, SudokuCsv.Reader {
    private final AutoCloseable source;
    private T next;

    LazyFileReader(AutoCloseable source) {
        this.source = source;
    }

    /** The next record, or null at the end of the file. */
    abstract T readNext();

    @Override
    public final boolean hasNext() {
        if (next == null) next = readNext();
        return next != null;
    }

    @Override
    public final T next() {
        if (!hasNext()) throw new NoSuchElementException();
        T result = next;
        next = null;
        return result;
    }

    @Override
    public final void close() {
        try {
            source.close();
        } catch (Exception e) {
            throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
        }
    }

    /** A sequential stream over the remaining records that closes the file when it is closed. */
    public final Stream<T> stream() {
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(this, Spliterator.ORDERED | Spliterator.NONNULL), false)
                .onClose(this::close);
    }
}
