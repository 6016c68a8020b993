package trm.trainer.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import trm.trainer.Metrics;

/** Metrics as a table for people and as JSON for programs. */
final class MetricsFormat {
    static final ObjectMapper JSON = new ObjectMapper();

    private MetricsFormat() {}

    /** The metrics as JSON; a non-finite value (a diverged run, NaN weights) is written as null, never as a string. */
    static ObjectNode json(Metrics m) {
        ObjectNode n = JSON.createObjectNode();
        n.put("count", m.count());
        number(n, "accuracy", m.accuracy());
        number(n, "exact_accuracy", m.exactAccuracy());
        number(n, "q_halt_accuracy", m.qHaltAccuracy());
        number(n, "steps", m.steps());
        number(n, "lm_loss", m.lmLoss());
        number(n, "q_halt_loss", m.qHaltLoss());
        return n;
    }

    /** JSON has no NaN or Infinity: they become null. */
    static void number(ObjectNode n, String key, double v) {
        if (Double.isFinite(v)) n.put(key, v);
        else n.putNull(key);
    }

    static String table(Metrics m) {
        return String.format("""
                metric            value
                puzzles           %d
                token accuracy    %.4f
                exact accuracy    %.4f
                q_halt accuracy   %.4f
                mean steps        %.2f
                lm_loss           %.4f
                q_halt_loss       %.4f""", m.count(), m.accuracy(), m.exactAccuracy(), m.qHaltAccuracy(), m.steps(),
                m.lmLoss(), m.qHaltLoss());
    }
}
