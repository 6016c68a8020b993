package trm.engine;

/**
 * A problem with what the user gave us (a malformed puzzle, a truncated checkpoint, a shape
 * mismatch, a missing GPU). Its message is one line that names the problem; the command line
 * prints it without a stack trace and exits non-zero.
 */
public class TrmException extends RuntimeException {
    public TrmException(String message) { super(oneLine(message)); }

    public TrmException(String message, Throwable cause) { super(oneLine(message), cause); }

    /** Control characters a file put into the message (a key with a line break) written as escapes, so it stays one line. */
    static String oneLine(String message) {
        if (message == null || message.chars().noneMatch(Character::isISOControl)) return message;
        StringBuilder s = new StringBuilder(message.length() + 8);
        for (char ch : message.toCharArray()) {
            if (ch == '\n') s.append("\\n");
            else if (ch == '\r') s.append("\\r");
            else if (ch == '\t') s.append("\\t");
            else if (Character.isISOControl(ch)) s.append(String.format("\\u%04x", (int) ch));
            else s.append(ch);
        }
        return s.toString();
    }
}
