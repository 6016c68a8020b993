package trm.trainer.cli;

import trm.trainer.Metrics;

import java.io.PrintStream;
import java.time.Duration;

/** One status line for a training run, redrawn in place on a terminal, printed per interval otherwise. */
final class Progress {
    private final PrintStream out;
    private final boolean terminal = System.console() != null;
    private final long total;
    private final int batch;
    private final long startStep;
    private final long startNanos = System.nanoTime();

    Progress(PrintStream out, long startStep, long total, int batch) {
        this.out = out;
        this.startStep = startStep;
        this.total = total;
        this.batch = batch;
    }

    void update(long step, Metrics m, double lr) {
        double secs = (System.nanoTime() - startNanos) / 1e9;
        double rate = (step - startStep) / Math.max(1e-9, secs);
        long eta = rate > 0 ? (long) ((total - step) / rate) : 0;
        int width = 24, filled = (int) (width * step / Math.max(1, total));
        String line = String.format("step %d/%d [%s%s] %.2f steps/s %.1f samples/s loss %.4f acc %.3f exact %.3f steps %.1f lr %.2e ETA %s",
                step, total, "#".repeat(filled), ".".repeat(width - filled), rate, rate * batch, m.loss(), m.accuracy(),
                m.exactAccuracy(), m.steps(), lr, format(Duration.ofSeconds(eta)));
        if (terminal) out.print("\r" + line + "\u001b[K");
        else out.println(line);
        out.flush();
    }

    void println(String s) {
        if (terminal) out.print("\r\u001b[K");
        out.println(s);
    }

    static String format(Duration d) {
        long s = d.toSeconds();
        return s >= 3600 ? String.format("%dh%02dm", s / 3600, s / 60 % 60) : String.format("%dm%02ds", s / 60, s % 60);
    }
}
