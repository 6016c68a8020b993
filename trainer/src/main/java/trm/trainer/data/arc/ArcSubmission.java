package trm.trainer.data.arc;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import trm.engine.io.AtomicFiles;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * The ARC Prize's submission file: {@code {task_id: [{"attempt_1": grid, "attempt_2": grid}, …
 * one per test input in order]}}, grids as lists of rows. The attempts are the voter's top two;
 * a single candidate is repeated; a test input with no prediction gets {@code [[0]]} twice (the
 * format wants a grid).
 */
public final class ArcSubmission {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final ArcGrid NOTHING = new ArcGrid(1, 1, new int[] {0});

    private ArcSubmission() {}

    public static ObjectNode of(List<ArcTask> tasks, ArcVoter voter) {
        ObjectNode root = JSON.createObjectNode();
        for (ArcTask t : tasks) {
            ArrayNode list = root.putArray(t.id());
            for (int j = 0; j < t.test().size(); j++) {
                List<ArcVoter.Candidate> c = voter.ranked(t.id(), j);
                ArcGrid a1 = c.isEmpty() ? NOTHING : c.get(0).grid(), a2 = c.size() > 1 ? c.get(1).grid() : a1;
                ObjectNode o = list.addObject();
                o.set("attempt_1", grid(a1));
                o.set("attempt_2", grid(a2));
            }
        }
        return root;
    }

    /** Writes the submission atomically. */
    public static void write(Path file, List<ArcTask> tasks, ArcVoter voter) {
        byte[] bytes = (of(tasks, voter) + "\n").getBytes(StandardCharsets.UTF_8);
        AtomicFiles.write(file, ch -> {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) ch.write(b);
        });
    }

    private static ArrayNode grid(ArcGrid g) {
        ArrayNode rows = JSON.createArrayNode();
        for (int r = 0; r < g.height(); r++) {
            ArrayNode row = rows.addArray();
            for (int c = 0; c < g.width(); c++) row.add(g.at(r, c));
        }
        return rows;
    }
}
