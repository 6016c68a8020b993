package trm.trainer.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import trm.trainer.Metrics;

/** Metrics as a table for people and as JSON for programs. */
final class MetricsFormat {
    static final ObjectMapper JSON = new ObjectMapper();

    private MetricsFormat() {}

    static ObjectNode json(Metrics m) {
        ObjectNode n = JSON.createObjectNode();
        n.put("count", m.count());
        n.put("accuracy", m.accuracy());
        n.put("exact_accuracy", m.exactAccuracy());
        n.put("q_halt_accuracy", m.qHaltAccuracy());
        n.put("steps", m.steps());
        n.put("lm_loss", m.lmLoss());
        n.put("q_halt_loss", m.qHaltLoss());
        return n;
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
