package trm.trainer.run;

import trm.engine.TrmException;

import java.time.Duration;

/**
 * How often a training run writes its checkpoint, independently of evaluation: every N
 * optimizer steps ({@code "500"}) or every N minutes of wall time ({@code "10m"}), checked at
 * step boundaries. Checkpoints never change the numbers, so the cadence may change on resume.
 */
public sealed interface CheckpointCadence {
    /** The default: every 10 minutes, so that a kill loses at most 10 minutes of work. */
    String DEFAULT = "10m";

    /** Every {@code steps} optimizer steps. */
    record Steps(long steps) implements CheckpointCadence {
        public Steps {
            if (steps <= 0) throw new TrmException("--checkpoint-every must be positive, got " + steps + " steps");
        }
        @Override public boolean due(long step, Duration sinceLast) { return step % steps == 0; }
        @Override public String toString() { return Long.toString(steps); }
    }

    /** Every {@code minutes} minutes of wall time since the last checkpoint (or the start). */
    record Minutes(long minutes) implements CheckpointCadence {
        public Minutes {
            if (minutes <= 0) throw new TrmException("--checkpoint-every must be positive, got " + minutes + " minutes");
        }
        @Override public boolean due(long step, Duration sinceLast) { return sinceLast.toMinutes() >= minutes; }
        @Override public String toString() { return minutes + "m"; }
    }

    /** Whether a checkpoint is due after {@code step}, {@code sinceLast} after the last one. */
    boolean due(long step, Duration sinceLast);

    /** {@code N} (steps) or {@code Nm} (minutes), N a positive whole number; one line naming the problem otherwise. */
    static CheckpointCadence parse(String text) {
        String t = text.strip();
        boolean minutes = t.endsWith("m");
        String digits = minutes ? t.substring(0, t.length() - 1) : t;
        long n;
        try {
            n = Long.parseLong(digits);
        } catch (NumberFormatException e) {
            throw new TrmException("--checkpoint-every must be N (steps) or Nm (minutes), e.g. 500 or 10m; got '" + text + "'");
        }
        return minutes ? new Minutes(n) : new Steps(n);
    }
}
