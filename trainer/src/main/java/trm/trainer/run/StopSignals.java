package trm.trainer.run;

import sun.misc.Signal;
import sun.misc.SignalHandler;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * SIGINT (Ctrl-C) and SIGTERM as a request to stop at the next step boundary, instead of the
 * JVM's immediate exit: the training loop polls {@link #requested()}, writes its checkpoint and
 * exits with 128 + the signal's number (130, 143), as a shell reports a process the signal ended.
 * A second signal while the checkpoint is written is noted and ignored, so the pair of files is
 * never cut in half; {@code kill -9} cannot be caught, and the last checkpoint is what remains.
 * Closing restores the previous handlers (tests run the command line inside one JVM).
 *
 * <p>Uses {@code sun.misc.Signal} (module jdk.unsupported): the JDK has no supported API that
 * replaces the default action of a signal; shutdown hooks run only after the exit has begun.
 */
public final class StopSignals implements AutoCloseable {
    private final AtomicReference<Signal> received = new AtomicReference<>();
    private final Map<Signal, SignalHandler> previous = new LinkedHashMap<>();

    /** Takes over SIGINT and SIGTERM until {@link #close()}. */
    public static StopSignals install() {
        StopSignals s = new StopSignals();
        for (String name : new String[] {"INT", "TERM"}) {
            Signal sig = new Signal(name);
            try {
                s.previous.put(sig, Signal.handle(sig, caught -> s.received.compareAndSet(null, caught)));
            } catch (IllegalArgumentException e) {
                // The JVM keeps this signal for itself (e.g. INT with -Xrs): it keeps its default action.
            }
        }
        return s;
    }

    /** Whether a stop was asked for. */
    public boolean requested() { return received.get() != null; }

    /** The first signal received, as "SIGTERM", or null. */
    public String name() {
        Signal n = received.get();
        return n == null ? null : "SIG" + n.getName();
    }

    /** The exit status a shell gives a process ended by that signal: 128 + its number. */
    public int exitCode() {
        Signal n = received.get();
        return n == null ? 0 : 128 + n.getNumber();
    }

    @Override
    public void close() {
        previous.forEach(Signal::handle);
        previous.clear();
    }
}
