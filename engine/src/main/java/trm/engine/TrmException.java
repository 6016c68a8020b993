package trm.engine;

/**
 * A problem with what the user gave us (a malformed puzzle, a truncated checkpoint, a shape
 * mismatch, a missing GPU). Its message is one line that names the problem; the command line
 * prints it without a stack trace and exits non-zero.
 */
public class TrmException extends RuntimeException {
    public TrmException(String message) { super(message); }

    public TrmException(String message, Throwable cause) { super(message, cause); }
}
