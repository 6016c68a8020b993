package trm.trainer.cli;

/**
 * The command line's exit codes, the same for every command (the README's table lists them).
 * 1 is left to the JVM: an uncaught exception, i.e. a bug of ours, with its stack trace.
 */
final class Exit {
    private Exit() {}

    /** Done as asked. */
    static final int OK = 0;
    /** A user mistake (bad option, input or file): one line on stderr, nothing written. */
    static final int USER_ERROR = 2;
    /** The JVM ran out of memory (raise TRM_HEAP or lower --batch). */
    static final int OUT_OF_MEMORY = 3;
    /** The command ran but its result is not valid: solve, some answer is not a valid solution; train, the run diverged. */
    static final int NO_VALID_RESULT = 4;
}
